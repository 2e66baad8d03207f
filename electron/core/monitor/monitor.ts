import path from 'node:path';
import { formatDuration } from '../../../shared/duration.ts';
import type { EventDraft, RunwatchEvent } from '../../../shared/events.ts';
import type { EventBus } from '../events/event-bus.ts';
import { finishedRunOf, type FinishedRun } from '../jobs/finished-run.ts';
import type { Logger } from '../log.ts';
import { missingDatabase, SourceError } from '../source/source-error.ts';
import { FolderHint } from '../source/folder-hint.ts';
import { SourceHealth, type HealthChange } from '../source/source-health.ts';
import type { ObservedRun } from '../source/source-rows.ts';
import { SqliteSource, type OpenInfo } from '../source/sqlite-source.ts';
import type { CycleWrite, StateStore } from '../store/state-store.ts';
import { systemClock, type Clock } from '../time/clock.ts';
import { DeadlineQueue } from '../time/deadline-queue.ts';
import { parseTimestamp, toIso } from '../time/timestamp.ts';
import { compareSqliteValues } from './change-cursor.ts';
import { ChangeReader } from './change-reader.ts';
import { ClockOffset } from './clock-offset.ts';
import { makeDetectContext } from './detect-context.ts';
import type { MonitorSettings } from './monitor-settings.ts';
import { PollLoop } from './poll-loop.ts';
import { PollPacer } from './poll-pacer.ts';
import { mayBeActive, Sweep } from './sweep.ts';
import { RunViews } from './run-views.ts';
import {
  detect,
  nextDeadline,
  type DetectContext,
  type NewRunOptions,
  type Transition,
} from './run-detector.ts';
import { StaleNotice } from './stale-notice.ts';
import type { TrackedRun } from './tracked-run.ts';

/** Runs read together in one read transaction. */
const CHUNK_RUNS = 50;
/** Runs listed per page while scanning the whole table. */
const SCAN_PAGE = 5_000;
/** A sweep of every active run, at most this often while anything changes. */
const SWEEP_EVERY_MS = 60_000;

export interface MonitorOptions {
  dbPath: string;
  sourceName: string;
  store: StateStore;
  bus: EventBus;
  settings: MonitorSettings;
  log: Logger;
  clock?: Clock;
  /** On the first start, report runs that already finished instead of recording them silently. */
  backfill?: boolean;
  /** Watch the database's folder to check early after a write (default true). */
  folderHint?: boolean;
  /** How often, at most, every active run is re-read while anything changes (default 1 min). */
  sweepEveryMs?: number;
}

export interface SourceDiagnostics {
  journalMode: string;
  missingIndexes: OpenInfo['missingIndexes'];
  optionalColumns: OpenInfo['optionalColumns'];
  active: number;
  finished: number;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Thrown between chunks when the monitor is stopping: every chunk so far is committed. */
class Stopping extends Error {}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Watches one orchestration database (ARCHITECTURE.md §2–4): cheap change detection on
 * `PRAGMA data_version`, reads of what changed, the run rules, stall deadlines, and the source's
 * health. Every cycle commits its run states and events to state.db before publishing them.
 */
export class Monitor {
  readonly source: SqliteSource;
  private readonly options: MonitorOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly tracked = new Map<string, TrackedRun>();
  /** The active runs as the UI lists them, updated as they are read. */
  readonly runViews = new RunViews((pipeline) => this.options.settings.thresholds(pipeline));
  private readonly offset: ClockOffset;
  private readonly health: SourceHealth;
  private readonly queue: DeadlineQueue;
  private readonly changes: ChangeReader;
  private readonly dueRuns = new Set<string>();
  private readonly logged = new Set<string>();
  private readonly staleNotice = new StaleNotice();
  private historyRowid: number | null;
  /** Where history ends (`history_rowid`) is committed. */
  private historySettled: boolean;
  /** The first start's complete read is committed (`initialized_at`). */
  private initialized: boolean;
  private lastDataVersion: number | null = null;
  private needsBaseline = true;
  /** Something changed since the last sweep: one is due once a minute has passed. */
  private sweepPending = false;
  private sweep: Sweep | null = null;
  private lastSweepAt = -Infinity;
  private readonly hint: FolderHint | null;
  private readonly pacer: PollPacer;
  private readonly loop: PollLoop;
  private openInfo: OpenInfo | null = null;
  private readyListeners: ((diagnostics: SourceDiagnostics) => void)[] = [];
  private announced = false;
  private errorStreak = 0;
  private savedRowid: number | null = null;
  private savedUpdated: unknown = null;
  private savedOffsetAt = -Infinity;

