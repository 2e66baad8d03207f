/**
 * `runwatch watch` on Dagster's SQLite storage, recognised without being named: runs from
 * `history/runs.db`, each run's steps folded from its own event log `history/runs/<run_id>.db`
 * (or from the same database, in the single-database layout), written as Dagster writes them.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DAGSTER_EVENT_LOG_DDL, DAGSTER_RUNS_DDL } from '../../electron/core/demo/dagster-ddl.ts';
import { DagsterStorage } from '../../electron/core/demo/dagster-writer.ts';
import { createSchema } from '../../electron/core/demo/demo-schema.ts';
import { OPEN_EVENT_FILES } from '../../electron/core/source/event-files.ts';
import { MonitorHarness } from '../support/monitor-harness.ts';
import { tempDir } from '../support/orchestration-db.ts';
import { killedAfterEach, watchDatabase, type Child } from '../support/processes.ts';
import { waitFor } from '../support/wait.ts';

const track = killedAfterEach();
const open: DagsterStorage[] = [];
const harnesses: MonitorHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.stop();
  for (const storage of open.splice(0)) storage.close();
});

/**
 * `$DAGSTER_HOME/history/runs.db` with the run storage's tables (`runs`), or one database
 * holding both tables (`single`).
 */
function setUp(layout: 'shards' | 'single' = 'shards', runs = DAGSTER_RUNS_DDL) {
  const home = tempDir('runwatch-dagster-');
  const file = path.join(home, 'history', 'runs.db');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  createSchema(db, layout === 'single' ? runs + DAGSTER_EVENT_LOG_DDL : runs);
  const storage = new DagsterStorage(db, layout === 'single' ? db : null);
  open.push(storage);
  return { home, file, storage, dataDir: path.join(home, 'data') };
}

function watch(file: string, dataDir: string, args: string[] = [], env = {}): Child {
  return track(watchDatabase(file, dataDir, args, env));
}

const byType = (child: Child, type: string) => child.eventsOf(type);
const ready = (child: Child) =>
  waitFor(() => child.stderr.find((line) => line.includes('schema ok')), 'the first read');

/** A run queued and started by the default run coordinator. */
function startRun(storage: DagsterStorage, runId: string, job: string): void {
  storage.addRun(runId, job);
  storage.event(runId, 'PIPELINE_ENQUEUED', null);
  storage.event(runId, 'PIPELINE_STARTING', null);
  storage.event(runId, 'PIPELINE_START', null);
}

describe.each(['shards', 'single'] as const)('watching Dagster storage (%s)', (layout) => {
  it('reports a run start to finish: its failed step with the error, its outcome and counts', async () => {
    const { file, storage, dataDir } = setUp(layout);
    const runId = 'a1b2c3d4-0000-4000-8000-000000000001';
    storage.addRun(runId, 'etl_job');
    storage.event(runId, 'PIPELINE_ENQUEUED', null);
    const child = watch(file, dataDir);
    await ready(child);
    expect(child.stderr.join('\n')).toContain('schema ok: dagster (recognised)');
    await waitFor(() => byType(child, 'run_started').length === 1, 'the run seen');
    expect(byType(child, 'run_started')[0]).toMatchObject({
      run_id: runId,
      pipeline: 'etl_job',
      status: 'pending',
    });

    storage.event(runId, 'PIPELINE_STARTING', null);
    storage.event(runId, 'PIPELINE_START', null);
    storage.event(runId, 'STEP_WORKER_STARTING', 'extract');
    storage.event(runId, 'STEP_START', 'extract');
    storage.event(runId, null, 'extract', 'read 120 rows');
    storage.event(runId, 'STEP_SUCCESS', 'extract');
    storage.event(runId, 'STEP_START', 'load');
    storage.event(runId, 'STEP_FAILURE', 'load', 'ConnectionError: warehouse unreachable');
    await waitFor(() => byType(child, 'step_failed').length === 1, 'the failed step');
    expect(byType(child, 'step_failed')[0]).toMatchObject({ run_id: runId, step_id: 'load' });

    // Abandoned downstream: a log line only, never a step event.
    storage.event(runId, null, 'notify', 'Dependencies for step notify failed. Not executing.');
    storage.event(runId, 'PIPELINE_FAILURE', null);
    await waitFor(() => byType(child, 'run_completed').length === 1, 'the run completed');
    expect(byType(child, 'run_completed')[0]).toMatchObject({
      run_id: runId,
      outcome: 'failed',
      steps_total: 2,
      steps_succeeded: 1,
      steps_failed: 1,
    });
    // Why it failed, from the error in the event's JSON.
    await waitFor(() => byType(child, 'report_written').length === 1, 'the report');
    const reports = path.join(dataDir, 'reports');
    const report = JSON.parse(
      fs.readFileSync(path.join(reports, fs.readdirSync(reports)[0] as string), 'utf8'),
    ) as { steps: { step_id: string; status: string; message?: string }[] };
    expect(report.steps.map((step) => [step.step_id, step.status])).toEqual([
      ['extract', 'succeeded'],
      ['load', 'failed'],
    ]);
    expect(report.steps[1]?.message).toBe('ConnectionError: warehouse unreachable');
  });
});

