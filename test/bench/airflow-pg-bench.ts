/**
 * `runwatch watch --db postgresql://…` on an Airflow 3 database in PostgreSQL as large as the
 * issue names it: 10,000 running DAG runs with 20 task instances each (200,000), and 50,000
 * finished ones (1,000,000), from Airflow's own PostgreSQL DDL, on a throwaway cluster on this
 * machine. Another connection fails one task instance at a time. Measured beside the same run's
 * baseline (one naive re-read of both tables): detection latency, the server's CPU and Runwatch's
 * per change, and while idle the queries per second and the server's CPU for Runwatch's
 * connection (its backend process, read from /proc).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import pg from 'pg';
import { textTable } from '../../electron/core/cli/text-table.ts';
import { PgCluster } from '../support/pg-cluster.ts';
import { distribution, median, type Distribution } from './stats.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'runwatch.js');
const DDL = path.join(ROOT, 'test', 'fixtures', 'source-schemas', 'airflow-3-postgresql.sql');
const TASKS = 20;
const RUNNING_TASK = 'task_5';

export interface AirflowPgBenchResult {
  /** Whether the DBA added indexes on both tables' updated_at (Airflow has none). */
  indexed: boolean;
  activeRuns: number;
  finishedRuns: number;
  taskInstances: number;
  dbBytes: number;
  firstLoadMs: number;
  changes: number;
  missed: number;
  latencyMs: Distribution;
  /** Per change: Runwatch's CPU, and its connection's on the server. */
  clientCpuPerChangeMs: number;
  serverCpuPerChangeMs: number;
  /** One naive re-read of both tables: the server's CPU and the reader's. */
  naiveServerCpuMs: number;
  naiveClientCpuMs: number;
  idle: { queriesPerSecond: number; serverPercent: number; clientPercent: number };
  /** The cheap checks considered, each asked repeatedly on this database. */
  candidates: Candidate[];
}

export interface Candidate {
  name: string;
  /** Round trip and the server's CPU, per call. */
  wallMs: number;
  serverMs: number;
  /** How long after a commit it first moved (median of 10), or null when it moves at commit. */
  lagMs: number | null;
}

/**
 * The cheap checks the issue names, on the same database: what each costs per poll, and how
 * long after a commit it tells (statistics are flushed by the writing backend, up to a second
 * later). A LISTEN channel needs a trigger in the watched database, which Runwatch never creates.
 */
const CANDIDATES: { name: string; sql: string; lag: boolean }[] = [
  { name: 'pg_current_snapshot() (chosen)', sql: 'SELECT pg_current_snapshot()::text', lag: false },
  {
    name: 'max(updated_at) of both tables',
    sql: 'SELECT (SELECT max(updated_at) FROM dag_run), (SELECT max(updated_at) FROM task_instance)',
    lag: false,
  },
  {
    name: 'pg_stat_user_tables counters',
    sql: `SELECT sum(n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_user_tables
           WHERE relname IN ('dag_run', 'task_instance')`,
    lag: true,
  },
];

async function measureCandidates(url: string, writer: pg.Client): Promise<Candidate[]> {
  const reader = new pg.Client({ connectionString: url });
  await reader.connect();
  try {
    const pid = (await reader.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]
      ?.pid as number;
    const results: Candidate[] = [];
    for (const candidate of CANDIDATES) {
      const statement = { name: candidate.name, text: candidate.sql };
      await reader.query(statement);
      // Enough calls for /proc's 10 ms ticks to count: 2,000, or 3 s of a slow one.
      const cpu = cpuOf(pid);
      const started = performance.now();
      let calls = 0;
      while (calls < 2_000 && performance.now() - started < 3_000) {
        await reader.query(statement);
        calls++;
      }
      const wallMs = (performance.now() - started) / calls;
      const serverMs = (cpuOf(pid) - cpu) / calls;
      let lagMs: number | null = null;
      if (candidate.lag) {
        const lags: number[] = [];
        for (let i = 0; i < 10; i++) {
          await reader.query('SELECT pg_stat_clear_snapshot()');
          const before = JSON.stringify((await reader.query(statement)).rows);
          await writer.query(
            `UPDATE dag_run SET updated_at = now() WHERE id = (SELECT min(id) FROM dag_run)`,
          );
          const committed = performance.now();
          for (;;) {
            await reader.query('SELECT pg_stat_clear_snapshot()');
            if (JSON.stringify((await reader.query(statement)).rows) !== before) break;
            await sleep(5);
          }
          lags.push(performance.now() - committed);
          await sleep(300);
        }
        lagMs = median(lags);
      }
      results.push({ name: candidate.name, wallMs, serverMs, lagMs });
    }
    return results;
  } finally {
    await reader.end();
  }
}

function sizes(quick: boolean) {
  return quick ? { active: 1_000, finished: 5_000 } : { active: 10_000, finished: 50_000 };
}

/** A process's CPU time so far (user and system), in milliseconds. */
function cpuOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The database as a scheduler leaves it: runs written over the last hours, each row at its own
 * microsecond as separate transactions would stamp them, task_5 running in the live runs.
 */