  constructor(options: MonitorOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.log = options.log;
    this.source = new SqliteSource(options.dbPath);
    this.changes = new ChangeReader(this.source, () => this.breathe());
    const { store } = options;
    for (const run of store.activeRuns()) this.tracked.set(run.runId, run);
    this.offset = new ClockOffset(store.getMeta<number[]>('clock_offset_samples') ?? []);
    const history = store.getMeta<number | null>('history_rowid');
    this.historyRowid = history ?? null;
    this.historySettled = history !== undefined;
    this.initialized = store.getMeta<number>('initialized_at') !== undefined;
    const down = store.getMeta<{ since: number }>('source_down');
    this.health = new SourceHealth(options.settings.sourceGrace, down?.since ?? null);
    this.queue = new DeadlineQueue({
      clock: this.clock,
      onDue: (keys) => {
        for (const key of keys) this.dueRuns.add(key);
        this.wake();
      },
      onClockJump: (delta) => this.clockJumped(delta),
    });
    this.queue.pause();
    // Opening the database (which failing polls repeat) touches its WAL, which the hint would
    // report: hints count only while a connection is open.
    this.hint =
      options.folderHint === false
        ? null
        : new FolderHint(options.dbPath, () => {
            if (this.source.isOpen) this.wake();
          });
    this.pacer = new PollPacer(options.settings.poll, this.hint, () => this.clock.monotonic());
    this.loop = new PollLoop(
      this.clock,
      () => this.cycle(),
      (woken) => {
        const failing = !this.source.isOpen || this.health.isFailing;
        return this.pacer.next(woken, failing, this.errorStreak);
      },
    );
  }

  /** Called once, after the first complete read of the database. */
  onReady(listener: (diagnostics: SourceDiagnostics) => void): void {
    this.readyListeners.push(listener);
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    this.hint?.close();
    this.queue.dispose();
    await this.loop.stop();
    this.source.close();
    this.options.store.setMeta('clock_offset_samples', this.offset.toJSON());
  }

  /** One complete read (for `watch --once`); false when the database could not be read. */
  async runOnce(): Promise<boolean> {
    this.needsBaseline = true;
    await this.loop.runOnce();
    return !this.health.isFailing && !this.needsBaseline;
  }

  /** The database was read at the last attempt (the heartbeat is sent only then). */
  get healthy(): boolean {
    return this.source.isOpen && !this.health.isFailing;
  }

  /** Checks now rather than at the next poll (a write was seen in the folder, a deadline fell due). */
  wake(): void {
    this.loop.wake();
  }

  private async cycle(): Promise<void> {
    this.pacer.begin();
    try {
      this.queue.checkClock();
      if (!this.ensureOpen()) return;
      const version = this.source.dataVersion();
      if (this.health.isFailing) {
        this.readable();
        this.needsBaseline = true;
      }
      if (this.needsBaseline) {
        this.pacer.worked();
        await this.baseline();
        this.lastDataVersion = version;
      } else if (version !== this.lastDataVersion) {
        this.pacer.changed();
        await this.readChanges(true);
        this.lastDataVersion = version;
        this.sweepPending = true;
      } else if (this.changes.lookbackOwed(this.clock.monotonic())) {
        await this.readChanges(false);
      }
      if (this.sweep) {
        this.pacer.worked();
        this.sweepStep();
      } else if (
        this.sweepPending &&
        this.clock.monotonic() - this.lastSweepAt >= (this.options.sweepEveryMs ?? SWEEP_EVERY_MS)
      ) {
        this.startSweep();
      }
      if (this.dueRuns.size > 0) await this.readDue();
      this.errorStreak = 0;
    } catch (error) {
      if (error instanceof Stopping) return;
      if (error instanceof SourceError) {
        this.failed(error.message);
      } else {
        this.errorStreak++;
        this.needsBaseline = true;
        this.logOnce(`cycle:${String(error)}`, () =>
          this.log.error(
            `monitor cycle failed, will retry: ${error instanceof Error ? error.stack : String(error)}`,
          ),
        );
      }
    }
  }

