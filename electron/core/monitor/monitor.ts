import { formatDuration } from '../../../shared/duration.ts';
import type { SchemaArtifacts } from '../archive/artifact-policy.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../log.ts';
import { missingDatabase, SourceError } from '../source/source-error.ts';
import { FolderHint } from '../source/folder-hint.ts';
import type { SchemaChoice } from '../source/profile/source-profile.ts';
import type { OpenInfo, RunSource } from '../source/run-source.ts';
import { sourceFor } from '../source/open-source.ts';
import { isPostgresUrl } from '../source/pg/pg-location.ts';
import type { StateStore } from '../store/state-store.ts';
import { systemClock, type Clock } from '../time/clock.ts';
import { DeadlineQueue } from '../time/deadline-queue.ts';
import { ChangeCheck } from './change-check.ts';
import { ChangeReader } from './change-reader.ts';
import { ClockOffset } from './clock-offset.ts';
import { CompleteRead } from './complete-read.ts';
import { HealthReport } from './health-report.ts';
import { History } from './history.ts';
import type { MonitorSettings } from './monitor-settings.ts';
import { PollLoop } from './poll-loop.ts';
import { PollPacer, SERVER_IDLE_POLL_MAX_MS } from './poll-pacer.ts';
import { CHUNK_RUNS, chunks, RunJudge, SCAN_PAGE } from './run-judge.ts';
import type { RunViews } from './run-views.ts';
import { Sweep, SWEEP_EVERY_MS, SWEEP_SHARE, SweepSchedule } from './sweep.ts';

export interface MonitorOptions {
  /** The SQLite file, or the PostgreSQL URL (its password is used to connect, never shown). */
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
  /**
   * The share of a core those re-reads may take (default 0.1 %): a large database's are further
   * apart. 1 lets them come every `sweepEveryMs`.
   */
  sweepShare?: number;
  /** The profile to read the database with (`--schema`); null or absent recognises it. */
  schema?: SchemaChoice;
}

export interface SourceDiagnostics {
  journalMode: string;
  schema: OpenInfo['schema'];
  missingIndexes: OpenInfo['missingIndexes'];
  optionalColumns: OpenInfo['optionalColumns'];
  active: number;
  finished: number;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Thrown between chunks when the monitor is stopping: every chunk so far is committed. */
class Stopping extends Error {}

/**
 * Watches one orchestration database (ARCHITECTURE.md §2–4): cheap change detection on
 * `PRAGMA data_version`, reads of what changed, the run rules, stall deadlines, and the source's
 * health. Every cycle commits its run states and events to state.db before publishing them.
 */
export class Monitor {
  readonly source: RunSource;
  /** The active runs as the UI lists them, updated as they are read. */
  readonly runViews: RunViews;
  private readonly options: MonitorOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly offset: ClockOffset;
  private readonly health: HealthReport;
  private readonly queue: DeadlineQueue;
  private readonly changes: ChangeReader;
  private readonly judge: RunJudge;
  private readonly completeRead: CompleteRead;
  private readonly changeCheck: ChangeCheck;
  private readonly sweeps: SweepSchedule;
  private readonly dueRuns = new Set<string>();
  private readonly logged = new Set<string>();
  private lastDataVersion: number | null = null;
  private needsBaseline = true;
  private readonly hint: FolderHint | null;
  private readonly pacer: PollPacer;
  private readonly loop: PollLoop;
  private openInfo: OpenInfo | null = null;
  private readyListeners: ((diagnostics: SourceDiagnostics) => void)[] = [];
  private announced = false;
  private lastSchemaArtifacts: SchemaArtifacts = { known: false, roots: [], optional: false };
  private errorStreak = 0;

