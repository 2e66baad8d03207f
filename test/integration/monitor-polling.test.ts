/**
 * How often the real monitor checks a real database, on a clock the test moves: `--poll` while
 * anything moves or without a folder watch to rely on, spaced out while idle, and events from the
 * folder watch honoured even when they come before their commit or after the poll that found it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunwatchEvent } from '../../shared/events.ts';
import { EventBus } from '../../electron/core/events/event-bus.ts';
import { streamLogger } from '../../electron/core/log.ts';
import { Monitor } from '../../electron/core/monitor/monitor.ts';
import { resolveMonitorSettings } from '../../electron/core/monitor/monitor-settings.ts';
import { FOLLOW_UP_MS, IDLE_POLL_MAX_MS } from '../../electron/core/monitor/poll-pacer.ts';
import { StateStore } from '../../electron/core/store/state-store.ts';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { waitFor } from '../support/wait.ts';

const POLL = 100;
const cleanup = cleanupAfterEach();

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

function setup(folderHint: boolean) {
  const dir = tempDir();
  const file = path.join(dir, 'orchestration.db');
  const orch = new OrchestrationDb(file);
  const clock = new FakeClock(Date.now());
  const store = StateStore.open(path.join(dir, 'data'));
  const events: RunwatchEvent[] = [];
  const bus = new EventBus(() => {});
  bus.onAny((event) => events.push(event));
  const monitor = new Monitor({
    dbPath: file,
    sourceName: 'orch',
    store,
    bus,
    settings: resolveMonitorSettings({ flags: { poll: POLL, stallAfter: 3_600_000 } }),
    log: streamLogger(() => {}),
    clock,
    folderHint,
  });
  cleanup.push(
    () => orch.close(),
    async () => {
      await monitor.stop();
      store.close();
    },
  );
  /** Moves the clock to each timer in turn for `ms`, letting every cycle finish. */
  const run = async (ms: number) => {
    const end = clock.monotonic() + ms;
    while (clock.monotonic() < end) {
      clock.advance(Math.min(POLL, end - clock.monotonic()));
      await settle();
    }
  };
  /** The delays the monitor asked for since `from` (an index into the clock's record). */
  const delaysSince = (from: number) => clock.delays.slice(from);
  const started = (runId: string) =>
    events.some((e) => e.type === 'run_started' && 'run_id' in e && e.run_id === runId);
  return { dir, file, orch, clock, monitor, events, run, delaysSince, started };
}

describe('polling', () => {
  it('spaces out idle checks while the folder watch reports writes, and still sees the next change', async () => {
    const { orch, monitor, clock, run, delaysSince, started } = setup(true);
    orch.insertRun({ runId: 'quiet', steps: [{ stepId: 'a' }] });
    monitor.start();
    await run(1_000);
    expect(started('quiet')).toBe(true);
    await run(10_000);
    expect(delaysSince(clock.delays.length - 3)).toEqual([2_000, 2_000, 2_000]);
    orch.insertRun({ runId: 'next', steps: [{ stepId: 'a' }] });
    // the folder's event wakes the monitor: no timer needs to fire
    await waitFor(() => started('next'), 'the change after the idle stretch');
  });

  it('checks at --poll without a folder watch to rely on', async () => {
    const { orch, monitor, clock, run, delaysSince, started } = setup(false);
    orch.insertRun({ runId: 'r', steps: [{ stepId: 'a' }] });
    monitor.start();
    await run(1_000);
    expect(started('r')).toBe(true);
    const from = clock.delays.length;
    await run(3_000);
    expect(delaysSince(from).length).toBeGreaterThanOrEqual(29);
    expect(new Set(delaysSince(from))).toEqual(new Set([POLL]));
  });

  it('keeps spacing out after a spaced-out check finds a commit before the folder event is read', async () => {
    const { orch, monitor, clock, run, started } = setup(true);
    orch.insertRun({ runId: 'first', steps: [{ stepId: 'a' }] });
    monitor.start();
    await run(10_000);
    expect(clock.delays.at(-1)).toBe(IDLE_POLL_MAX_MS);
    orch.insertRun({ runId: 'raced', steps: [{ stepId: 'a' }] });
    // The idle check falls due right after the commit: it runs before the folder event is read.
    clock.advance(IDLE_POLL_MAX_MS);
    await settle();
    expect(started('raced')).toBe(true);
    await run(10_000);
    expect(clock.delays.slice(-3)).toEqual([2_000, 2_000, 2_000]);
  });

  it('follows a folder event with no commit behind it yet with checks milliseconds apart', async () => {
    const { dir, orch, monitor, clock, run } = setup(true);
    orch.insertRun({ runId: 'r', steps: [{ stepId: 'a' }] });
    monitor.start();
    await run(10_000);
    const from = clock.delays.length;
    // An event for the database's files, with no commit (yet) for the check to find.
    fs.writeFileSync(path.join(dir, 'orchestration.db-journal'), '');
    fs.rmSync(path.join(dir, 'orchestration.db-journal'));
    await waitFor(() => clock.delays.length > from, 'the check the event wakes');
    expect(clock.delays[from]).toBe(FOLLOW_UP_MS);
  });
});
