import type Database from 'better-sqlite3';
import type { DemoWriter } from './demo-writer.ts';
import { naiveUtc } from './naive-utc.ts';

const FINAL = new Set(['COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED']);
const NAMES: Record<string, string> = {
  SCHEDULED: 'Scheduled',
  PENDING: 'Pending',
  RUNNING: 'Running',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

/**
 * Prefect 3's server, as it writes flow runs and task runs: a flow per pipeline, a flow run
 * scheduled then pending then running, task runs created as the flow reaches each task, every
 * state change stamping `state_*` and `updated` (SQL now, milliseconds, as its `onupdate` does),
 * `run_count` counting each time a run starts running. A retried flow run runs again in place.
 */
export class PrefectWriter implements DemoWriter {
  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
  }

  nextRunId(): string {
    return crypto.randomUUID();
  }

  queue(runId: string, pipeline: string): void {
    const t = naiveUtc();
    this.db.transaction(() => {
      let flowId = this.db.prepare('SELECT id FROM flow WHERE name = ?').pluck().get(pipeline) as
        string | undefined;
      if (flowId === undefined) {
        flowId = crypto.randomUUID();
        this.db.prepare('INSERT INTO flow (id, name) VALUES (?, ?)').run(flowId, pipeline);
      }
      this.db
        .prepare(
          `INSERT INTO flow_run (id, created, updated, name, flow_id, state_type, state_name,
             state_timestamp, expected_start_time)
           VALUES (?, ?, ?, ?, ?, 'SCHEDULED', 'Scheduled', ?, ?)`,
        )
        .run(runId, t, t, `${pipeline}-${runId.slice(0, 8)}`, flowId, t, t);
    })();
  }

  start(runId: string, again: boolean): void {
    this.db.transaction(() => {
      if (again) {
        for (const id of this.db
          .prepare('SELECT id FROM task_run WHERE flow_run_id = ?')
          .pluck()
          .all(runId) as string[]) {
          setPrefectState(this.db, 'task_run', id, 'PENDING');
        }
      } else {
        setPrefectState(this.db, 'flow_run', runId, 'PENDING');
      }
      setPrefectState(this.db, 'flow_run', runId, 'RUNNING', again ? 'Retrying' : 'Running');
    })();
  }

  startStep(runId: string, _index: number, name: string): void {
    this.db.transaction(() => {
      const key = `${name}-${runId.slice(0, 4)}`;
      let id = this.db
        .prepare('SELECT id FROM task_run WHERE flow_run_id = ? AND task_key = ?')
        .pluck()
        .get(runId, key) as string | undefined;
      if (id === undefined) {
        id = crypto.randomUUID();
        const t = naiveUtc();
        this.db
          .prepare(
            `INSERT INTO task_run (id, created, updated, name, task_key, dynamic_key, flow_run_id,
               state_type, state_name, state_timestamp)
             VALUES (?, ?, ?, ?, ?, '0', ?, 'PENDING', 'Pending', ?)`,
          )
          .run(id, t, t, `${name}-0`, key, runId, t);
      }
      setPrefectState(this.db, 'task_run', id, 'RUNNING');
    })();
  }

  beat(): void {
    // Prefect keeps no heartbeat on a task run's row: its state changes are its progress.
  }

  endStep(runId: string, _index: number, name: string, outcome: 'succeeded' | 'failed'): void {
    const id = this.taskRun(runId, name);
    if (id !== undefined)
      setPrefectState(this.db, 'task_run', id, outcome === 'succeeded' ? 'COMPLETED' : 'FAILED');
  }

  end(runId: string, status: 'succeeded' | 'failed' | 'cancelled'): void {
    const type =
      status === 'succeeded' ? 'COMPLETED' : status === 'failed' ? 'FAILED' : 'CANCELLED';
    this.db.transaction(() => {
      if (type === 'CANCELLED') {
        for (const id of this.db
          .prepare(`SELECT id FROM task_run WHERE flow_run_id = ? AND state_type = 'RUNNING'`)
          .pluck()
          .all(runId) as string[]) {
          setPrefectState(this.db, 'task_run', id, 'CANCELLED');
        }
      }
      setPrefectState(this.db, 'flow_run', runId, type);
    })();
  }

  artifactsDir(): null {
    return null;
  }

  close(): void {
    this.db.close();
  }

  private taskRun(runId: string, name: string): string | undefined {
    return this.db
      .prepare('SELECT id FROM task_run WHERE flow_run_id = ? AND task_key = ?')
      .pluck()
      .get(runId, `${name}-${runId.slice(0, 4)}`) as string | undefined;
  }
}

/**
 * A state change as Prefect's orchestration policy writes it on a run's row: `state_*`, the
 * start and end times it sets, `run_count` for each start, and `updated` by SQL now (its
 * `onupdate`, milliseconds padded to six digits).
 */
export function setPrefectState(
  db: Database.Database,
  table: 'flow_run' | 'task_run',
  id: string,
  type: string,
  name?: string,
): void {
  const t = naiveUtc();
  const running = type === 'RUNNING' ? 1 : 0;
  db.prepare(
    `UPDATE ${table} SET state_type = ?, state_name = ?, state_timestamp = ?,
       start_time = CASE WHEN ? THEN coalesce(start_time, ?) ELSE start_time END,
       end_time = CASE WHEN ? THEN ? ELSE NULL END,
       run_count = run_count + ?,
       updated = strftime('%Y-%m-%d %H:%M:%f000', 'now')
     WHERE id = ?`,
  ).run(type, name ?? NAMES[type] ?? type, t, running, t, FINAL.has(type) ? 1 : 0, t, running, id);
}