  private ensureOpen(): boolean {
    this.hint?.start();
    if (this.source.isOpen) {
      const status = this.source.fileStatus();
      if (status === 'same') return true;
      this.source.close();
      if (status === 'missing') {
        this.failed(missingDatabase(this.source.path).message);
        return false;
      }
      if (status === 'rewritten') {
        this.log.warn(
          `${this.source.path} was overwritten in place by another database; reopening it`,
        );
      } else this.log.info(`${this.source.path} was replaced on disk; reopening it`);
    }
    try {
      this.openInfo = this.source.open();
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      if (error.kind === 'missing' || error.kind === 'no_runs') this.noHistory();
      this.failed(error.message);
      return false;
    }
    this.needsBaseline = true;
    if (this.openInfo.journalMode.toLowerCase() !== 'wal') {
      this.logOnce('journal', () =>
        this.log.warn(
          `${this.source.path} uses the '${this.openInfo?.journalMode}' journal, not WAL: each read blocks the pipeline's commits for a moment. Switch it once with: sqlite3 ${this.source.path} 'PRAGMA journal_mode=WAL;'`,
        ),
      );
    }
    return true;
  }

  private context(live: boolean): DetectContext {
    const { settings, sourceName } = this.options;
    return makeDetectContext(settings, sourceName, this.offset.value, this.clock.now(), live);
  }

  /**
   * Applies the rules to one fresh read. History is what the database held when Runwatch first
   * started (rowids up to `history_rowid`): a run from it that Runwatch does not know is recorded
   * silently when finished (unless the first start runs with --backfill), and once that first
   * start is complete, one active again is a retry. Runs added later are always reported.
   */
  private detectOne(
    runId: string,
    observed: ObservedRun | null,
    ctx: DetectContext,
    initializing = false,
  ): Transition | null {
    const known = this.tracked.get(runId) ?? this.options.store.getRun(runId);
    if (!known && !observed) return null;
    const inHistory =
      observed !== null &&
      (this.historyRowid !== null && observed.rowid !== null
        ? observed.rowid <= this.historyRowid
        : initializing);
    const options: NewRunOptions = {
      priorAttempts: known?.phase === 'removed' ? known.attempt : 0,
      silentIfFinished: inHistory && !(initializing && this.options.backfill === true),
      historical: inHistory && !initializing,
    };
    return detect(known, observed, ctx, options);
  }

  /**
   * The first start found no database, or one without runs: it has no history, so every run it
   * will hold is reported, even one that finishes before Runwatch first reads it.
   */
  private noHistory(): void {
    if (this.historySettled) return;
    this.historyRowid = 0;
    this.historySettled = true;
    this.initialized = true;
    this.commit([], {
      history_rowid: 0,
      initialized_at: this.clock.now(),
      source_path: path.resolve(this.source.path),
    });
  }

  /**
   * The runs that may be active: those tracked, those whose status is not final, those added
   * after rowid `since` (or all of them, for a first start with --backfill), and runs recorded as
   * finished but updated at or after `changedSince` (they may have run again meanwhile). A page
   * at a time.
   */
  private async candidates(
    since: number | null,
    all: boolean,
    changedSince: unknown = null,
  ): Promise<string[]> {
    const found = new Set(this.tracked.keys());
    for (const page of this.source.scanAllRuns(SCAN_PAGE)) {
      const changed: string[] = [];
      for (const row of page) {
        if (mayBeActive(row, since, all)) found.add(row.runId);
        else if (changedSince !== null && compareSqliteValues(row.updatedAt, changedSince) >= 0) {
          changed.push(row.runId);
        }
      }
      // Only a finish Runwatch recorded can be compared: history it never read stays unread.
      for (const runId of this.options.store.finishedAmong(changed)) found.add(runId);
      await this.breathe();
    }
    return [...found];
  }

