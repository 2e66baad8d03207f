/**
 * Each built-in profile on both engines, from one table of cases: the tool's own tables (its
 * SQLite and its PostgreSQL DDL), written by another connection as the tool writes them, and
 * watched by the same monitor. A run starts with two tasks, one task fails while the other
 * runs, then the run fails: the same events, whatever holds the database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MonitorHarness } from '../support/monitor-harness.ts';
import { engineDb, now, type Engine, type EngineDb, type Fixtures } from '../support/engine-db.ts';
import { pgMissing } from '../support/pg-database.ts';
import { waitFor } from '../support/wait.ts';

interface Tool {
  fixtures: Fixtures;
  /** Sets the tool's own rows up before the watch starts (a flow, an experiment). */
  prepare(db: EngineDb): Promise<Record<string, unknown>>;
  /** Starts a run (with two running tasks where the tool has tasks); its id as Runwatch says it. */
  start(db: EngineDb, key: string, ctx: Record<string, unknown>): Promise<string>;
  /** Fails the first task, or null for a tool without tasks. */
  failTask: ((db: EngineDb, key: string) => Promise<void>) | null;
  fail(db: EngineDb, key: string): Promise<void>;
}

const TOOLS: Record<string, Tool> = {
  airflow: {
    fixtures: { sqlite: ['airflow-3'], postgresql: 'airflow-3-postgresql' },
    prepare: async () => ({}),
    async start(db, key) {
      const t = now();
      await db.query(
        `INSERT INTO dag_run (dag_id, run_id, state, run_type, run_after, queued_at, start_date,
           updated_at) VALUES ('etl', ?, 'running', 'manual', ?, ?, ?, ?)`,
        [key, t, t, t, t],
      );
      for (const task of ['extract', 'load']) {
        await db.query(
          `INSERT INTO task_instance (id, task_id, dag_id, run_id, map_index, state, pool,
             pool_slots, start_date, updated_at)
           VALUES (?, ?, 'etl', ?, -1, 'running', 'default_pool', 1, ?, ?)`,
          [crypto.randomUUID(), task, key, t, t],
        );
      }
      return `etl/${key}`;
    },
    async failTask(db, key) {
      const t = now();
      await db.query(
        `UPDATE task_instance SET state = 'failed', end_date = ?, updated_at = ?
         WHERE run_id = ? AND task_id = 'extract'`,
        [t, t, key],
      );
    },
    async fail(db, key) {
      const t = now();
      await db.query(
        `UPDATE dag_run SET state = 'failed', end_date = ?, updated_at = ? WHERE run_id = ?`,
        [t, t, key],
      );
    },
  },
  prefect: {
    fixtures: { sqlite: ['prefect-3'], postgresql: 'prefect-3-postgresql' },
    async prepare(db) {
      const flow = crypto.randomUUID();
      await db.query(`INSERT INTO flow (id, created, updated, name) VALUES (?, ?, ?, 'etl')`, [
        flow,
        now(),
        now(),
      ]);
      return { flow, runs: new Map<string, string>() };
    },
    async start(db, key, ctx) {
      const id = crypto.randomUUID();
      (ctx.runs as Map<string, string>).set(key, id);
      const t = now();
      await db.query(
        `INSERT INTO flow_run (id, created, updated, name, flow_id, state_type, state_name,
           state_timestamp, expected_start_time, start_time)
         VALUES (?, ?, ?, ?, ?, 'RUNNING', 'Running', ?, ?, ?)`,
        [id, t, t, key, ctx.flow, t, t, t],
      );
      for (const task of ['extract', 'load']) {
        await db.query(
          `INSERT INTO task_run (id, created, updated, name, task_key, dynamic_key, flow_run_id,
             state_type, state_name, state_timestamp, start_time)
           VALUES (?, ?, ?, ?, ?, '0', ?, 'RUNNING', 'Running', ?, ?)`,
          [crypto.randomUUID(), t, t, task, task, id, t, t],
        );
      }
      return id;
    },
    async failTask(db, key) {
      const t = now();
      await db.query(
        `UPDATE task_run SET state_type = 'FAILED', state_name = 'Failed', state_timestamp = ?,
           updated = ?, end_time = ?
         WHERE task_key = 'extract' AND flow_run_id = (SELECT id FROM flow_run WHERE name = ?)`,
        [t, t, t, key],
      );
    },
    async fail(db, key) {
      const t = now();
      await db.query(
        `UPDATE flow_run SET state_type = 'FAILED', state_name = 'Failed', state_timestamp = ?,
           updated = ?, end_time = ? WHERE name = ?`,
        [t, t, t, key],
      );
    },
  },
  dagster: {
    // One database holding runs and event_logs: Dagster's layout on PostgreSQL, and one of its
    // layouts on SQLite.
    fixtures: { sqlite: ['dagster-runs', 'dagster-event-log'], postgresql: 'dagster-postgresql' },
    prepare: async () => ({}),
    async start(db, key) {
      await db.query(
        `INSERT INTO runs (run_id, snapshot_id, pipeline_name, mode, status, run_body,
           create_timestamp, update_timestamp, start_time)
         VALUES (?, 'snapshot', 'etl', 'default', 'STARTED', '{}', ?, ?, ?)`,
        [key, now(), now(), Date.now() / 1000],
      );
      for (const step of ['extract', 'load']) await dagsterEvent(db, key, 'STEP_START', step);
      return key;
    },
    async failTask(db, key) {
      await dagsterEvent(db, key, 'STEP_FAILURE', 'extract', 'disk full');
    },
    async fail(db, key) {
      await dagsterEvent(db, key, 'PIPELINE_FAILURE', null);
      await db.query(
        `UPDATE runs SET status = 'FAILURE', update_timestamp = ?, end_time = ? WHERE run_id = ?`,
        [now(), Date.now() / 1000, key],
      );
    },
  },
  mlflow: {
    fixtures: { sqlite: ['mlflow'], postgresql: 'mlflow-postgresql' },
    async prepare(db) {
      const [row] = await db.query(
        `INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time,
           last_update_time) VALUES ('train', 'file:///tmp/mlruns/train', 'active', ?, ?)
         RETURNING experiment_id`,
        [Date.now(), Date.now()],
      );
      return { experiment: row?.experiment_id };
    },
    async start(db, key, ctx) {
      await db.query(
        `INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id,
           status, start_time, source_version, lifecycle_stage, artifact_uri, experiment_id)
         VALUES (?, ?, 'LOCAL', 'train.py', '', 'me', 'RUNNING', ?, '', 'active', ?, ?)`,
        [key, key, Date.now(), `/tmp/mlruns/${key}`, ctx.experiment],
      );
      return key;
    },
    failTask: null,
    async fail(db, key) {
      await db.query(`UPDATE runs SET status = 'FAILED', end_time = ? WHERE run_uuid = ?`, [
        Date.now(),
        key,
      ]);
    },
  },
};

