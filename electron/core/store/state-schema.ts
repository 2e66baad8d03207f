import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** The state database's file name in a data dir. */
export const STATE_DB = 'state.db';

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
  `CREATE TABLE alerts (
     rule          TEXT NOT NULL,
     dedup_key     TEXT NOT NULL,
     state         TEXT NOT NULL CHECK (state IN ('firing', 'resolved', 'fired')),
     severity      TEXT NOT NULL,
     event_id      INTEGER NOT NULL,
     fired_at      INTEGER NOT NULL,
     resolved_at   INTEGER,
     notified      INTEGER NOT NULL DEFAULT 0,
     notified_channels TEXT NOT NULL DEFAULT '[]',
     last_sent_at  INTEGER,
     repeat_at     INTEGER,
     updated_at    INTEGER NOT NULL,
     PRIMARY KEY (rule, dedup_key)
   ) WITHOUT ROWID;
   CREATE INDEX alerts_repeat ON alerts(repeat_at) WHERE state = 'firing';
   CREATE TABLE alert_conditions (
     subject   TEXT NOT NULL,
     type      TEXT NOT NULL,
     rule      TEXT NOT NULL,
     dedup_key TEXT NOT NULL,
     PRIMARY KEY (subject, type, rule, dedup_key)
   ) WITHOUT ROWID;
   CREATE INDEX alert_conditions_alert ON alert_conditions(rule, dedup_key);
   CREATE TABLE alert_log (
     id         INTEGER PRIMARY KEY,
     at         INTEGER NOT NULL,
     rule       TEXT NOT NULL,
     dedup_key  TEXT NOT NULL,
     transition TEXT NOT NULL,
     severity   TEXT NOT NULL,
     event_id   INTEGER,
     detail     TEXT
   );
   CREATE TABLE outbox (
     id          INTEGER PRIMARY KEY,
     channel     TEXT NOT NULL,
     kind        TEXT NOT NULL,
     state       TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'expired', 'dropped', 'merged')),
     held_by     TEXT,
     send_after  INTEGER NOT NULL,
     next_at     INTEGER NOT NULL,
     attempts    INTEGER NOT NULL DEFAULT 0,
     severity    TEXT NOT NULL,
     message     TEXT,
     body        TEXT,
     last_error  TEXT,
     merged_into INTEGER,
     created_at  INTEGER NOT NULL,
     expires_at  INTEGER NOT NULL,
     ended_at    INTEGER
   );
   CREATE INDEX outbox_pending ON outbox(next_at) WHERE state = 'pending';
   CREATE INDEX outbox_open ON outbox(channel, kind, send_after)
     WHERE state = 'pending' AND message IS NULL;
   CREATE TABLE outbox_members (
     seq       INTEGER PRIMARY KEY,
     outbox_id INTEGER NOT NULL,
     rule      TEXT NOT NULL,
     dedup_key TEXT NOT NULL,
     status    TEXT NOT NULL CHECK (status IN ('firing', 'resolved')),
     severity  TEXT NOT NULL,
     fired_at  INTEGER NOT NULL,
     run_id    TEXT,
     event_id  INTEGER,
     event     TEXT,
     open      INTEGER DEFAULT 1
   );
   CREATE INDEX outbox_members_row ON outbox_members(outbox_id);
   CREATE INDEX outbox_members_open_run ON outbox_members(run_id) WHERE open = 1;
   CREATE INDEX outbox_members_open_alert ON outbox_members(rule, dedup_key) WHERE open = 1;
   CREATE TABLE delivery_attempts (
     id         INTEGER PRIMARY KEY,
     outbox_id  INTEGER NOT NULL,
     attempt    INTEGER NOT NULL,
     at         INTEGER NOT NULL,
     ok         INTEGER NOT NULL,
     status     INTEGER,
     latency_ms INTEGER NOT NULL,
     error      TEXT
   );
   CREATE INDEX delivery_attempts_row ON delivery_attempts(outbox_id);
   CREATE TABLE channel_state (
     channel        TEXT PRIMARY KEY,
     window_until   INTEGER,
     failing_since  INTEGER,
     failing_error  TEXT,
     failing_notice INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE silences (
     id         INTEGER PRIMARY KEY,
     match      TEXT NOT NULL,
     until      INTEGER NOT NULL,
     comment    TEXT,
     created_at INTEGER NOT NULL
   );`,
  // How each finished run's finish looked, to tell a retry in place from a touched row.
  `ALTER TABLE runs ADD COLUMN finish_mark TEXT;`,
  // A pipeline's latest finished runs (its chart, and what retention keeps of it) by index.
  `CREATE INDEX completions_pipeline ON completions(json_extract(run, '$.pipeline'));`,
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

/**
 * A data dir's state.db opened read-only, for `status`, `alerts` and `route`: it must exist and
 * have this Runwatch's schema, and is never written.
 */
export function openStateDbReadonly(dataDir: string): Database.Database {
  const file = path.join(dataDir, STATE_DB);
  if (!fs.existsSync(file)) throw new StateSchemaError(`${file} does not exist`);
  const db = new Database(file, { timeout: 2_000, readonly: true, fileMustExist: true });
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version !== STATE_SCHEMA_VERSION) {
    db.close();
    throw new StateSchemaError(
      `${file} has state schema ${version}; this Runwatch reads ${STATE_SCHEMA_VERSION} (start \`runwatch watch\` once to migrate it)`,
    );
  }
  return db;
}