async function build(client: pg.Client, active: number, finished: number): Promise<void> {
  await client.query(fs.readFileSync(DDL, 'utf8'));
  const old = `now() - interval '2 hours' + (i * ${TASKS + 1} + k) * interval '10 microseconds'`;
  await client.query(
    `INSERT INTO dag_run (dag_id, run_id, state, queued_at, start_date, end_date, logical_date,
       run_type, run_after, updated_at, clear_number)
     SELECT 'dag_' || (i % 200), 'scheduled__' || i, CASE WHEN i >= $1 THEN 'running' ELSE 'success' END,
       ${old}, ${old}, CASE WHEN i >= $1 THEN NULL ELSE ${old} END,
       timestamptz '2020-01-01' + i * interval '1 minute', 'scheduled', ${old}, ${old}, 0
     FROM generate_series(0, $2 - 1) AS i, (SELECT ${TASKS} AS k) AS run_row`,
    [finished, finished + active],
  );
  await client.query(
    `INSERT INTO task_instance (id, task_id, dag_id, run_id, map_index, state, start_date,
       end_date, try_number, pool, pool_slots, updated_at)
     SELECT gen_random_uuid(), 'task_' || k, 'dag_' || (i % 200), 'scheduled__' || i, -1,
       CASE WHEN i < $1 OR k < 5 THEN 'success' WHEN k = 5 THEN 'running' END,
       ${old}, CASE WHEN i < $1 OR k < 5 THEN ${old} END, 1, 'default_pool', 1, ${old}
     FROM generate_series(0, $2 - 1) AS i, generate_series(0, ${TASKS - 1}) AS k`,
    [finished, finished + active],
  );
  await client.query('VACUUM ANALYZE');
}

