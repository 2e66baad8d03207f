import type { OrchestrationDb } from './orchestration-db.ts';

/**
 * `count` running runs of a few pipelines, each with `steps` steps and its first one running,
 * written in one transaction: `<prefix>-00000` … Their ids sort in the order they were written.
 */
export function insertManyRuns(
  db: OrchestrationDb,
  count: number,
  options: { prefix?: string; steps?: number; startedAt?: string } = {},
): string[] {
  const now = new Date().toISOString();
  const startedAt = options.startedAt ?? now;
  const stepIds = Array.from({ length: options.steps ?? 4 }, (_, i) => `step-${i + 1}`);
  const insertRun = db.db.prepare(
    `INSERT INTO runs (run_id, pipeline, status, created_at, started_at, updated_at)
     VALUES (?, ?, 'running', ?, ?, ?)`,
  );
  const insertStep = db.db.prepare(
    `INSERT INTO steps (run_id, step_id, name, position, status, started_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const prefix = options.prefix ?? 'run';
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);
  db.db.transaction(() => {
    ids.forEach((id, i) => {
      insertRun.run(id, `pipeline-${i % 25}`, startedAt, startedAt, now);
      stepIds.forEach((step, position) =>
        insertStep.run(
          id,
          step,
          step,
          position,
          position === 0 ? 'running' : 'pending',
          position === 0 ? startedAt : null,
          now,
        ),
      );
    });
  })();
  return ids;
}
