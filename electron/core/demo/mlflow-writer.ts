import type Database from 'better-sqlite3';
import type { DemoWriter } from './demo-writer.ts';

/**
 * An MLflow training script, as the tracking store records it: a run per training, created
 * RUNNING under its experiment, logging a metric as it goes (a row in `metrics`, the newest in
 * `latest_metrics`), and ended FINISHED, FAILED or KILLED with `end_time`. A run retried is
 * resumed in place, as `mlflow.start_run(run_id=…)` does. A run has no steps: each step of the
 * plan is a stretch of metrics.
 */
export class MlflowWriter implements DemoWriter {
  private readonly db: Database.Database;
  private readonly folder: string;

  constructor(db: Database.Database, folder: string) {
    this.db = db;
    this.folder = folder;
  }

  nextRunId(): string {
    return crypto.randomUUID().replaceAll('-', '');
  }

  queue(runId: string, pipeline: string): void {
    const now = Date.now();
    this.db.transaction(() => {
      let experiment = this.db
        .prepare('SELECT experiment_id FROM experiments WHERE name = ?')
        .pluck()
        .get(pipeline) as number | undefined;
      if (experiment === undefined) {
        experiment = Number(
          this.db
            .prepare(
              `INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time,
                 last_update_time) VALUES (?, ?, 'active', ?, ?)`,
            )
            .run(pipeline, `file://${this.folder}/mlruns/${pipeline}`, now, now).lastInsertRowid,
        );
      }
      this.db
        .prepare(
          `INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id,
             status, start_time, source_version, lifecycle_stage, artifact_uri, experiment_id)
           VALUES (?, ?, 'LOCAL', 'train.py', '', 'demo', 'RUNNING', ?, '', 'active', ?, ?)`,
        )
        .run(
          runId,
          `${pipeline}-${runId.slice(0, 6)}`,
          now,
          `file://${this.folder}/${this.artifactsDir(runId)}`,
          experiment,
        );
    })();
  }

  start(runId: string, again: boolean): void {
    if (!again) return;
    this.db
      .prepare(`UPDATE runs SET status = 'RUNNING', end_time = NULL WHERE run_uuid = ?`)
      .run(runId);
  }

  startStep(runId: string, index: number): void {
    logMlflowMetric(this.db, runId, 'stage', index + 1, index);
  }

  beat(runId: string, index: number): void {
    logMlflowMetric(this.db, runId, 'loss', 1 / (index + 2 + Math.random()), index);
  }

  endStep(runId: string, index: number): void {
    logMlflowMetric(this.db, runId, 'stage', index + 1, index);
  }

  end(runId: string, status: 'succeeded' | 'failed' | 'cancelled'): void {
    const written = status === 'succeeded' ? 'FINISHED' : status === 'failed' ? 'FAILED' : 'KILLED';
    this.db
      .prepare(`UPDATE runs SET status = ?, end_time = ? WHERE run_uuid = ?`)
      .run(written, Date.now(), runId);
  }

  artifactsDir(runId: string): string {
    return `mlruns/${runId}/artifacts`;
  }

  close(): void {
    this.db.close();
  }
}

/** `mlflow.log_metric()`: a row in metrics, and the run's newest value of that key. */
export function logMlflowMetric(
  db: Database.Database,
  runId: string,
  key: string,
  value: number,
  step: number,
): void {
  const now = Date.now();
  db.transaction(() => {
    db.prepare(
      `INSERT OR IGNORE INTO metrics (key, value, timestamp, step, is_nan, run_uuid)
       VALUES (?, ?, ?, ?, 0, ?)`,
    ).run(key, value, now, step, runId);
    db.prepare(
      `INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)
       VALUES (?, ?, ?, ?, 0, ?)
       ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value,
         timestamp = excluded.timestamp, step = excluded.step`,
    ).run(key, value, now, step, runId);
  })();
}
