/**
 * A source profile: how one schema maps onto Runwatch's runs and steps (ARCHITECTURE.md §3 has
 * what a run and a step are). Read from a mapping file (profile-file.ts); the built-in ones are
 * shipped as such files under config/schemas/. Nothing above the source ever sees one.
 */

/** How a timestamp column is written. */
export const TIMESTAMP_ENCODINGS = [
  /** ISO-8601 text with `Z` or an offset; without one, read as UTC. */
  'iso',
  /** `YYYY-MM-DD HH:MM:SS[.f]` (or with `T`) in UTC, no offset: SQLAlchemy's DateTime on SQLite. */
  'naive-utc',
  /** The same, in the local time of the machine Runwatch runs on. */
  'naive-local',
  'epoch-s',
  'epoch-ms',
  'epoch-us',
] as const;
export type TimestampEncoding = (typeof TIMESTAMP_ENCODINGS)[number];

export const RUN_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const STEP_STATUSES = [...RUN_STATUSES, 'skipped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type StepStatus = (typeof STEP_STATUSES)[number];

/**
 * A column; `optional` ones may be missing (an older version of the schema): then NULL. With
 * `from`, the column is another table's, on the rows whose `match` columns (theirs → ours) equal
 * this row's: the greatest of them (Airflow 2's heartbeat is in its job table).
 */
export interface ColumnRef {
  column: string;
  optional: boolean;
  from: { table: string; match: ReadonlyMap<string, string> } | null;
  /** A column of JSON text: the value at this path (not JSON: NULL). */
  json?: string;
}

export interface TimestampRef extends ColumnRef {
  encoding: TimestampEncoding;
}

/** One part of an id: a column, left out where it holds `skip` (Airflow's map_index -1). */
export interface IdPart {
  column: string;
  skip: string | number | null;
}

export interface StatusMapping<S extends string> {
  column: string;
  /** Values as written (matched case-insensitively, trimmed) to Runwatch's statuses. */
  map: ReadonlyMap<string, S>;
  /** What NULL means; without it, NULL is an unknown status (not finished, named once). */
  ifNull: S | null;
}

/**
 * Where a run's artifacts are: a column, or a template of the run table's columns; `optional`:
 * a run may have no folder (one that never appears is nothing to archive, not a failure).
 */
export type ArtifactsMapping =
  | ({ optional: boolean } & (
      { column: string } | { template: string; columns: readonly string[] }
    ))
  | null;

export interface RunsMapping {
  table: string;
  /** Only rows holding these values are runs (MLflow's deleted runs are not). */
  only: ReadonlyMap<string, string | number>;
  /** Joined with `/` into the run id; every part but the last should never hold a `/`. */
  id: readonly IdPart[];
  pipeline: ColumnRef | null;
  status: StatusMapping<RunStatus>;
  created: TimestampRef | null;
  started: TimestampRef | null;
  finished: TimestampRef | null;
  /**
   * Written on every change of the row: how changed rows are found (best with one column that
   * has an index). Several: the first non-null of them, for a row whose one changing column
   * starts out NULL (MLflow's end_time).
   */
  updated: readonly string[];
  /** How `updated` is written (a timestamp): when the row was last written. */
  updatedEncoding: TimestampEncoding;
  /** The greatest non-null of these is the run's last progress. */
  progress: readonly TimestampRef[];
  /** Whether the file names `progress` (else it is `updated`, checked there). */
  progressGiven: boolean;
  artifacts: ArtifactsMapping;
  /**
   * Whether a run finishes once all its steps have (§3's rule). False where the store always
   * sets a run's final status and creates steps as it goes (Airflow, Prefect).
   */
  finishOnSteps: boolean;
}

/**
 * Steps as the latest event per step key: the store appends events (Dagster's event log), and a
 * step's status is set by the newest of its events whose type the status map names; every event
 * of a step is its progress, every event of a run the run's.
 */
export interface StepEventsMapping {
  table: string;
  /**
   * Where the table is when the database does not have it: a file relative to the database's
   * folder, `{run_id}` naming one file per run (Dagster's `history/runs/<run_id>.db`).
   */
  file: string | null;
  /** The column events are ordered by; null: the rowid. */
  order: string | null;
  /** When the event happened. */
  at: TimestampRef;
}

export interface StepsMapping {
  /** Set when steps are the latest event per step key (`table`, `updated`… are then unused). */
  events: StepEventsMapping | null;
  table: string;
  only: ReadonlyMap<string, string | number>;
  /** The step's run: columns matching the run id's parts, in order. */
  run: readonly string[];
  id: readonly IdPart[];
  name: ColumnRef | null;
  position: ColumnRef | null;
  status: StatusMapping<StepStatus>;
  started: TimestampRef | null;
  finished: TimestampRef | null;
  updated: readonly string[];
  updatedEncoding: TimestampEncoding;
  progress: readonly TimestampRef[];
  progressGiven: boolean;
  /** Why a failed step failed. */
  message: ColumnRef | null;
}

export interface SourceProfile {
  name: string;
  description: string;
  /** Tables and columns whose presence says a database has this schema. */
  detect: ReadonlyMap<string, readonly string[]>;
  runs: RunsMapping;
  /** Null for a store whose runs have no steps (MLflow). */
  steps: StepsMapping | null;
  /** The mapping file it was read from. */
  file: string;
}

/** A profile to read a database with, named by the user; null recognises it. */
export type SchemaChoice = {
  profile: SourceProfile;
  /** The mapping file's text, to place problems in it; null for a built-in profile. */
  text: string | null;
} | null;