/** An event as Dagster's event log storage appends it. */
async function dagsterEvent(
  db: EngineDb,
  runId: string,
  type: string,
  stepKey: string | null,
  message = '',
): Promise<void> {
  const event = {
    __class__: 'EventLogEntry',
    dagster_event: {
      __class__: 'DagsterEvent',
      event_type_value: type,
      step_key: stepKey,
      event_specific_data: type === 'STEP_FAILURE' ? { error: { message, stack: [] } } : null,
    },
    run_id: runId,
    step_key: stepKey,
    timestamp: Date.now() / 1000,
  };
  await db.query(
    `INSERT INTO event_logs (run_id, event, dagster_event_type, timestamp, step_key)
     VALUES (?, ?, ?, ?, ?)`,
    [runId, JSON.stringify(event), type, now(), stepKey],
  );
}

const missing = pgMissing();
const ENGINES: Engine[] = ['sqlite', 'postgresql'];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('each built-in profile, on SQLite and on PostgreSQL', () => {
  for (const [name, tool] of Object.entries(TOOLS)) {
    for (const engine of ENGINES) {
      const skip = engine === 'postgresql' ? missing : null;
      it.skipIf(skip !== null)(
        `${name} on ${engine}${skip ? ` (skipped: ${skip})` : ''}: a start, a task failed, the run failed`,
        async () => {
          const db = await engineDb(engine, tool.fixtures);
          cleanups.push(() => db.close());
          const ctx = await tool.prepare(db);
          const harness = new MonitorHarness(db.location);
          cleanups.push(() => harness.stop());
          harness.start();
          await waitFor(() => harness.diagnostics, 'the first read');
          expect(harness.diagnostics?.schema).toMatchObject({ name, detected: true });

          const key = `run${Date.now() % 100_000}`;
          const runId = await tool.start(db, key, ctx);
          await harness.waitFor('run_started', runId);
          if (tool.failTask) {
            await tool.failTask(db, key);
            await harness.waitFor('step_failed', runId);
          }
          await tool.fail(db, key);
          const done = await harness.waitFor('run_completed', runId);
          expect(done).toMatchObject({
            outcome: 'failed',
            steps_total: tool.failTask ? 2 : 0,
            steps_failed: tool.failTask ? 1 : 0,
          });
          expect(harness.logs.filter((line) => /warning|error/.test(line))).toEqual([]);
        },
      );
    }
  }
});
