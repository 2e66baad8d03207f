import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { FileIntegrity, sameContent, type FileCheck } from './file-integrity.ts';
import { prepareChangeStatements, type ChangeStatements } from './change-statements.ts';
import { classifySourceError, missingDatabase, SourceError } from './source-error.ts';
import type { SourceTable } from './schema-check.ts';
import type { OpenInfo, RunSource, ScannedRun } from './run-source.ts';
import type { ObservedRun } from './source-rows.ts';
import { quoteName } from './sql-name.ts';
import { RunLookups } from './run-lookups.ts';
import type { SchemaChoice } from './profile/source-profile.ts';
import { shapeSource, type SourceShape } from './source-shape.ts';
import { WalChanges } from './wal-changes.ts';
import { EventSteps } from './event-steps.ts';
import { asText, changedRow, type ChangedRow } from './source-rows.ts';
import {
  CHANGE_LIMIT,
  UpdatedReads,
  type PerTable,
  type TieCount,
  type UpdatedFrom,
} from './updated-reads.ts';

export type { ChangedRow } from './source-rows.ts';
export type { OpenInfo, ScannedRun } from './run-source.ts';
export { CHANGE_LIMIT, type PerTable, type TieCount, type UpdatedFrom } from './updated-reads.ts';

export interface ChangeCursor {
  /** Rows with a rowid above these are new. */
  rowid: PerTable<number | null>;
  /** Where updated rows are read from; null reads none. */
  updated: PerTable<UpdatedFrom | null>;
}

const TERMINAL_SQL = `lower(trim(status)) IN ('succeeded', 'failed', 'cancelled')`;

/**
 * One long-lived read-only connection to the orchestration database. Every read is short: a
 * statement run to completion, or a chunk read in one read transaction, never held across ticks
 * (that would pin the writer's WAL). Nothing here ever writes the watched database.
 */
export class SqliteSource implements RunSource {
  readonly path: string;
  private readonly schema: SchemaChoice;
  private shape: SourceShape | null = null;
  private db: Database.Database | null = null;
  private identity: { dev: number; ino: number } | null = null;
  private rowid: Record<SourceTable, boolean> = { runs: true, steps: true };
  private updatedIndexed: Record<SourceTable, boolean> = { runs: true, steps: true };
  private stepMessage = false;
  private statements: ReturnType<SqliteSource['prepare']> | null = null;
  private readCount = 0;
  private readonly integrity: FileIntegrity;
  private wal = false;
  /** Where writes are read from the log, for tables without an index on their change column. */
  private walChanges: WalChanges | null = null;
  /** Steps given as events, read apart from the views. */
  private events: EventSteps | null = null;
  private readonly updatedReads = new UpdatedReads({
    statements: (table) => {
      if (!this.statements) throw new SourceError('unreadable', `${this.path} is not open`);
      return this.statements.changes[table];
    },
    run: (fn) => this.run((_, db) => fn(db)),
    indexed: (table) => this.updatedIndexed[table],
    hasRowid: (table) => this.rowid[table],
    maxRowid: (table) => this.maxRowid(table),
    counted: (rows) => {
      this.readCount += rows;
    },
  });
  private readonly warn: (message: string) => void;
  /** Whether this connection reads what a fresh one reads (asked only when the file moved). */
  private readonly sameContent = (): boolean =>
    this.db !== null &&
    this.shape !== null &&
    sameContent(this.db, this.path, this.shape.rowidTables);

  /**
   * `schema`: the profile to read the database with; null recognises it. `warn` hears what is
   * wrong beside the database itself (a file of events that does not fit the profile).
   */
  constructor(
    path: string,
    schema: SchemaChoice = null,
    warn: (message: string) => void = () => {},
  ) {
    this.path = path;
    this.schema = schema;
    this.warn = warn;
    this.integrity = new FileIntegrity(path);
  }

  /** Rows the change queries (`readNewRows`, `readUpdatedRows`) have returned, for measuring. */
  get rowsRead(): number {
    return this.readCount;
  }

  get isOpen(): boolean {
    return this.db !== null;
  }

  /** Whether a run finishes once all its steps have (the default schema), or by status only. */
  get finishesOnSteps(): boolean {
    return this.shape?.finishOnSteps ?? true;
  }

  /** Whether runs make progress in another table, seen only when they are read. */
  get progressElsewhere(): boolean {
    return this.shape?.progressElsewhere ?? false;
  }