  constructor(options: MonitorOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.log = options.log;
    const source = sourceFor(
      options.dbPath,
      options.schema ?? null,
      (message) => this.logOnce(`source:${message}`, () => this.log.warn(message)),
      options.settings.sourceGrace,
    );
    this.source = source;
    const breathe = () => this.breathe();
    const changes = new ChangeReader(source, breathe);
    this.changes = changes;
    const { store } = options;
    this.offset = new ClockOffset(store.getMeta<number[]>('clock_offset_samples') ?? []);
    const history = new History(
      store.getMeta<number | null>('history_rowid'),
      store.getMeta<number>('initialized_at') !== undefined,
    );
    this.health = new HealthReport({
      ...options,
      path: source.path,
      clock: this.clock,
      graceMs: options.settings.sourceGrace,
      onDown: () => this.queue.pause(),
    });
    this.queue = new DeadlineQueue({
      clock: this.clock,
      onDue: (keys) => {
        for (const key of keys) this.dueRuns.add(key);
        this.wake();
      },
      onClockJump: (delta) => this.onClockJump(delta),
    });
    this.queue.pause();
    const judge = new RunJudge({
      ...options,
      source,
      clock: this.clock,
      history,
      offset: this.offset,
      changes,
      queue: this.queue,
      logOnce: (key, write) => this.logOnce(key, write),
    });
    this.judge = judge;
    this.runViews = judge.runViews;
    this.completeRead = new CompleteRead({
      ...options,
      source,
      clock: this.clock,
      history,
      changes,
      judge,
      breathe,
    });
    this.sweeps = new SweepSchedule({
      everyMs: options.sweepEveryMs ?? SWEEP_EVERY_MS,
      share: options.sweepShare ?? SWEEP_SHARE,
      now: () => this.clock.monotonic(),
      elapsed: () => performance.now(),
      begin: () =>
        new Sweep(
          source.scanAllRuns(SCAN_PAGE),
          judge.tracked.keys(),
          changes.rowid.runs,
          CHUNK_RUNS,
        ),
    });
    this.changeCheck = new ChangeCheck({
      source,
      clock: this.clock,
      changes,
      judge,
      offset: this.offset,
      sweeps: this.sweeps,
      breathe,
    });
    // Opening the database (which failing polls repeat) touches its WAL, which the hint would
    // report: hints count only while a connection is open.
    // A server has no folder to watch: its cheap check is polled.
    this.hint =
      options.folderHint === false || isPostgresUrl(options.dbPath)
        ? null
        : new FolderHint(options.dbPath, () => {
            if (this.source.isOpen) this.wake();
          });
    this.pacer = new PollPacer(
      options.settings.poll,
      this.hint,
      () => this.clock.monotonic(),
      isPostgresUrl(options.dbPath) ? SERVER_IDLE_POLL_MAX_MS : options.settings.poll,
    );
    this.loop = new PollLoop(
      this.clock,
      () => this.cycle(),
      (woken) => {
        const failing = !this.source.isOpen || this.health.isFailing;
        return this.pacer.next(woken, failing, this.errorStreak);
      },
    );
  }

