import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunwatchEvent } from '../../shared/events.ts';
import { EventBus } from '../../electron/core/events/event-bus.ts';
import { streamLogger } from '../../electron/core/log.ts';
import { Monitor } from '../../electron/core/monitor/monitor.ts';
import { resolveMonitorSettings } from '../../electron/core/monitor/monitor-settings.ts';
import { StateStore } from '../../electron/core/store/state-store.ts';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { OrchestrationDb, tempDir } from '../support/orchestration-db.ts';

const MIN = 60_000;
const cleanup = cleanupAfterEach();

/** The real monitor on a real database, on a clock the test moves (and puts to sleep). */
function setup() {
  const dir = tempDir();
  const file = path.join(dir, 'orchestration.db');
  const orch = new OrchestrationDb(file);
  const clock = new FakeClock(Date.now());
  const store = StateStore.open(path.join(dir, 'data'));
  const events: RunwatchEvent[] = [];
  const logs: string[] = [];
  const bus = new EventBus(() => {});
  bus.onAny((event) => events.push(event));
  const monitor = new Monitor({
    dbPath: file,
    sourceName: 'orch',
    store,
    bus,
    settings: resolveMonitorSettings({ flags: { poll: 100, stallAfter: 10 * MIN } }),
    log: streamLogger((line) => logs.push(line)),
    clock,
    folderHint: false,
  });
  cleanup.push(
    () => orch.close(),
    async () => {
      await monitor.stop();
      store.close();
    },
  );
  const iso = () => new Date(clock.now()).toISOString();
  /** Moves the clock in poll-sized steps, letting each cycle finish. */
  const run = async (ms: number) => {
    for (let left = ms; left > 0; left -= 100) {
      clock.advance(Math.min(100, left));
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  /** One running run, seen by a monitor that has started and read it. */
  const startWithRunningRun = async () => {
    orch.insertRun({
      runId: 'r1',
      updatedAt: iso(),
      steps: [{ stepId: 'a', status: 'running', updatedAt: iso() }],
    });
    monitor.start();
    await run(1_000);
  };
  return { orch, clock, events, logs, run, startWithRunningRun };
}

describe('after the machine sleeps', () => {
  it('re-reads the database before judging stalls: progress made meanwhile is no stall', async () => {
    const { orch, clock, events, logs, run, startWithRunningRun } = setup();
    await startWithRunningRun();
    expect(events.map((e) => e.type)).toEqual(['run_started']);
    clock.sleep(30 * MIN);
    orch.setStep('r1', 'a', {
      status: 'running',
      updated_at: new Date(clock.now() - MIN).toISOString(),
    });
    await run(1_000);
    expect(logs.some((line) => line.includes('re-reading before judging stalls'))).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['run_started']);
  });

  it('reports a run that made no progress meanwhile as stalled, once it has re-read it', async () => {
    const { clock, events, run, startWithRunningRun } = setup();
    await startWithRunningRun();
    clock.sleep(30 * MIN);
    await run(1_000);
    expect(events.map((e) => e.type)).toEqual(['run_started', 'run_stalled']);
    expect((events[1] as { idle_s: number }).idle_s).toBeGreaterThanOrEqual(30 * 60);
  });
});
