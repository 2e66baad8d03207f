/** Past this many rowids, reading each by rowid costs more than a scan. */
export const WRITTEN_ROWS_MAX = 20_000;

/**
 * The rowids written since the last check that reached back (from the source's write-ahead log),
 * for tables without an index on their change column: every check reads among them, so a row a
 * later-stamped commit passed is still among those the next lookback reads. Null: not known (the
 * log restarted, or too much was written), so the checks scan until a lookback has.
 */
export class WrittenRows {
  private rowids: Set<number> | null = null;

  /** After the source's mark: nothing written yet. */
  reset(): void {
    this.rowids = new Set();
  }

  add(found: readonly number[] | null): void {
    if (found === null || this.rowids === null) {
      this.rowids = null;
      return;
    }
    for (const rowid of found) this.rowids.add(rowid);
    if (this.rowids.size > WRITTEN_ROWS_MAX) this.rowids = null;
  }

  /** The rowids to read among, or null to scan. */
  get current(): readonly number[] | null {
    return this.rowids === null ? null : [...this.rowids];
  }

  /** A check that reached back read all of them (or scanned): the next starts empty. */
  clear(): void {
    this.rowids = new Set();
  }
}