  /** The schema the database is read with, once it was opened. */
  get schema(): { name: string; description: string; detected: boolean } | null {
    if (!this.openInfo) return null;
    const { name, description, detected } = this.openInfo.schema;
    return { name, description, detected };
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
    await this.source.close();
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

  /**
   * What the source's schema says of artifacts: where runs' folders are, whether optional; as
   * of the last time the source was open, and not known before it first was.
   */
  get schemaArtifacts(): SchemaArtifacts {
    if (this.source.isOpen) this.noteSchemaArtifacts();
    return this.lastSchemaArtifacts;
  }

  private noteSchemaArtifacts(): void {
    const root = this.source.artifactRoot;
    this.lastSchemaArtifacts = {
      known: true,
      roots: root === null ? [] : [root],
      optional: this.source.artifactsOptional,
    };
  }

  /** Checks now rather than at the next poll (a write was seen in the folder, a deadline fell due). */
  wake(): void {
    this.loop.wake();
  }

  /**
   * One poll: a complete read when one is needed, else the change check; then a step of the
   * sweep, and the runs whose deadline passed.
   */
  private async cycle(): Promise<void> {
    this.pacer.begin();
    try {
      this.queue.checkClock();
      if (!(await this.ensureOpen())) return;
      const version = await this.source.dataVersion();
      if (this.health.isFailing) {
        this.health.recordReadable();
        this.needsBaseline = true;
      }
      if (this.needsBaseline) {
        this.pacer.worked();
        const started = performance.now();
        await this.completeRead.read();
        this.sweeps.restart(performance.now() - started);
        this.needsBaseline = false;
        // Deadlines wait for a complete read: at start, after a clock jump, after source_down.
        if (this.queue.isPaused && !this.health.isDown) this.queue.resume();
        await this.announce();
        this.lastDataVersion = version;
      } else if (version !== this.lastDataVersion) {
        this.pacer.changed();
        await this.changeCheck.read(true);
        this.lastDataVersion = version;
        this.sweeps.changed();
      } else if (this.changes.lookbackOwed(this.clock.monotonic())) {
        await this.changeCheck.read(false);
      }
      if (this.sweeps.underWay) this.pacer.worked();
      await this.sweeps.step((runIds) => this.judge.judge(runIds, true));
      if (this.dueRuns.size > 0) await this.readDue();
      this.errorStreak = 0;
    } catch (error) {
      if (error instanceof Stopping) return;
      if (error instanceof SourceError) {
        this.health.recordFailure(error.message);
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

  private async ensureOpen(): Promise<boolean> {
    this.hint?.start();
    if (this.source.isOpen) {
      const status = await this.source.fileStatus();
      if (status === 'same') {
        // Files of events beside the database: their folder may appear after the database.
        const events = this.source.eventFolder;
        if (events !== null) this.hint?.watchAlso(events);
        return true;
      }
      await this.source.close();
      if (status === 'missing') {
        this.health.recordFailure(missingDatabase(this.source.path).message);
        return false;
      }
      if (status === 'rewritten') {
        this.log.warn(
          `${this.source.path} was overwritten in place by another database; reopening it`,
        );
      } else this.log.info(`${this.source.path} was replaced on disk; reopening it`);
    }
    try {
      this.openInfo = await this.source.open();
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      if (error.kind === 'missing' || error.kind === 'no_runs') this.completeRead.noHistory();
      this.health.recordFailure(error.message);
      return false;
    }
    this.needsBaseline = true;
    this.noteSchemaArtifacts();
    if (!isPostgresUrl(this.options.dbPath) && this.openInfo.journalMode.toLowerCase() !== 'wal') {
      this.logOnce('journal', () =>
        this.log.warn(
          `${this.source.path} uses the '${this.openInfo?.journalMode}' journal, not WAL: each read blocks the pipeline's commits for a moment. Switch it once with: sqlite3 ${this.source.path} 'PRAGMA journal_mode=WAL;'`,
        ),
      );
    }
    return true;
  }

  /** Runs whose stall, overdue or settle deadline passed: re-read by key, then judged. */
  private async readDue(): Promise<void> {
    const due = [...this.dueRuns].filter((runId) => this.judge.tracked.has(runId));
    this.dueRuns.clear();
    for (const chunk of chunks(due, CHUNK_RUNS)) {
      try {
        await this.judge.judge(chunk, true);
      } catch (error) {
        for (const runId of chunk) this.dueRuns.add(runId);
        throw error;
      }
      if (due.length > CHUNK_RUNS) await this.breathe();
    }
  }

  private onClockJump(delta: number): void {
    const direction = delta > 0 ? 'forward (or the machine slept)' : 'backward';
    this.log.info(
      `the clock moved ${formatDuration(Math.abs(delta))} ${direction}; re-reading before judging stalls`,
    );
    if (delta < 0) {
      for (const run of this.judge.tracked.values()) {
        run.lastProgressAt = Math.min(run.lastProgressAt + delta, this.clock.now());
      }
    }
    this.needsBaseline = true;
    this.wake();
  }

  private async announce(): Promise<void> {
    if (this.announced || !this.openInfo) return;
    this.announced = true;
    const counts = await this.source.countRuns();
    const diagnostics: SourceDiagnostics = {
      journalMode: this.openInfo.journalMode,
      schema: this.openInfo.schema,
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
