import type Database from 'better-sqlite3';
import type { ChangeStatements } from './change-statements.ts';
import type { SourceTable } from './schema-check.ts';
import { changedRow, type ChangedRow } from './source-rows.ts';

export type PerTable<T> = Record<SourceTable, T>;

/**
 * Where a read of updated rows starts in `(updated_at, rowid)` order: rows with `updated_at` above
 * `value` (a raw value, compared by SQLite), and those holding `value` itself with a rowid above
 * `afterRowid`, or all of them when it is null (none when it is Infinity: a large tie passed
 * where rows have no rowids). A null `value` reads every row (from the start).
 */
export interface UpdatedFrom {
  value: unknown;
  afterRowid: number | null;
}

/** The rows holding one `updated_at` value: how many (up to a limit) and the greatest rowid. */
export interface TieCount {
  rows: number;
  rowid: number | null;
}

/** Most rows one change query returns; past it the monitor falls back to a sweep. */
export const CHANGE_LIMIT = 50_000;

/** Without an index on `updated_at`, a table is scanned this many rowids per read. */
const SCAN_WINDOW = 100_000;

function tieCount(row: unknown): TieCount {
  const { rows, rowid } = row as { rows: number; rowid: unknown };
  return { rows, rowid: typeof rowid === 'number' ? rowid : null };
}

/** What these reads need of the source: its open connection and what it knows of each table. */
export interface ReadHost {
  /** A table's change statements; throws a SourceError when the source is not open. */
  statements(table: SourceTable): ChangeStatements;
  /** Runs a read, turning SQLite's errors into SourceErrors. */
  run<T>(fn: (db: Database.Database) => T): T;
  /** Whether the change column has an index (else rows are found among `written` or by windows). */
  indexed(table: SourceTable): boolean;
  hasRowid(table: SourceTable): boolean;
  maxRowid(table: SourceTable): number | null;
  /** Counts the rows a change read returned, for measuring. */
  counted(rows: number): void;
}

/**
 * The reads of updated rows, by the change column's index where the table has one, else among
 * the rowids a write touched or a window of rowids at a time: each the same for runs and steps.
 */
export class UpdatedReads {
  private readonly host: ReadHost;

  constructor(host: ReadHost) {
    this.host = host;
  }

  /**
   * Rows after `from` in `(updated_at, rowid)` order whose rowid is at most `upTo` (newer rows come
   * from `readNewRows`). Two indexed range reads, so rows that share `from.value` and were passed
   * are never read again. Without the index: among `written` (the rowids the writes since touched,
   * from `writtenRowids`) when they are known, else one read per window of rowids, so no single
   * read blocks for long.
   */
  *rows(
    table: SourceTable,
    from: UpdatedFrom,
    upTo: number | null,
    written: readonly number[] | null = null,
  ): Generator<{ rows: ChangedRow[]; truncated: boolean }> {
    const statements = this.host.statements(table);
    const limit = upTo ?? Number.MAX_SAFE_INTEGER;
    const after = from.afterRowid ?? -Infinity;
    // SQLite orders every number and text above -Infinity: "from the start" reads them all.
    if (from.value === null) from = { value: -Infinity, afterRowid: from.afterRowid };
    const { updatedWindow: windowed, tied: tie, updated: above } = statements;
    if (this.host.indexed(table) || !windowed) {
      const hasRowid = this.host.hasRowid(table);
      const found = this.host.run((db) =>
        db.transaction(() => {
          const passed = from.afterRowid === Number.POSITIVE_INFINITY;
          const tied = (
            passed
              ? []
              : hasRowid
                ? tie.all(from.value, after, limit, CHANGE_LIMIT)
                : tie.all(from.value, CHANGE_LIMIT)
          ) as Record<string, unknown>[];
          const newer = (
            hasRowid
              ? above.all(from.value, limit, CHANGE_LIMIT)
              : above.all(from.value, CHANGE_LIMIT)
          ) as Record<string, unknown>[];
          return { tied, newer };
        })(),
      );
      const rows = [...found.tied, ...found.newer];
      this.host.counted(rows.length);
      yield {
        rows: rows.map((row) => changedRow(table, row)),
        truncated: found.tied.length >= CHANGE_LIMIT || found.newer.length >= CHANGE_LIMIT,
      };
      return;
    }
    const among = statements.updatedAmong;
    if (written !== null && among) {
      const found = this.host.run(
        () =>
          among.all(JSON.stringify(written), limit, from.value, from.value, after) as Record<
            string,
            unknown
          >[],
      );
      this.host.counted(found.length);
      yield { rows: found.map((row) => changedRow(table, row)), truncated: false };
      return;
    }
    const top = Math.min(limit, this.host.maxRowid(table) ?? 0);
    for (let low = 0; low < top; low += SCAN_WINDOW) {
      const high = Math.min(top, low + SCAN_WINDOW);
      const found = this.host.run(
        () => windowed.all(low, high, from.value, from.value, after) as Record<string, unknown>[],
      );
      this.host.counted(found.length);
      yield { rows: found.map((row) => changedRow(table, row)), truncated: false };
    }
  }

  /**
   * How many rows hold `value` (counted up to `limit` + 1) and the greatest rowid among them:
   * where the change checks start after a complete read. Without the index, a running count
   * after each window of rowids, from the top.
   */
  *tieAt(table: SourceTable, value: unknown, limit: number): Generator<TieCount> {
    const statements = this.host.statements(table);
    const { tieCountWindow: windowed, tieCount: statement } = statements;
    if (this.host.indexed(table) || !windowed) {
      yield this.host.run(() => tieCount(statement.get(value, limit + 1)));
      return;
    }
    const total: TieCount = { rows: 0, rowid: null };
    const top = this.host.maxRowid(table) ?? 0;
    for (let high = top; high > 0 && total.rows <= limit; high -= SCAN_WINDOW) {
      const found = this.host.run(() => tieCount(windowed.get(high - SCAN_WINDOW, high, value)));
      total.rows += found.rows;
      total.rowid ??= found.rowid;
      yield { ...total };
    }
  }

  /**
   * The newest raw `updated_at` values of a table, newest first: from the index, or without one
   * the newest of each window of rowids.
   */
  *newest(table: SourceTable, limit: number): Generator<unknown[]> {
    const statements = this.host.statements(table);
    const { newestUpdatedWindow: windowed, newestUpdated: statement } = statements;
    if (this.host.indexed(table) || !windowed) {
      yield this.host.run(() => statement.pluck().all(limit));
      return;
    }
    const top = this.host.maxRowid(table) ?? 0;
    for (let from = top - SCAN_WINDOW; from > -SCAN_WINDOW; from -= SCAN_WINDOW) {
      yield this.host.run(() => windowed.pluck().all(from, from + SCAN_WINDOW, limit));
    }
  }
}
