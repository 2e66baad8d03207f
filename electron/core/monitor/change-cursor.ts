import type { ChangedRow, ChangeCursor, UpdatedFrom } from '../source/sqlite-source.ts';
import type { SourceTable } from '../source/schema-check.ts';
import { parseTimestamp } from '../time/timestamp.ts';

/** Rows updated this long before the newest one are read again, for late or out-of-order commits. */
export const LOOKBACK_MS = 2_000;

/** How often the change check reaches back by `LOOKBACK_MS` rather than from the newest row. */
export const LOOKBACK_EVERY_MS = 1_000;

/**
 * Rows that share the newest `updated_at` are read again on every check while there are at most
 * this many: a writer with second-precision timestamps that updates a row twice in one second
 * leaves its stamp as it was. A larger tie (a bulk load, a backfill) is passed by rowid instead,
 * so a change never costs a read of every row that shares its stamp.
 */
export const TIE_REREAD_MAX = 256;

/** A value this far ahead is not a clock offset (at most ±14 h) but a bad row: never a watermark. */
const FUTURE_LIMIT_MS = 26 * 3_600_000;

/**
 * How far a table's `(updated_at, rowid)` order has been read: its newest plausible value (raw,
 * so SQLite compares it in the writer's own format), the greatest rowid among the rows holding
 * it, and how many rows hold it (null: not known, so taken as many).
 */
export interface KeysetPosition {
  value: unknown;
  rowid: number | null;
  tie: number | null;
}

/**
 * Where a read from this position starts: a small tie is read again whole, a large one passed,
 * by rowid, or whole where its rows have none (a server's): a row written later with that very
 * stamp is then the sweep's to find, rather than every check reading the whole tie again.
 */
function readFrom(position: KeysetPosition): UpdatedFrom {
  const small = position.tie !== null && position.tie <= TIE_REREAD_MAX;
  return {
    value: position.value,
    afterRowid: small ? null : (position.rowid ?? Number.POSITIVE_INFINITY),
  };
}

/**
 * The positions of one table, kept for `LOOKBACK_MS`: the check reads from the newest, the
 * lookback from the one that stood `LOOKBACK_MS` ago.
 */
class UpdatedKeyset {
  private history: { at: number; position: KeysetPosition }[] = [];

  reset(position: KeysetPosition | null, at: number): void {
    this.history = position === null ? [] : [{ at, position }];
  }

  /**
   * After a read from `from`: moves to the greatest plausible value among `rows`, if it is past
   * the newest, and counts the rows that hold it. The count is exact when the read covered that
   * value's whole tie; after a read that passed the tie by rowid it adds to the count it had.
   */
  advance(rows: readonly ChangedRow[], from: UpdatedFrom | null, now: number, at: number): void {
    const current = this.history[this.history.length - 1]?.position ?? null;
    const values = rows.map((row) => row.updatedAt);
    const best = plausibleNewest(current ? [current.value, ...values] : values, now);
    if (best === null) return;
    let tie = 0;
    let rowid: number | null = null;
    for (const row of rows) {
      if (compareSqliteValues(row.updatedAt, best) !== 0) continue;
      tie++;
      if (row.rowid !== null && (rowid === null || row.rowid > rowid)) rowid = row.rowid;
    }
    if (tie === 0) return;
    let next: KeysetPosition;
    const same = current !== null && compareSqliteValues(current.value, best) === 0;
    if (!same) {
      next = { value: best, rowid, tie };
    } else {
      const wholeTie =
        from !== null && (from.afterRowid === null || compareSqliteValues(from.value, best) < 0);
      next = {
        value: best,
        rowid:
          current.rowid === null || (rowid !== null && rowid > current.rowid)
            ? rowid
            : current.rowid,
        tie: wholeTie ? tie : current.tie === null ? null : current.tie + tie,
      };
      if (next.rowid === current.rowid && next.tie === current.tie) return;
    }
    this.history.push({ at, position: next });
  }

