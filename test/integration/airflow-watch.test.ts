/**
 * `runwatch watch` on an Airflow metadata database, recognised without being named, for both
 * Airflow 2 and 3: DAG runs and task instances become runs and steps, with every event the
 * default schema gives.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AirflowDb, type AirflowVersion } from '../support/airflow-db.ts';
import { tempDir } from '../support/orchestration-db.ts';
import { killedAfterEach, watchDatabase, type Child } from '../support/processes.ts';
import { waitFor } from '../support/wait.ts';

const track = killedAfterEach();
const open: AirflowDb[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function setUp(version: AirflowVersion) {
  const dir = tempDir('runwatch-airflow-');
  const airflow = new AirflowDb(path.join(dir, 'airflow.db'), version);
  open.push(airflow);
  return { dir, airflow, dataDir: path.join(dir, 'data') };
}

function watch(
  airflow: AirflowDb,
  dataDir: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Child {
  return track(watchDatabase(airflow.file, dataDir, args, env));
}

const byType = (child: Child, type: string) => child.eventsOf(type);

describe.each([2, 3] as const)('watching an Airflow %i database', (version) => {
  it('reports a DAG run start to finish: its failed task, its outcome and its counts', async () => {
    const { airflow, dataDir } = setUp(version);
    const runId = 'manual__2026-12-06T10:00:00+00:00';
    airflow.createRun('etl', runId, ['extract', 'load', 'notify']);
    const child = watch(airflow, dataDir);
    await waitFor(
      () => child.stderr.find((line) => line.includes('schema ok: airflow (recognised)')),
      'the schema recognised',
    );

    // Queued: the run is seen, pending.
    await waitFor(() => byType(child, 'run_started').length === 1, 'the run seen');
    expect(byType(child, 'run_started')[0]).toMatchObject({
      run_id: `etl/${runId}`,
      pipeline: 'etl',
      attempt: 1,
      status: 'pending',
    });

    airflow.setRun('etl', runId, 'running');
    airflow.setTask('etl', runId, 'extract', 'queued');
    airflow.setTask('etl', runId, 'extract', 'running');
    airflow.setTask('etl', runId, 'extract', 'success');
    airflow.setTask('etl', runId, 'load', 'running');
    airflow.setTask('etl', runId, 'load', 'failed');
    await waitFor(() => byType(child, 'step_failed').length === 1, 'the failed task');
    expect(byType(child, 'step_failed')[0]).toMatchObject({
      run_id: `etl/${runId}`,
      step_id: 'load',
    });

    airflow.setTask('etl', runId, 'notify', 'upstream_failed');
    airflow.setRun('etl', runId, 'failed');
    await waitFor(() => byType(child, 'run_completed').length === 1, 'the run completed');
    expect(byType(child, 'run_completed')[0]).toMatchObject({
      run_id: `etl/${runId}`,
      outcome: 'failed',
      steps_total: 3,
      steps_succeeded: 1,
      steps_failed: 1,
      steps_skipped: 1,
    });
    // The report is written under the run's safe id, and the database was only read.
    const reports = path.join(dataDir, 'reports');
    await waitFor(() => fs.existsSync(reports) && fs.readdirSync(reports).length > 0, 'a report');
    const check = new Database(airflow.file, { readonly: true });
    expect(
      check
        .prepare(`SELECT count(*) FROM sqlite_master WHERE name IN ('runs', 'steps')`)
        .pluck()
        .get(),
    ).toBe(0);
    check.close();
  });

  // Ten hours behind UTC: Airflow's naive times are UTC whatever zone Runwatch runs in, so the
  // stall comes after stall_after, not at once with ten hours of idle time.
  it('says a run stalled while its task is silent, and recovered at its next heartbeat', async () => {
    const { airflow, dataDir } = setUp(version);
    const runId = 'scheduled__2026-12-06T00:00:00+00:00';
    airflow.createRun('train', runId, ['fit']);
    airflow.setRun('train', runId, 'running');
    airflow.setTask('train', runId, 'fit', 'running');
    airflow.heartbeat('train', runId, 'fit');
    const started = Date.now();
    const child = watch(airflow, dataDir, ['--stall-after', '1500ms'], {
      TZ: 'Pacific/Honolulu',
    });
    await waitFor(() => byType(child, 'run_stalled').length === 1, 'the stall', 15_000);
    expect(Date.now() - started).toBeGreaterThan(1_000);
    expect(byType(child, 'run_stalled')[0]?.idle_s).toBeLessThan(10);

    airflow.heartbeat('train', runId, 'fit');
    await waitFor(() => byType(child, 'run_recovered').length === 1, 'the recovery', 15_000);
    expect(byType(child, 'run_recovered')[0]).toMatchObject({ run_id: `train/${runId}` });
  });
});

describe('watching an Airflow database', () => {
  it('says a DAG run is overdue past its max_duration, with heartbeats coming all along', async () => {
    const { dir, airflow, dataDir } = setUp(3);
    const config = path.join(dir, 'alerts.yaml');
    fs.writeFileSync(config, "pipelines:\n  'report*': { max_duration: 1500ms }\n");
    const runId = 'scheduled__2026-12-06T00:00:00+00:00';
    airflow.createRun('report', runId, ['render']);
    airflow.setRun('report', runId, 'running');
    airflow.setTask('report', runId, 'render', 'running');
    const child = watch(airflow, dataDir, ['--config', config]);
    const beats = setInterval(() => airflow.heartbeat('report', runId, 'render'), 200);
    try {
      await waitFor(() => byType(child, 'run_overdue').length === 1, 'overdue', 15_000);
    } finally {
      clearInterval(beats);
    }
    expect(byType(child, 'run_overdue')[0]).toMatchObject({ run_id: `report/${runId}` });
    expect(byType(child, 'run_stalled')).toEqual([]);
  });

  it('gives a cleared run a second attempt, and a deleted run its removal', async () => {
    const { airflow, dataDir } = setUp(3);
    const runId = 'manual__1';
    airflow.createRun('etl', runId, ['a']);
    const child = watch(airflow, dataDir, ['--schema', 'airflow']);
    await waitFor(() => child.stderr.find((line) => line.includes('schema ok')), 'the first read');
    airflow.setRun('etl', runId, 'running');
    airflow.setTask('etl', runId, 'a', 'running');
    airflow.setTask('etl', runId, 'a', 'success');
    airflow.setRun('etl', runId, 'success');
    await waitFor(() => byType(child, 'run_completed').length === 1, 'the first attempt');

    // Cleared in the UI: the run is queued again, its task instances back at NULL.
    airflow.setRun('etl', runId, 'queued');
    airflow.setTask('etl', runId, 'a', null);
    airflow.setRun('etl', runId, 'running');
    airflow.setTask('etl', runId, 'a', 'running');
    await waitFor(
      () => byType(child, 'run_started').some((e) => e.attempt === 2),
      'the second attempt',
    );
    airflow.deleteRun('etl', runId);
    await waitFor(() => byType(child, 'run_removed').length === 1, 'the removal');
    expect(child.stderr.join('\n')).toContain('schema ok: airflow (named)');
  });

  it('reports every change, those a checkpoint took out of the log before a look included', async () => {
    const { airflow, dataDir } = setUp(3);
    const runId = 'manual__1';
    const tasks = ['a', 'b', 'c', 'd', 'e', 'f'];
    airflow.createRun('etl', runId, tasks);
    airflow.setRun('etl', runId, 'running');
    const child = watch(airflow, dataDir);
    // The notice follows "schema ok" in a write of its own: it may reach the pipe in a later read.
    await waitFor(
      () =>
        child.stderr
          .join('\n')
          .includes(
            'no index on dag_run(updated_at), task_instance(updated_at): changes there are read from the write-ahead log',
          ),
      'the first read and its notice of the unindexed tables',
    );
    for (const task of tasks) {
      airflow.setTask('etl', runId, task, 'running');
      airflow.setTask('etl', runId, task, 'failed');
      // Every other change, the log is written back into the database and emptied at once.
      if (task.charCodeAt(0) % 2 === 1) airflow.db.pragma('wal_checkpoint(TRUNCATE)');
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
    await waitFor(() => byType(child, 'step_failed').length === tasks.length, 'every failure');
    expect(byType(child, 'step_failed').map((e) => e.step_id)).toEqual(tasks);
  });

  it('refuses the airflow profile on a database that is not Airflow, saying what is missing', async () => {
    const dir = tempDir('runwatch-airflow-');
    const file = path.join(dir, 'other.db');
    const other = new Database(file);
    other.exec(`CREATE TABLE dag_run (id INTEGER PRIMARY KEY, dag TEXT, run_id TEXT, state TEXT)`);
    other.close();
    const child = watch({ file } as AirflowDb, path.join(dir, 'data'), [
      '--schema',
      'airflow',
      '--once',
    ]);
    const exit = await child.exited;
    expect(exit.code).toBe(1);
    const said = child.stderr.join('\n');
    expect(said).toContain(`${file} does not have the airflow schema`);
    expect(said).toContain('table dag_run has no column dag_id (columns: id, dag, run_id, state)');
    expect(said).toContain('no table task_instance in the database');
  });
});
