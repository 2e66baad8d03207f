/**
 * Databases on the test run's PostgreSQL cluster (pg-global-setup.ts): each test gets a fresh
 * one, written by an administrator connection as the orchestrator's own would, and dropped after.
 */
import pg from 'pg';
import { inject } from 'vitest';
import './pg-provided.ts';

/** Why PostgreSQL tests skip here, or null when a cluster runs. */
export function pgMissing(): string | null {
  const cluster = inject('pgCluster');
  return 'missing' in cluster ? cluster.missing : null;
}

function port(): number {
  const cluster = inject('pgCluster');
  if ('missing' in cluster) throw new Error(cluster.missing);
  return cluster.port;
}

export function pgUrl(database: string, user = 'postgres', password?: string): string {
  const who = password === undefined ? user : `${user}:${encodeURIComponent(password)}`;
  return `postgresql://${who}@127.0.0.1:${port()}/${database}`;
}

let counter = 0;

export interface TestDatabase {
  name: string;
  /** The superuser's URL of this database. */
  url: string;
  /** A connection that writes it, as the orchestrator would. */
  writer: pg.Client;
  /** Runs SQL as the writer. */
  exec(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
  /** A role that may only read these tables, with a password; its URL. */
  readOnlyRole(tables: readonly string[]): Promise<string>;
  drop(): Promise<void>;
}

export async function createDatabase(): Promise<TestDatabase> {
  const name = `rw_${process.pid}_${++counter}`;
  const admin = new pg.Client({ connectionString: pgUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = pgUrl(name);
  const writer = new pg.Client({ connectionString: url });
  await writer.connect();
  return {
    name,
    url,
    writer,
    exec: (sql, params) => writer.query(sql, params),
    async readOnlyRole(tables) {
      const role = `${name}_reader`;
      const password = `p@ss/${name}`;
      await writer.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await writer.query(`GRANT CONNECT ON DATABASE ${name} TO ${role}`);
      await writer.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
      for (const table of tables) await writer.query(`GRANT SELECT ON ${table} TO ${role}`);
      return pgUrl(name, role, password);
    },
    async drop() {
      await writer.end().catch(() => {});
      const dropper = new pg.Client({ connectionString: pgUrl('postgres') });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
