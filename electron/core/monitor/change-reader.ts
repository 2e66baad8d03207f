import type { SourceTable } from '../source/schema-check.ts';
import type { RunSource } from '../source/run-source.ts';
import type { ChangedRow, ChangeCursor, PerTable } from '../source/sqlite-source.ts';
import {
  ChangeCursorState,
  plausibleNewest,
  TIE_REREAD_MAX,
  type KeysetPosition,
} from './change-cursor.ts';
import { WrittenRows } from './written-rows.ts';

/** Where the change checks start after a complete read, taken before that read began. */
export interface ChangeMark {
  rowid: PerTable<number | null>;
  newest: PerTable<KeysetPosition | null>;
}

/** What one check read: the rows not seen before, and whether a read hit its limit. */
export interface ChangeBatch {
  fresh: ChangedRow[];
  truncated: boolean;
  /** Once the fresh rows are judged and committed: move the cursor past them. */
  accept(): void;
}

type Rows = { runs: ChangedRow[]; steps: ChangedRow[] };

/**
 * The monitor's reads of what changed in the source: new rows by rowid, updated rows from the
 * cursor's keyset position, and a reach back for late commits, each costing a read of the rows
 * that changed rather than of the rows that share their timestamps.
 */
export class ChangeReader {
  private readonly source: RunSource;
  private readonly breathe: () => Promise<void>;
  private readonly cursor = new ChangeCursorState();
  private readonly written = new WrittenRows();

  constructor(source: RunSource, breathe: () => Promise<void>) {
    this.source = source;
    this.breathe = breathe;
  }

  /** Rows above these rowids are new (the sweep and the saved watermark read it). */
  get rowid(): PerTable<number | null> {
    return this.cursor.rowid;
  }

  /** The `updated_at` a lookback would read from now: a restart reads runs updated since. */
  reachBack(table: SourceTable, at: number): unknown {
    return this.cursor.reachBack(table, at);
  }

  /** The last check read only from the newest position, and a lookback is due now. */
  lookbackOwed(at: number): boolean {
    return this.cursor.lookbackOwed && this.cursor.lookbackDue(at);
  }

  /** Deleted rows at the top of a table let SQLite hand out their rowids again. */
  async lowerRowids(): Promise<void> {
    this.cursor.lowerRowid('runs', await this.source.maxRowid('runs'));
    this.cursor.lowerRowid('steps', await this.source.maxRowid('steps'));
  }

  /** Where checks will start once the complete read that follows is done. */
  async mark(now: number): Promise<ChangeMark> {
    const source = this.source;
    await source.markWrites();
    this.written.reset();
    const rowid = { runs: await source.maxRowid('runs'), steps: await source.maxRowid('steps') };
    // A table without rowids finds its new rows by the change column alone: while it holds no
    // row, checks read it from the start (a null value) rather than not at all.
    const fromStart = (table: SourceTable, found: KeysetPosition | null) =>
      found ?? (rowid[table] === null ? { value: null, rowid: null, tie: 0 } : null);
    return {
      rowid,
      newest: {
        runs: fromStart('runs', await this.newest('runs', now)),
        steps: fromStart('steps', await this.newest('steps', now)),
      },
    };
  }

  /** After the complete read: checks start from `mark`, and nothing counts as seen. */
  reset(mark: ChangeMark, at: number): void {
    this.cursor.reset(mark.rowid, mark.newest, at);
  }

  /**
   * Reads what changed. After a commit (`committed`) that changed nothing visible from the newest
   * position, it reaches back at once: rows updated without a newer stamp (within the newest
   * second, behind a large tie) or stamped late are then seen now rather than a second later.
   */
  async read(committed: boolean, at: number, now: number): Promise<ChangeBatch> {
    if (this.source.locatesWrites && committed) this.written.add(await this.source.writtenRowids());
    // Where a read scans a whole table anyway, reaching back costs nothing more: always, at once.
    const lookback = this.cursor.lookbackDue(at) || this.source.scansWhole;
    let query = this.cursor.query(at, lookback);
    let read = await this.readFrom(query);
    let fresh = this.unseen(read.rows);
    let reachedBack = lookback;
    if (committed && !lookback && fresh.length === 0) {
      this.cursor.accept(read.rows, query, now, at);
      query = this.cursor.query(at, true);
      reachedBack = true;
      const again = await this.readFrom(query);
      read = { rows: again.rows, truncated: read.truncated || again.truncated };
      fresh = this.unseen(read.rows);
    }
    const accepted = query;
    return {
      fresh,
      truncated: read.truncated,
      accept: () => {
        this.cursor.accept(read.rows, accepted, now, at);
        if (reachedBack) this.written.clear();
      },
    };
  }

  private unseen(rows: Rows): ChangedRow[] {
    return [...this.cursor.unseen(rows.runs), ...this.cursor.unseen(rows.steps)];
  }

  private async readFrom(query: ChangeCursor): Promise<{ rows: Rows; truncated: boolean }> {
    const source = this.source;
    const added = await source.readNewRows(query.rowid);
    const rows: Rows = {
      runs: added.rows.filter((row) => row.table === 'runs'),
      steps: added.rows.filter((row) => row.table === 'steps'),
    };
    let truncated = added.truncated;
    const written = source.locatesWrites ? this.written.current : null;
    for (const table of ['runs', 'steps'] as const) {
      const from = query.updated[table];
      if (from === null) continue;
      for await (const part of source.readUpdatedRows(table, from, query.rowid[table], written)) {
        rows[table].push(...part.rows);
        truncated ||= part.truncated;
        if (!source.indexed(table) && written === null) await this.breathe();
      }
    }
    return { rows, truncated };
  }

  /**
   * The newest plausible `updated_at` of a table, with the greatest rowid among the rows holding
   * it and how many do.
   */
  private async newest(table: SourceTable, now: number): Promise<KeysetPosition | null> {
    const source = this.source;
    let best: unknown = null;
    for await (const values of source.newestUpdated(table, 100)) {
      best = plausibleNewest(best === null ? values : [best, ...values], now);
      if (source.indexed(table)) break;
      await this.breathe();
    }
    if (best === null) return null;
    let tie = { rows: 0, rowid: null as number | null };
    for await (const count of source.tieAt(table, best, TIE_REREAD_MAX)) {
      tie = count;
      if (!source.indexed(table)) await this.breathe();
    }
    return { value: best, rowid: tie.rowid, tie: tie.rows > TIE_REREAD_MAX ? null : tie.rows };
  }
}
