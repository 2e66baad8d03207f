import type { Clock, TimerHandle } from '../time/clock.ts';

/**
 * Runs one cycle at a time, then waits as long as `delay()` says before the next; `wake()`
 * brings the next one forward (at once, or right after the cycle under way).
 */
export class PollLoop {
  private readonly clock: Clock;
  private readonly cycle: () => Promise<void>;
  private readonly delay: (woken: boolean) => number;
  private timer: TimerHandle | null = null;
  private inCycle = false;
  private wakeRequested = false;
  private running: Promise<void> = Promise.resolve();
  private started = false;
  private stopping = false;

  constructor(clock: Clock, cycle: () => Promise<void>, delay: (woken: boolean) => number) {
    this.clock = clock;
    this.cycle = cycle;
    this.delay = delay;
  }

  /** Set once `stop()` was called: long work should end at its next safe point. */
  get stopRequested(): boolean {
    return this.stopping;
  }

  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    this.next();
  }

  /** Stops polling and waits for the cycle under way. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One cycle now, after any under way (for a single read without polling). */
  runOnce(): Promise<void> {
    return this.tick();
  }

  wake(): void {
    if (!this.started || this.stopping) return;
    if (this.inCycle) {
      this.wakeRequested = true;
      return;
    }
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.next();
    }
  }

  private next(): void {
    this.timer = null;
    void this.tick().finally(() => {
      if (this.stopping || this.timer !== null) return;
      const delay = this.delay(this.wakeRequested);
      this.wakeRequested = false;
      this.timer = this.clock.setTimeout(() => this.next(), delay);
    });
  }

  private tick(): Promise<void> {
    const next = this.running.then(async () => {
      this.inCycle = true;
      try {
        await this.cycle();
      } finally {
        this.inCycle = false;
      }
    });
    this.running = next;
    return next;
  }
}
