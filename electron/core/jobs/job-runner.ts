import fs from 'node:fs';
import path from 'node:path';
import { formatDuration } from '../../../shared/duration.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import type { EventDraft } from '../../../shared/events.ts';
import type { ArchiveOutcome } from '../archive/archive-protocol.ts';
import { ArchiveAborted, runArchiveTask, type ArchiveProgress } from '../archive/archive-task.ts';
import type { ArtifactPolicy } from '../archive/artifact-policy.ts';
import { applyRetention, type RetentionPolicy } from '../archive/retention.ts';
import { attemptStem } from '../archive/safe-id.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../log.ts';
import { buildReport, type ReportedArchive } from '../report/run-report.ts';
import { publishFile, writeFileDurably } from '../store/durable-file.ts';
import type { ArchiveJobResult, Job, JobProgress } from '../store/job-table.ts';
import { STATE_DB, type StateStore } from '../store/state-store.ts';
import { systemClock, type Clock, type TimerHandle } from '../time/clock.ts';
import { toIso } from '../time/timestamp.ts';
import type { FinishedRun } from './finished-run.ts';

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
/** Progress of a job that another process waits for is written this often. */
const PROGRESS_WRITE_MS = 250;
/** A timer is never armed further ahead than this (long timeouts fire at once). */
const MAX_TIMER_MS = 60_000;
/** A job whose try threw (state.db full, say) waits like a failed try, doubling up to this. */
const THROWN_BACKOFF_MAX_MS = 600_000;
/** Archives and reports hold the artifacts' contents: for the user alone. */
const PRIVATE_FOLDER = 0o700;
const PRIVATE_FILE = 0o600;

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

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // swept at the next start
  }
}