  /**
   * A complete read before anything is judged by time: at start, after a reopen, after the
   * source came back, after a clock jump. Progress it finds counts from the database's own
   * times; after a restart it also reads every run added while Runwatch was stopped.
   */
  private async baseline(): Promise<void> {
    const { store, backfill } = this.options;
    const source = this.source;
    // The first start is complete only once its whole read is: a crash before that repeats it.
    const initializing = !this.initialized;
    if (!this.historySettled) {
      // Where history ends is settled before any event of the first start is published.
      this.historyRowid = source.maxRowid('runs');
      this.commit([], { history_rowid: this.historyRowid });
      this.historySettled = true;
    }
    const now = this.clock.now();
    const at = this.clock.monotonic();
    const mark = await this.changes.mark(now);
    this.sweep = null;
    const since = store.getMeta<number>('wm_runs_rowid') ?? this.historyRowid;
    const changedSince = store.getMeta<unknown>('wm_runs_updated') ?? null;
    const candidates = await this.candidates(
      since,
      initializing && backfill === true,
      changedSince,
    );
    store.checkpointInline(true);
    try {
      for (const chunk of chunks(candidates, CHUNK_RUNS)) {
        this.judge(chunk, false, initializing);
        await this.breathe();
      }
    } finally {
      store.checkpointInline(false);
    }
    this.changes.reset(mark, at);
    const meta: Record<string, unknown> = {};
    if (mark.rowid.runs !== null) meta.wm_runs_rowid = mark.rowid.runs;
    if (mark.newest.runs !== null) meta.wm_runs_updated = mark.newest.runs.value;
    if (initializing) {
      meta.initialized_at = now;
      meta.source_path = path.resolve(source.path);
    }
    this.commit([], meta);
    this.staleNotice.flush(
      this.log,
      this.options.settings.staleAfter,
      initializing ? 'first start' : 'first seen',
    );
    this.initialized = true;
    this.lastSweepAt = this.clock.monotonic();
    this.sweepPending = false;
    this.needsBaseline = false;
    if (this.queue.isPaused && !this.health.isDown) this.queue.resume();
    this.announce();
  }

  /**
   * The periodic sweep re-reads every active run, to catch rows written with an old or odd
   * timestamp and deletions hidden among other changes. It lists the runs a page per poll, then
   * reads them a chunk per poll, after that poll's change check, so it never delays a change.
   */
  private startSweep(): void {
    this.lastSweepAt = this.clock.monotonic();
    this.sweepPending = false;
    const pages = this.source.scanAllRuns(SCAN_PAGE);
    this.sweep = new Sweep(pages, this.tracked.keys(), this.changes.rowid.runs, CHUNK_RUNS);
    this.sweepStep();
  }

  private sweepStep(): void {
    const runIds = this.sweep?.step() ?? null;
    if (runIds === null) this.sweep = null;
    else if (runIds.length > 0) this.judge(runIds, true);
  }

  /**
   * What changed since the last look: new rows by rowid, updated rows by `updated_at`. After a
   * commit (`committed`) that changed nothing it can see, it looks for deleted runs.
   */
  private async readChanges(committed: boolean): Promise<void> {
    const now = this.clock.now();
    const batch = await this.changes.read(committed, this.clock.monotonic(), now);
    if (batch.truncated) this.lastSweepAt = -Infinity;
    const fresh = batch.fresh;
    if (fresh.length > 0) {
      let newest: number | null = null;
      for (const row of fresh) {
        const ms = parseTimestamp(row.updatedAt);
        if (ms !== null && (newest === null || ms > newest)) newest = ms;
      }
      const dirty = [...new Set(fresh.map((row) => row.runId))];
      let explained = false;
      for (const chunk of chunks(dirty, CHUNK_RUNS)) {
        explained = this.judge(chunk, true) || explained;
        if (dirty.length > CHUNK_RUNS) await this.breathe();
      }
      if (!explained && committed) await this.findRemoved();
      else if (newest !== null) this.offset.add(now - newest);
    } else if (committed) {
      await this.findRemoved();
    }
    batch.accept();
  }

