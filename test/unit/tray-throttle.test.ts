import { describe, expect, it } from 'vitest';
import { throttle } from '../../electron/core/tray/throttle.ts';
import { FakeClock } from '../support/fake-clock.ts';

const INTERVAL = 250;

function setup() {
  const clock = new FakeClock();
  const start = clock.now();
  const runs: { value: number; at: number }[] = [];
  const rebuild = throttle(
    (value: number) => runs.push({ value, at: clock.now() - start }),
    INTERVAL,
    clock,
  );
  return { clock, rebuild, runs };
}

describe('throttle', () => {
  it('rebuilds at once after a quiet spell', () => {
    const { clock, rebuild, runs } = setup();
    rebuild.push(1);
    expect(runs).toEqual([{ value: 1, at: 0 }]);
    clock.advance(INTERVAL);
    rebuild.push(2);
    expect(runs).toEqual([
      { value: 1, at: 0 },
      { value: 2, at: INTERVAL },
    ]);
  });

  it('folds a burst into one trailing rebuild with the latest state', () => {
    const { clock, rebuild, runs } = setup();
    rebuild.push(1);
    clock.advance(10);
    rebuild.push(2);
    rebuild.push(3);
    clock.advance(100);
    rebuild.push(4);
    expect(runs).toHaveLength(1);
    clock.advance(INTERVAL - 110 - 1);
    expect(runs).toHaveLength(1);
    clock.advance(1);
    expect(runs).toEqual([
      { value: 1, at: 0 },
      { value: 4, at: INTERVAL },
    ]);
    clock.advance(10 * INTERVAL);
    expect(runs).toHaveLength(2);
  });

  it('rebuilds at most once per interval through a long stream, ending on the last state', () => {
    const { clock, rebuild, runs } = setup();
    for (let i = 1; i <= 300; i++) {
      rebuild.push(i);
      clock.advance(10);
    }
    clock.advance(INTERVAL);
    const gaps = runs.slice(1).map((run, i) => run.at - (runs[i] as { at: number }).at);
    expect(gaps.every((gap) => gap >= INTERVAL)).toBe(true);
    expect(runs.length).toBeLessThanOrEqual(Math.ceil((300 * 10) / INTERVAL) + 1);
    expect(runs.at(-1)?.value).toBe(300);
  });

  it('drops a waiting rebuild when cancelled', () => {
    const { clock, rebuild, runs } = setup();
    rebuild.push(1);
    rebuild.push(2);
    rebuild.cancel();
    clock.advance(10 * INTERVAL);
    expect(runs.map((run) => run.value)).toEqual([1]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not hold the tray when the clock is set back', () => {
    const { clock, rebuild, runs } = setup();
    rebuild.push(1);
    clock.advance(INTERVAL);
    clock.jump(-3_600_000);
    rebuild.push(2);
    expect(runs.map((run) => run.value)).toEqual([1, 2]);
  });
});
