import type Database from 'better-sqlite3';
import type { DemoWriter } from './demo-writer.ts';
import { naiveUtc } from './naive-utc.ts';

/** The Runwatch run id of a DAG run, `dag_id/run_id`, split again. */
function parts(runId: string): [string, string] {
  const slash = runId.indexOf('/');
  return [runId.slice(0, slash), runId.slice(slash + 1)];
}

/**
 * Airflow 3's scheduler and task runners, as they write dag_run and task_instance: a run created
 * queued with its task instances at NULL state, `updated_at` on every write, heartbeats on the
 * running task's row, a failure's downstream tasks `upstream_failed`. A cleared run starts again
 * with `clear_number` one higher. Airflow has no cancelled run: one stopped is marked failed.
 */
export class AirflowWriter implements DemoWriter {
  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
  }

  nextRunId(pipeline: string): string {
    const exists = this.db.prepare('SELECT 1 FROM dag_run WHERE dag_id = ? AND run_id = ?').pluck();
    for (let at = Date.now(); ; at += 1) {
      const runId = `manual__${new Date(at).toISOString().replace('Z', '+00:00')}`;
      if (!exists.get(pipeline, runId)) return `${pipeline}/${runId}`;
    }
  }

  queue(id: string, _pipeline: string, steps: readonly string[]): void {
    const [dagId, runId] = parts(id);
    const t = naiveUtc();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO dag_run (dag_id, run_id, state, queued_at, logical_date, run_type,
             triggered_by, run_after, updated_at, clear_number)
           VALUES (?, ?, 'queued', ?, ?, 'manual', 'cli', ?, ?, 0)`,
        )
        .run(dagId, runId, t, t, t, t);
      const insert = this.db.prepare(
        `INSERT INTO task_instance (id, task_id, dag_id, run_id, map_index, try_number, pool,
           pool_slots, priority_weight, operator, updated_at)
         VALUES (?, ?, ?, ?, -1, 0, 'default_pool', 1, ?, 'PythonOperator', ?)`,
      );
      steps.forEach((task, index) =>
        insert.run(crypto.randomUUID(), task, dagId, runId, steps.length - index, t),
      );
    })();
  }

  start(id: string, again: boolean): void {
    const [dagId, runId] = parts(id);
    const t = naiveUtc();
    this.db.transaction(() => {
      if (again) {
        this.db
          .prepare(
            `UPDATE task_instance SET state = NULL, start_date = NULL, end_date = NULL,
               duration = NULL, last_heartbeat_at = NULL, updated_at = ?
             WHERE dag_id = ? AND run_id = ?`,
          )
          .run(t, dagId, runId);
      }
      this.db
        .prepare(
          `UPDATE dag_run SET state = 'running', start_date = ?, end_date = NULL,
             clear_number = clear_number + ?, last_scheduling_decision = ?, updated_at = ?
           WHERE dag_id = ? AND run_id = ?`,
        )
        .run(t, again ? 1 : 0, t, t, dagId, runId);
    })();
  }

  startStep(id: string, _index: number, task: string): void {
    const t = naiveUtc();
    this.setTask(id, task, 'queued', `queued_dttm = '${t}'`, t);
    this.setTask(
      id,
      task,
      'running',
      `start_date = '${t}', end_date = NULL, try_number = try_number + 1, last_heartbeat_at = '${t}', hostname = 'demo-worker'`,
      t,
    );
  }

  beat(id: string, _index: number, task: string): void {
    const [dagId, runId] = parts(id);
    const t = naiveUtc();
    this.db
      .prepare(
        `UPDATE task_instance SET last_heartbeat_at = ?, updated_at = ?
         WHERE dag_id = ? AND run_id = ? AND task_id = ? AND map_index = -1`,
      )
      .run(t, t, dagId, runId, task);
  }

  endStep(id: string, _index: number, task: string, outcome: 'succeeded' | 'failed'): void {
    const t = naiveUtc();
    const state = outcome === 'succeeded' ? 'success' : 'failed';
    this.setTask(
      id,
      task,
      state,
      `end_date = '${t}', duration = (julianday('${t}') - julianday(start_date)) * 86400`,
      t,
    );
  }

  end(
    id: string,
    status: 'succeeded' | 'failed' | 'cancelled',
    steps: readonly string[],
    from: number,
  ): void {
    const [dagId, runId] = parts(id);
    const t = naiveUtc();
    const rest =
      status === 'failed' ? 'upstream_failed' : status === 'cancelled' ? 'skipped' : null;
    this.db.transaction(() => {
      if (rest !== null) {
        steps.forEach((task, index) => {
          if (index >= from) this.setTask(id, task, rest, `end_date = '${t}'`, t);
        });
      }
      this.db
        .prepare(
          `UPDATE dag_run SET state = ?, end_date = ?, updated_at = ? WHERE dag_id = ? AND run_id = ?`,
        )
        .run(status === 'succeeded' ? 'success' : 'failed', t, t, dagId, runId);
    })();
  }

  artifactsDir(): null {
    return null;
  }

  close(): void {
    this.db.close();
  }

  private setTask(id: string, task: string, state: string, also: string, t: string): void {
    const [dagId, runId] = parts(id);
    this.db
      .prepare(
        `UPDATE task_instance SET state = ?, ${also}, updated_at = ?
         WHERE dag_id = ? AND run_id = ? AND task_id = ? AND map_index = -1`,
      )
      .run(state, t, dagId, runId, task);
  }
}
