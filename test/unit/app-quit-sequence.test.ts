import { describe, expect, it } from 'vitest';
import { installQuitSequence } from '../../electron/app/quit-sequence.ts';
import { silentLogger } from '../../electron/core/log.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { FakeApp } from '../support/fake-electron.ts';

const settle = () => new Promise((resolve) => setImmediate(resolve));

function setUp(stop: () => Promise<void>) {
  const app = new FakeApp();
  const clock = new FakeClock();
  installQuitSequence({ app, stop, log: silentLogger, clock, timeoutMs: 20_000 });
  return { app, clock };
}

describe('the quit sequence', () => {
  it('holds the quit until every session has stopped, then quits', async () => {
    const order: string[] = [];
    let finish: () => void = () => {};
    const { app } = setUp(async () => {
      order.push('stopping');
      await new Promise<void>((resolve) => (finish = resolve));
      order.push('stopped');
    });
    app.quit();
    await settle();
    expect(app.exited).toBe(false);
    expect(order).toEqual(['stopping']);
    finish();
    await settle();
    expect(order).toEqual(['stopping', 'stopped']);
    expect(app.exited).toBe(true);
  });

  it('stops once however often quitting is asked for meanwhile', async () => {
    let stops = 0;
    let finish: () => void = () => {};
    const { app } = setUp(() => {
      stops++;
      return new Promise<void>((resolve) => (finish = resolve));
    });
    app.quit();
    app.quit();
    app.quit();
    finish();
    await settle();
    expect(stops).toBe(1);
    expect(app.exited).toBe(true);
  });

  it('still quits when stopping fails', async () => {
    const { app } = setUp(() => Promise.reject(new Error('state.db is gone')));
    app.quit();
    await settle();
    expect(app.exited).toBe(true);
  });

  it('quits anyway when stopping hangs past the time allowed', async () => {
    const { app, clock } = setUp(() => new Promise<void>(() => {}));
    app.quit();
    await settle();
    clock.advance(19_999);
    await settle();
    expect(app.exited).toBe(false);
    clock.advance(1);
    await settle();
    expect(app.exited).toBe(true);
  });
});
