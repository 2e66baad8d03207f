import type { FileCheck } from './file-integrity.ts';
import type { MissingIndex, OptionalColumn, SourceTable } from './schema-check.ts';
import type { ChangedRow, ObservedRun } from './source-rows.ts';
import type { SourceShape } from './source-shape.ts';
import type { PerTable, TieCount, UpdatedFrom } from './updated-reads.ts';

/** A value now (SQLite reads in place) or later (a server answers over the network). */
export type Awaitable<T> = T | Promise<T>;

/** Pages read one after another, each its own short read; `for await` reads both kinds. */
export type Pages<T> = Iterable<T> | AsyncIterable<T>;

export interface OpenInfo {
  /** SQLite's journal mode; for a server, what it is (`postgresql 16.2`). */
  journalMode: string;
  /** The schema read, and whether it was recognised rather than named. */
  schema: SourceShape['schema'];
  missingIndexes: MissingIndex[];
  optionalColumns: OptionalColumn[];
}

export interface ScannedRun {
  rowid: number | null;
  runId: string;
  status: string;
  updatedAt: unknown;
}

/**
 * What the monitor, the CLI and the API read of an orchestration database, whatever holds it: a
 * SQLite file read in place, or a PostgreSQL server (ARCHITECTURE.md §2). Every read is short and
 * read-only. Reads may answer at once or later, so callers await them; reads of one source never
 * overlap (a server source queues them on its one connection).
 */
export interface RunSource {
  /** The file, or the server's URL with its password masked: what messages name. */
  readonly path: string;
  /** Whether a connection is open (`open` succeeded and nothing closed it since). */
  readonly isOpen: boolean;
  /** Whether a run finishes once all its steps have (the default schema), or by status only. */
  readonly finishesOnSteps: boolean;
  /** Whether runs make progress in another table, seen only when they are read. */
  readonly progressElsewhere: boolean;
  /** The folder a profile's artifacts template puts every run's folder in; null for none. */
  readonly artifactRoot: string | null;
  /** Whether a run may have no artifacts folder (the profile says so). */
  readonly artifactsOptional: boolean;
  /** A folder of event files beside the database, for a watch on it; else null. */
  readonly eventFolder: string | null;
  /** Whether the rows an unindexed table wrote can be located (`markWrites`, `writtenRowids`). */
  readonly locatesWrites: boolean;
  /**
   * Whether a change read of some table scans it whole whatever range it asks for (a server's
   * table without an index on its change column): every check then reaches back in its one read
   * rather than reading twice.
   */
  readonly scansWhole: boolean;

  /** Opens and checks the schema; throws a SourceError naming what is wrong. */
  open(): Awaitable<OpenInfo>;
  close(): Awaitable<void>;
  /** Whether what is open is still what the path names (a server's is always `same`). */
  fileStatus(): Awaitable<FileCheck | 'replaced' | 'missing'>;
  /** Moves whenever anything was committed that a change read may see; cheap. */
  dataVersion(): Awaitable<number>;
  /** Whether a table's change column has an index (else updated rows are found by scanning). */
  indexed(table: SourceTable): boolean;
  markWrites(): Awaitable<void>;
  writtenRowids(): Awaitable<number[] | null>;
  /** Rows added since the rowid cursors (a source without rowids has none). */
  readNewRows(
    rowid: PerTable<number | null>,
  ): Awaitable<{ rows: ChangedRow[]; truncated: boolean }>;
  /** Rows after `from` in `(updated_at, rowid)` order whose rowid is at most `upTo`. */
  readUpdatedRows(
    table: SourceTable,
    from: UpdatedFrom,
    upTo: number | null,
    written: readonly number[] | null,
  ): Pages<{ rows: ChangedRow[]; truncated: boolean }>;
  /** How many rows hold `value` (up to `limit` + 1), and the greatest rowid among them. */
  tieAt(table: SourceTable, value: unknown, limit: number): Pages<TieCount>;
  /** The newest raw change values of a table, newest first. */
  newestUpdated(table: SourceTable, limit: number): Pages<unknown[]>;
  /** Runs with their steps, read together so no run is judged on a torn view. */
  readRuns(runIds: readonly string[]): Awaitable<Map<string, ObservedRun>>;
  /** Which of these runs still exist. */
  existingRuns(runIds: readonly string[]): Awaitable<Set<string>>;
  /** Every run (light columns), a page at a time, each page its own short read. */
  scanAllRuns(pageSize: number): Pages<ScannedRun[]>;
  maxRowid(table: SourceTable): Awaitable<number | null>;
  countRuns(): Awaitable<{ active: number; finished: number }>;
}
