import { formatDuration } from '../../../shared/duration.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import type { Logger } from '../log.ts';
import type { Clock, TimerHandle } from '../time/clock.ts';
import type { PruneCounts } from './history-prune.ts';
import type { StateStore } from './state-store.ts';

const PRUNE_EVERY_MS = 6 * 3_600_000;

export interface HistoryRetentionOptions {
  store: StateStore;
  clock: Clock;
  log: Logger;
  /** History recorded longer ago than this goes (`keep_history`). */
  keepMs: number;
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

/**
 * Keeps state.db's run history to `keep_history`: at start and every six hours, one pass over
 * it, a chunk per transaction with a yield to the event loop between chunks, so neither the
 * monitor's commits nor a reader wait on it for long.
 */
export class HistoryRetention {
  private readonly options: HistoryRetentionOptions;
  private timer: TimerHandle | null = null;
  private stopped = false;
  private passing: Promise<void> | null = null;

  constructor(options: HistoryRetentionOptions) {
    this.options = options;
  }

  start(): void {
    this.prune();
  }

  /** Ends the pass between two chunks; what went so far stays gone. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.passing;
  }

  /** Resolves when the pass under way (if any) is over. */
  idle(): Promise<void> {
    return this.passing ?? Promise.resolve();
  }

  private prune(): void {
    this.timer = null;
    this.passing = this.pass().finally(() => {
      this.passing = null;
      if (!this.stopped) {
        this.timer = this.options.clock.setTimeout(() => this.prune(), PRUNE_EVERY_MS);
      }
    });
  }

  private async pass(): Promise<void> {
    const { store, clock, log, keepMs } = this.options;
    const cutoff = clock.now() - keepMs;
    const total: PruneCounts = { runs: 0, events: 0, stalls: 0 };
    try {
      let cursor = store.historyPrune.start();
      while (cursor.table !== 'done') {
        if (this.stopped) return;
        const at = cursor;
        const { next, removed } = store.transaction(() => store.historyPrune.chunk(at, cutoff));
        total.runs += removed.runs;
        total.events += removed.events;
        total.stalls += removed.stalls;
        cursor = next;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      log.warn(`history could not be pruned: ${errorMessage(error)}`);
      return;
    }
    if (total.runs + total.events + total.stalls === 0) return;
    log.info(
      `removed history older than ${formatDuration(keepMs)}: ${plural(total.runs, 'finished run')}, ${plural(total.events, 'event')}, ${plural(total.stalls, 'stall')}`,
    );
  }
}
