/**
 * A PostgreSQL source under real faults: the server stopped and started again, Runwatch's
 * connection terminated by an administrator, the network black-holed by a TCP proxy on
 * 127.0.0.1 while the pipeline goes on writing, a wrong password. The same semantics as a SQLite
 * file: `source_down` once the grace has passed, `source_up` when it reads again, and a catch-up
 * that reports what happened meanwhile once, losing and repeating nothing.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { MonitorHarness } from '../support/monitor-harness.ts';
import { PgCluster } from '../support/pg-cluster.ts';
import { RUNWATCH_PG_DDL } from '../support/pg-runwatch-schema.ts';
import { createDatabase, pgMissing, type TestDatabase } from '../support/pg-database.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { sleep, waitFor } from '../support/wait.ts';

const missing = pgMissing();

const DDL = RUNWATCH_PG_DDL;

type Exec = (sql: string, params?: unknown[]) => Promise<unknown>;

async function startRun(exec: Exec, runId: string): Promise<void> {
  await exec(
    `INSERT INTO runs (run_id, pipeline, status, created_at, started_at, updated_at)
     VALUES ($1, 'etl', 'running', clock_timestamp(), clock_timestamp(), clock_timestamp())`,
    [runId],
  );
}

async function finishRun(exec: Exec, runId: string, status: string): Promise<void> {
  await exec(
    `UPDATE runs SET status = $2, finished_at = clock_timestamp(), updated_at = clock_timestamp()
     WHERE run_id = $1`,
    [runId, status],
  );
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function database(): Promise<TestDatabase> {
  const db = await createDatabase();
  cleanups.push(() => db.drop());
  await db.exec(DDL);
  return db;
}

function watch(url: string, sourceGrace = 2_000): MonitorHarness {
  const harness = new MonitorHarness(url, { sourceGrace });
  cleanups.push(() => harness.stop());
  return harness.start();
}

describe(missing ? `PostgreSQL faults (skipped: ${missing})` : 'PostgreSQL faults', () => {
  it.skipIf(missing !== null)(
    'a black-holed network: down after the grace, then every run that finished meanwhile, once',
    async () => {
      const db = await database();
      await startRun(db.exec, 'r1');
      const proxy = await TcpProxy.start(Number(new URL(db.url).port));
      cleanups.push(() => proxy.close());
      const through = db.url.replace(/:\d+\//, `:${proxy.port}/`);
      const harness = watch(through);
      await waitFor(() => harness.diagnostics, 'the first read');

      proxy.blackHole();
      // The pipeline goes on: r1 fails, r2 starts and fails, r3 starts.
      await finishRun(db.exec, 'r1', 'failed');
      await startRun(db.exec, 'r2');
      await finishRun(db.exec, 'r2', 'failed');
      await startRun(db.exec, 'r3');
      const down = await harness.waitFor('source_down', undefined, 20_000);
      expect(down).toMatchObject({ reason: expect.stringContaining('127.0.0.1') });

      proxy.restore();
      await harness.waitFor('source_up', undefined, 20_000);
      await waitFor(
        () => harness.of('run_completed').length >= 2 && harness.of('run_started', 'r3').length,
        'the catch-up',
      );
      await sleep(500);
      expect(
        harness
          .of('run_completed')
          .map((e) => ('run_id' in e ? e.run_id : ''))
          .sort(),
      ).toEqual(['r1', 'r2']);
      expect(harness.of('source_down')).toHaveLength(1);
    },
  );

  it.skipIf(missing !== null)(
    'a terminated connection is opened again at once, within the grace, and misses nothing',
    async () => {
      const db = await database();
      const harness = watch(db.url, 10_000);
      await waitFor(() => harness.diagnostics, 'the first read');
      const killed = await db.exec(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = $1 AND application_name = 'runwatch'`,
        [db.name],
      );
      expect(killed.rowCount).toBe(1);
      await startRun(db.exec, 'after');
      await harness.waitFor('run_started', 'after');
      await finishRun(db.exec, 'after', 'failed');
      await harness.waitFor('run_completed', 'after');
      expect(harness.of('source_down')).toEqual([]);
    },
  );

  it.skipIf(missing !== null)(
    'the server stopped and started again: down, then up, then reading as before',
    async () => {
      const cluster = await PgCluster.start();
      cleanups.push(() => cluster.stop());
      const admin = new pg.Client({ connectionString: cluster.url('postgres') });
      await admin.connect();
      await admin.query('CREATE DATABASE orch');
      await admin.end();
      const connect = async () => {
        const writer = new pg.Client({ connectionString: cluster.url('orch') });
        await writer.connect();
        return writer;
      };
      let writer = await connect();
      await writer.query(DDL);
      await startRun((sql, params) => writer.query(sql, params), 'r1');
      await writer.end();
      const harness = watch(cluster.url('orch'));
      await waitFor(() => harness.diagnostics, 'the first read');

      cluster.stopServer();
      await harness.waitFor('source_down', undefined, 20_000);
      cluster.startServer();
      await harness.waitFor('source_up', undefined, 20_000);
      writer = await connect();
      cleanups.push(() => writer.end());
      await finishRun((sql, params) => writer.query(sql, params), 'r1', 'failed');
      const done = await harness.waitFor('run_completed', 'r1');
      expect(done).toMatchObject({ outcome: 'failed' });
    },
  );

  it.skipIf(missing !== null)(
    'a failover to another server behind the same address: read there, nothing repeated',
    async () => {
      const db = await database();
      await startRun(db.exec, 'r1');
      const proxy = await TcpProxy.start(Number(new URL(db.url).port));
      cleanups.push(() => proxy.close());
      const harness = watch(db.url.replace(/:\d+\//, `:${proxy.port}/`), 10_000);
      await harness.waitFor('run_started', 'r1');

      // The standby, promoted: another server holding the same rows, as a replica would.
      const standby = await PgCluster.start();
      cleanups.push(() => standby.stop());
      const admin = new pg.Client({ connectionString: standby.url('postgres') });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${db.name}`);
      await admin.end();
      const writer = new pg.Client({ connectionString: standby.url(db.name) });
      await writer.connect();
      cleanups.push(() => writer.end());
      const exec: Exec = (sql, params) => writer.query(sql, params);
      await writer.query(DDL);
      const original = await db.exec(`SELECT created_at::text AS at FROM runs WHERE run_id = 'r1'`);
      await writer.query(
        `INSERT INTO runs (run_id, pipeline, status, created_at, started_at, updated_at)
         VALUES ('r1', 'etl', 'running', $1, $1, $1)`,
        [original.rows[0]?.at],
      );
      proxy.target = standby.port;
      proxy.resetAll();

      await startRun(exec, 'r2');
      await harness.waitFor('run_started', 'r2');
      await finishRun(exec, 'r1', 'failed');
      await harness.waitFor('run_completed', 'r1');
      await sleep(300);
      expect(harness.of('run_started', 'r1')).toHaveLength(1);
      expect(harness.of('run_completed', 'r1')).toHaveLength(1);
      expect(harness.of('source_down')).toEqual([]);
    },
  );

  it.skipIf(missing !== null)(
    'a wrong password is one clear message, without the password',
    async () => {
      const db = await database();
      const reader = await db.readOnlyRole(['runs', 'steps']);
      const wrong = reader.replace(/:[^:@/]+@/, ':not-it@');
      const harness = watch(wrong, 300);
      const down = await harness.waitFor('source_down', undefined, 20_000);
      expect(down).toMatchObject({
        reason: expect.stringContaining('password authentication failed'),
      });
      expect(JSON.stringify(down)).not.toContain('not-it');
      expect(harness.logs.join('\n')).not.toContain('not-it');
    },
  );
});
