/**
 * `runwatch watch` on an Airflow 3 database as large as the issue names it: 10,000 running DAG
 * runs with 20 task instances each, and 50,000 finished ones (1.2 million task instances in
 * all). Another connection fails one task instance at a time; measured beside the same run's
 * baselines: detection latency (commit to the event on watch's stdout), watch's CPU per change
 * against one naive full re-read of both tables, and its CPU once the writes stop.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import Database from 'better-sqlite3';
import { textTable } from '../../electron/core/cli/text-table.ts';
import { AIRFLOW_DDL } from '../../electron/core/demo/airflow-ddl.ts';
import { naiveUtc } from '../../electron/core/demo/naive-utc.ts';
import { cacheRoot } from './generate-db.ts';
import { distribution, median, type Distribution } from './stats.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'runwatch.js');
const TASKS = 20;
/** The task instance each change fails: the one running in every active run. */
const RUNNING_TASK = 'task_5';

export interface AirflowBenchResult {
  activeRuns: number;
  finishedRuns: number;
  taskInstances: number;
  dbBytes: number;
  firstLoadMs: number;
  changes: number;
  missed: number;
  latencyMs: Distribution;
  cpuPerChangeMs: number;
  naiveReadCpuMs: number;
  /** CPU share of one core, 10–30 s after the last change, and over the minute after it. */
  idlePercent: { window10to30: number; minute: number };
}

function sizes(quick: boolean) {
  return quick ? { active: 1_000, finished: 5_000 } : { active: 10_000, finished: 50_000 };
}

