/**
 * One orchestrator's database on either engine, created from that tool's own DDL
 * (test/fixtures/source-schemas/, each file citing its sources) and written by a connection of
 * its own with the same SQL: `?` placeholders, numbered for PostgreSQL. Times are written as
 * naive UTC text, which SQLAlchemy writes to SQLite and PostgreSQL reads as UTC (the writer's
 * session zone is UTC, as a server's usually is).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { naiveUtc } from '../../electron/core/demo/naive-utc.ts';
import { tempDir } from './orchestration-db.ts';
import { createDatabase, type TestDatabase } from './pg-database.ts';

export type Engine = 'sqlite' | 'postgresql';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/source-schemas');

export interface EngineDb {
  engine: Engine;
  /** What `--db` takes: the file, or the URL. */
  location: string;
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** A tool's fixtures: SQLite's files, in order, into one database; PostgreSQL's one file. */
export interface Fixtures {
  sqlite: string[];
  postgresql: string;
}

/** The database of a tool's fixtures (names without `.sql`), on an engine. */
export async function engineDb(engine: Engine, fixtures: Fixtures): Promise<EngineDb> {
  if (engine === 'sqlite') {
    const file = path.join(tempDir(), 'orchestration.db');
    const db = new Database(file);
    db.pragma('journal_mode = wal');
    for (const fixture of fixtures.sqlite) {
      db.exec(fs.readFileSync(path.join(FIXTURES, `${fixture}.sql`), 'utf8'));
    }
    return {
      engine,
      location: file,
      query: async (sql, params = []) => {
        const statement = db.prepare(sql);
        if (statement.reader) return statement.all(...params) as Record<string, unknown>[];
        statement.run(...params);
        return [];
      },
      close: async () => {
        db.close();
      },
    };
  }
  const created: TestDatabase = await createDatabase();
  await created.writer.end();
  const writer = new pg.Client({ connectionString: created.url, options: '-c TimeZone=UTC' });
  await writer.connect();
  await writer.query(fs.readFileSync(path.join(FIXTURES, `${fixtures.postgresql}.sql`), 'utf8'));
  return {
    engine,
    location: created.url,
    query: async (sql, params = []) => (await writer.query(numbered(sql), params)).rows,
    close: async () => {
      await writer.end().catch(() => {});
      await created.drop();
    },
  };
}

/** Now as the tools write it to these databases. */
export const now = (): string => naiveUtc();
