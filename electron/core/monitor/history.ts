/**
 * What the database held when Runwatch first started (rowids up to `history_rowid`), and whether
 * that first start's complete read is committed (`initialized_at`): both are state.db meta, so a
 * restart knows them and a crash before the first read is complete repeats it.
 */
export class History {
  /** Where history ends; undefined until that is committed. */
  private end: number | null | undefined;
  private firstReadDone: boolean;

  constructor(end: number | null | undefined, initialized: boolean) {
    this.end = end;
    this.firstReadDone = initialized;
  }

  /** Where history ends is committed. */
  get settled(): boolean {
    return this.end !== undefined;
  }

  /** The highest rowid history holds; null when rowids say nothing (or it is not settled). */
  get rowid(): number | null {
    return this.end ?? null;
  }

  /** The first start's complete read is not committed yet. */
  get initializing(): boolean {
    return !this.firstReadDone;
  }

  settle(end: number | null): void {
    this.end = end;
  }

  initialized(): void {
    this.firstReadDone = true;
  }

  /**
   * Whether a run read now was in the database at the first start: by rowid when both have one,
   * otherwise whether this is the first start's own read.
   */
  includes(rowid: number | null, initializing: boolean): boolean {
    const end = this.rowid;
    return end !== null && rowid !== null ? rowid <= end : initializing;
  }
}