/** Builds the database once per size; the benchmark then works on a copy. */
function ensureAirflowDb(quick: boolean, progress: (message: string) => void): string {
  const { active, finished } = sizes(quick);
  const file = path.join(cacheRoot(), 'dbs', `airflow3-${active}-${finished}.db`);
  if (fs.existsSync(file)) return file;
  progress(`airflow: building a database of ${active + finished} DAG runs × ${TASKS} tasks`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  const db = new Database(partial);
  db.pragma('journal_mode = WAL');
  db.exec(AIRFLOW_DDL);
  const old = naiveUtc(Date.now() - 3_600_000);
  const run = db.prepare(
    `INSERT INTO dag_run (dag_id, run_id, state, queued_at, start_date, end_date, logical_date,
       run_type, run_after, updated_at, clear_number)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, 0)`,
  );
  const task = db.prepare(
    `INSERT INTO task_instance (id, task_id, dag_id, run_id, map_index, state, start_date,
       end_date, try_number, pool, pool_slots, updated_at)
     VALUES (?, ?, ?, ?, -1, ?, ?, ?, 1, 'default_pool', 1, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < finished + active; i++) {
      const live = i >= finished;
      const dag = `dag_${i % 200}`;
      const runId = `scheduled__${i}`;
      run.run(
        dag,
        runId,
        live ? 'running' : 'success',
        old,
        old,
        live ? null : old,
        naiveUtc(i * 60_000),
        old,
        old,
      );
      for (let k = 0; k < TASKS; k++) {
        const state = !live ? 'success' : k < 5 ? 'success' : k === 5 ? 'running' : null;
        task.run(
          crypto.randomUUID(),
          `task_${k}`,
          dag,
          runId,
          state,
          old,
          !live || k < 5 ? old : null,
          old,
        );
      }
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  fs.renameSync(partial, file);
  return file;
}

/** A process's CPU time so far (user and system), in milliseconds. */
function cpuOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** One naive poll: every row of both tables, every column, as a re-reading poller would. */
function naiveReadCpuMs(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = process.cpuUsage();
      db.prepare('SELECT * FROM dag_run').all();
      db.prepare('SELECT * FROM task_instance').all();
      const used = process.cpuUsage(before);
      times.push((used.user + used.system) / 1_000);
    }
    return median(times);
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function benchAirflow(
  quick: boolean,
  workDir: string,
  progress: (message: string) => void,
): Promise<AirflowBenchResult> {
  const cached = ensureAirflowDb(quick, progress);
  const dir = path.join(workDir, 'airflow');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'airflow.db');
  fs.copyFileSync(cached, file);
  const { active, finished } = sizes(quick);
  const naive = naiveReadCpuMs(file);

  const child = spawn(
    process.execPath,
    [
      BIN,
      'watch',
      '--json',
      '--db',
      file,
      '--data-dir',
      path.join(dir, 'data'),
      '--stall-after',
      '24h',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const pid = child.pid as number;
  const seen = new Map<string, number>();
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const event = JSON.parse(line) as { type: string; run_id?: string };
    if (event.type === 'step_failed' && event.run_id) seen.set(event.run_id, performance.now());
  });
  const started = performance.now();
  const ready = new Promise<number>((resolve) => {
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      if (line.includes('schema ok')) resolve(performance.now() - started);
    });
  });
  try {
    const firstLoadMs = await ready;
    progress(
      `airflow: first read in ${(firstLoadMs / 1_000).toFixed(1)} s; failing task instances`,
    );
    await sleep(3_000);
    const writer = new Database(file);
    const fail = writer.prepare(
      `UPDATE task_instance SET state = 'failed', end_date = ?, updated_at = ?
       WHERE dag_id = ? AND run_id = ? AND task_id = ? AND map_index = -1`,
    );
    const changes = quick ? 40 : 200;
    const latencies: number[] = [];
    let missed = 0;
    const cpuBefore = cpuOf(pid);
    for (let i = 0; i < changes; i++) {
      const n = finished + i;
      const runId = `dag_${n % 200}/scheduled__${n}`;
      const t = naiveUtc();
      fail.run(t, t, `dag_${n % 200}`, `scheduled__${n}`, RUNNING_TASK);
      const committed = performance.now();
      const deadline = committed + 5_000;
      while (!seen.has(runId) && performance.now() < deadline) await sleep(2);
      const at = seen.get(runId);
      if (at === undefined) missed++;
      else latencies.push(at - committed);
      await sleep(150);
    }
    const cpuPerChangeMs = (cpuOf(pid) - cpuBefore) / changes;
    writer.close();
    progress('airflow: a minute without writes');
    const end = cpuOf(pid);
    await sleep(10_000);
    const at10 = cpuOf(pid);
    await sleep(20_000);
    const at30 = cpuOf(pid);
    await sleep(30_000);
    const at60 = cpuOf(pid);
    return {
      activeRuns: active,
      finishedRuns: finished,
      taskInstances: (active + finished) * TASKS,
      dbBytes: fs.statSync(file).size,
      firstLoadMs,
      changes,
      missed,
      latencyMs: distribution(latencies),
      cpuPerChangeMs,
      naiveReadCpuMs: naive,
      idlePercent: {
        window10to30: ((at30 - at10) / 20_000) * 100,
        minute: ((at60 - end) / 60_000) * 100,
      },
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

export function formatAirflowReport(result: AirflowBenchResult): string {
  const ratio = result.naiveReadCpuMs / result.cpuPerChangeMs;
  const rows = [
    ['detection, median', ms(result.latencyMs.median), '≤ 100 ms'],
    ['detection, p99', ms(result.latencyMs.p99), ''],
    ['missed (none within 5 s)', String(result.missed), '0'],
    ['CPU per change', ms(result.cpuPerChangeMs), ''],
    ['one naive re-read of both tables', ms(result.naiveReadCpuMs), ''],
    ['naive re-read ÷ CPU per change', `${ratio.toFixed(1)}×`, '≥ 300×'],
    [
      'idle CPU, 10–30 s after the last change',
      `${result.idlePercent.window10to30.toFixed(2)} %`,
      '≤ 0.1 %',
    ],
    ['idle CPU, the minute after it', `${result.idlePercent.minute.toFixed(2)} %`, ''],
    ['first read', ms(result.firstLoadMs), ''],
  ];
  return [
    `Airflow 3 on SQLite: ${result.activeRuns.toLocaleString('en')} running DAG runs and ${result.finishedRuns.toLocaleString('en')} finished, ${result.taskInstances.toLocaleString('en')} task instances (${(result.dbBytes / 2 ** 20).toFixed(0)} MB); ${result.changes} task instances failed one at a time`,
    textTable(['', 'measured', 'target'], rows),
  ].join('\n');
}
