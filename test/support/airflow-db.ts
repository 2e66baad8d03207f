/**
 * An Airflow metadata database as Airflow writes it, from its own DDL
 * (test/fixtures/source-schemas/airflow-2.sql and airflow-3.sql, each citing its sources): times
 * as naive UTC text with six fractional digits, `updated_at` set on every write as SQLAlchemy's
 * `onupdate` does, a DAG run created `queued` with its task instances at NULL state. Each call
 * is its own committed transaction, from a connection of its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { naiveUtc } from '../../electron/core/demo/naive-utc.ts';

export type AirflowVersion = 2 | 3;

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/source-schemas');

/** How SQLAlchemy stores Airflow's UtcDateTime on SQLite: `2026-12-06 16:22:28.105000`. */
const airflowTime = naiveUtc;

export class AirflowDb {
  readonly file: string;
  readonly db: Database.Database;
  readonly version: AirflowVersion;

  constructor(file: string, version: AirflowVersion) {
    this.file = file;
    this.version = version;
    const fresh = !fs.existsSync(file);
    this.db = new Database(file);
    this.db.pragma('journal_mode = wal');
    if (fresh) this.db.exec(fs.readFileSync(path.join(FIXTURES, `airflow-${version}.sql`), 'utf8'));
  }

  /** A DAG run the scheduler just created: queued, every task instance at NULL state. */
  createRun(dagId: string, runId: string, tasks: string[], at = Date.now()): void {
    const now = airflowTime(at);
    this.db.transaction(() => {
      const columns =
        this.version === 3
          ? `(dag_id, run_id, state, queued_at, logical_date, run_type, run_after, updated_at, clear_number)`
          : `(dag_id, run_id, state, queued_at, execution_date, run_type, updated_at, clear_number)`;
      const values =
        this.version === 3
          ? `(?, ?, 'queued', ?, ?, 'manual', ?, ?, 0)`
          : `(?, ?, 'queued', ?, ?, 'manual', ?, 0)`;
      const args =
        this.version === 3 ? [dagId, runId, now, now, now, now] : [dagId, runId, now, now, now];
      this.db.prepare(`INSERT INTO dag_run ${columns} VALUES ${values}`).run(...args);
      tasks.forEach((taskId, i) => {
        const id = this.version === 3 ? [crypto.randomUUID()] : [];
        this.db
          .prepare(
            `INSERT INTO task_instance (${this.version === 3 ? 'id, ' : ''}task_id, dag_id, run_id,
               map_index, try_number, pool, pool_slots, priority_weight, updated_at)
             VALUES (${this.version === 3 ? '?, ' : ''}?, ?, ?, -1, 0, 'default_pool', 1, ?, ?)`,
          )
          .run(...id, taskId, dagId, runId, tasks.length - i, now);
      });
    })();
  }

  setRun(
    dagId: string,
    runId: string,
    state: 'running' | 'success' | 'failed' | 'queued',
    at = Date.now(),
  ) {
    const now = airflowTime(at);
    const dates =
      state === 'running'
        ? `start_date = coalesce(start_date, '${now}'), end_date = NULL,`
        : state === 'queued'
          ? `start_date = NULL, end_date = NULL, queued_at = '${now}', clear_number = clear_number + 1,`
          : `end_date = '${now}',`;
    this.db
      .prepare(
        `UPDATE dag_run SET state = ?, ${dates} last_scheduling_decision = ?, updated_at = ?
         WHERE dag_id = ? AND run_id = ?`,
      )
      .run(state, now, now, dagId, runId);
  }

  /** A task instance's state, with the dates Airflow sets on that state. */
  setTask(
    dagId: string,
    runId: string,
    taskId: string,
    state: string | null,
    at = Date.now(),
  ): void {
    const now = airflowTime(at);
    const dates =
      state === 'running'
        ? `start_date = '${now}', end_date = NULL, try_number = try_number + 1,` +
          (this.version === 3 ? ` last_heartbeat_at = '${now}',` : '')
        : state === 'queued'
          ? `queued_dttm = '${now}',`
          : state === 'success' ||
              state === 'failed' ||
              state === 'up_for_retry' ||
              state === 'skipped'
            ? `end_date = '${now}',`
            : '';
    this.db
      .prepare(
        `UPDATE task_instance SET state = ?, ${dates} updated_at = ?
         WHERE dag_id = ? AND run_id = ? AND task_id = ? AND map_index = -1`,
      )
      .run(state, now, dagId, runId, taskId);
  }

  /** A running task's heartbeat: on its row in Airflow 3, in its job's row in Airflow 2. */
  heartbeat(dagId: string, runId: string, taskId: string, at = Date.now()): void {
    const now = airflowTime(at);
    if (this.version === 3) {
      this.db
        .prepare(
          `UPDATE task_instance SET last_heartbeat_at = ?, updated_at = ?
           WHERE dag_id = ? AND run_id = ? AND task_id = ? AND map_index = -1`,
        )
        .run(now, now, dagId, runId, taskId);
      return;
    }
    this.db.transaction(() => {
      const ti = this.db
        .prepare(
          `SELECT job_id FROM task_instance WHERE dag_id = ? AND run_id = ? AND task_id = ? AND map_index = -1`,
        )
        .pluck()
        .get(dagId, runId, taskId) as number | null;
      if (ti === null) {
        const job = this.db
          .prepare(
            `INSERT INTO job (dag_id, state, job_type, start_date, latest_heartbeat, hostname)
             VALUES (?, 'running', 'LocalTaskJob', ?, ?, 'worker-1')`,
          )
          .run(dagId, now, now).lastInsertRowid;
        this.db
          .prepare(
            `UPDATE task_instance SET job_id = ?, updated_at = ?
             WHERE dag_id = ? AND run_id = ? AND task_id = ? AND map_index = -1`,
          )
          .run(job, now, dagId, runId, taskId);
      } else {
        // Airflow 2 leaves the task instance alone: only its job's row is touched.
        this.db.prepare(`UPDATE job SET latest_heartbeat = ? WHERE id = ?`).run(now, ti);
      }
    })();
  }

  deleteRun(dagId: string, runId: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(`DELETE FROM task_instance WHERE dag_id = ? AND run_id = ?`)
        .run(dagId, runId);
      this.db.prepare(`DELETE FROM dag_run WHERE dag_id = ? AND run_id = ?`).run(dagId, runId);
    })();
  }

  close(): void {
    this.db.close();
  }
}
