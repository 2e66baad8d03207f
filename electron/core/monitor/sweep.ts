import type { Pages, ScannedRun } from '../source/run-source.ts';
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
  private pages: Iterator<ScannedRun[]> | AsyncIterator<ScannedRun[]> | null;
  private readonly since: number | null;
  private readonly chunk: number;
  private readonly found: Set<string>;
  private runIds: string[] = [];
  private next = 0;

  constructor(
    pages: Pages<ScannedRun[]>,
    tracked: Iterable<string>,
    since: number | null,
    chunk: number,
  ) {
    this.pages =
      Symbol.asyncIterator in pages ? pages[Symbol.asyncIterator]() : pages[Symbol.iterator]();
    this.since = since;
    this.chunk = chunk;
    this.found = new Set(tracked);
  }

  /** The runs to read now: none while it still lists runs; null once every one was read. */
  async step(): Promise<string[] | null> {
    if (this.pages) {
      const page = await this.pages.next();
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
 * The share of a core the sweeps may take over time: on a large database, where reading every
 * active run takes long, they come less often than every `SWEEP_EVERY_MS`, so an idle watch stays
 * idle. A sweep that took 1.2 s then waits 20 minutes (the most it waits); one that took 5 ms,
 * the minute.
 */
export const SWEEP_SHARE = 0.001;

/** However long a sweep takes, the next comes within this: it is the safety net. */
export const SWEEP_WAIT_MAX_MS = 20 * 60_000;

/**
 * When the periodic sweep runs. It re-reads every active run, to catch rows written with an old
 * or odd timestamp and deletions hidden among other changes: once something changed and both
 * `everyMs` and the time the last sweep took (or the complete read, before the first) divided by
 * `share` have passed since the last sweep or complete read, a step per poll, after that poll's
 * change check, so it never delays a change.
 */
export class SweepSchedule {
  private readonly everyMs: number;
  private readonly share: number;
  private readonly now: () => number;
  private readonly elapsed: () => number;
  private readonly begin: () => Sweep;
  private sweep: Sweep | null = null;
  /** Something changed since the last sweep began. */
  private pending = false;
  private lastAt = -Infinity;
  /** How long the last complete sweep took, or the complete read before the first. */
  private costMs = 0;
  /** How long the sweep under way has taken so far. */
  private spentMs = 0;

  constructor(options: {
    everyMs: number;
    /** The share of a core sweeps may take; 1 lets them come every `everyMs` whatever they cost. */
    share: number;
    /** The monitor's clock, which schedules. */
    now: () => number;
    /** A real clock in milliseconds, which measures what a step took. */
    elapsed: () => number;
    begin: () => Sweep;
  }) {
    this.everyMs = options.everyMs;
    this.share = options.share;
    this.now = options.now;
    this.elapsed = options.elapsed;
    this.begin = options.begin;
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

  /**
   * A complete read, which took `costMs`, just read what a sweep would: the one under way ends,
   * the next waits.
   */
  restart(costMs: number): void {
    this.sweep = null;
    this.lastAt = this.now();
    this.pending = false;
    this.costMs = costMs;
  }

  /** The next step of the sweep under way, or of one due now: `read` judges the runs it gives. */
  async step(read: (runIds: string[]) => Promise<unknown>): Promise<void> {
    if (!this.sweep) {
      const wait = Math.max(this.everyMs, Math.min(this.costMs / this.share, SWEEP_WAIT_MAX_MS));
      if (!this.pending || this.now() - this.lastAt < wait) return;
      this.lastAt = this.now();
      this.pending = false;
      this.sweep = this.begin();
      this.spentMs = 0;
    }
    const started = this.elapsed();
    const runIds = await this.sweep.step();
    if (runIds !== null && runIds.length > 0) await read(runIds);
    this.spentMs += this.elapsed() - started;
    if (runIds === null) {
      this.sweep = null;
      this.costMs = this.spentMs;
    }
  }
}
