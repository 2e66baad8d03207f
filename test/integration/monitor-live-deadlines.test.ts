/**
 * Deadlines of runs that start while Runwatch watches: the stall, overdue and settle deadlines
 * armed by the commit that first records the run must fire on their own, with the orchestrator's
 * connection still open and nothing else written (no commit, so no data_version change and no
 * folder event to wake the monitor). Existing tests stall runs present before the first read.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { MonitorHarness, type HarnessOptions } from '../support/monitor-harness.ts';
import { OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { killedAfterEach, runwatch, type Child } from '../support/processes.ts';
import { waitFor } from '../support/wait.ts';

/** Generous: the deadlines are a few seconds; a loaded CI machine may be slow to run timers. */
const WAIT_MS = 30_000;

const cleanup = cleanupAfterEach();

function harnessOn(file: string, options: HarnessOptions): MonitorHarness {
  const harness = new MonitorHarness(file, options);
  cleanup.push(() => harness.stop());
  return harness;
}

function openDb(file: string): OrchestrationDb {
  const orch = new OrchestrationDb(file);
  cleanup.push(() => orch.close());
  return orch;
}

function setup(options: HarnessOptions) {
  const file = path.join(tempDir(), 'orchestration.db');
  const orch = openDb(file);
  return { file, orch, harness: harnessOn(file, options) };
}

/** How many rows the orchestrator's connection has written: unchanged means no write at all. */
const writes = (orch: OrchestrationDb) =>
  orch.db.prepare('SELECT total_changes()').pluck().get() as number;

const running = (runId: string, pipeline = 'etl') => ({
  runId,
  pipeline,
  steps: [
    { stepId: 'fit', status: 'running', startedAt: new Date().toISOString() },
    { stepId: 'evaluate' },
  ],
});

describe('a run that starts while the monitor watches, then makes no progress', () => {
  it.each([
    ['with the folder watch', true],
    ['without the folder watch', false],
  ])(
    'stalls %s while the writer keeps its connection open and writes nothing more',
    async (_, folderHint) => {
      // stall_after well past the poll back-off, so the monitor is idle when the deadline falls.
      const { orch, harness } = setup({ stallAfter: 3_000, folderHint });
      harness.start();
      await waitFor(() => harness.diagnostics, 'the first read');
      orch.insertRun(running('train-0007'));
      await harness.waitFor('run_started', 'train-0007');
      const written = writes(orch);

      const stalled = await harness.waitFor('run_stalled', 'train-0007', WAIT_MS);
      expect(stalled).toMatchObject({ run_id: 'train-0007', pipeline: 'etl', attempt: 1 });
      expect((stalled as { idle_s: number }).idle_s).toBeGreaterThanOrEqual(3);
      expect(orch.db.open).toBe(true);
      expect(writes(orch)).toBe(written);
      expect(harness.events.map((e) => e.type)).toEqual(['run_started', 'run_stalled']);
      expect(harness.store.attention('orch')).toMatchObject([
        { kind: 'stalled', run_id: 'train-0007' },
      ]);
    },
  );

  it('becomes overdue after max_duration, with no write after its start', async () => {
    const { orch, harness } = setup({
      stallAfter: 3_600_000,
      config: { pipelines: [{ pattern: 'long-*', maxDuration: 2_000 }] },
    });
    harness.start();
    await waitFor(() => harness.diagnostics, 'the first read');
    orch.insertRun(running('nightly', 'long-job'));
    await harness.waitFor('run_started', 'nightly');
    const written = writes(orch);

    const overdue = await harness.waitFor('run_overdue', 'nightly', WAIT_MS);
    expect((overdue as { running_for_s: number }).running_for_s).toBeGreaterThanOrEqual(2);
    expect(writes(orch)).toBe(written);
    expect(harness.events.map((e) => e.type)).toEqual(['run_started', 'run_overdue']);
  });

  it('finishes on its steps once settle has passed, with no write after the last step', async () => {
    const { orch, harness } = setup({ config: { globals: { settle: 2_000 } } });
    harness.start();
    await waitFor(() => harness.diagnostics, 'the first read');
    // The run's own status stays 'running': only the settle deadline can finish it.
    orch.insertRun({
      runId: 'lazy',
      steps: [
        { stepId: 'a', status: 'succeeded' },
        { stepId: 'b', status: 'succeeded' },
      ],
    });
    await harness.waitFor('run_started', 'lazy');
    const written = writes(orch);

    const done = await harness.waitFor('run_completed', 'lazy', WAIT_MS);
    expect(done).toMatchObject({ outcome: 'succeeded', steps_total: 2, steps_succeeded: 2 });
    expect(writes(orch)).toBe(written);
    expect(harness.events.map((e) => e.type)).toEqual(['run_started', 'run_completed']);
  });
});