/**
 * Runs the archive and report jobs that state.db holds (DESIGN.md §2 and §5), at most one per
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

  constructor(options: JobRunnerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.retryDelays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.archiving = options.archiving ?? true;
    this.archiveDir = path.join(options.dataDir, 'archive');
    this.reportsDir = path.join(options.dataDir, 'reports');
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
   * Pending jobs that may start, jobs someone waits for first: the run is not busy, and a
   * report waits for its archive.
   */
  private runnable(pending: readonly Job[]): Job[] {
    const { only } = this.options;
    const archiving = new Set(
      pending.filter((job) => job.kind === 'archive').map((job) => `${job.runId}\n${job.attempt}`),
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
    const promise = (job.kind === 'archive' ? this.archive(job, abort.signal) : this.report(job))
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

  /** The fields every run event of a job carries; it happened when it was detected. */
  private eventBase(run: FinishedRun) {
    const at = toIso(this.clock.now());
    return {
      source: run.source,
      at,
      run_id: run.run_id,
      pipeline: run.pipeline,
      attempt: run.attempt,
      occurred_at: at,
    };
  }

  /** Commits a job's end with its event, then publishes the event. */
  private finish(
    job: Job,
    state: 'done' | 'failed',
    result: unknown,
    events: EventDraft[],
    error: string | null,
  ): void {
    const now = this.clock.now();
    const published = this.options.store.record((insert) => {
      this.options.store.jobs.end(job.id, state, result, error, now);
      insert(events);
    });
    this.options.bus.publish(published);
  }

  /** A failed try: retried later while tries remain and the cause may pass, else the end. */
  private failedTry(job: Job, reason: string, transient: boolean, giveUp: () => void): void {
    // Someone waits at the terminal for a job they asked for: one quick retry, then the answer.
    const delays = job.requestedBy === null ? this.retryDelays : this.retryDelays.slice(0, 1);
    const delay = delays[job.tries];
    if (transient && delay !== undefined) {
      const now = this.clock.now();
      this.options.store.jobs.retryLater(job.id, reason, now + delay, now);
      this.options.log.warn(
        `${job.kind} of ${job.runId}${job.attempt > 1 ? ` (attempt ${job.attempt})` : ''} failed (${reason}); retrying in ${formatDuration(delay)}`,
      );
      return;
    }
    giveUp();
  }

  private completionOf(job: Job): FinishedRun | null {
    const run = this.options.store.jobs.completion(job.runId, job.attempt);
    if (!run) {
      this.options.log.error(
        `${job.kind} of ${job.runId}: the finished run was not recorded in state.db; giving up`,
      );
      this.options.store.jobs.end(
        job.id,
        'failed',
        null,
        'the finished run was not recorded',
        this.clock.now(),
      );
    }
    return run;
  }

  private progressSink(job: Job): (progress: ArchiveProgress) => void {
    let lastWrite = 0;
    return (progress) => {
      this.options.onProgress?.(job, progress);
      if (job.requestedBy === null) return;
      const now = Date.now();
      if (now - lastWrite < PROGRESS_WRITE_MS) return;
      lastWrite = now;
      const { phase, files, bytes, totalFiles, totalBytes } = progress;
      const row: JobProgress = { phase, files, bytes, totalFiles, totalBytes };
      this.options.store.jobs.setProgress(job.id, row);
    };
  }

  private async archive(job: Job, signal: AbortSignal): Promise<void> {
    const run = this.completionOf(job);
    if (!run) return;
    const { log, store } = this.options;
    const final = path.join(this.archiveDir, `${attemptStem(run.run_id, run.attempt)}.zip`);
    const tmp = path.join(this.archiveDir, `.tmp-${job.id}.zip`);
    const onProgress = this.progressSink(job);
    // Off means no zip is made from now on, jobs queued before included: they end at once, and
    // their reports say so. A zip already under its final name is still adopted; `runwatch
    // archive` still makes one on request.
    const off = this.endsOff(job);

    const listingJson = job.hasListing ? store.jobs.listingJson(job.id) : null;
    if (listingJson !== null && fs.existsSync(final)) {
      const adopted = await runArchiveTask(
        { kind: 'adopt', zipPath: final, listingJson },
        onProgress,
        signal,
      );
      if (adopted.ok) {
        log.info(`${final} was written before an interruption and verifies: kept`);
        this.archived(job, run, final, adopted.outcome);
        return;
      }
      log.warn(
        `${final} does not verify (${adopted.failure.reason}); ${off ? 'archiving is off: not archived again' : 'archiving again'}`,
      );
    }
    if (off) {
      const ended: ReportedArchive = { archived: null, off: true, skipped: [] };
      this.finish(job, 'done', ended, [], null);
      log.debug(`${run.run_id}: not archived, archiving is off`);
      return;
    }

    removeQuietly(tmp);
    let result;
    try {
      result = await runArchiveTask(
        {
          kind: 'build',
          artifactsDir: run.artifacts_dir ?? '',
          policy: this.options.artifactPolicy,
          tmpPath: tmp,
        },
        onProgress,
        signal,
      );
    } catch (error) {
      removeQuietly(tmp);
      throw error;
    }
    if (!result.ok) {
      removeQuietly(tmp);
      const { reason, transient } = result.failure;
      this.failedTry(job, reason, transient, () => this.archiveFailed(job, run, reason));
      return;
    }
    const { outcome } = result;
    if (outcome.files === 0) {
      removeQuietly(tmp);
      const ended: ArchiveJobResult = { archived: null, skipped: outcome.skipped };
      this.finish(job, 'done', ended, [], null);
      log.info(`${run.run_id}: nothing to archive in ${run.artifacts_dir}`);
      return;
    }
    // The listing is durable before the zip takes its final name, so a crash right after the
    // rename finds a zip it can check and adopt.
    store.jobs.setListingJson(job.id, outcome.listingJson, this.clock.now());
    try {
      await publishFile(tmp, final);
    } catch (error) {
      removeQuietly(tmp);
      const reason = `renaming the zip failed: ${errorMessage(error)}`;
      this.failedTry(job, reason, true, () => this.archiveFailed(job, run, reason));
      return;
    }
    this.archived(job, run, final, outcome);
    this.retain();
  }

  private archiveFailed(job: Job, run: FinishedRun, reason: string): void {
    const ended: ArchiveJobResult = { archived: false, reason, skipped: [] };
    const event: EventDraft = { ...this.eventBase(run), type: 'archive_failed', reason };
    this.finish(job, 'failed', ended, [event], reason);
    this.options.log.warn(`archive of ${run.run_id} failed: ${reason}`);
  }

  private archived(job: Job, run: FinishedRun, final: string, outcome: ArchiveOutcome): void {
    const ended: ArchiveJobResult = {
      archived: true,
      path: final,
      bytes: outcome.bytes,
      zip_bytes: outcome.zipSize,
      files: outcome.files,
      sha256: outcome.sha256,
      skipped: outcome.skipped,
    };
    this.finish(
      job,
      'done',
      ended,
      [
        {
          ...this.eventBase(run),
          type: 'run_archived',
          path: final,
          bytes: outcome.bytes,
          files: outcome.files,
          sha256: outcome.sha256,
        },
      ],
      null,
    );
  }

  private async report(job: Job): Promise<void> {
    const run = this.completionOf(job);
    if (!run) return;
    const { store } = this.options;
    const archiveJob =
      run.artifacts_dir === null ? null : store.jobs.lastArchive(run.run_id, run.attempt);
    const now = this.clock.now();
    const report = buildReport(
      run,
      store.jobs.stalls(run.run_id, run.attempt),
      (archiveJob?.result as ReportedArchive | null) ?? null,
      now,
    );
    const final = path.join(
      this.reportsDir,
      `${attemptStem(run.run_id, run.attempt)}_summary.json`,
    );
    const tmp = path.join(this.reportsDir, `.tmp-${job.id}.json`);
    try {
      await writeFileDurably(tmp, final, `${JSON.stringify(report, null, 2)}\n`, PRIVATE_FILE);
    } catch (error) {
      removeQuietly(tmp);
      const reason = `writing the report failed: ${errorMessage(error)}`;
      this.failedTry(job, reason, true, () => {
        this.finish(job, 'failed', null, [], reason);
        this.options.log.error(`report of ${run.run_id}: ${reason}; giving up`);
      });
      return;
    }
    this.finish(
      job,
      'done',
      { path: final },
      [{ ...this.eventBase(run), type: 'report_written', path: final }],
      null,
    );
  }
}
