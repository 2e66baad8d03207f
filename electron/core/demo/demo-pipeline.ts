import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { Logger } from '../log.ts';
import { checkSchema } from '../source/schema-check.ts';
import { toIso } from '../time/timestamp.ts';
import { createDefaultSchema } from './demo-schema.ts';
import { demoRunPlan, failureMessage, type DemoRunPlan } from './demo-plan.ts';

export interface DemoOptions {
  dbPath: string;
  /** How many runs to start; 0 runs forever. */
  runs: number;
  /** 1 is real time; 10 runs ten times faster. */
  speed: number;
  log: Logger;
  concurrency?: number;
  /** How long a stalling step sits still, at speed 1 (longer than the demo's 20 s stall_after). */
  stallMs?: number;
}

/** The file given to the demo is a database of some other kind: it is left alone. */
export class ForeignDatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForeignDatabaseError';
  }
}

/** Opens the demo database, creating it with the default schema; refuses a foreign one. */
export function openDemoDatabase(dbPath: string): Database.Database {
  fs.mkdirSync(path.dirname(path.resolve(dbPath)), { recursive: true });
  const db = new Database(dbPath, { timeout: 5_000 });
  try {
    const tables = db
      .prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'table'`)
      .pluck()
      .get() as number;
    if (tables === 0) createDefaultSchema(db);
    const { problems, optionalColumns } = checkSchema(db);
    if (problems.length > 0) {
      throw new ForeignDatabaseError(
        `${dbPath} is not a database the demo can write (${problems.join('; ')}); pick a new file`,
      );
    }
    // A demo database from before steps said why they failed gets the column.
    if (optionalColumns.some((column) => column.column === 'message' && !column.present)) {
      db.exec('ALTER TABLE steps ADD COLUMN message TEXT');
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Deterministic jitter from a run and step number, so demos look alike from run to run. */
function jitter(seed: number, spread: number): number {
  const x = Math.sin(seed * 12.9898) * 43758.5453;
  return Math.floor((x - Math.floor(x)) * spread);
}

/**
 * Simulates an orchestrator writing runs and steps into the default schema, with artifact files,
 * the way a real pipeline would: short transactions, ISO-8601 UTC timestamps, another connection.
 */
export class DemoPipeline {
  private readonly options: Required<DemoOptions>;
  private readonly db: Database.Database;
  private readonly abort = new AbortController();
  private readonly folder: string;
  private sequence: number;

  constructor(options: DemoOptions) {
    this.options = { concurrency: 3, stallMs: 35_000, ...options };
    this.db = openDemoDatabase(options.dbPath);
    this.folder = path.dirname(path.resolve(options.dbPath));
    this.sequence = this.db.prepare('SELECT count(*) FROM runs').pluck().get() as number;
  }

  /** Runs the plan; resolves when every run ended or `stop()` was called. */
  async run(): Promise<void> {
    const { runs, concurrency } = this.options;
    let started = 0;
    const lanes = Array.from({ length: concurrency }, async (_, lane) => {
      await this.wait(lane * 1_500);
      while (!this.abort.signal.aborted && (runs === 0 || started < runs)) {
        const index = started++;
        await this.runOne(index, demoRunPlan(index));
        await this.wait(1_000 + jitter(index, 2_000));
      }
    });
    try {
      await Promise.all(lanes);
    } catch (error) {
      if (!this.abort.signal.aborted) throw error;
    } finally {
      this.db.close();
    }
  }

  stop(): void {
    this.abort.abort();
  }

  private async wait(ms: number): Promise<void> {
    await sleep(ms / this.options.speed, undefined, { signal: this.abort.signal });
  }

  private nextRunId(pipeline: string): string {
    const exists = this.db.prepare('SELECT 1 FROM runs WHERE run_id = ?').pluck();
    for (;;) {
      this.sequence++;
      const runId = `${pipeline}-${String(this.sequence).padStart(4, '0')}`;
      if (!exists.get(runId)) return runId;
    }
  }

  private async runOne(index: number, plan: DemoRunPlan): Promise<void> {
    const runId = this.nextRunId(plan.pipeline);
    const artifacts = path.join('artifacts', runId);
    const now = () => toIso(Date.now());
    this.db.transaction(() => {
      const t = now();
      this.db
        .prepare(
          `INSERT INTO runs (run_id, pipeline, status, created_at, updated_at, artifacts_dir)
           VALUES (?, ?, 'pending', ?, ?, ?)`,
        )
        .run(runId, plan.pipeline, t, t, artifacts);
      const insertStep = this.db.prepare(
        `INSERT INTO steps (run_id, step_id, name, position, status, updated_at)
         VALUES (?, ?, ?, ?, 'pending', ?)`,
      );
      plan.steps.forEach((name, position) =>
        insertStep.run(runId, `${position + 1}-${name}`, name, position, t),
      );
    })();
    this.options.log.info(`demo: ${runId} queued`);
    await this.wait(800);
    await this.attempt(index, runId, plan, plan.fate);
    if (plan.retry && !this.abort.signal.aborted) {
      await this.wait(4_000);
      this.db.transaction(() => {
        const t = now();
        this.db
          .prepare(
            `UPDATE runs SET status = 'running', started_at = ?, finished_at = NULL, updated_at = ?
             WHERE run_id = ?`,
          )
          .run(t, t, runId);
        this.db
          .prepare(
            `UPDATE steps SET status = 'pending', started_at = NULL, finished_at = NULL,
               message = NULL, updated_at = ? WHERE run_id = ?`,
          )
          .run(t, runId);
      })();
      this.options.log.info(`demo: ${runId} retried`);
      await this.attempt(index, runId, plan, 'succeed');
    }
  }

  private async attempt(
    index: number,
    runId: string,
    plan: DemoRunPlan,
    fate: DemoRunPlan['fate'],
  ) {
    const now = () => toIso(Date.now());
    const t0 = now();
    this.db
      .prepare(
        `UPDATE runs SET status = 'running', started_at = ?, updated_at = ? WHERE run_id = ?`,
      )
      .run(t0, t0, runId);
    const setStep = this.db.prepare(
      `UPDATE steps SET status = ?, started_at = coalesce(?, started_at), finished_at = ?,
         updated_at = ? WHERE run_id = ? AND step_id = ?`,
    );
    const finishRun = (status: string, restStatus: string, from: number) => {
      this.db.transaction(() => {
        const t = now();
        plan.steps.forEach((name, position) => {
          if (position >= from)
            setStep.run(restStatus, null, t, t, runId, `${position + 1}-${name}`);
        });
        this.db
          .prepare(`UPDATE runs SET status = ?, finished_at = ?, updated_at = ? WHERE run_id = ?`)
          .run(status, t, t, runId);
      })();
      this.options.log.info(`demo: ${runId} ${status}`);
    };
    const longSteps = plan.pipeline.startsWith('train') ? 2 : 1;
    for (const [position, name] of plan.steps.entries()) {
      const stepId = `${position + 1}-${name}`;
      const special = plan.at === position ? fate : 'succeed';
      if (special === 'cancel') {
        finishRun('cancelled', 'cancelled', position);
        return;
      }
      const started = now();
      setStep.run('running', started, null, started, runId, stepId);
      this.db.prepare('UPDATE runs SET updated_at = ? WHERE run_id = ?').run(started, runId);
      await this.wait((1_500 + jitter(index * 31 + position, 3_000)) * longSteps);
      if (special === 'stall') {
        this.options.log.info(`demo: ${runId} stalls in ${name}`);
        await this.wait(this.options.stallMs);
      }
      this.writeArtifacts(runId, plan, position);
      const ended = now();
      if (special === 'fail') {
        this.db.transaction(() => {
          setStep.run('failed', null, ended, ended, runId, stepId);
          this.db
            .prepare('UPDATE steps SET message = ? WHERE run_id = ? AND step_id = ?')
            .run(failureMessage(name), runId, stepId);
        })();
        await this.wait(600);
        finishRun('failed', 'skipped', position + 1);
        return;
      }
      setStep.run('succeeded', null, ended, ended, runId, stepId);
    }
    finishRun('succeeded', 'succeeded', plan.steps.length);
  }

  private writeArtifacts(runId: string, plan: DemoRunPlan, position: number): void {
    const dir = path.join(this.folder, 'artifacts', runId);
    fs.mkdirSync(dir, { recursive: true });
    const step = plan.steps[position] as string;
    const lines = Array.from(
      { length: 40 },
      (_, i) => `${toIso(Date.now())} INFO ${plan.pipeline}/${step}: processed batch ${i + 1}`,
    );
    fs.writeFileSync(path.join(dir, `${position + 1}-${step}.log`), `${lines.join('\n')}\n`);
    if (step === 'transform' || step === 'query') {
      const rows = Array.from({ length: 500 }, (_, i) => `${i},item-${i},${(i * 7919) % 1000}`);
      fs.writeFileSync(path.join(dir, 'output.csv'), `id,name,value\n${rows.join('\n')}\n`);
    }
    if (step === 'train') fs.writeFileSync(path.join(dir, 'model.bin'), randomBytes(256 * 1024));
    if (position === plan.steps.length - 1) {
      fs.writeFileSync(
        path.join(dir, 'metrics.json'),
        `${JSON.stringify({ run_id: runId, pipeline: plan.pipeline, rows: 500 }, null, 2)}\n`,
      );
    }
  }
}