  /** Opens and checks the schema; throws a SourceError naming what is wrong. */
  open(): OpenInfo {
    this.close();
    const stat = fs.statSync(this.path, { throwIfNoEntry: false });
    if (!stat) throw missingDatabase(this.path);
    if (!stat.isFile()) throw new SourceError('unreadable', `${this.path} is not a file`);
    let db: Database.Database | null = null;
    try {
      const problem = this.integrity.problemBeforeOpen(stat);
      if (problem !== null) throw new SourceError('not_sqlite', problem);
      db = new Database(this.path, { readonly: true, fileMustExist: true, timeout: 20 });
      // A small page cache: reads are by key or by index range, and after another connection
      // commits SQLite drops this cache on the next read, which for a large one blocks for ~100 ms.
      db.pragma('cache_size = -2000');
      const journalMode = String(db.pragma('journal_mode', { simple: true }));
      const shape = shapeSource(db, this.path, this.schema);
      this.db = db;
      this.identity = { dev: stat.dev, ino: stat.ino };
      this.shape = shape;
      this.rowid = shape.report.rowid;
      this.updatedIndexed = shape.changeIndexed;
      this.stepMessage = shape.report.optionalColumns.some(
        (c) => c.column === 'message' && c.present,
      );
      this.statements = this.prepare(db, shape);
      this.wal = journalMode.toLowerCase() === 'wal';
      const unindexed = (['runs', 'steps'] as const).some(
        (table) => shape.report.rowid[table] && !shape.changeIndexed[table],
      );
      this.walChanges = this.wal && unindexed ? new WalChanges(this.path) : null;
      this.events = shape.stepEvents
        ? new EventSteps({
            db,
            dbPath: this.path,
            profile: shape.stepEvents.profile,
            text: this.schema?.text ?? null,
            inDatabase: shape.stepEvents.inDatabase,
            warn: this.warn,
          })
        : null;
      this.integrity.recordOpen(stat);
      return {
        journalMode,
        schema: shape.schema,
        missingIndexes: shape.missingIndexes,
        optionalColumns: shape.optionalColumns,
      };
    } catch (error) {
      db?.close();
      this.db = null;
      throw classifySourceError(error, this.path);
    }
  }

  close(): void {
    this.db?.close();
    this.db = null;
    this.statements = null;
    this.identity = null;
    this.shape = null;
    this.walChanges = null;
    this.events?.close();
    this.events = null;
  }

  /**
   * Whether the file on disk is still the one this connection has open: another file
   * (`replaced`), the same file holding another database (`rewritten`), or none. A file
   * overwritten with what is not a database closes the connection and throws a SourceError.
   */
  fileStatus(): FileCheck | 'replaced' | 'missing' {
    const stat = fs.statSync(this.path, { throwIfNoEntry: false });
    if (!stat) return 'missing';
    if (!this.identity || stat.ino !== this.identity.ino || stat.dev !== this.identity.dev) {
      return 'replaced';
    }
    let check: ReturnType<FileIntegrity['check']>;
    try {
      check = this.integrity.check(stat, this.wal ? this.sameContent : null);
    } catch (error) {
      this.close();
      throw classifySourceError(error, this.path);
    }
    if (typeof check === 'string') return check;
    this.close();
    throw new SourceError('not_sqlite', check.damaged);
  }

  /**
   * Changes whenever another connection commits (about 6 µs), or a file of events beside the
   * database is written (a look at the files of the runs being followed).
   */
  dataVersion(): number {
    // Both only ever grow, so their sum changes when either does.
    return this.run((s) => (s.dataVersion.get() as number) + (this.events?.version() ?? 0));
  }

  /**
   * Where the profile's artifacts template puts every run's folder, resolved against the
   * database's folder (an allowed artifact root); null while closed or where it names none.
   */
  get artifactRoot(): string | null {
    const root = this.shape?.artifactRoot ?? null;
    return root === null ? null : path.resolve(path.dirname(this.path), root);
  }

  /** Whether a run may have no artifacts folder (the profile says so). */
  get artifactsOptional(): boolean {
    return this.shape?.artifactsOptional ?? false;
  }

  /** The folder holding files of events beside the database, for a watch on it; else null. */
  get eventFolder(): string | null {
    return this.events?.folder ?? null;
  }

  /** Files of events open now (a few at most, whatever the number of runs). */
  get openEventFiles(): number {
    return this.events?.openFiles ?? 0;
  }

  /** Whether `updated_at` of a table has an index (else updated rows are found by scanning). */
  indexed(table: SourceTable): boolean {
    return this.updatedIndexed[table];
  }

  /**
   * Whether the rows a table without an index on its change column has written can be read from
   * the write-ahead log: `markWrites` then `writtenRowids`.
   */
  get locatesWrites(): boolean {
    return this.walChanges !== null;
  }

  /** Unindexed tables are read from the log or in windows, whose cost follows the range. */
  get scansWhole(): boolean {
    return false;
  }

  /** Later calls to `writtenRowids` and `readNewRows` answer what was written after now. */
  markWrites(): void {
    this.walChanges?.mark();
    this.run(() => this.events?.mark());
  }

  /**
   * The rowids that commits since the last call wrote, on any table (rows the change queries
   * then filter), or null when they cannot be known and a table without an index is scanned.
   */
  writtenRowids(): number[] | null {
    return this.walChanges?.read() ?? null;
  }

