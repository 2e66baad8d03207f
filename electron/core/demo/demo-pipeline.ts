import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { BuiltinSchema } from '../../../shared/builtin-schemas.ts';
import type { Logger } from '../log.ts';
import { builtinProfiles } from '../source/builtin-profiles.ts';
import { matchesProfile, sqliteCatalog } from '../source/profile/profile-check.ts';
import { checkSchema } from '../source/schema-check.ts';
import { toIso } from '../time/timestamp.ts';
import { AIRFLOW_DDL } from './airflow-ddl.ts';
import { AirflowWriter } from './airflow-writer.ts';
import { DAGSTER_RUNS_DDL } from './dagster-ddl.ts';
import { DagsterWriter } from './dagster-writer.ts';
import { DefaultWriter } from './default-writer.ts';
import { createDefaultSchema, createSchema } from './demo-schema.ts';
import { demoRunPlan, failureMessage, type DemoRunPlan } from './demo-plan.ts';
import type { DemoWriter } from './demo-writer.ts';
import { MLFLOW_DDL } from './mlflow-ddl.ts';
import { MlflowWriter } from './mlflow-writer.ts';
import { PREFECT_DDL } from './prefect-ddl.ts';
import { PrefectWriter } from './prefect-writer.ts';

/** The schemas the demo writes: the default one, and each built-in orchestrator's own. */
export type DemoSchema = BuiltinSchema;

/** Each orchestrator's tables, and the writer that writes them as that orchestrator does. */
const ORCHESTRATORS: Record<
  Exclude<DemoSchema, 'runwatch'>,
  { ddl: string; writer: (db: Database.Database, folder: string) => DemoWriter }
> = {
  airflow: { ddl: AIRFLOW_DDL, writer: (db) => new AirflowWriter(db) },
  prefect: { ddl: PREFECT_DDL, writer: (db) => new PrefectWriter(db) },
  dagster: { ddl: DAGSTER_RUNS_DDL, writer: (db) => new DagsterWriter(db) },
  mlflow: { ddl: MLFLOW_DDL, writer: (db, folder) => new MlflowWriter(db, folder) },
};

export interface DemoOptions {
  dbPath: string;
  /** Whose tables to write (default: the default schema). */
  schema?: DemoSchema;
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

/**
 * Opens the demo database, creating it with the schema's tables in one transaction (so a
 * watcher never sees half of them); refuses a database of another kind.
 */
export function openDemoDatabase(
  dbPath: string,
  schema: DemoSchema = 'runwatch',
): Database.Database {
  fs.mkdirSync(path.dirname(path.resolve(dbPath)), { recursive: true });
  const db = new Database(dbPath, { timeout: 5_000 });
  try {
    const tables = db
      .prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'table'`)
      .pluck()
      .get() as number;
    if (schema !== 'runwatch') {
      if (tables === 0) createSchema(db, ORCHESTRATORS[schema].ddl);
      const profile = builtinProfiles().get(schema);
      if (!profile || !matchesProfile(sqliteCatalog(db), profile)) {
        throw new ForeignDatabaseError(
          `${dbPath} is not a ${schema} database the demo can write; pick a new file`,
        );
      }
      return db;
    }
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

function writerFor(schema: DemoSchema, db: Database.Database, folder: string): DemoWriter {
  return schema === 'runwatch' ? new DefaultWriter(db) : ORCHESTRATORS[schema].writer(db, folder);
}

/** Deterministic jitter from a run and step number, so demos look alike from run to run. */
function jitter(seed: number, spread: number): number {
  const x = Math.sin(seed * 12.9898) * 43758.5453;
  return Math.floor((x - Math.floor(x)) * spread);
}

/**
 * Simulates an orchestrator writing runs and steps, in the default schema or an orchestrator's
 * own (demo-writer.ts), with artifact files, the way a real pipeline would: short transactions
 * from another connection, times as that schema writes them.
 */
export class DemoPipeline {
  private readonly options: Required<DemoOptions>;
  private readonly writer: DemoWriter;
  private readonly abort = new AbortController();
  private readonly folder: string;

  constructor(options: DemoOptions) {
    this.options = { concurrency: 3, stallMs: 35_000, schema: 'runwatch', ...options };
    const db = openDemoDatabase(options.dbPath, this.options.schema);
    this.folder = path.dirname(path.resolve(options.dbPath));
    this.writer = writerFor(this.options.schema, db, this.folder);
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
      this.writer.close();
    }
  }

  stop(): void {
    this.abort.abort();
  }

  private async wait(ms: number): Promise<void> {
    await sleep(ms / this.options.speed, undefined, { signal: this.abort.signal });
  }

  private async runOne(index: number, plan: DemoRunPlan): Promise<void> {
    const runId = this.writer.nextRunId(plan.pipeline);
    this.writer.queue(runId, plan.pipeline, plan.steps);
    this.options.log.info(`demo: ${runId} queued`);
    await this.wait(800);
    this.writer.start(runId, false);
    await this.attempt(index, runId, plan, plan.fate);
    if (plan.retry && !this.abort.signal.aborted) {
      await this.wait(4_000);
      this.writer.start(runId, true);
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
    const { writer } = this;
    const finish = (status: 'succeeded' | 'failed' | 'cancelled', from: number) => {
      writer.end(runId, status, plan.steps, from);
      this.options.log.info(`demo: ${runId} ${status}`);
    };
    const longSteps = plan.pipeline.startsWith('train') ? 2 : 1;
    for (const [position, name] of plan.steps.entries()) {
      const special = plan.at === position ? fate : 'succeed';
      if (special === 'cancel') {
        finish('cancelled', position);
        return;
      }
      writer.startStep(runId, position, name);
      await this.work(
        runId,
        position,
        name,
        (1_500 + jitter(index * 31 + position, 3_000)) * longSteps,
      );
      if (special === 'stall') {
        this.options.log.info(`demo: ${runId} stalls in ${name}`);
        await this.wait(this.options.stallMs);
      }
      this.writeArtifacts(runId, plan, position);
      if (special === 'fail') {
        writer.endStep(runId, position, name, 'failed', failureMessage(name));
        await this.wait(600);
        finish('failed', position + 1);
        return;
      }
      writer.endStep(runId, position, name, 'succeeded', null);
    }
    finish('succeeded', plan.steps.length);
  }

  /** A step at work for `ms`, with a sign of life every second (a stall has none). */
  private async work(runId: string, position: number, name: string, ms: number): Promise<void> {
    for (let left = ms; left > 0; left -= 1_000) {
      await this.wait(Math.min(left, 1_000));
      if (left > 1_000) this.writer.beat(runId, position, name);
    }
  }

  private writeArtifacts(runId: string, plan: DemoRunPlan, position: number): void {
    const relative = this.writer.artifactsDir(runId);
    if (relative === null) return;
    const dir = path.join(this.folder, relative);
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
