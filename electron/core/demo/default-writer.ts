import type Database from 'better-sqlite3';
import { toIso } from '../time/timestamp.ts';
import type { DemoWriter } from './demo-writer.ts';

const stepId = (index: number, name: string) => `${index + 1}-${name}`;
const now = () => toIso(Date.now());

/** The default schema, written as README describes it: ISO-8601 UTC times, steps up front. */
export class DefaultWriter implements DemoWriter {
  private readonly db: Database.Database;
  private sequence: number;

  constructor(db: Database.Database) {
    this.db = db;
    this.sequence = db.prepare('SELECT count(*) FROM runs').pluck().get() as number;
  }

  nextRunId(pipeline: string): string {
    const exists = this.db.prepare('SELECT 1 FROM runs WHERE run_id = ?').pluck();
    for (;;) {
      this.sequence++;
      const runId = `${pipeline}-${String(this.sequence).padStart(4, '0')}`;
      if (!exists.get(runId)) return runId;
    }
  }

  queue(runId: string, pipeline: string, steps: readonly string[]): void {
    this.db.transaction(() => {
      const t = now();
      this.db
        .prepare(
          `INSERT INTO runs (run_id, pipeline, status, created_at, updated_at, artifacts_dir)
           VALUES (?, ?, 'pending', ?, ?, ?)`,
        )
        .run(runId, pipeline, t, t, this.artifactsDir(runId));
      const insertStep = this.db.prepare(
        `INSERT INTO steps (run_id, step_id, name, position, status, updated_at)
         VALUES (?, ?, ?, ?, 'pending', ?)`,
      );
      steps.forEach((name, index) => insertStep.run(runId, stepId(index, name), name, index, t));
    })();
  }

  start(runId: string, again: boolean): void {
    this.db.transaction(() => {
      const t = now();
      this.db
        .prepare(
          `UPDATE runs SET status = 'running', started_at = ?, finished_at = NULL, updated_at = ?
           WHERE run_id = ?`,
        )
        .run(t, t, runId);
      if (again) {
        this.db
          .prepare(
            `UPDATE steps SET status = 'pending', started_at = NULL, finished_at = NULL,
               message = NULL, updated_at = ? WHERE run_id = ?`,
          )
          .run(t, runId);
      }
    })();
  }

  startStep(runId: string, index: number, name: string): void {
    this.db.transaction(() => {
      const t = now();
      this.setStep(runId, stepId(index, name), 'running', t, null, t);
      this.db.prepare('UPDATE runs SET updated_at = ? WHERE run_id = ?').run(t, runId);
    })();
  }

  beat(): void {
    // The default schema's progress is a row's updated_at: a step's start and end are enough.
  }

  endStep(
    runId: string,
    index: number,
    name: string,
    outcome: 'succeeded' | 'failed',
    message: string | null,
  ): void {
    this.db.transaction(() => {
      const t = now();
      this.setStep(runId, stepId(index, name), outcome, null, t, t);
      if (message !== null) {
        this.db
          .prepare('UPDATE steps SET message = ? WHERE run_id = ? AND step_id = ?')
          .run(message, runId, stepId(index, name));
      }
    })();
  }

  end(
    runId: string,
    status: 'succeeded' | 'failed' | 'cancelled',
    steps: readonly string[],
    from: number,
  ): void {
    const rest = status === 'failed' ? 'skipped' : status;
    this.db.transaction(() => {
      const t = now();
      steps.forEach((name, index) => {
        if (index >= from) this.setStep(runId, stepId(index, name), rest, null, t, t);
      });
      this.db
        .prepare(`UPDATE runs SET status = ?, finished_at = ?, updated_at = ? WHERE run_id = ?`)
        .run(status, t, t, runId);
    })();
  }

  artifactsDir(runId: string): string {
    return `artifacts/${runId}`;
  }

  close(): void {
    this.db.close();
  }

  private setStep(
    runId: string,
    id: string,
    status: string,
    startedAt: string | null,
    finishedAt: string | null,
    updatedAt: string,
  ): void {
    this.db
      .prepare(
        `UPDATE steps SET status = ?, started_at = coalesce(?, started_at), finished_at = ?,
           updated_at = ? WHERE run_id = ? AND step_id = ?`,
      )
      .run(status, startedAt, finishedAt, updatedAt, runId, id);
  }
}
