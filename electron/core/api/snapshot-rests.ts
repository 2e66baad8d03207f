import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import { encodeRuns, type RunTable } from '../../../shared/run-table.ts';

/** A reader that never comes back for its rest does not hold it longer than this. */
const KEEP_MS = 60_000;
/** Rests kept at once, at most: each is a list of references to runs already held. */
const MAX_KEPT = 16;

interface Kept {
  runs: readonly ActiveRunStatus[];
  at: string;
  until: number;
}

/**
 * The runs a first-screen snapshot left for later, kept as they were at its `seq` until the
 * reader asks for them, once.
 */
export class SnapshotRests {
  private readonly kept = new Map<string, Kept>();
  private next = 0;

  keep(runs: readonly ActiveRunStatus[], at: string, now: number): string {
    for (const [cursor, kept] of this.kept) {
      if (kept.until <= now || this.kept.size >= MAX_KEPT) this.kept.delete(cursor);
    }
    const cursor = `rest-${++this.next}`;
    this.kept.set(cursor, { runs, at, until: now + KEEP_MS });
    return cursor;
  }

  /** The rest in a compact table, or null when it was taken already or waited too long. */
  take(cursor: string, now: number): RunTable | null {
    const kept = this.kept.get(cursor);
    this.kept.delete(cursor);
    if (!kept || kept.until <= now) return null;
    return encodeRuns(kept.runs, kept.at);
  }
}
