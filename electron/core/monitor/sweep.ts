import type { ScannedRun } from '../source/sqlite-source.ts';
import { isTerminalRunStatus, normalizeStatus } from '../model/run-summary.ts';

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

/** A sweep of every active run, at most this often while anything changes. */
export const SWEEP_EVERY_MS = 60_000;

/**
 * When the periodic sweep runs. It re-reads every active run, to catch rows written with an old
 * or odd timestamp and deletions hidden among other changes: once something changed and
 * `everyMs` has passed since the last sweep or complete read, a step per poll, after that poll's
 * change check, so it never delays a change.
 */
export class SweepSchedule {
  private readonly everyMs: number;
  private readonly now: () => number;
  private readonly begin: () => Sweep;
  private sweep: Sweep | null = null;
  /** Something changed since the last sweep began. */
  private pending = false;
  private lastAt = -Infinity;

  constructor(everyMs: number, now: () => number, begin: () => Sweep) {
    this.everyMs = everyMs;
    this.now = now;
    this.begin = begin;
  }

  get underWay(): boolean {
    return this.sweep !== null;
  }

  /** A commit was read: a sweep is due once `everyMs` has passed. */
  changed(): void {
    this.pending = true;
  }

  /** A change read hit its limit: the sweep that finds what it left need not wait `everyMs`. */
  hurry(): void {
    this.lastAt = -Infinity;
  }

  /** A complete read just read what a sweep would: the one under way ends, the next waits. */
  restart(): void {
    this.sweep = null;
    this.lastAt = this.now();
    this.pending = false;
  }

  /** The runs to read this poll: the next step of the sweep under way, or of one due now. */
  step(): string[] {
    if (!this.sweep) {
      if (!this.pending || this.now() - this.lastAt < this.everyMs) return [];
      this.lastAt = this.now();
      this.pending = false;
      this.sweep = this.begin();
    }
    const runIds = this.sweep.step();
    if (runIds === null) this.sweep = null;
    return runIds ?? [];
  }
}
