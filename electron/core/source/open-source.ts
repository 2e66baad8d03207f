import { isPostgresUrl } from './pg/pg-location.ts';
import { PgSource } from './pg/pg-source.ts';
import type { SchemaChoice } from './profile/source-profile.ts';
import type { RunSource } from './run-source.ts';
import { SqliteSource } from './sqlite-source.ts';

/**
 * The source for what `--db` names: a PostgreSQL URL (`postgresql://…`, `postgres://…`) is read
 * on its server, anything else is an SQLite file. Neither is opened yet.
 */
export function sourceFor(
  location: string,
  schema: SchemaChoice,
  warn: (message: string) => void,
  /** How long the source may be unreadable before it counts as down. */
  graceMs = 60_000,
): RunSource {
  return isPostgresUrl(location)
    ? new PgSource(location, { schema, warn, timeoutMs: pgTimeout(graceMs) })
    : new SqliteSource(location, schema, warn);
}

/**
 * How long a server may take to answer: a quarter of the grace, so that a connection lost
 * without a word (a cut, a dead host) is given up and retried well within it, and never longer
 * than 15 s nor shorter than 1 s.
 */
export function pgTimeout(graceMs: number): number {
  return Math.min(15_000, Math.max(1_000, Math.floor(graceMs / 4)));
}
