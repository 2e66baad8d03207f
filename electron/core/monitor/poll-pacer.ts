/** Longest wait between idle polls while the folder hint is trusted. */
export const IDLE_POLL_MAX_MS = 2_000;
/**
 * Longest wait between idle polls of a server, which no folder watch can hint: a change after a
 * quiet spell is then seen within a quarter second, and an idle watch asks a few times a second.
 */
export const SERVER_IDLE_POLL_MAX_MS = 250;
/**
 * How long a server's polls stay at `--poll` after a commit: a pipeline's writes come in bursts,
 * and the next is then seen as soon as it lands, not after a spaced-out wait.
 */
export const SERVER_BURST_HOLD_MS = 2_000;
/** Longest wait between attempts to read a database that is missing, locked or broken. */
export const FAILING_POLL_MAX_MS = 1_000;
/**
 * The first re-check after a folder event that showed no commit: the event comes with the
 * writer's first write to the WAL, and the commit lands a moment later without another event
 * (the kernel folds the writes' events into the one not yet read).
 */
export const FOLLOW_UP_MS = 5;

/** What pacing needs of the watch on the database's folder. */
export interface PollHint {
  /** Whether an event arrived since the last call (and clears it). */
  take(): boolean;
  /** Whether idle polls may space out because the events report every write. */
  readonly trusted: boolean;
  /** A commit was found: with an event before it, or without one. */
  changeSeen(hinted: boolean): void;
}

/**
 * When the monitor checks next: `--poll` while anything moves; while idle, and only when the
 * folder watch is trusted to report every write, spaced out up to `IDLE_POLL_MAX_MS` (an event
 * still wakes the monitor at once). An event whose check finds no commit yet is followed by
 * checks a few milliseconds apart until `--poll` has passed, so the commit it announced is seen
 * when it lands, not at the next idle poll. A commit found by a spaced-out poll before its event
 * was read (file events are read after timers) is judged at the next check, by whether the event
 * has come since, so a race never withdraws the trust.
 */
export class PollPacer {
  private readonly poll: number;
  private readonly hint: PollHint | null;
  private readonly now: () => number;
  /** Longest wait between idle polls without a trusted hint. */
  private readonly unhintedMax: number;
  /** When the last commit was found. */
  private changedAt = -Infinity;
  /** The current idle interval: `--poll` while anything moves, longer while idle. */
  private interval: number;
  /** The last cycle found work (a commit, a sweep chunk, a complete read). */
  private busy = true;
  private spacedOut = false;
  /** When the last event was taken, until a commit is found. */
  private hintAt = -Infinity;
  /** The next follow-up delay after an event with no commit; 0 when none is due. */
  private followUp = 0;
  /** A commit found unhinted while spaced out: judged at the next check. */
  private verdictDue = false;

  constructor(
    poll: number,
    hint: PollHint | null,
    now: () => number,
    /** How far idle polls space out without a trusted hint (a server's); `poll` keeps them. */
    unhintedMax = poll,
  ) {
    this.poll = poll;
    this.hint = hint;
    this.now = now;
    this.unhintedMax = unhintedMax;
    this.interval = poll;
  }

  /** A cycle begins: takes the folder's events since the last one. */
  begin(): void {
    this.busy = false;
    this.spacedOut = this.interval > this.poll;
    let hinted = this.hint?.take() ?? false;
    if (this.verdictDue) {
      this.verdictDue = false;
      this.hint?.changeSeen(hinted);
      // The event of the commit already found, not of one to come.
      hinted = false;
    }
    if (hinted) {
      this.hintAt = this.now();
      this.followUp = FOLLOW_UP_MS;
    }
  }

  /** The cycle found a commit (`data_version` moved). */
  changed(): void {
    this.busy = true;
    this.changedAt = this.now();
    this.followUp = 0;
    if (this.now() - this.hintAt <= 2 * this.poll) this.hint?.changeSeen(true);
    else if (this.spacedOut) this.verdictDue = true;
    this.hintAt = -Infinity;
  }

  /** The cycle had other work (a complete read, a sweep chunk): the next check is at `--poll`. */
  worked(): void {
    this.busy = true;
  }

  /**
   * The delay before the next check: at once when woken during a cycle; backing off while
   * `errors` cycles in a row failed on state.db; at least every `FAILING_POLL_MAX_MS` while the
   * database cannot be read (`failing`).
   */
  next(woken: boolean, failing: boolean, errors: number): number {
    const poll = this.poll;
    if (errors > 0) return Math.min(30_000, poll * 2 ** errors);
    if (woken) return 0;
    if (!failing && !this.busy && this.followUp > 0) {
      const delay = this.followUp;
      this.followUp = delay * 2 < poll ? delay * 2 : 0;
      return delay;
    }
    const burst = this.now() - this.changedAt < SERVER_BURST_HOLD_MS;
    const longest = failing
      ? FAILING_POLL_MAX_MS
      : this.hint?.trusted
        ? IDLE_POLL_MAX_MS
        : burst
          ? poll
          : this.unhintedMax;
    this.interval = this.busy ? poll : Math.min(Math.max(poll, longest), this.interval * 2);
    return this.interval;
  }
}
