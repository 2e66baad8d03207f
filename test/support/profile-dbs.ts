/**
 * Prefect's and MLflow's databases as those tools write them, from their own DDL
 * (test/fixtures/source-schemas/, each file citing its sources), each call its own committed
 * transaction from a connection of its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { logMlflowMetric } from '../../electron/core/demo/mlflow-writer.ts';
import { naiveUtc } from '../../electron/core/demo/naive-utc.ts';
import { setPrefectState } from '../../electron/core/demo/prefect-writer.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/source-schemas');

function openWith(file: string, fixture: string): Database.Database {
  const fresh = !fs.existsSync(file);
  const db = new Database(file);
  db.pragma('journal_mode = wal');
  if (fresh) db.exec(fs.readFileSync(path.join(FIXTURES, fixture), 'utf8'));
  return db;
}

export class PrefectDb {
  readonly file: string;
  readonly db: Database.Database;

  constructor(file: string, version: 2 | 3) {
    this.file = file;
    this.db = openWith(file, `prefect-${version}.sql`);
  }

  createFlow(name: string): string {
    const id = crypto.randomUUID();
    this.db.prepare(`INSERT INTO flow (id, name) VALUES (?, ?)`).run(id, name);
    return id;
  }

  /** A flow run as a deployment schedules it. */
  createFlowRun(flowId: string, name: string): string {
    const id = crypto.randomUUID();
    const now = naiveUtc();
    this.db
      .prepare(
        `INSERT INTO flow_run (id, created, updated, name, flow_id, state_type, state_name,
           state_timestamp, expected_start_time)
         VALUES (?, ?, ?, ?, ?, 'SCHEDULED', 'Scheduled', ?, ?)`,
      )
      .run(id, now, now, name, flowId, now, now);
    return id;
  }

  createTaskRun(flowRunId: string, taskKey: string, name: string, dynamicKey = '0'): string {
    const id = crypto.randomUUID();
    const now = naiveUtc();
    this.db
      .prepare(
        `INSERT INTO task_run (id, created, updated, name, task_key, dynamic_key, flow_run_id,
           state_type, state_name, state_timestamp)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', 'Pending', ?)`,
      )
      .run(id, now, now, name, taskKey, dynamicKey, flowRunId, now);
    return id;
  }

  /** A state change as Prefect's global policy writes it on the run's row. */
  setState(table: 'flow_run' | 'task_run', id: string, type: string, name?: string): void {
    setPrefectState(this.db, table, id, type, name);
  }

  /** `prefect flow-run delete`: the flow run and its task runs go. */
  deleteFlowRun(id: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM task_run WHERE flow_run_id = ?').run(id);
      this.db.prepare('DELETE FROM flow_run WHERE id = ?').run(id);
    })();
  }

  close(): void {
    this.db.close();
  }
}

export class MlflowDb {
  readonly file: string;
  readonly db: Database.Database;

  constructor(file: string) {
    this.file = file;
    this.db = openWith(file, 'mlflow.sql');
  }

  createExperiment(name: string): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time,
             last_update_time) VALUES (?, ?, 'active', ?, ?)`,
        )
        .run(name, `file:///tmp/mlruns/${name}`, Date.now(), Date.now()).lastInsertRowid,
    );
  }

  /** `mlflow.start_run()`: created RUNNING, with its artifacts where the experiment keeps them. */
  startRun(experimentId: number, artifacts: string): string {
    const id = crypto.randomUUID().replaceAll('-', '');
    this.db
      .prepare(
        `INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id,
           status, start_time, source_version, lifecycle_stage, artifact_uri, experiment_id)
         VALUES (?, ?, 'LOCAL', 'train.py', '', 'me', 'RUNNING', ?, '', 'active', ?, ?)`,
      )
      .run(id, `run-${id.slice(0, 6)}`, Date.now(), artifacts, experimentId);
    return id;
  }

  /** `mlflow.log_metric()`: a metrics row, and the run's latest value of that key. */
  logMetric(runId: string, key: string, value: number, step = 0): void {
    logMlflowMetric(this.db, runId, key, value, step);
  }

  endRun(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED'): void {
    this.db
      .prepare(`UPDATE runs SET status = ?, end_time = ? WHERE run_uuid = ?`)
      .run(status, Date.now(), runId);
  }

  /** `mlflow.delete_run()`: into the trash. */
  deleteRun(runId: string): void {
    this.db
      .prepare(`UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE run_uuid = ?`)
      .run(Date.now(), runId);
  }

  close(): void {
    this.db.close();
  }
}