describe('watching Dagster storage', () => {
  it('says a run stalled while its step logs nothing, and recovered at its next event', async () => {
    const { file, storage, dataDir } = setUp();
    const runId = 'b1b2c3d4-0000-4000-8000-000000000002';
    startRun(storage, runId, 'train_job');
    storage.event(runId, 'STEP_START', 'fit');
    // Naive UTC times read right under a zone far from UTC.
    const child = watch(file, dataDir, ['--stall-after', '1500ms'], { TZ: 'Pacific/Honolulu' });
    await waitFor(() => byType(child, 'run_stalled').length === 1, 'stalled', 15_000);
    expect(byType(child, 'run_stalled')[0]).toMatchObject({ run_id: runId });
    storage.event(runId, null, 'fit', 'epoch 3: loss 0.21');
    await waitFor(() => byType(child, 'run_recovered').length === 1, 'recovered');
  });

  it('says a run is overdue past its max_duration while its step keeps logging', async () => {
    const { home, file, storage, dataDir } = setUp();
    const config = path.join(home, 'alerts.yaml');
    fs.writeFileSync(config, "pipelines:\n  'nightly*': { max_duration: 1500ms }\n");
    const runId = 'f1b2c3d4-0000-4000-8000-000000000006';
    startRun(storage, runId, 'nightly_job');
    storage.event(runId, 'STEP_START', 'crunch');
    const child = watch(file, dataDir, ['--config', config, '--stall-after', '1s']);
    const logs = setInterval(() => storage.event(runId, null, 'crunch', 'still going'), 200);
    try {
      await waitFor(() => byType(child, 'run_overdue').length === 1, 'overdue', 15_000);
    } finally {
      clearInterval(logs);
    }
    expect(byType(child, 'run_overdue')[0]).toMatchObject({ run_id: runId });
    expect(byType(child, 'run_stalled')).toEqual([]);
  });

  it('reads the run storage of an older Dagster, before runs had backfill_id', async () => {
    const older = DAGSTER_RUNS_DDL.replace('\tbackfill_id VARCHAR(255),\n', '').replace(
      /CREATE INDEX idx_runs_by_backfill_id[^;]*;/,
      '',
    );
    const { home, file, storage } = setUp('shards', older);
    const columns = new Database(file, { readonly: true });
    expect(
      columns
        .prepare(`SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'backfill_id'`)
        .pluck()
        .get(),
    ).toBe(0);
    columns.close();
    const runId = 'a0b2c3d4-0000-4000-8000-000000000007';
    startRun(storage, runId, 'legacy_job');
    storage.event(runId, 'STEP_START', 'only');
    storage.event(runId, 'STEP_SUCCESS', 'only');
    storage.event(runId, 'PIPELINE_SUCCESS', null);
    const child = watch(file, path.join(home, 'data'), ['--backfill']);
    await waitFor(() => byType(child, 'run_completed').length === 1, 'the run');
    await waitFor(
      () => child.stderr.find((line) => line.includes('schema ok: dagster (recognised)')),
      'the schema recognised',
    );
    expect(byType(child, 'run_completed')[0]).toMatchObject({
      outcome: 'succeeded',
      steps_total: 1,
    });
  });

  it('keeps a step retried by its policy running, not failed, and counts it once', async () => {
    const { file, storage, dataDir } = setUp();
    const runId = 'c1b2c3d4-0000-4000-8000-000000000003';
    startRun(storage, runId, 'flaky_job');
    const child = watch(file, dataDir);
    await ready(child);
    storage.event(runId, 'STEP_START', 'fetch');
    storage.event(runId, 'STEP_UP_FOR_RETRY', 'fetch', 'RetryRequested: 503');
    storage.event(runId, 'STEP_RESTARTED', 'fetch');
    storage.event(runId, 'STEP_SUCCESS', 'fetch');
    storage.event(runId, 'PIPELINE_SUCCESS', null);
    await waitFor(() => byType(child, 'run_completed').length === 1, 'the run completed');
    expect(byType(child, 'run_completed')[0]).toMatchObject({
      outcome: 'succeeded',
      steps_total: 1,
      steps_succeeded: 1,
    });
    expect(byType(child, 'step_failed')).toEqual([]);
  });

  it('follows many runs with only a few event logs open, and sees runs deleted', async () => {
    const { home, file, storage, dataDir } = setUp();
    const runs = Array.from(
      { length: 3 * OPEN_EVENT_FILES },
      (_, i) => `d0000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    for (const runId of runs) startRun(storage, runId, 'fanout_job');
    const child = watch(file, dataDir);
    await ready(child);
    const logs = path.join(home, 'history', 'runs') + path.sep;
    let mostOpen = 0;
    const count = () => {
      const fds = fs.readdirSync(`/proc/${child.process.pid}/fd`).flatMap((fd) => {
        try {
          return [fs.readlinkSync(`/proc/${child.process.pid}/fd/${fd}`)];
        } catch {
          return [];
        }
      });
      const logFiles = new Set(
        fds.filter((target) => target.startsWith(logs) && target.endsWith('.db')),
      );
      mostOpen = Math.max(mostOpen, logFiles.size);
    };
    const sampler = setInterval(count, 20);
    try {
      for (const runId of runs) {
        storage.event(runId, 'STEP_START', 'work');
        storage.event(runId, 'STEP_FAILURE', 'work', 'boom');
      }
      await waitFor(() => byType(child, 'step_failed').length === runs.length, 'every failure');
    } finally {
      clearInterval(sampler);
    }
    expect(mostOpen).toBeGreaterThan(0);
    expect(mostOpen).toBeLessThanOrEqual(OPEN_EVENT_FILES);

    // `dagster run delete`: the run's row and its event log go.
    const gone = runs[0] as string;
    storage.deleteRun(gone);
    await waitFor(() => byType(child, 'run_removed').length === 1, 'the removal');
    expect(byType(child, 'run_removed')[0]).toMatchObject({ run_id: gone });
  });

  it("archives a run's folder in Dagster's storage, and a run without one is no failure", async () => {
    const { home, file, storage } = setUp();
    const harness = new MonitorHarness(file, {
      dataDir: path.join(home, 'data'),
      jobs: { retryDelaysMs: [100, 100] },
    });
    harnesses.push(harness);
    const h = harness.start();
    const wrote = 'aa000000-0000-4000-8000-000000000001';
    const none = 'aa000000-0000-4000-8000-000000000002';
    for (const runId of [wrote, none]) startRun(storage, runId, 'assets_job');
    await h.waitFor('run_started', none);
    // What the compute-log manager writes, outside the database's folder.
    const logs = path.join(home, 'storage', wrote, 'compute_logs');
    fs.mkdirSync(logs, { recursive: true });
    fs.writeFileSync(path.join(logs, 'step.out'), 'loaded 42 rows\n');
    for (const runId of [wrote, none]) storage.event(runId, 'PIPELINE_SUCCESS', null);
    const archived = await h.waitFor('run_archived', wrote);
    expect(archived).toMatchObject({ files: 1 });
    await waitFor(() => h.of('report_written', none).length === 2, 'the report written again');
    expect(h.of('archive_failed')).toEqual([]);
    expect(h.logs.join('\n')).toContain(`${none}: no artifacts folder`);
    const last = h.of('report_written', none)[1];
    if (last?.type !== 'report_written') throw new Error('no second report');
    const report = JSON.parse(fs.readFileSync(last.path, 'utf8')) as Record<string, unknown>;
    expect(report.archive).toBeNull();
    expect(report.archive_error).toBeUndefined();
  });

  it('names an event log that is not one once, and still reports its run', async () => {
    const { home, file, storage, dataDir } = setUp();
    const runId = 'e1b2c3d4-0000-4000-8000-000000000005';
    storage.addRun(runId, 'odd_job');
    const log = path.join(home, 'history', 'runs', `${runId}.db`);
    fs.mkdirSync(path.dirname(log), { recursive: true });
    const other = new Database(log);
    other.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
    other.close();
    const child = watch(file, dataDir);
    await waitFor(() => byType(child, 'run_started').length === 1, 'the run seen');
    await waitFor(
      () => child.stderr.find((line) => line.includes(`${log} does not hold dagster events`)),
      'the log named',
    );
    expect(child.stderr.join('\n')).toContain(
      'no table event_logs in the database (tables: notes)',
    );
    expect(
      child.stderr.filter((line) => line.includes('does not hold dagster events')),
    ).toHaveLength(1);
  });
});