describe('a database created after the monitor started', () => {
  it('stalls a run written into it, the writer connection staying open', async () => {
    const file = path.join(tempDir(), 'later.db');
    const harness = harnessOn(file, { stallAfter: 2_000 }).start();
    await harness.waitForLog(/database not found/);
    const orch = openDb(file);
    await waitFor(() => harness.diagnostics, 'the first read');
    orch.insertRun(running('first'));
    await harness.waitFor('run_started', 'first');
    const written = writes(orch);

    await harness.waitFor('run_stalled', 'first', WAIT_MS);
    expect(writes(orch)).toBe(written);
    expect(harness.events.map((e) => e.type)).toEqual(['run_started', 'run_stalled']);
  });

  it('stalls a run it already held at the first read, after source_down and source_up', async () => {
    const file = path.join(tempDir(), 'later.db');
    const harness = harnessOn(file, { stallAfter: 2_000, sourceGrace: 300 }).start();
    await harness.waitFor('source_down');
    const orch = openDb(file);
    orch.insertRun(running('early'));
    await harness.waitFor('run_started', 'early');
    const written = writes(orch);

    await harness.waitFor('run_stalled', 'early', WAIT_MS);
    expect(writes(orch)).toBe(written);
    expect(harness.events.map((e) => e.type)).toEqual([
      'source_down',
      'source_up',
      'run_started',
      'run_stalled',
    ]);
  });
});

describe('runwatch watch --stall-after on a run that starts while it watches', () => {
  const track = killedAfterEach();
  type Ev = Record<string, unknown>;
  const of = (child: Child, type: string, runId: string) =>
    child.events().filter((e: Ev) => e.type === type && e.run_id === runId);

  it('prints run_stalled with the writer connection open; a train-* pipeline keeps the 3h of the shipped config', async () => {
    const dir = tempDir();
    const orch = openDb(path.join(dir, 'orchestration.db'));
    const env = { XDG_CONFIG_HOME: path.join(dir, 'home') };
    const args = ['watch', '--json', '--stall-after', '2s', '--db', orch.file];
    const watcher = track(runwatch([...args, '--data-dir', path.join(dir, 'data')], env));
    await waitFor(() => watcher.stderr.some((line) => line.includes('schema ok')), 'first read');
    // The same start, the same idleness; only the pipeline name differs.
    orch.insertRun(running('train-0007', 'train-model'));
    orch.insertRun(running('etl-0007', 'etl'));
    await waitFor(() => of(watcher, 'run_started', 'etl-0007')[0], 'run_started of etl-0007');
    const written = writes(orch);

    const stalled = await waitFor(
      () => of(watcher, 'run_stalled', 'etl-0007')[0],
      'run_stalled of etl-0007',
      WAIT_MS,
    );
    expect(stalled).toMatchObject({ pipeline: 'etl', attempt: 1 });
    expect(writes(orch)).toBe(written);
    // Per-pipeline beats global (ARCHITECTURE.md §6): config/alerts.yaml gives 'train-*' stall_after 3h,
    // which --stall-after does not override. Its deadline, were it 2 s, came first.
    expect(of(watcher, 'run_started', 'train-0007')).toHaveLength(1);
    expect(of(watcher, 'run_stalled', 'train-0007')).toEqual([]);
  });
});