  /**
   * A commit that changed no row Runwatch can see by rowid or `updated_at` is most often a
   * deletion: check that the active runs still exist, by key, rather than wait for the sweep.
   */
  private async findRemoved(): Promise<void> {
    // Deleted rows at the top of a table let SQLite hand out their rowids again.
    this.changes.lowerRowids();
    const ids = [...this.tracked.keys()];
    for (let i = 0; i < ids.length; i += SCAN_PAGE) {
      const page = ids.slice(i, i + SCAN_PAGE);
      const existing = this.source.existingRuns(page);
      const missing = page.filter((runId) => !existing.has(runId));
      if (missing.length > 0) this.judge(missing, true);
      if (ids.length > SCAN_PAGE) await this.breathe();
    }
  }

  /** Runs whose stall, overdue or settle deadline passed: re-read by key, then judged. */
  private async readDue(): Promise<void> {
    const due = [...this.dueRuns].filter((runId) => this.tracked.has(runId));
    this.dueRuns.clear();
    for (const chunk of chunks(due, CHUNK_RUNS)) {
      try {
        this.judge(chunk, true);
      } catch (error) {
        for (const runId of chunk) this.dueRuns.add(runId);
        throw error;
      }
      if (due.length > CHUNK_RUNS) await this.breathe();
    }
  }

  /**
   * Reads runs by key in one read transaction, applies the rules, commits and publishes.
   * Returns whether anything about them changed (a new run, progress, or an event).
   */
  private judge(runIds: readonly string[], live: boolean, initializing = false): boolean {
    const observed = this.source.readRuns(runIds);
    const ctx = this.context(live);
    const transitions: Transition[] = [];
    const completions: FinishedRun[] = [];
    let changed = false;
    for (const runId of runIds) {
      const before = this.tracked.get(runId);
      const run = observed.get(runId) ?? null;
      const t = this.detectOne(runId, run, ctx, initializing);
      if (!t) continue;
      transitions.push(t);
      changed ||= t.events.length > 0 || !before || before.print !== t.run?.print;
      for (const event of t.events) {
        if (event.type === 'run_completed' && run) {
          completions.push(finishedRunOf(run, event, this.source.path));
        }
      }
    }
    this.commit(transitions, {}, completions);
    const now = this.clock.now();
    for (const runId of runIds) {
      const tracked = this.tracked.get(runId);
      const row = observed.get(runId);
      if (tracked && row) this.runViews.observe(tracked, row, this.options.sourceName, now);
      else if (!tracked) this.runViews.remove(runId);
    }
    // The one flush of a judge: it also carries the removals its commit made.
    this.runViews.flush();
    if (live) this.staleNotice.flush(this.log, this.options.settings.staleAfter, 'first seen');
    return changed;
  }