  /** Rows added since the rowid cursors, both tables in one read transaction. */
  readNewRows(rowid: PerTable<number | null>): { rows: ChangedRow[]; truncated: boolean } {
    return this.run((s, db) =>
      db.transaction(() => {
        const rows: ChangedRow[] = [];
        let truncated = false;
        for (const table of ['runs', 'steps'] as const) {
          const statement = s.changes[table].newRows;
          const after = rowid[table];
          if (!statement || after === null) continue;
          const found = statement.all(after, CHANGE_LIMIT) as Record<string, unknown>[];
          this.readCount += found.length;
          if (found.length >= CHANGE_LIMIT) truncated = true;
          for (const row of found) rows.push(changedRow(table, row));
        }
        // Steps given as events: one row per run whose events moved.
        if (this.events) rows.push(...this.events.changes());
        return { rows, truncated };
      })(),
    );
  }

  /**
   * Rows after `from` in `(updated_at, rowid)` order whose rowid is at most `upTo`; without an
   * index, among `written` when known (updated-reads.ts).
   */
  *readUpdatedRows(
    table: SourceTable,
    from: UpdatedFrom,
    upTo: number | null,
    written: readonly number[] | null = null,
  ): Generator<{ rows: ChangedRow[]; truncated: boolean }> {
    yield* this.updatedReads.rows(table, from, upTo, written);
  }

  /** How many rows hold `value`, and the greatest rowid among them (updated-reads.ts). */
  *tieAt(table: SourceTable, value: unknown, limit: number): Generator<TieCount> {
    yield* this.updatedReads.tieAt(table, value, limit);
  }

  /** Runs with their steps, read together so no run is judged on a torn view. */
  readRuns(runIds: readonly string[]): Map<string, ObservedRun> {
    return this.run((s, db) => {
      const runs = db.transaction(() => s.lookups.read(runIds))();
      this.events?.addTo(runs);
      return runs;
    });
  }

  /** Which of these runs still exist (a cheap check by key after a change nothing explained). */
  existingRuns(runIds: readonly string[]): Set<string> {
    return this.run((s) => s.lookups.existingAmong(runIds));
  }

  /**
   * Every run (light columns), a page at a time; each page is its own short read, so nothing
   * stays open while the caller works between pages.
   */
  *scanAllRuns(pageSize: number): Generator<ScannedRun[]> {
    let after: number | string | null = null;
    for (;;) {
      const page = this.scanRuns(after, pageSize);
      if (page.length > 0) yield page;
      const last = page[page.length - 1];
      if (!last || page.length < pageSize) return;
      after = last.rowid ?? last.runId;
    }
  }

  private scanRuns(after: number | string | null, limit: number): ScannedRun[] {
    return this.run((s) => {
      const rows = (
        s.changes.runs.newRows
          ? s.changes.runs.newRows.all(typeof after === 'number' ? after : -Infinity, limit)
          : s.scanById.all(typeof after === 'string' ? after : '', limit)
      ) as Record<string, unknown>[];
      return rows.map((row) => ({
        rowid: typeof row.rowid === 'number' ? row.rowid : null,
        runId: asText(row.run_id),
        status: asText(row.status),
        updatedAt: row.updated_at,
      }));
    });
  }

  /** The newest raw `updated_at` values of a table, newest first (updated-reads.ts). */
  *newestUpdated(table: SourceTable, limit: number): Generator<unknown[]> {
    yield* this.updatedReads.newest(table, limit);
  }

  maxRowid(table: SourceTable): number | null {
    if (!this.rowid[table]) return null;
    return this.run((s) => {
      const value = s.changes[table].maxRowid.pluck().get();
      return typeof value === 'number' ? value : 0;
    });
  }

  countRuns(): { active: number; finished: number } {
    return this.run((s) => {
      const row = s.counts.get() as { finished: number | null; total: number };
      const finished = row.finished ?? 0;
      return { active: row.total - finished, finished };
    });
  }

  private run<T>(
    fn: (statements: NonNullable<SqliteSource['statements']>, db: Database.Database) => T,
  ): T {
    if (!this.db || !this.statements)
      throw new SourceError('unreadable', `${this.path} is not open`);
    try {
      return fn(this.statements, this.db);
    } catch (error) {
      throw classifySourceError(error, this.path);
    }
  }

  private prepare(db: Database.Database, shape: SourceShape) {
    const rowid = this.rowid;
    const change = shape.changeColumn;
    // The greatest rowid is the table's own, unfiltered by a profile's `only`.
    const own = (table: string | null) => (table === null ? 'steps' : `main.${quoteName(table)}`);
    return {
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
      changes: {
        runs: prepareChangeStatements(db, 'runs', rowid.runs, change, own(shape.tables.runs)),
        steps: prepareChangeStatements(db, 'steps', rowid.steps, change, own(shape.tables.steps)),
      } satisfies PerTable<ChangeStatements>,
      lookups: new RunLookups(db, shape, {
        runRowid: rowid.runs,
        stepMessage: this.stepMessage,
        warn: (message) => this.warn(`${this.path}: ${message}`),
      }),
      scanById: db.prepare(
        `SELECT NULL AS rowid, run_id, status, ${change} AS updated_at FROM runs
         WHERE run_id > ? ORDER BY run_id LIMIT ?`,
      ),
      counts: db.prepare(`SELECT count(*) AS total, sum(${TERMINAL_SQL}) AS finished FROM runs`),
    };
  }
}
