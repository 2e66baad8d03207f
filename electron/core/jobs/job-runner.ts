import fs from 'node:fs';
import path from 'node:path';
import { formatDuration } from '../../../shared/duration.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import { ArchiveAborted, type ArchiveProgress } from '../archive/archive-task.ts';
import type { ArtifactPolicy } from '../archive/artifact-policy.ts';
import { applyRetention, type RetentionPolicy } from '../archive/retention.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../log.ts';
import type { Job } from '../store/job-table.ts';
import { STATE_DB } from '../store/state-schema.ts';
import type { StateStore } from '../store/state-store.ts';
import { systemClock, type Clock, type TimerHandle } from '../time/clock.ts';
import { JobWork, removeQuietly } from './job-work.ts';

/** Waits before each retry of a job that failed for a reason that may pass. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [5_000, 30_000, 120_000, 600_000];
/** Jobs of different runs that may run at once: one per core of a small machine. */
const DEFAULT_CONCURRENCY = 2;
/**
 * How often state.db is checked for a job queued by another process (`runwatch archive`) when
 * no change to it was seen: a watch on the data dir notices the commit at once, and waking
 * more often would cost an idle watch more CPU than everything else it does.
 */
const QUEUE_CHECK_MS = 5_000;
/** A timer is never armed further ahead than this (long timeouts fire at once). */
const MAX_TIMER_MS = 60_000;
/** A job whose try threw (state.db full, say) waits like a failed try, doubling up to this. */
const THROWN_BACKOFF_MAX_MS = 600_000;
/** Archives and reports hold the artifacts' contents: for the user alone. */
const PRIVATE_FOLDER = 0o700;

export interface JobRunnerOptions {
  store: StateStore;
  bus: EventBus;
  dataDir: string;
  /** Where artifacts folders may be, and how much an archive may hold. */
  artifactPolicy: ArtifactPolicy;
  log: Logger;
  clock?: Clock;
  retryDelaysMs?: readonly number[];
  concurrency?: number;
  /**
   * False: the archive job of a finished run ends at once without a zip, and its report says
   * archiving is off; one someone asked for (`runwatch archive`) still runs. Default true.
   */
  archiving?: boolean;
  retention?: RetentionPolicy;
  /** Progress of archive jobs as they run (the `archive` command's progress bar). */
  onProgress?: (job: Job, progress: ArchiveProgress) => void;
  /** Only these jobs run (the `archive` command leaves the rest to the next `watch`). */
  only?: ReadonlySet<number>;
}

/**
 * Runs the archive and report jobs that state.db holds (ARCHITECTURE.md §2 and §5), at most one per
 * run at a time, each result committed with its event before the event is published. A job
 * interrupted by a crash is still pending at the next start and runs again; a zip it left
 * under its final name is adopted if it verifies.
 */
export class JobRunner {
  readonly archiveDir: string;
  readonly reportsDir: string;
  private readonly options: JobRunnerOptions;
  private readonly clock: Clock;
  private readonly retryDelays: readonly number[];
  private readonly concurrency: number;
  private readonly archiving: boolean;
  private readonly busyRuns = new Set<string>();
  private readonly running = new Map<number, { promise: Promise<void>; abort: AbortController }>();
  private readonly idleWaiters: (() => void)[] = [];
  private timer: TimerHandle | null = null;
  private timerAt = Infinity;
  /** Jobs whose last try threw, held back in memory (their row could not record the failure). */
  private readonly heldUntil = new Map<number, { until: number; backoff: number }>();
  private queueCheck: NodeJS.Timeout | null = null;
  private dirWatch: fs.FSWatcher | null = null;
  private checkScheduled = false;
  private started = false;
  private stopping = false;
  private readonly work: JobWork;

