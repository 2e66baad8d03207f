import type { RunwatchEvent } from '../../../shared/events.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../log.ts';
import { finishedRunOf, type FinishedRun } from '../model/finished-run.ts';
import type { TrackedRun } from '../model/tracked-run.ts';
import type { ObservedRun } from '../source/source-rows.ts';
import type { RunSource } from '../source/run-source.ts';
import type { CycleWrite, StateStore } from '../store/state-store.ts';
import type { Clock } from '../time/clock.ts';
import type { DeadlineQueue } from '../time/deadline-queue.ts';
import type { ChangeReader } from './change-reader.ts';
import type { ClockOffset } from './clock-offset.ts';
import { makeDetectContext } from './detect-context.ts';
import type { History } from './history.ts';
import type { MonitorSettings } from './monitor-settings.ts';
import {
  detect,
  nextDeadline,
  type DetectContext,
  type NewRunOptions,
  type Transition,
} from './run-detector.ts';
import { RunViews } from './run-views.ts';
import { StaleNotice } from './stale-notice.ts';

/** Runs read together in one read transaction. */
export const CHUNK_RUNS = 50;
/** Runs listed per page while scanning the whole table. */
export const SCAN_PAGE = 5_000;

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface RunJudgeOptions {
  source: RunSource;
  sourceName: string;
  store: StateStore;
  bus: EventBus;
  settings: MonitorSettings;
  log: Logger;
  clock: Clock;
  backfill?: boolean;
  history: History;
  offset: ClockOffset;
  /** Where the change checks stand: the watermarks a restart reads from. */
  changes: ChangeReader;
  /** The tracked runs' stall, overdue and settle deadlines. */
  queue: DeadlineQueue;
  logOnce: (key: string, write: () => void) => void;
}

/**
 * What Runwatch knows of each run, kept in step with state.db: reads runs by key, applies the run
 * rules (ARCHITECTURE.md §3), commits the new states and events, then publishes them (§2).
 */
export class RunJudge {
  /** The active runs as the UI lists them, updated as they are read. */
  readonly runViews: RunViews;
  private readonly options: RunJudgeOptions;
  private readonly active = new Map<string, TrackedRun>();
  private readonly staleNotice = new StaleNotice();
  private savedRowid: number | null = null;
  private savedUpdated: unknown = null;
  private savedOffsetAt = -Infinity;

  constructor(options: RunJudgeOptions) {
    this.options = options;
    this.runViews = new RunViews((pipeline) => options.settings.thresholds(pipeline));
    for (const run of options.store.activeRuns()) this.active.set(run.runId, run);
  }

  /** The active runs, by id. */
  get tracked(): ReadonlyMap<string, TrackedRun> {
    return this.active;
  }

  /**
   * Reads runs by key in one read transaction, applies the rules, commits and publishes.
   * Returns whether anything about them changed (a new run, progress, or an event).
   */
  async judge(runIds: readonly string[], live: boolean, initializing = false): Promise<boolean> {
    const { source, sourceName, clock } = this.options;
    const observed = await source.readRuns(runIds);
    const ctx = this.context(live);
    const transitions: Transition[] = [];
    const completions: FinishedRun[] = [];
    let changed = false;
    for (const runId of runIds) {
      const before = this.active.get(runId);
      const run = observed.get(runId) ?? null;
      const t = this.detectOne(runId, run, ctx, initializing);
      if (!t) continue;
      transitions.push(t);
      changed ||= t.events.length > 0 || !before || before.print !== t.run?.print;
      for (const event of t.events) {
        if (event.type === 'run_completed' && run) {
          completions.push(finishedRunOf(run, event, source.path));
        }
      }
    }
    this.commit(transitions, {}, completions);
    const now = clock.now();
    for (const runId of runIds) {
      const tracked = this.active.get(runId);
      const row = observed.get(runId);
      if (tracked && row) this.runViews.observe(tracked, row, sourceName, now);
      else if (!tracked) this.runViews.remove(runId);
    }
    // The one flush of a judge: it also carries the removals its commit made.
    this.runViews.flush();
    if (live) this.flushStale('first seen');
    return changed;
  }