  /** Commit, then publish: memory and deadlines follow only what state.db now holds. */
  private commit(
    transitions: readonly Transition[],
    meta: Record<string, unknown>,
    completions: FinishedRun[] = [],
  ): void {
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
        this.logOnce(`status:${status}`, () =>
          this.log.warn(
            `unknown status '${status}' (run ${t.run?.runId}): counted as not finished`,
          ),
        );
      }
    }
    const now = this.clock.now();
    let published: RunwatchEvent[] = [];
    const writing = write.runs.length > 0 || write.events.length > 0 || write.stalls.length > 0;
    if (writing) this.addPeriodicMeta(write.meta, now);
    if (writing || Object.keys(write.meta).length > 0) {
      published = this.options.store.commit(write, now);
    }
    if (write.meta.wm_runs_rowid !== undefined)
      this.savedRowid = write.meta.wm_runs_rowid as number;
    if (write.meta.wm_runs_updated !== undefined) this.savedUpdated = write.meta.wm_runs_updated;
    if (write.meta.clock_offset_samples !== undefined) this.savedOffsetAt = now;
    const ctx = this.context(true);
    for (const t of transitions) {
      if (!t.run) continue;
      if (t.run.stale && !this.tracked.get(t.run.runId)?.stale) this.staleNotice.add(t.run.runId);
      if (t.run.phase === 'active') this.tracked.set(t.run.runId, t.run);
      else {
        this.tracked.delete(t.run.runId);
        this.runViews.remove(t.run.runId);
      }
      const due = nextDeadline(t.run, ctx);
      if (due === null) this.queue.delete(t.run.runId);
      else this.queue.set(t.run.runId, due);
    }
    // Run views are flushed by judge, the only caller with transitions, after it observes.
    this.options.bus.publish(published);
  }

  /**
   * Rides along with a commit that happens anyway: the rowid and `updated_at` watermarks when
   * they moved (a restart reads what was added or updated after them; the latter as it stood a
   * lookback ago, for commits out of order), and the learned clock offset at most once a minute.
   */
  private addPeriodicMeta(meta: Record<string, unknown>, now: number): void {
    const rowid = this.changes.rowid.runs;
    if (rowid !== null && rowid !== this.savedRowid) meta.wm_runs_rowid ??= rowid;
    const updated = this.changes.reachBack('runs', this.clock.monotonic());
    if (updated !== null && updated !== this.savedUpdated) {
      meta.wm_runs_updated ??= updated;
    }
    if (now - this.savedOffsetAt >= 60_000) meta.clock_offset_samples = this.offset.toJSON();
  }

  private publishSourceEvent(draft: EventDraft, meta: Record<string, unknown>): void {
    const published = this.options.store.commit(
      { runs: [], resetAck: [], stalls: [], events: [draft], completions: [], meta },
      this.clock.now(),
    );
    this.options.bus.publish(published);
  }

  private failed(reason: string): void {
    this.applyHealth(this.health.failure(reason, this.clock.now()));
  }

  private readable(): void {
    this.applyHealth(this.health.success());
  }

  private applyHealth(changes: HealthChange[]): void {
    const source = this.options.sourceName;
    for (const change of changes) {
      if (change.kind === 'failing') this.log.warn(change.reason);
      if (change.kind === 'recovered') this.log.info(`${this.source.path} is readable again`);
      if (change.kind === 'down') {
        this.queue.pause();
        this.publishSourceEvent(
          { type: 'source_down', source, at: toIso(this.clock.now()), reason: change.reason },
          { source_down: { since: change.since, reason: change.reason } },
        );
      }
      if (change.kind === 'up') {
        this.log.info(
          `${this.source.path} is readable again after ${formatDuration(this.clock.now() - change.downSince)}`,
        );
        this.publishSourceEvent(
          { type: 'source_up', source, at: toIso(this.clock.now()), reason: change.reason },
          { source_down: undefined },
        );
      }
    }
  }

  private clockJumped(delta: number): void {
    const direction = delta > 0 ? 'forward (or the machine slept)' : 'backward';
    this.log.info(
      `the clock moved ${formatDuration(Math.abs(delta))} ${direction}; re-reading before judging stalls`,
    );
    if (delta < 0) {
      for (const run of this.tracked.values()) {
        run.lastProgressAt = Math.min(run.lastProgressAt + delta, this.clock.now());
      }
    }
    this.needsBaseline = true;
    this.wake();
  }

  private announce(): void {
    if (this.announced || !this.openInfo) return;
    this.announced = true;
    const counts = this.source.countRuns();
    const diagnostics: SourceDiagnostics = {
      journalMode: this.openInfo.journalMode,
      missingIndexes: this.openInfo.missingIndexes,
      optionalColumns: this.openInfo.optionalColumns,
      active: counts.active,
      finished: counts.finished,
    };
    for (const listener of this.readyListeners) listener(diagnostics);
  }

  /** Lets the event loop breathe between chunks; ends the cycle early when stopping. */
  private async breathe(): Promise<void> {
    await yieldToLoop();
    if (this.loop.stopRequested) throw new Stopping();
  }

  private logOnce(key: string, write: () => void): void {
    if (this.logged.has(key)) return;
    this.logged.add(key);
    write();
  }
}