  constructor(options: JobRunnerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.retryDelays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.archiving = options.archiving ?? true;
    this.archiveDir = path.join(options.dataDir, 'archive');
    this.reportsDir = path.join(options.dataDir, 'reports');
    this.work = new JobWork({
      store: options.store,
      bus: options.bus,
      log: options.log,
      clock: this.clock,
      retryDelays: this.retryDelays,
      archiveDir: this.archiveDir,
      reportsDir: this.reportsDir,
      artifactPolicy: options.artifactPolicy,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  }

  /** Sweeps temp files left by a crash, then runs every pending job and watches for new ones. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const dir of [this.archiveDir, this.reportsDir]) {
      fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_FOLDER });
      // Folders made by an earlier version were readable by others, and so were their zips.
      fs.chmodSync(dir, PRIVATE_FOLDER);
    }
    this.sweepTemp();
    if (!this.archiving) {
      this.options.log.info('archiving is off: finished runs get their report, without a zip');
    }
    this.retain();
    this.options.store.changedElsewhere();
    this.queueCheck = setInterval(() => this.checkQueue(), QUEUE_CHECK_MS);
    this.queueCheck.unref();
    this.watchDataDir();
    this.wake();
  }

  /** Looks for runnable jobs now (a run just finished, or another process queued one). */
  wake(): void {
    if (!this.started || this.stopping) return;
    this.disarm();
    this.pump();
  }

  /** Resolves once no job is running or due now (later retries may still be pending). */
  idle(): Promise<void> {
    if (this.running.size === 0 && !this.hasDueJob()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops: running jobs are abandoned safely (their temp files removed) and stay pending. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.disarm();
    if (this.queueCheck !== null) clearInterval(this.queueCheck);
    this.dirWatch?.close();
    for (const job of this.running.values()) job.abort.abort();
    await Promise.all([...this.running.values()].map((job) => job.promise));
  }

  /** A commit to state.db shows as a write to it or its WAL: check for queued jobs then. */
  private watchDataDir(): void {
    try {
      this.dirWatch = fs.watch(this.options.dataDir, { persistent: false }, (_event, name) => {
        if (name === null || String(name).startsWith(STATE_DB)) this.checkQueueSoon();
      });
      this.dirWatch.on('error', () => {
        this.dirWatch?.close();
        this.dirWatch = null;
      });
    } catch {
      this.dirWatch = null; // the periodic check still finds queued jobs
    }
  }

  private checkQueueSoon(): void {
    if (this.checkScheduled) return;
    this.checkScheduled = true;
    setImmediate(() => {
      this.checkScheduled = false;
      this.checkQueue();
    });
  }

  private checkQueue(): void {
    if (this.stopping) return;
    if (this.options.store.changedElsewhere()) this.wake();
  }

  private sweepTemp(): void {
    for (const dir of [this.archiveDir, this.reportsDir]) {
      for (const name of fs.readdirSync(dir)) {
        if (!name.startsWith('.tmp-')) continue;
        removeQuietly(path.join(dir, name));
        this.options.log.info(`removed ${path.join(dir, name)}, left by an interrupted job`);
      }
    }
  }

  private retain(): void {
    const policy = this.options.retention;
    if (policy) applyRetention(this.archiveDir, policy, this.clock.now(), this.options.log);
  }

  private disarm(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  /**
   * When a job may next run: its row's time, or later while a thrown try holds it back. An
   * archive job that archiving being off ends runs now, not at its retry: its report waits.
   */
  private dueAt(job: Job): number {
    const rowAt = this.endsOff(job) ? 0 : job.nextAt;
    return Math.max(rowAt, this.heldUntil.get(job.id)?.until ?? 0);
  }

  /** Archiving is off and no one asked for this archive (`runwatch archive` does ask). */
  private endsOff(job: Job): boolean {
    return !this.archiving && job.kind === 'archive' && job.requestedBy === null;
  }

  private hasDueJob(): boolean {
    const now = this.clock.now();
    return this.runnable(this.options.store.jobs.pending()).some((job) => this.dueAt(job) <= now);
  }

  /**
   * Whether an archive job still holds back its run's report: until its first try ends. A
   * report never waits for a retry (that can be minutes): it is written with the failure and
   * written again once the archive job ends. A job someone waits for at the terminal gets one
   * quick retry, so its report waits for the end.
   */
  private holdsReport(archive: Job): boolean {
    return archive.tries === 0 || this.running.has(archive.id) || archive.requestedBy !== null;
  }

  /**
   * Pending jobs that may start, jobs someone waits for first: the run is not busy, and a
   * report waits for its archive's first try.
   */
  private runnable(pending: readonly Job[]): Job[] {
    const { only } = this.options;
    const archiving = new Set(
      pending
        .filter((job) => job.kind === 'archive' && this.holdsReport(job))
        .map((job) => `${job.runId}\n${job.attempt}`),
    );
    const ready = pending.filter(
      (job) =>
        (only === undefined || only.has(job.id)) &&
        !this.running.has(job.id) &&
        !this.busyRuns.has(job.runId) &&
        !(job.kind === 'report' && archiving.has(`${job.runId}\n${job.attempt}`)),
    );
    return [
      ...ready.filter((job) => job.requestedBy !== null),
      ...ready.filter((job) => job.requestedBy === null),
    ];
  }

  private pump(): void {
    if (this.stopping) return;
    const now = this.clock.now();
    let nextAt = Infinity;
    for (const job of this.runnable(this.options.store.jobs.pending())) {
      if (this.running.size >= this.concurrency) break;
      if (this.busyRuns.has(job.runId)) continue;
      const due = this.dueAt(job);
      if (due > now) {
        nextAt = Math.min(nextAt, due);
        continue;
      }
      this.launch(job);
    }
    if (nextAt < this.timerAt) {
      this.disarm();
      this.timerAt = nextAt;
      this.timer = this.clock.setTimeout(
        () => {
          this.timer = null;
          this.timerAt = Infinity;
          this.pump();
        },
        Math.min(Math.max(0, nextAt - now), MAX_TIMER_MS),
      );
    }
    if (this.running.size === 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private launch(job: Job): void {
    const abort = new AbortController();
    this.busyRuns.add(job.runId);
    const work =
      job.kind === 'archive'
        ? this.work
            .archive(job, abort.signal, this.endsOff(job))
            .then((made) => (made ? this.retain() : undefined))
        : this.work.report(job, (other) => this.dueAt(other));
    const promise = work
      .then(() => {
        this.heldUntil.delete(job.id);
      })
      .catch((error: unknown) => {
        if (error instanceof ArchiveAborted) return;
        const held = this.heldUntil.get(job.id);
        const first = this.retryDelays[0] ?? THROWN_BACKOFF_MAX_MS;
        const backoff = held ? Math.min(held.backoff * 2, THROWN_BACKOFF_MAX_MS) : first;
        this.heldUntil.set(job.id, { until: this.clock.now() + backoff, backoff });
        this.options.log.error(
          `${job.kind} of ${job.runId} failed unexpectedly (${errorMessage(error)}); trying again in ${formatDuration(backoff)}`,
        );
      })
      .finally(() => {
        this.busyRuns.delete(job.runId);
        this.running.delete(job.id);
        this.pump();
      });
    this.running.set(job.id, { promise, abort });
  }
}
