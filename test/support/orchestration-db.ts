import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_SCHEMA_SQL } from '../../electron/core/demo/demo-schema.ts';

export interface StepSpec {
  stepId: string;
  status?: string;
  name?: string;
  updatedAt?: unknown;
  startedAt?: unknown;
  finishedAt?: unknown;
}

export interface RunSpec {
  runId: string;
  pipeline?: string;
  status?: string;
  createdAt?: unknown;
  startedAt?: unknown;
  updatedAt?: unknown;
  finishedAt?: unknown;
  artifactsDir?: string | null;
  steps?: StepSpec[];
}

export function isoNow(offsetMs = 0): string {
  return new Date(Date.now() + offsetMs).toISOString();
}

export function tempDir(prefix = 'runwatch-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A pipeline's orchestration database as another connection writes it: each call is its own
 * committed transaction, as a real orchestrator's would be.
 */
export class OrchestrationDb {
  readonly file: string;
  readonly db: Database.Database;

  constructor(
    file: string,
    options: { journal?: 'wal' | 'delete'; indexes?: boolean; sql?: string } = {},
  ) {
    this.file = file;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma(`journal_mode = ${options.journal ?? 'wal'}`);
    const sql = options.sql ?? DEFAULT_SCHEMA_SQL;
    this.db.exec(options.indexes === false ? sql.replace(/CREATE INDEX[^;]+;/g, '') : sql);
  }

  insertRun(spec: RunSpec): void {
    const now = isoNow();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO runs (run_id, pipeline, status, created_at, started_at, updated_at, finished_at, artifacts_dir)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          spec.runId,
          spec.pipeline ?? 'etl',
          spec.status ?? 'running',
          spec.createdAt ?? now,
          spec.startedAt ?? (spec.status === 'pending' ? null : now),
          spec.updatedAt ?? now,
          spec.finishedAt ?? null,
          spec.artifactsDir ?? null,
        );
      (spec.steps ?? []).forEach((step, position) =>
        this.db
          .prepare(
            `INSERT INTO steps (run_id, step_id, name, position, status, started_at, updated_at, finished_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            spec.runId,
            step.stepId,
            step.name ?? step.stepId,
            position,
            step.status ?? 'pending',
            step.startedAt ?? null,
            step.updatedAt ?? spec.updatedAt ?? now,
            step.finishedAt ?? null,
          ),
      );
    })();
  }

  setRun(
    runId: string,
    fields: Partial<Record<'status' | 'updated_at' | 'finished_at' | 'started_at', unknown>>,
  ): void {
    const values = { updated_at: isoNow(), ...fields };
    const sets = Object.keys(values).map((key) => `${key} = @${key}`);
    this.db
      .prepare(`UPDATE runs SET ${sets.join(', ')} WHERE run_id = @run_id`)
      .run({ ...values, run_id: runId });
  }

  setStep(
    runId: string,
    stepId: string,
    fields: Partial<
      Record<'status' | 'updated_at' | 'finished_at' | 'started_at' | 'message', unknown>
    >,
  ): void {
    const values = { updated_at: isoNow(), ...fields };
    const sets = Object.keys(values).map((key) => `${key} = @${key}`);
    this.db
      .prepare(`UPDATE steps SET ${sets.join(', ')} WHERE run_id = @run_id AND step_id = @step_id`)
      .run({ ...values, run_id: runId, step_id: stepId });
  }

  /** Finishes a run and its remaining steps in one transaction. */
  finishRun(
    runId: string,
    status: 'succeeded' | 'failed' | 'cancelled',
    stepStatus = status === 'failed' ? 'skipped' : status,
  ): void {
    const now = isoNow();
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE steps SET status = ?, finished_at = ?, updated_at = ? WHERE run_id = ? AND status IN ('pending', 'running')`,
        )
        .run(stepStatus, now, now, runId);
      this.setRun(runId, { status, finished_at: now, updated_at: now });
    })();
  }

  deleteRun(runId: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM steps WHERE run_id = ?').run(runId);
      this.db.prepare('DELETE FROM runs WHERE run_id = ?').run(runId);
    })();
  }

  close(): void {
    this.db.close();
  }
}
