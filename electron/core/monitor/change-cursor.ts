import type { ChangedRow, ChangeCursor } from '../source/sqlite-source.ts';
import type { SourceTable } from '../source/schema-check.ts';
import { parseTimestamp } from '../time/timestamp.ts';

/** Rows updated this long before the newest one are read again, for late or out-of-order commits. */
export const LOOKBACK_MS = 2_000;

/** How often the change check reaches back by `LOOKBACK_MS` rather than from the newest row. */
export const LOOKBACK_EVERY_MS = 1_000;

/** A value this far ahead is not a clock offset (at most ±14 h) but a bad row: never a watermark. */
const FUTURE_LIMIT_MS = 26 * 3_600_000;

/**
 * Watermarks for one table's `updated_at`, kept as raw values so SQLite compares them in the
 * writer's own format. The query uses the watermark as it stood `LOOKBACK_MS` ago.
 */
class UpdatedWatermark {
  private history: { at: number; value: unknown }[] = [];

  reset(value: unknown, at: number): void {
    this.history = value === null || value === undefined ? [] : [{ at, value }];
  }

  /** Moves to the greatest plausible value among `values`, if it is past the newest. */
  advance(values: readonly unknown[], now: number, at: number): void {
    const newest = this.history[this.history.length - 1];
    const best = plausibleNewest(newest ? [newest.value, ...values] : values, now);
    if (best === null || (newest && newest.value === best)) return;
    this.history.push({ at, value: best });
  }

  /** The newest value, or with `lookback` the newest as it stood `LOOKBACK_MS` ago. */
  queryValue(at: number, lookback: boolean): unknown {
    while (this.history.length > 1 && (this.history[1] as { at: number }).at <= at - LOOKBACK_MS) {
      this.history.shift();
    }
    const entry = lookback ? this.history[0] : this.history[this.history.length - 1];
    return entry?.value ?? null;
  }
}

/** The greatest value (in SQLite's order) that is a plausible timestamp, or null. */
export function plausibleNewest(values: readonly unknown[], now: number): unknown {
  let best: unknown = null;
  for (const value of values) {
    const ms = parseTimestamp(value);
    if (ms === null || ms > now + FUTURE_LIMIT_MS) continue;
    if (best === null || compareSqliteValues(value, best) > 0) best = value;
  }
  return best;
}

/**
 * Where the next change query starts: new rows by rowid, updated rows by `updated_at` minus a
 * lookback, and which rows were already seen so a lookback window is not processed twice.
 */
export class ChangeCursorState {
  rowid: Record<SourceTable, number | null> = { runs: null, steps: null };
  private readonly updated = { runs: new UpdatedWatermark(), steps: new UpdatedWatermark() };
  private readonly seen = new Map<string, { print: string; at: number }>();

  reset(
    rowid: Record<SourceTable, number | null>,
    newest: Record<SourceTable, unknown>,
    at: number,
  ): void {
    this.rowid = { ...rowid };
    this.updated.runs.reset(newest.runs, at);
    this.updated.steps.reset(newest.steps, at);
    this.seen.clear();
  }

  /**
   * Where the next change query starts. Every check reads from the newest `updated_at`; with
   * `lookback` (about once a second) from the newest of `LOOKBACK_MS` ago, which also catches a
   * transaction that committed after a later-stamped one.
   */
  query(at: number, lookback: boolean): ChangeCursor {
    return {
      rowid: { ...this.rowid },
      updated: {
        runs: this.updated.runs.queryValue(at, lookback),
        steps: this.updated.steps.queryValue(at, lookback),
      },
    };
  }

  /** The rows not seen before with these values. */
  unseen(rows: readonly ChangedRow[]): ChangedRow[] {
    return rows.filter(
      (row) => this.seen.get(`${row.table}\u0000${row.key}`)?.print !== printOf(row),
    );
  }

  /** After the rows were processed and committed: move the watermarks and remember them. */
  accept(result: { runs: ChangedRow[]; steps: ChangedRow[] }, now: number, at: number): void {
    for (const table of ['runs', 'steps'] as const) {
      const rows = result[table];
      let maxRowid = this.rowid[table];
      const values: unknown[] = [];
      for (const row of rows) {
        if (row.rowid !== null && maxRowid !== null && row.rowid > maxRowid) maxRowid = row.rowid;
        const key = `${row.table}\u0000${row.key}`;
        this.seen.delete(key);
        this.seen.set(key, { print: printOf(row), at });
        values.push(row.updatedAt);
      }
      this.rowid[table] = maxRowid;
      this.updated[table].advance(values, now, at);
    }
    for (const [key, entry] of this.seen) {
      if (entry.at > at - LOOKBACK_MS * 2) break;
      this.seen.delete(key);
    }
  }

  /** Deleted rows at the top of a table let SQLite hand out their rowids again. */
  lowerRowid(table: SourceTable, max: number | null): void {
    const current = this.rowid[table];
    if (max !== null && current !== null && max < current) this.rowid[table] = max;
  }
}

function printOf(row: ChangedRow): string {
  return `${row.status}\u0000${typeof row.updatedAt}\u0000${String(row.updatedAt)}`;
}

/** SQLite's order for the values `updated_at` can hold: numbers before text, text by code unit. */
export function compareSqliteValues(x: unknown, y: unknown): number {
  const xNumber = typeof x === 'number' || typeof x === 'bigint';
  const yNumber = typeof y === 'number' || typeof y === 'bigint';
  if (xNumber && yNumber) return Number(x) - Number(y);
  if (xNumber) return -1;
  if (yNumber) return 1;
  const xs = String(x);
  const ys = String(y);
  return xs < ys ? -1 : xs > ys ? 1 : 0;
}
