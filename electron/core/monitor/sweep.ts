import type { ScannedRun } from '../source/sqlite-source.ts';
import { isTerminalRunStatus, normalizeStatus } from './run-summary.ts';

/** A listed run that may be active: not finished, added after rowid `since`, or any with `all`. */
export function mayBeActive(row: ScannedRun, since: number | null, all = false): boolean {
  const active = !isTerminalRunStatus(normalizeStatus(row.status));
  const added = row.rowid !== null && since !== null && row.rowid > since;
  return active || added || all;
}

/**
 * The periodic sweep, one short step per poll so that it never holds up the next change check:
 * first the list of runs, a page a step, then the runs that may be active and those tracked, a
 * chunk a step.
 */
export class Sweep {
  private pages: Iterator<ScannedRun[]> | null;
  private readonly since: number | null;
  private readonly chunk: number;
  private readonly found: Set<string>;
  private runIds: string[] = [];
  private next = 0;

  constructor(
    pages: Iterator<ScannedRun[]>,
    tracked: Iterable<string>,
    since: number | null,
    chunk: number,
  ) {
    this.pages = pages;
    this.since = since;
    this.chunk = chunk;
    this.found = new Set(tracked);
  }

  /** The runs to read now: none while it still lists runs; null once every one was read. */
  step(): string[] | null {
    if (this.pages) {
      const page = this.pages.next();
      if (!page.done) {
        for (const row of page.value) if (mayBeActive(row, this.since)) this.found.add(row.runId);
        return [];
      }
      this.pages = null;
      this.runIds = [...this.found];
    }
    const runIds = this.runIds.slice(this.next, this.next + this.chunk);
    this.next += this.chunk;
    return runIds.length > 0 ? runIds : null;
  }
}
