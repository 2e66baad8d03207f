import type Database from 'better-sqlite3';

/**
 * The default orchestration schema, with its indexes and the optional `steps.message` (why a
 * failed step failed), which Runwatch reads where a database has it.
 */
export const DEFAULT_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS runs (
  run_id        TEXT PRIMARY KEY,
  pipeline      TEXT NOT NULL DEFAULT '',
  status        TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  started_at    TEXT,
  updated_at    TEXT NOT NULL,
  finished_at   TEXT,
  artifacts_dir TEXT
);
CREATE TABLE IF NOT EXISTS steps (
  run_id      TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  step_id     TEXT NOT NULL,
  name        TEXT NOT NULL DEFAULT '',
  position    INTEGER NOT NULL DEFAULT 0,
  status      TEXT NOT NULL,
  started_at  TEXT,
  updated_at  TEXT NOT NULL,
  finished_at TEXT,
  message     TEXT,
  PRIMARY KEY (run_id, step_id)
);
CREATE INDEX IF NOT EXISTS runs_status   ON runs(status);
CREATE INDEX IF NOT EXISTS runs_updated  ON runs(updated_at);
CREATE INDEX IF NOT EXISTS steps_updated ON steps(updated_at);
`;

/** Creates a schema's tables in one transaction, so a watcher never sees half of them. */
export function createSchema(db: Database.Database, ddl: string): void {
  db.pragma('journal_mode = WAL');
  db.transaction(() => db.exec(ddl)).immediate();
}

export function createDefaultSchema(db: Database.Database): void {
  createSchema(db, DEFAULT_SCHEMA_SQL);
}