async function backendPid(client: pg.Client): Promise<number> {
  for (;;) {
    const found = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = 'runwatch'`,
    );
    if (found.rows[0]) return found.rows[0].pid;
    await sleep(50);
  }
}

/** The statements Runwatch's connection ran so far, as pg_stat_statements counts them. */
async function runwatchCalls(client: pg.Client): Promise<number> {
  const row = await client.query<{ n: string }>(
    `SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_statements
      WHERE query NOT LIKE '%pg_stat_statements%' AND dbid = (SELECT oid FROM pg_database WHERE datname = 'airflow')`,
  );
  return Number(row.rows[0]?.n ?? 0);
}

async function naiveRead(url: string): Promise<{ server: number; client: number }> {
  const reader = new pg.Client({ connectionString: url });
  await reader.connect();
  try {
    const pid = (await reader.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]
      ?.pid as number;
    const server: number[] = [];
    const client: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = cpuOf(pid);
      const mine = process.cpuUsage();
      await reader.query('SELECT * FROM dag_run');
      await reader.query('SELECT * FROM task_instance');
      const used = process.cpuUsage(mine);
      client.push((used.user + used.system) / 1_000);
      server.push(cpuOf(pid) - before);
    }
    return { server: median(server), client: median(client) };
  } finally {
    await reader.end();
  }
}

export async function benchAirflowPg(
  quick: boolean,
  indexed: boolean,
  progress: (message: string) => void,
): Promise<AirflowPgBenchResult> {
  const { active, finished } = sizes(quick);
  const cluster = await PgCluster.start(['shared_preload_libraries=pg_stat_statements']);
  const admin = new pg.Client({ connectionString: cluster.url('postgres') });
  await admin.connect();
  let child: ReturnType<typeof spawn> | null = null;
  try {
    await admin.query('CREATE DATABASE airflow');
    const url = cluster.url('airflow');
    const writer = new pg.Client({ connectionString: url, options: '-c TimeZone=UTC' });
    await writer.connect();
    progress(`airflow on PostgreSQL: building ${active + finished} DAG runs × ${TASKS} tasks`);
    await build(writer, active, finished);
    await writer.query('CREATE EXTENSION pg_stat_statements');
    if (indexed) {
      await writer.query('CREATE INDEX dag_run_updated_at ON dag_run (updated_at)');
      await writer.query('CREATE INDEX ti_updated_at ON task_instance (updated_at)');
    }
    const dbBytes = Number(
      (await writer.query<{ b: string }>(`SELECT pg_database_size('airflow') AS b`)).rows[0]?.b,
    );
    const naive = await naiveRead(url);
    const candidates = await measureCandidates(url, writer);

    const dataDir = fs.mkdtempSync(path.join(cluster.dir, 'data-'));
    child = spawn(
      process.execPath,
      [BIN, 'watch', '--json', '--db', url, '--data-dir', dataDir, '--stall-after', '24h'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const pid = child.pid as number;
    const seen = new Map<string, number>();
    readline
      .createInterface({ input: child.stdout as NodeJS.ReadableStream })
      .on('line', (line) => {
        const event = JSON.parse(line) as { type: string; run_id?: string };
        if (event.type === 'step_failed' && event.run_id) seen.set(event.run_id, performance.now());
      });
    const started = performance.now();
    const ready = new Promise<number>((resolve) => {
      readline
        .createInterface({ input: child?.stderr as NodeJS.ReadableStream })
        .on('line', (line) => {
          if (line.includes('schema ok')) resolve(performance.now() - started);
        });
    });
    const firstLoadMs = await ready;
    const server = await backendPid(admin);
    progress(
      `airflow on PostgreSQL: first read in ${(firstLoadMs / 1_000).toFixed(1)} s; failing task instances`,
    );
    await sleep(3_000);
    const changes = quick ? 40 : 200;
    const latencies: number[] = [];
    let missed = 0;
    const clientBefore = cpuOf(pid);
    const serverBefore = cpuOf(server);
    for (let i = 0; i < changes; i++) {
      const n = finished + i;
      const runId = `dag_${n % 200}/scheduled__${n}`;
      await writer.query(
        `UPDATE task_instance SET state = 'failed', end_date = now(), updated_at = now()
         WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = -1`,
        [`dag_${n % 200}`, `scheduled__${n}`, RUNNING_TASK],
      );
      const committed = performance.now();
      const deadline = committed + 5_000;
      while (!seen.has(runId) && performance.now() < deadline) await sleep(2);
      const at = seen.get(runId);
      if (at === undefined) missed++;
      else latencies.push(at - committed);
      await sleep(150);
    }
    const clientCpuPerChangeMs = (cpuOf(pid) - clientBefore) / changes;
    const serverCpuPerChangeMs = (cpuOf(server) - serverBefore) / changes;
    await writer.end();
    progress('airflow on PostgreSQL: 30 s without writes');
    await sleep(10_000);
    const counter = new pg.Client({ connectionString: url });
    await counter.connect();
    const idleFrom = {
      client: cpuOf(pid),
      server: cpuOf(server),
      calls: await runwatchCalls(counter),
      at: performance.now(),
    };
    await sleep(20_000);
    const seconds = (performance.now() - idleFrom.at) / 1_000;
    const queries = (await runwatchCalls(counter)) - idleFrom.calls;
    await counter.end();
    return {
      indexed,
      activeRuns: active,
      finishedRuns: finished,
      taskInstances: (active + finished) * TASKS,
      dbBytes,
      firstLoadMs,
      changes,
      missed,
      latencyMs: distribution(latencies),
      clientCpuPerChangeMs,
      serverCpuPerChangeMs,
      candidates,
      naiveServerCpuMs: naive.server,
      naiveClientCpuMs: naive.client,
      idle: {
        queriesPerSecond: queries / seconds,
        serverPercent: ((cpuOf(server) - idleFrom.server) / (seconds * 1_000)) * 100,
        clientPercent: ((cpuOf(pid) - idleFrom.client) / (seconds * 1_000)) * 100,
      },
    };
  } finally {
    if (child) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child?.once('exit', resolve));
    }
    await admin.end().catch(() => {});
    cluster.stop();
  }
}

const ms = (value: number) => `${value.toFixed(value < 1 ? 3 : value < 10 ? 1 : 0)} ms`;

export function formatAirflowPgReport(result: AirflowPgBenchResult): string {
  const perChange = result.serverCpuPerChangeMs + result.clientCpuPerChangeMs;
  const naive = result.naiveServerCpuMs + result.naiveClientCpuMs;
  const rows = [
    ['detection, median', ms(result.latencyMs.median), '≤ 250 ms'],
    ['detection, p99', ms(result.latencyMs.p99), ''],
    ['missed (none within 5 s)', String(result.missed), '0'],
    ['server CPU per change', ms(result.serverCpuPerChangeMs), ''],
    ["Runwatch's CPU per change", ms(result.clientCpuPerChangeMs), ''],
    ['one naive re-read of both tables (server + reader)', ms(naive), ''],
    ['naive re-read ÷ CPU per change', `${(naive / perChange).toFixed(1)}×`, ''],
    ['idle: queries per second', result.idle.queriesPerSecond.toFixed(1), 'one per poll'],
    ['idle: server CPU', `${result.idle.serverPercent.toFixed(3)} %`, '≤ 0.1 %'],
    ["idle: Runwatch's CPU", `${result.idle.clientPercent.toFixed(2)} %`, ''],
    ['first read', ms(result.firstLoadMs), ''],
  ];
  const how = result.indexed
    ? 'with indexes on updated_at added'
    : 'as Airflow creates it (no index on updated_at)';
  const candidates = textTable(
    ['cheap check', 'per call', 'server CPU per call', 'tells after a commit'],
    result.candidates.map((c) => [
      c.name,
      ms(c.wallMs),
      ms(c.serverMs),
      c.lagMs === null ? 'at once' : `${ms(c.lagMs)} (median)`,
    ]),
  );
  return [
    `Airflow 3 on PostgreSQL, ${how}: ${result.activeRuns.toLocaleString('en')} running DAG runs and ${result.finishedRuns.toLocaleString('en')} finished, ${result.taskInstances.toLocaleString('en')} task instances (${(result.dbBytes / 2 ** 20).toFixed(0)} MB); ${result.changes} task instances failed one at a time`,
    textTable(['', 'measured', 'target'], rows),
    candidates,
  ].join('\n');
}