  /** Commit, then publish: memory and deadlines follow only what state.db now holds. */
  commit(
    transitions: readonly Transition[],
    meta: Record<string, unknown>,
    completions: FinishedRun[] = [],
  ): void {
    const { store, bus, clock, log, queue } = this.options;
    const write: CycleWrite = {
      runs: [],
      resetAck: [],
      stalls: [],
      events: [],
      completions,
      meta: { ...meta },
    };
    for (const t of transitions) {
      if (!t.run) continue;
      if (t.persist) write.runs.push(t.run);
      if (t.resetAck) write.resetAck.push(t.run.runId);
      write.stalls.push(...t.stalls);
      write.events.push(...t.events);
      for (const status of t.unknownStatuses) {
        this.options.logOnce(`status:${status}`, () =>
          log.warn(`unknown status '${status}' (run ${t.run?.runId}): counted as not finished`),
        );
      }
    }
    const now = clock.now();
    let published: RunwatchEvent[] = [];
    const writing = write.runs.length > 0 || write.events.length > 0 || write.stalls.length > 0;
    if (writing) this.addPeriodicMeta(write.meta, now);
    if (writing || Object.keys(write.meta).length > 0) {
      published = store.commit(write, now);
    }
    if (write.meta.wm_runs_rowid !== undefined)
      this.savedRowid = write.meta.wm_runs_rowid as number;
    if (write.meta.wm_runs_updated !== undefined) this.savedUpdated = write.meta.wm_runs_updated;
    if (write.meta.clock_offset_samples !== undefined) this.savedOffsetAt = now;
    const ctx = this.context(true);
    for (const t of transitions) {
      if (!t.run) continue;
      if (t.run.stale && !this.active.get(t.run.runId)?.stale) this.staleNotice.add(t.run.runId);
      if (t.run.phase === 'active') this.active.set(t.run.runId, t.run);
      else {
        this.active.delete(t.run.runId);
        this.runViews.remove(t.run.runId);
      }
      const due = nextDeadline(t.run, ctx);
      if (due === null) queue.delete(t.run.runId);
      else queue.set(t.run.runId, due);
    }
    // Run views are flushed by judge, the only caller with transitions, after it observes.
    bus.publish(published);
  }

  /** Logs the runs recorded as stale since the last call, if any. */
  flushStale(when: 'first start' | 'first seen'): void {
    this.staleNotice.flush(this.options.log, this.options.settings.staleAfter, when);
  }

  private context(live: boolean): DetectContext {
    const { settings, sourceName, offset, clock, source } = this.options;
    return makeDetectContext(
      settings,
      sourceName,
      offset.value,
      clock.now(),
      live,
      source.finishesOnSteps,
    );
  }

  /**
   * Applies the rules to one fresh read. A run from history that Runwatch does not know is
   * recorded silently when finished (unless the first start runs with --backfill), and once that
   * first start is complete, one active again is a retry. Runs added later are always reported.
   */
  private detectOne(
    runId: string,
    observed: ObservedRun | null,
    ctx: DetectContext,
    initializing: boolean,
  ): Transition | null {
    const known = this.active.get(runId) ?? this.options.store.getRun(runId);
    if (!known && !observed) return null;
    const inHistory =
      observed !== null && this.options.history.includes(observed.rowid, initializing);
    const options: NewRunOptions = {
      priorAttempts: known?.phase === 'removed' ? known.attempt : 0,
      silentIfFinished: inHistory && !(initializing && this.options.backfill === true),
      historical: inHistory && !initializing,
    };
    return detect(known, observed, ctx, options);
  }

  /**
   * Rides along with a commit that happens anyway: the rowid and `updated_at` watermarks when
   * they moved (a restart reads what was added or updated after them; the latter as it stood a
   * lookback ago, for commits out of order), and the learned clock offset at most once a minute.
   */
  private addPeriodicMeta(meta: Record<string, unknown>, now: number): void {
    const { changes, clock, offset } = this.options;
    const rowid = changes.rowid.runs;
    if (rowid !== null && rowid !== this.savedRowid) meta.wm_runs_rowid ??= rowid;
    const updated = changes.reachBack('runs', clock.monotonic());
    if (updated !== null && updated !== this.savedUpdated) {
      meta.wm_runs_updated ??= updated;
    }
    if (now - this.savedOffsetAt >= 60_000) meta.clock_offset_samples = offset.toJSON();
  }
}