  /** Where to read from: the newest position, or with `lookback` the one of `LOOKBACK_MS` ago. */
  queryFrom(at: number, lookback: boolean): UpdatedFrom | null {
    while (this.history.length > 1 && (this.history[1] as { at: number }).at <= at - LOOKBACK_MS) {
      this.history.shift();
    }
    const entry = lookback ? this.history[0] : this.history[this.history.length - 1];
    return entry ? readFrom(entry.position) : null;
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
 * Where the next change query starts: new rows by rowid, updated rows in `(updated_at, rowid)`
 * order from a keyset position (reaching back `LOOKBACK_MS` about once a second), and which rows
 * were already seen so a lookback window is not processed twice.
 */
export class ChangeCursorState {
  rowid: Record<SourceTable, number | null> = { runs: null, steps: null };
  private readonly updated = { runs: new UpdatedKeyset(), steps: new UpdatedKeyset() };
  private readonly seen = new Map<string, { print: string; at: number }>();
  private lastLookbackAt = -Infinity;
  private owed = false;

  reset(
    rowid: Record<SourceTable, number | null>,
    newest: Record<SourceTable, KeysetPosition | null>,
    at: number,
  ): void {
    this.rowid = { ...rowid };
    this.updated.runs.reset(newest.runs, at);
    this.updated.steps.reset(newest.steps, at);
    this.seen.clear();
    this.owed = false;
  }

  /** Whether a check now reaches back: at most once every `LOOKBACK_EVERY_MS`. */
  lookbackDue(at: number): boolean {
    return at - this.lastLookbackAt >= LOOKBACK_EVERY_MS;
  }

  /**
   * A check since the last lookback read only on from the newest position: one that reaches
   * back is owed, even if nothing else commits (a late commit may have been the last one).
   */
  get lookbackOwed(): boolean {
    return this.owed;
  }

  /**
   * Where the next change query starts. Every check reads on from the newest position; with
   * `lookback` (about once a second) from the position of `LOOKBACK_MS` ago, which also catches
   * a transaction that committed after a later-stamped one.
   */
  query(at: number, lookback: boolean): ChangeCursor {
    if (lookback) this.lastLookbackAt = at;
    this.owed = !lookback;
    return {
      rowid: { ...this.rowid },
      updated: {
        runs: this.updated.runs.queryFrom(at, lookback),
        steps: this.updated.steps.queryFrom(at, lookback),
      },
    };
  }

  /**
   * The `updated_at` a lookback at `at` would read from (a restart reads runs updated since it),
   * without counting as a lookback.
   */
  reachBack(table: SourceTable, at: number): unknown {
    return this.updated[table].queryFrom(at, true)?.value ?? null;
  }

  /** The rows not seen before with these values. */
  unseen(rows: readonly ChangedRow[]): ChangedRow[] {
    return rows.filter(
      (row) => this.seen.get(`${row.table}\u0000${row.key}`)?.print !== printOf(row),
    );
  }

  /**
   * After the rows read with `query` were processed and committed: move the positions and
   * remember the rows.
   */
  accept(
    result: { runs: ChangedRow[]; steps: ChangedRow[] },
    query: ChangeCursor,
    now: number,
    at: number,
  ): void {
    for (const table of ['runs', 'steps'] as const) {
      const rows = result[table];
      let maxRowid = this.rowid[table];
      for (const row of rows) {
        if (row.rowid !== null && maxRowid !== null && row.rowid > maxRowid) maxRowid = row.rowid;
        const key = `${row.table}\u0000${row.key}`;
        this.seen.delete(key);
        this.seen.set(key, { print: printOf(row), at });
      }
      this.rowid[table] = maxRowid;
      this.updated[table].advance(rows, query.updated[table], now, at);
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
  // NULL sorts first, as in SQLite; it stands for "from the start".
  const xNull = x === null || x === undefined;
  const yNull = y === null || y === undefined;
  if (xNull || yNull) return xNull && yNull ? 0 : xNull ? -1 : 1;
  const xNumber = typeof x === 'number' || typeof x === 'bigint';
  const yNumber = typeof y === 'number' || typeof y === 'bigint';
  if (xNumber && yNumber) return Number(x) - Number(y);
  if (xNumber) return -1;
  if (yNumber) return 1;
  const xs = String(x);
  const ys = String(y);
  return xs < ys ? -1 : xs > ys ? 1 : 0;
}
