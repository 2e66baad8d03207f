/**
 * `runwatch watch` on Prefect's and MLflow's databases, each recognised without being named:
 * flow runs and task runs, MLflow runs (no steps) with their metrics as progress.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/orchestration-db.ts';
import { killedAfterEach, watchDatabase, type Child } from '../support/processes.ts';
import { MlflowDb, PrefectDb } from '../support/profile-dbs.ts';
import { waitFor } from '../support/wait.ts';

const track = killedAfterEach();
const open: { close(): void }[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function watch(file: string, dataDir: string, args: string[] = [], env = {}): Child {
  return track(watchDatabase(file, dataDir, args, env));
}

const byType = (child: Child, type: string) => child.eventsOf(type);
const recognised = (child: Child, name: string) =>
  waitFor(
    () => child.stderr.find((line) => line.includes(`schema ok: ${name} (recognised)`)),
    `the schema recognised as ${name}`,
  );

describe.each([2, 3] as const)('watching a Prefect %i database', (version) => {
  it('reports a flow run with its task runs: the failed one, the outcome, the counts', async () => {
    const dir = tempDir('runwatch-prefect-');
    const prefect = new PrefectDb(path.join(dir, 'prefect.db'), version);
    open.push(prefect);
    const flow = prefect.createFlow('nightly-etl');
    const run = prefect.createFlowRun(flow, 'brave-otter');
    const child = watch(prefect.file, path.join(dir, 'data'));
    await recognised(child, 'prefect');

    prefect.setState('flow_run', run, 'PENDING');
    prefect.setState('flow_run', run, 'RUNNING');
    const extract = prefect.createTaskRun(run, 'extract-7d3f', 'extract-0');
    const load = prefect.createTaskRun(run, 'load-2a91', 'load-0');
    prefect.setState('task_run', extract, 'RUNNING');
    await waitFor(() => byType(child, 'run_started').length === 1, 'the flow run seen');
    expect(byType(child, 'run_started')[0]).toMatchObject({
      run_id: run,
      pipeline: 'nightly-etl',
    });
    prefect.setState('task_run', extract, 'COMPLETED');
    prefect.setState('task_run', load, 'RUNNING');
    prefect.setState('task_run', load, 'FAILED');
    await waitFor(() => byType(child, 'step_failed').length === 1, 'the failed task run');
    expect(byType(child, 'step_failed')[0]).toMatchObject({ step_id: 'load-2a91/0' });

    prefect.setState('flow_run', run, 'FAILED');
    await waitFor(() => byType(child, 'run_completed').length === 1, 'the flow run ended');
    expect(byType(child, 'run_completed')[0]).toMatchObject({
      run_id: run,
      outcome: 'failed',
      steps_total: 2,
      steps_succeeded: 1,
      steps_failed: 1,
    });
  });
});

describe('watching a Prefect database', () => {
  it('says a flow run stalled while its tasks sit still, and recovered at their next state', async () => {
    const dir = tempDir('runwatch-prefect-');
    const prefect = new PrefectDb(path.join(dir, 'prefect.db'), 3);
    open.push(prefect);
    const run = prefect.createFlowRun(prefect.createFlow('ingest'), 'calm-heron');
    prefect.setState('flow_run', run, 'RUNNING');
    const fetch = prefect.createTaskRun(run, 'fetch-1a2b', 'fetch-0');
    prefect.setState('task_run', fetch, 'RUNNING');
    // Naive UTC times, read right under a zone far from UTC.
    const child = watch(prefect.file, path.join(dir, 'data'), ['--stall-after', '1500ms'], {
      TZ: 'Asia/Kolkata',
    });
    await waitFor(() => byType(child, 'run_stalled').length === 1, 'the stall', 15_000);
    prefect.setState('task_run', fetch, 'COMPLETED');
    await waitFor(() => byType(child, 'run_recovered').length === 1, 'the recovery');
    expect(byType(child, 'run_recovered')[0]).toMatchObject({ run_id: run });
  });

  it('says a flow run is overdue past its max_duration, and reports one deleted', async () => {
    const dir = tempDir('runwatch-prefect-');
    const config = path.join(dir, 'alerts.yaml');
    fs.writeFileSync(config, "pipelines:\n  'report*': { max_duration: 1500ms }\n");
    const prefect = new PrefectDb(path.join(dir, 'prefect.db'), 2);
    open.push(prefect);
    const run = prefect.createFlowRun(prefect.createFlow('report-weekly'), 'tall-finch');
    prefect.setState('flow_run', run, 'RUNNING');
    const child = watch(prefect.file, path.join(dir, 'data'), ['--config', config]);
    let n = 0;
    const busy = setInterval(() => {
      const task = prefect.createTaskRun(run, `render-${n}`, `render-${n++}`);
      prefect.setState('task_run', task, 'COMPLETED');
    }, 200);
    try {
      await waitFor(() => byType(child, 'run_overdue').length === 1, 'overdue', 15_000);
    } finally {
      clearInterval(busy);
    }
    expect(byType(child, 'run_overdue')[0]).toMatchObject({ run_id: run });
    prefect.deleteFlowRun(run);
    await waitFor(() => byType(child, 'run_removed').length === 1, 'the removal');
  });
});

describe('watching an MLflow tracking store', () => {
  it('reads a run as progressing while it logs metrics, stalled when it stops, and finished', async () => {
    const dir = tempDir('runwatch-mlflow-');
    const mlflow = new MlflowDb(path.join(dir, 'mlflow.db'));
    open.push(mlflow);
    const experiment = mlflow.createExperiment('churn-model');
    const artifacts = path.join(dir, 'mlruns', 'run-1', 'artifacts');
    fs.mkdirSync(artifacts, { recursive: true });
    fs.writeFileSync(path.join(artifacts, 'model.pkl'), 'weights');
    const child = watch(mlflow.file, path.join(dir, 'data'), ['--stall-after', '1500ms']);
    await recognised(child, 'mlflow');

    const run = mlflow.startRun(experiment, `file://${artifacts}`);
    await waitFor(() => byType(child, 'run_started').length === 1, 'the run started');
    expect(byType(child, 'run_started')[0]).toMatchObject({
      run_id: run,
      pipeline: 'churn-model',
      status: 'running',
    });
    await waitFor(() => byType(child, 'run_stalled').length === 1, 'the stall', 15_000);
    mlflow.logMetric(run, 'loss', 0.41, 1);
    await waitFor(() => byType(child, 'run_recovered').length === 1, 'the recovery', 15_000);

    mlflow.endRun(run, 'FINISHED');
    await waitFor(() => byType(child, 'run_completed').length === 1, 'the run finished');
    expect(byType(child, 'run_completed')[0]).toMatchObject({
      run_id: run,
      outcome: 'succeeded',
      steps_total: 0,
    });
    // Its artifacts, where its file: URI points, are archived.
    await waitFor(() => byType(child, 'run_archived').length === 1, 'the archive', 15_000);
    expect(byType(child, 'run_archived')[0]).toMatchObject({ files: 1, bytes: 7 });
  });

  it('says a run is overdue past its max_duration while it logs metrics', async () => {
    const dir = tempDir('runwatch-mlflow-');
    const config = path.join(dir, 'alerts.yaml');
    fs.writeFileSync(config, "pipelines:\n  'tune*': { max_duration: 1500ms }\n");
    const mlflow = new MlflowDb(path.join(dir, 'mlflow.db'));
    open.push(mlflow);
    const run = mlflow.startRun(mlflow.createExperiment('tune-lr'), 's3://bucket/runs/2');
    const child = watch(mlflow.file, path.join(dir, 'data'), ['--config', config]);
    let step = 0;
    const logging = setInterval(() => mlflow.logMetric(run, 'loss', 1 / ++step, step), 200);
    try {
      await waitFor(() => byType(child, 'run_overdue').length === 1, 'overdue', 15_000);
    } finally {
      clearInterval(logging);
    }
    expect(byType(child, 'run_overdue')[0]).toMatchObject({ run_id: run });
    expect(byType(child, 'run_stalled')).toEqual([]);
  });

  it('reports a run moved to the trash as removed', async () => {
    const dir = tempDir('runwatch-mlflow-');
    const mlflow = new MlflowDb(path.join(dir, 'mlflow.db'));
    open.push(mlflow);
    const run = mlflow.startRun(mlflow.createExperiment('ab-test'), 's3://bucket/runs/1');
    const child = watch(mlflow.file, path.join(dir, 'data'));
    await waitFor(() => byType(child, 'run_started').length === 1, 'the run seen');
    mlflow.deleteRun(run);
    await waitFor(() => byType(child, 'run_removed').length === 1, 'the removal');
    expect(byType(child, 'run_removed')[0]).toMatchObject({ run_id: run });
  });

  it('takes a finished run back from the trash as history, not as news', async () => {
    const dir = tempDir('runwatch-mlflow-');
    const mlflow = new MlflowDb(path.join(dir, 'mlflow.db'));
    open.push(mlflow);
    const experiment = mlflow.createExperiment('ab-test');
    const kept = mlflow.startRun(experiment, 's3://bucket/1');
    mlflow.endRun(kept, 'FINISHED');
    const trashed = mlflow.startRun(experiment, 's3://bucket/2');
    mlflow.endRun(trashed, 'FINISHED');
    mlflow.deleteRun(trashed);
    const child = watch(mlflow.file, path.join(dir, 'data'));
    await recognised(child, 'mlflow');
    mlflow.db
      .prepare(`UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_uuid = ?`)
      .run(trashed);
    const later = mlflow.startRun(experiment, 's3://bucket/3');
    await waitFor(() => byType(child, 'run_started').length === 1, 'the next run seen');
    expect(byType(child, 'run_started')[0]).toMatchObject({ run_id: later });
    expect(byType(child, 'run_completed')).toEqual([]);
  });
});
