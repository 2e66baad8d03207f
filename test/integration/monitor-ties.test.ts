/**
 * Change checks on a database whose rows share `updated_at` values, as a bulk load, a backfill or
 * a writer with second-precision timestamps (`CURRENT_TIMESTAMP`) leaves them: a change costs a
 * read of the rows it changed, not of every row that shares a stamp, and none of the guarantees
 * of the plain case is lost (late commits, old timestamps, rowids used again).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { MonitorHarness, type HarnessOptions } from '../support/monitor-harness.ts';
import { OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { sleep, waitFor } from '../support/wait.ts';
import type { SqliteSource } from '../../electron/core/source/sqlite-source.ts';

const cleanup = cleanupAfterEach();

const RUNS = 2_000;
const STEPS = 5;

function setup(options: HarnessOptions = {}) {
  const file = path.join(tempDir(), 'orchestration.db');
  const orch = new OrchestrationDb(file);
  const harness = new MonitorHarness(file, options);
  cleanup.push(
    () => orch.close(),
    () => harness.stop(),
  );
  return { orch, harness };
}

/**
 * `RUNS` running runs of `STEPS` steps, every row stamped with the same second-precision value
 * an hour ago, in one statement per table (as a bulk load would write them).
 */
function bulkLoad(orch: OrchestrationDb): void {
  orch.db.exec(`
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${RUNS})
    INSERT INTO runs (run_id, pipeline, status, created_at, started_at, updated_at)
    SELECT 'bulk-' || i, 'backfill', 'running', datetime('now', '-1 hour'),
      datetime('now', '-1 hour'), datetime('now', '-1 hour') FROM n;
    WITH RECURSIVE s(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM s WHERE j < ${STEPS - 1})
    INSERT INTO steps (run_id, step_id, name, position, status, updated_at)
    SELECT run_id, 'step-' || j, 'step-' || j, j, 'pending', updated_at FROM runs, s;
  `);
}

/** Another connection's update, stamped by SQLite's `CURRENT_TIMESTAMP` (whole seconds). */
function setStep(orch: OrchestrationDb, runId: string, stepId: string, status: string): void {
  orch.db
    .prepare(
      `UPDATE steps SET status = ?, updated_at = CURRENT_TIMESTAMP WHERE run_id = ? AND step_id = ?`,
    )
    .run(status, runId, stepId);
}

function finishRun(orch: OrchestrationDb, runId: string, status: string): void {
  orch.db
    .prepare(
      `UPDATE runs SET status = ?, updated_at = CURRENT_TIMESTAMP, finished_at = CURRENT_TIMESTAMP
       WHERE run_id = ?`,
    )
    .run(status, runId);
}

describe('rows that share one updated_at', () => {
  it('a change reads the rows it changed, not every row of the bulk load that shares a stamp', async () => {
    const { orch, harness } = setup();
    bulkLoad(orch);
    harness.start();
    await waitFor(() => harness.diagnostics, 'the first read', 60_000);
    const source = harness.monitor.source as SqliteSource;
    const before = source.rowsRead;

    setStep(orch, 'bulk-7', 'step-0', 'failed');
    await harness.waitFor('step_failed', 'bulk-7');
    // most likely within the same second: the run's stamp then ties with its step's
    finishRun(orch, 'bulk-7', 'failed');
    await harness.waitFor('run_completed', 'bulk-7');
    // past the lookback's period, so the next check also reaches back
    await sleep(1_200);
    setStep(orch, 'bulk-1999', 'step-4', 'failed');
    await harness.waitFor('step_failed', 'bulk-1999');

    // Three rows changed; each may be read by a check, a lookback and a re-read of its second.
    expect(source.rowsRead - before).toBeLessThan(20);
    expect(harness.of('step_failed').map((e) => 'run_id' in e && e.run_id)).toEqual([
      'bulk-7',
      'bulk-1999',
    ]);
  });

  it('sees a row updated twice within one second, the second time keeping its stamp', async () => {
    const { orch, harness } = setup();
    const second = orch.db.prepare(`SELECT datetime('now')`).pluck().get() as string;
    orch.insertRun({
      runId: 'quick',
      createdAt: second,
      updatedAt: second,
      steps: [{ stepId: 'a' }, { stepId: 'b' }],
    });
    harness.start();
    await harness.waitFor('run_started', 'quick');
    const stamp = (status: string) =>
      orch.db
        .prepare(
          `UPDATE steps SET status = ?, updated_at = ? WHERE run_id = 'quick' AND step_id = 'b'`,
        )
        .run(status, second);
    stamp('running');
    await waitFor(
      () => harness.monitor.runViews.get('quick', Date.now())?.current_step === 'b',
      'step b running',
    );
    stamp('failed');
    await harness.waitFor('step_failed', 'quick');
  });

  it('sees a transaction that commits after a later-stamped one (the lookback)', async () => {
    const { orch, harness } = setup();
    bulkLoad(orch);
    harness.start();
    await waitFor(() => harness.diagnostics, 'the first read', 60_000);
    setStep(orch, 'bulk-1', 'step-0', 'succeeded');
    const late = orch.db
      .prepare(
        `SELECT datetime(updated_at, '-1 second') FROM steps WHERE run_id = 'bulk-1' AND step_id = 'step-0'`,
      )
      .pluck()
      .get() as string;
    await waitFor(
      () => harness.monitor.runViews.get('bulk-1', Date.now())?.steps_done === 1,
      'the first commit',
    );
    // Stamped a second before the commit above, committed after it, and the last commit.
    orch.db
      .prepare(
        `UPDATE steps SET status = 'failed', updated_at = ? WHERE run_id = ? AND step_id = ?`,
      )
      .run(late, 'bulk-2', 'step-0');
    await harness.waitFor('step_failed', 'bulk-2');
  });

  it('sees a row written with an old timestamp, at the latest by the next sweep', async () => {
    const { orch, harness } = setup({ sweepEveryMs: 1_500 });
    bulkLoad(orch);
    harness.start();
    await waitFor(() => harness.diagnostics, 'the first read', 60_000);
    orch.db
      .prepare(
        `UPDATE steps SET status = 'failed', updated_at = datetime('now', '-2 hours')
         WHERE run_id = 'bulk-3' AND step_id = 'step-1'`,
      )
      .run();
    await harness.waitFor('step_failed', 'bulk-3', 30_000);
  });

  it('sees a run that takes the rowid of a deleted one, stamped in the same second', async () => {
    const { orch, harness } = setup();
    bulkLoad(orch);
    harness.start();
    await waitFor(() => harness.diagnostics, 'the first read', 60_000);
    const insert = (runId: string) =>
      orch.db.transaction(() => {
        orch.db
          .prepare(
            `INSERT INTO runs (run_id, pipeline, status, created_at, updated_at)
             VALUES (?, 'etl', 'running', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
          )
          .run(runId);
        orch.db
          .prepare(
            `INSERT INTO steps (run_id, step_id, status, updated_at)
             VALUES (?, 'a', 'running', CURRENT_TIMESTAMP)`,
          )
          .run(runId);
      })();
    insert('first');
    await harness.waitFor('run_started', 'first');
    const rowid = () =>
      orch.db.prepare(`SELECT rowid FROM runs WHERE run_id IN ('first', 'second')`).pluck().get();
    const taken = rowid();
    orch.deleteRun('first');
    await harness.waitFor('run_removed', 'first');
    insert('second');
    expect(rowid()).toBe(taken);
    await harness.waitFor('run_started', 'second');
  });
});
