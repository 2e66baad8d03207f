import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateStore } from '../../electron/core/store/state-store.ts';
import { isoNow, OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { killedAfterEach, runwatch } from '../support/processes.ts';

const track = killedAfterEach();

/** Finished runs in a real database, watched once by the real CLI, read back from state.db. */
async function watchedOnce() {
  const dir = tempDir();
  const db = path.join(dir, 'orchestration.db');
  const orch = new OrchestrationDb(db);
  const artifacts = path.join(dir, 'artifacts', 'etl-1');
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, 'rows.csv'), 'a,b\n'.repeat(500));
  const minutesAgo = (m: number) => isoNow(-m * 60_000);
  orch.insertRun({
    runId: 'etl-1',
    status: 'succeeded',
    startedAt: minutesAgo(50),
    finishedAt: minutesAgo(40),
    artifactsDir: artifacts,
    steps: [
      { stepId: 'etl-1/extract', name: 'extract', status: 'succeeded' },
      { stepId: 'etl-1/load', name: 'load', status: 'succeeded' },
    ],
  });
  // A file where its artifacts folder should be: the archive fails at once, without retrying.
  const notAFolder = path.join(dir, 'artifacts', 'etl-2');
  fs.writeFileSync(notAFolder, 'not a folder');
  orch.insertRun({
    runId: 'etl-2',
    status: 'failed',
    startedAt: minutesAgo(30),
    finishedAt: minutesAgo(25),
    artifactsDir: notAFolder,
    steps: [{ stepId: 'etl-2/extract', name: 'extract', status: 'failed' }],
  });
  orch.insertRun({
    runId: 'train-7',
    pipeline: 'ml-train',
    status: 'succeeded',
    startedAt: minutesAgo(20),
    finishedAt: minutesAgo(5),
    steps: [{ stepId: 'train-7/fit', name: 'fit', status: 'succeeded' }],
  });
  orch.close();
  const dataDir = path.join(dir, 'data');
  const watch = track(
    runwatch(['watch', '--db', db, '--data-dir', dataDir, '--once', '--backfill']),
  );
  expect((await watch.exited).code).toBe(0);
  return StateStore.open(dataDir, 'readonly');
}

describe('run history for the UI', () => {
  it('lists finished runs newest first, page by page, with their archive, report and failures', async () => {
    const store = await watchedOnce();
    try {
      const all = store.history.finishedRuns({ limit: 10 });
      expect(all.next).toBeNull();
      expect(all.items.map((run) => run.run_id).sort()).toEqual(['etl-1', 'etl-2', 'train-7']);

      const archived = all.items.find((run) => run.run_id === 'etl-1');
      expect(archived).toMatchObject({ outcome: 'succeeded', pipeline: 'etl', steps_total: 2 });
      expect(archived?.archive).toMatchObject({ files: 1, verified: true });
      expect(fs.existsSync(archived?.archive?.path ?? '')).toBe(true);
      expect(fs.existsSync(archived?.report ?? '')).toBe(true);
      const failed = all.items.find((run) => run.run_id === 'etl-2');
      expect(failed).toMatchObject({ outcome: 'failed', archive: null, steps_failed: 1 });
      expect(failed?.archive_error).toMatch(/not a folder|directory/);

      const first = store.history.finishedRuns({ limit: 2 });
      expect(first.items).toHaveLength(2);
      const second = store.history.finishedRuns({ limit: 2, before: first.next ?? undefined });
      expect(second.next).toBeNull();
      expect([...first.items, ...second.items].map((run) => run.run_id)).toEqual(
        all.items.map((run) => run.run_id),
      );

      expect(store.history.finishedRuns({ limit: 10, outcome: 'failed' }).items).toHaveLength(1);
      expect(
        store.history.finishedRuns({ limit: 10, search: 'ML-TR' }).items.map((run) => run.run_id),
      ).toEqual(['train-7']);
      expect(
        store.history.finishedRuns({ limit: 10, pipeline: 'etl' }).items.map((run) => run.run_id),
      ).toHaveLength(2);
    } finally {
      store.close();
    }
  });

  it("tells one run's story: steps, events in order, and a pipeline's recent outcomes", async () => {
    const store = await watchedOnce();
    try {
      const detail = store.history.runDetail('etl-1', undefined, Date.now());
      expect(detail).toMatchObject({ pipeline: 'etl', attempt: 1, stalls: [] });
      expect(detail?.steps.map((step) => step.name)).toEqual(['extract', 'load']);
      const types = detail?.events.map((event) => event.type) ?? [];
      expect(types).toContain('run_completed');
      expect(types).toContain('run_archived');
      expect(types).toContain('report_written');
      const ids = detail?.events.map((event) => event.id) ?? [];
      expect(ids).toEqual([...ids].sort((a, b) => a - b));

      expect(store.history.runDetail('no-such-run', undefined, Date.now())).toBeNull();
      expect(store.history.runDetail('etl-1', 2, Date.now())).toBeNull();

      expect(
        store.history.pipelineHistory('etl', 30).map((run) => [run.run_id, run.outcome]),
      ).toEqual(
        expect.arrayContaining([
          ['etl-1', 'succeeded'],
          ['etl-2', 'failed'],
        ]),
      );
      expect(store.history.pipelineHistory('etl', 1)).toHaveLength(1);
    } finally {
      store.close();
    }
  });
});
