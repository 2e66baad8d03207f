/**
 * How a PostgreSQL source connects, as libpq's users expect: TLS by `sslmode` with the CA file
 * given (a server whose certificate does not check is refused, with a message), the password
 * from `~/.pgpass` (PGPASSFILE), what the URL leaves out from PG* variables; a role without the
 * grants the profile needs is told which; and a table that goes missing under a watch is
 * `source_down`, then `source_up` once it is back.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { MonitorHarness } from '../support/monitor-harness.ts';
import { tempDir } from '../support/orchestration-db.ts';
import { PgCluster } from '../support/pg-cluster.ts';
import { createDatabase, pgMissing, type TestDatabase } from '../support/pg-database.ts';
import { RUNWATCH_PG_DDL } from '../support/pg-runwatch-schema.ts';
import { waitFor } from '../support/wait.ts';

const missing = pgMissing();

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function watch(url: string, sourceGrace = 2_000): MonitorHarness {
  const harness = new MonitorHarness(url, { sourceGrace });
  cleanups.push(() => harness.stop());
  return harness.start();
}

async function database(): Promise<TestDatabase> {
  const db = await createDatabase();
  cleanups.push(() => db.drop());
  await db.exec(RUNWATCH_PG_DDL);
  return db;
}

/** Sets environment variables for one test. */
function withEnv(values: Record<string, string>): void {
  const before = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  cleanups.push(() => {
    for (const [key, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
}

/** A CA and a server certificate for 127.0.0.1 signed by it, made with openssl. */
function certificates(dir: string): { ca: string; cert: string; key: string; otherCa: string } {
  const file = (name: string) => path.join(dir, name);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  for (const ca of ['ca', 'other-ca']) {
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${ca}`,
      '-keyout',
      file(`${ca}.key`),
      '-out',
      file(`${ca}.pem`),
    );
  }
  fs.writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  ssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
  );
  ssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    file('san.ext'),
    '-out',
    file('server.pem'),
  );
  return {
    ca: file('ca.pem'),
    cert: file('server.pem'),
    key: file('server.key'),
    otherCa: file('other-ca.pem'),
  };
}

describe(
  missing ? `connecting to PostgreSQL (skipped: ${missing})` : 'connecting to PostgreSQL',
  () => {
    it.skipIf(missing !== null)(
      'over TLS by sslmode and the CA file, and refuses a server whose certificate does not check',
      async () => {
        const cluster = await PgCluster.start();
        cleanups.push(() => cluster.stop());
        const files = certificates(cluster.dir);
        const owned = (name: string) => {
          const target = path.join(cluster.dir, `pg-${name}`);
          fs.copyFileSync(name === 'key' ? files.key : files.cert, target);
          fs.chmodSync(target, 0o600);
          if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', target]);
          return target;
        };
        const admin = new pg.Client({ connectionString: cluster.url('postgres') });
        await admin.connect();
        await admin.query(`ALTER SYSTEM SET ssl_cert_file = '${owned('cert')}'`);
        await admin.query(`ALTER SYSTEM SET ssl_key_file = '${owned('key')}'`);
        await admin.query(`ALTER SYSTEM SET ssl = on`);
        await admin.query('SELECT pg_reload_conf()');
        await admin.query('CREATE DATABASE orch');
        await admin.end();
        const setup = new pg.Client({ connectionString: cluster.url('orch') });
        await setup.connect();
        await setup.query(RUNWATCH_PG_DDL);
        await setup.end();

        const verified = `${cluster.url('orch')}?sslmode=verify-full&sslrootcert=${encodeURIComponent(files.ca)}`;
        const harness = watch(verified);
        await waitFor(() => harness.diagnostics, 'a verified TLS connection', 20_000);
        const check = new pg.Client({ connectionString: cluster.url('orch') });
        await check.connect();
        cleanups.push(() => check.end());
        const encrypted = await check.query(
          `SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
          WHERE a.application_name = 'runwatch'`,
        );
        expect(encrypted.rows).toEqual([{ ssl: true }]);

        // libpq's require: encrypted, the certificate not checked.
        const required = watch(`${cluster.url('orch')}?sslmode=require`);
        await waitFor(() => required.diagnostics, 'a TLS connection with sslmode=require', 20_000);

        const wrongCa = `${cluster.url('orch')}?sslmode=verify-full&sslrootcert=${encodeURIComponent(files.otherCa)}`;
        const refused = watch(wrongCa, 300);
        const down = await refused.waitFor('source_down', undefined, 20_000);
        expect(down).toMatchObject({ reason: expect.stringMatching(/certificate/i) });
      },
    );

    it.skipIf(missing !== null)(
      'takes the password from ~/.pgpass and what the URL leaves out from PG* variables',
      async () => {
        const db = await database();
        const reader = new URL(await db.readOnlyRole(['runs', 'steps']));
        const password = decodeURIComponent(reader.password);
        const passfile = path.join(tempDir(), 'pgpass');
        fs.writeFileSync(
          passfile,
          `${reader.hostname}:${reader.port}:${db.name}:${decodeURIComponent(reader.username)}:${password.replaceAll(':', '\\:')}\n`,
          { mode: 0o600 },
        );
        withEnv({
          PGPASSFILE: passfile,
          PGHOST: reader.hostname,
          PGPORT: reader.port,
          PGUSER: decodeURIComponent(reader.username),
        });
        const harness = watch(`postgresql:///${db.name}`);
        await waitFor(
          () => harness.diagnostics,
          'a connection from the variables and the passfile',
        );
        expect(harness.diagnostics?.schema.name).toBe('runwatch');
        expect(harness.logs.join('\n')).not.toContain(password);
      },
    );

    it.skipIf(missing !== null)(
      'a role that may not read a table the profile reads is one message naming it',
      async () => {
        const db = await database();
        const reader = await db.readOnlyRole(['runs']);
        const harness = watch(reader, 300);
        const down = await harness.waitFor('source_down', undefined, 20_000);
        expect(down).toMatchObject({
          reason: expect.stringMatching(/this role may not read "public"\."steps" \(GRANT SELECT/),
        });
      },
    );

    it.skipIf(missing !== null)(
      'a table dropped under the watch is source_down after the grace, and source_up once it is back',
      async () => {
        const db = await database();
        const harness = watch(db.url, 300);
        await waitFor(() => harness.diagnostics, 'the first read');
        await db.exec('DROP TABLE steps');
        const down = await harness.waitFor('source_down', undefined, 20_000);
        expect(down).toMatchObject({ reason: expect.stringContaining('steps') });
        await db.exec(
          RUNWATCH_PG_DDL.slice(RUNWATCH_PG_DDL.indexOf('CREATE TABLE steps')).replace(
            'CREATE INDEX runs_updated ON runs(updated_at);',
            '',
          ),
        );
        await harness.waitFor('source_up', undefined, 20_000);
      },
    );
  },
);
