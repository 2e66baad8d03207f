import type { Patch, PushMessage, Snapshot } from '../../../shared/api.ts';
import { describeEvent } from '../alerts/alert-text.ts';
import type { Clock } from '../time/clock.ts';
import { toIso } from '../time/timestamp.ts';
import type { ApiServiceOptions } from './api-options.ts';
import { alertsView, sourceView } from './source-views.ts';

/** Event types after which what needs attention, or the alerts summary, may have changed. */
const ATTENTION_EVENTS = new Set([
  'run_started',
  'run_completed',
  'run_stalled',
  'run_overdue',
  'run_recovered',
  'run_removed',
]);
const SOURCE_EVENTS = new Set(['source_down', 'source_up']);

/** `alert` pushes per source and patch, at most: a burst is a count in the patch, not a flood. */
const ALERT_PUSHES = 5;

/** The parts of the snapshot a patch sends again whole when they changed. */
type Part = 'attention' | 'alerts' | 'sources' | 'pause';

type BatcherOptions = Pick<
  ApiServiceOptions,
  'sources' | 'clock' | 'notificationsPausedUntil' | 'patchEveryMs'
>;

/**
 * Every change of the watched sources pushed as a numbered patch (ARCHITECTURE.md §2), gathered
 * for a moment so a burst of changes is one message, and each alert that fired pushed once after.
 */
export class PatchBatcher {
  private readonly options: BatcherOptions;
  private readonly listeners = new Set<(message: PushMessage) => void>();
  private sent = 0;
  private readonly upserts = new Map<string, Snapshot['runs'][number]>();
  private readonly removals = new Map<string, { source: string; run_id: string }>();
  private readonly changedParts = new Set<Part>();
  /** Per source, the last transition whose firing was pushed as an `alert`. */
  private readonly firedSeen = new Map<string, number>();
  private timer: ReturnType<Clock['setTimeout']> | null = null;

  constructor(options: BatcherOptions) {
    this.options = options;
    for (const source of options.sources) {
      const { session } = source;
      this.firedSeen.set(source.name, session.store.alerts.transitions.lastLogId());
      session.monitor.runViews.onChange((changes) => {
        for (const view of changes.upsert) {
          const key = `${source.name}\n${view.run_id}`;
          this.removals.delete(key);
          this.upserts.set(key, view);
        }
        for (const runId of changes.remove) {
          const key = `${source.name}\n${runId}`;
          this.upserts.delete(key);
          this.removals.set(key, { source: source.name, run_id: runId });
        }
        this.schedule();
      });
      session.bus.onAny((event) => {
        if (SOURCE_EVENTS.has(event.type)) this.changedParts.add('sources');
        if (ATTENTION_EVENTS.has(event.type)) this.changedParts.add('attention');
        // Any event can fire or resolve an alert, or change what waits to be delivered.
        this.changedParts.add('alerts');
        this.schedule();
      });
    }
  }

  /** The sequence number of the last patch pushed. */
  get seq(): number {
    return this.sent;
  }

  subscribe(listener: (message: PushMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A part changed that no run view or event tells of: the next patch sends it again. */
  markChanged(part: Part): void {
    this.changedParts.add(part);
    this.schedule();
  }

  pausedUntil(): string | null {
    const until = this.options.notificationsPausedUntil?.() ?? null;
    return until === null ? null : toIso(until);
  }

  /** Pushes what changed since the last patch as the next one. */
  flush(): void {
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    if (this.upserts.size === 0 && this.removals.size === 0 && this.changedParts.size === 0) {
      return;
    }
    const { sources } = this.options;
    const patch: Patch = { seq: ++this.sent, at: toIso(this.options.clock.now()) };
    if (this.upserts.size > 0 || this.removals.size > 0) {
      patch.runs = { upsert: [...this.upserts.values()], remove: [...this.removals.values()] };
    }
    if (this.changedParts.has('attention')) {
      patch.attention = sources.flatMap((source) => source.session.store.attention(source.name));
    }
    if (this.changedParts.has('alerts')) {
      patch.alerts = Object.fromEntries(sources.map((source) => [source.name, alertsView(source)]));
    }
    if (this.changedParts.has('sources')) patch.sources = sources.map(sourceView);
    if (this.changedParts.has('pause')) patch.notifications_paused_until = this.pausedUntil();
    this.upserts.clear();
    this.removals.clear();
    this.changedParts.clear();
    for (const listener of this.listeners) listener({ type: 'patch', patch });
    this.pushFired();
  }

  /** Stops pushing. */
  close(): void {
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  private schedule(): void {
    if (this.timer !== null || this.listeners.size === 0) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.options.patchEveryMs ?? 100);
  }

  /**
   * Each alert that fired since the last patch, once, however many channels it went to — read
   * from the committed transition log. A burst pushes the first few; the patch shows the rest.
   */
  private pushFired(): void {
    for (const source of this.options.sources) {
      const alerts = source.session.store.alerts;
      const seen = this.firedSeen.get(source.name) ?? 0;
      const fired = alerts.transitions.firedSince(seen, ALERT_PUSHES + 1);
      if (fired.length === 0) continue;
      this.firedSeen.set(
        source.name,
        fired.length > ALERT_PUSHES ? alerts.transitions.lastLogId() : (fired.at(-1)?.id ?? seen),
      );
      for (const alert of fired.slice(0, ALERT_PUSHES)) {
        const message: PushMessage = {
          type: 'alert',
          source: source.name,
          severity: alert.severity,
          title: alert.event ? describeEvent(alert.event) : alert.rule,
          run_id: typeof alert.event?.run_id === 'string' ? alert.event.run_id : null,
        };
        for (const listener of this.listeners) listener(message);
      }
    }
  }
}
