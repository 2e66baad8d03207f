import type Database from 'better-sqlite3';

/**
 * state.db migrations, applied in order; `PRAGMA user_version` is the number applied. A state.db
 * from a newer Runwatch is refused rather than guessed at.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (
     key   TEXT PRIMARY KEY,
     value TEXT NOT NULL
   );
   CREATE TABLE runs (
     run_id             TEXT PRIMARY KEY,
     pipeline           TEXT NOT NULL,
     attempt            INTEGER NOT NULL,
     phase              TEXT NOT NULL CHECK (phase IN ('active', 'finished', 'removed')),
     status             TEXT NOT NULL,
     stale              INTEGER NOT NULL DEFAULT 0,
     print              TEXT NOT NULL,
     attempt_print      TEXT,
     last_progress_at   INTEGER NOT NULL,
     started_at         INTEGER,
     stall_since        INTEGER,
     overdue_at         INTEGER,
     failed_steps       TEXT NOT NULL DEFAULT '[]',
     outcome            TEXT,
     finished_at        INTEGER,
     attention_acked_at INTEGER,
     updated_at         INTEGER NOT NULL
   );
   CREATE INDEX runs_phase ON runs(phase);
   CREATE TABLE stalls (
     run_id      TEXT NOT NULL,
     attempt     INTEGER NOT NULL,
     started_at  INTEGER NOT NULL,
     ended_at    INTEGER,
     progress_at INTEGER NOT NULL,
     PRIMARY KEY (run_id, attempt, started_at)
   );
   CREATE TABLE pipelines (
     pipeline         TEXT PRIMARY KEY,
     last_run_id      TEXT NOT NULL,
     last_attempt     INTEGER NOT NULL,
     last_outcome     TEXT NOT NULL,
     last_finished_at INTEGER NOT NULL,
     failure_acked_at INTEGER
   );
   CREATE TABLE events (
     id     INTEGER PRIMARY KEY,
     type   TEXT NOT NULL,
     run_id TEXT,
     at     TEXT NOT NULL,
     body   TEXT NOT NULL
   );
   CREATE INDEX events_run ON events(run_id);`,
  `CREATE TABLE completions (
     run_id   TEXT NOT NULL,
     attempt  INTEGER NOT NULL,
     event_id INTEGER,
     run      TEXT NOT NULL,
     PRIMARY KEY (run_id, attempt)
   );
   CREATE TABLE jobs (
     id           INTEGER PRIMARY KEY,
     kind         TEXT NOT NULL CHECK (kind IN ('archive', 'report')),
     run_id       TEXT NOT NULL,
     attempt      INTEGER NOT NULL,
     state        TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
     tries        INTEGER NOT NULL DEFAULT 0,
     next_at      INTEGER NOT NULL,
     last_error   TEXT,
     listing      TEXT,
     result       TEXT,
     progress     TEXT,
     requested_by TEXT,
     created_at   INTEGER NOT NULL,
     updated_at   INTEGER NOT NULL
   );
   CREATE INDEX jobs_pending ON jobs(state) WHERE state = 'pending';
   CREATE INDEX jobs_run ON jobs(run_id, attempt);`,
];

export const STATE_SCHEMA_VERSION = MIGRATIONS.length;

export class StateSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateSchemaError';
  }
}

export function migrate(db: Database.Database, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new StateSchemaError(
      `${file} was written by a newer Runwatch (state schema ${version}, this one knows ${MIGRATIONS.length}); upgrade Runwatch or use another --data-dir`,
    );
  }
  for (let next = version; next < MIGRATIONS.length; next++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[next] as string);
      db.pragma(`user_version = ${next + 1}`);
    }).immediate();
  }
}
