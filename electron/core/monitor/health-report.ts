import { formatDuration } from '../../../shared/duration.ts';
import type { EventDraft } from '../../../shared/events.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../log.ts';
import { SourceHealth, type HealthChange } from '../source/source-health.ts';
import type { StateStore } from '../store/state-store.ts';
import type { Clock } from '../time/clock.ts';
import { toIso } from '../time/timestamp.ts';

export interface HealthReportOptions {
  sourceName: string;
  /** The database's path, as the log names it. */
  path: string;
  store: StateStore;
  bus: EventBus;
  log: Logger;
  clock: Clock;
  graceMs: number;
  /** The source went down: deadlines wait until it is read whole again. */
  onDown: () => void;
}

/**
 * Whether the source is readable, as the log and the events tell it (ARCHITECTURE.md §2): each
 * new reason for a failure is logged once, `source_down` follows after `source_grace` and
 * `source_up` when it is readable again, both committed before they are published.
 */
export class HealthReport {
  private readonly options: HealthReportOptions;
  private readonly health: SourceHealth;

  constructor(options: HealthReportOptions) {
    this.options = options;
    const down = options.store.getMeta<{ since: number }>('source_down');
    this.health = new SourceHealth(options.graceMs, down?.since ?? null);
  }

  get isFailing(): boolean {
    return this.health.isFailing;
  }

  get isDown(): boolean {
    return this.health.isDown;
  }

  recordFailure(reason: string): void {
    this.apply(this.health.failure(reason, this.options.clock.now()));
  }

  recordReadable(): void {
    this.apply(this.health.success());
  }

  private apply(changes: HealthChange[]): void {
    const { sourceName: source, path, log, clock } = this.options;
    for (const change of changes) {
      if (change.kind === 'failing') log.warn(change.reason);
      if (change.kind === 'recovered') log.info(`${path} is readable again`);
      if (change.kind === 'down') {
        this.options.onDown();
        this.publish(
          { type: 'source_down', source, at: toIso(clock.now()), reason: change.reason },
          { source_down: { since: change.since, reason: change.reason } },
        );
      }
      if (change.kind === 'up') {
        log.info(
          `${path} is readable again after ${formatDuration(clock.now() - change.downSince)}`,
        );
        this.publish(
          { type: 'source_up', source, at: toIso(clock.now()), reason: change.reason },
          { source_down: undefined },
        );
      }
    }
  }

  private publish(draft: EventDraft, meta: Record<string, unknown>): void {
    const published = this.options.store.commit(
      { runs: [], resetAck: [], stalls: [], events: [draft], completions: [], meta },
      this.options.clock.now(),
    );
    this.options.bus.publish(published);
  }
}
