import fs from 'node:fs';
import path from 'node:path';
import { formatDuration } from '../../../shared/duration.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import type { EventDraft } from '../../../shared/events.ts';
import type { ArchiveOutcome } from '../archive/archive-protocol.ts';
import { runArchiveTask, type ArchiveProgress } from '../archive/archive-task.ts';
import type { ArtifactPolicy } from '../archive/artifact-policy.ts';
import { attemptStem } from '../archive/safe-id.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../log.ts';
import { buildReport, type ReportedArchive } from '../report/run-report.ts';
import { publishFile, writeFileDurably } from '../store/durable-file.ts';
import type { ArchiveJobResult, Job, JobProgress } from '../store/job-table.ts';
import type { StateStore } from '../store/state-store.ts';
import type { Clock } from '../time/clock.ts';
import { toIso } from '../time/timestamp.ts';
import type { FinishedRun } from '../model/finished-run.ts';

/** Progress of a job that another process waits for is written this often. */
const PROGRESS_WRITE_MS = 250;
/** Archives and reports hold the artifacts' contents: for the user alone. */
const PRIVATE_FILE = 0o600;

/** When a pending job may next run. */
export type DueAt = (job: Job) => number;

export interface JobWorkOptions {
  store: StateStore;
  bus: EventBus;
  log: Logger;
  clock: Clock;
  retryDelays: readonly number[];
  archiveDir: string;
  reportsDir: string;
  artifactPolicy: ArtifactPolicy;
  onProgress?: (job: Job, progress: ArchiveProgress) => void;
}

export function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // swept at the next start
  }
}

/**
 * What an archive or report job does, and how its end is committed: with its event, in one
 * state.db transaction, before the event is published. A failed try is retried later while
 * tries remain and the cause may pass.
 */
export class JobWork {
  private readonly options: JobWorkOptions;
  private readonly clock: Clock;
  private readonly archiveDir: string;
  private readonly reportsDir: string;

  constructor(options: JobWorkOptions) {
    this.options = options;
    this.clock = options.clock;
    this.archiveDir = options.archiveDir;
    this.reportsDir = options.reportsDir;
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
      if (job.kind === 'archive') this.reportAgainIfWritten(job, now);
      insert(events);
    });
    this.options.bus.publish(published);
  }

  /**
   * An archive job that ended after its run's report was written (the report did not wait for
   * a retry): the report is written again, in the transaction that ends the archive job, so a
   * crash cannot leave the report saying the archive is still to come.
   */
  private reportAgainIfWritten(archive: Job, now: number): void {
    const { jobs } = this.options.store;
    const waiting = jobs
      .pending()
      .some(
        (job) =>
          job.kind === 'report' && job.runId === archive.runId && job.attempt === archive.attempt,
      );
    if (!waiting) jobs.enqueueReport(archive.runId, archive.attempt, now);
  }

  /** How the run's archive stands for its report: ended, or failed once and to be tried again. */
  private archiveForReport(run: FinishedRun, dueAt: DueAt): ReportedArchive | null {
    if (run.artifacts_dir === null) return null;
    const { jobs } = this.options.store;
    const retrying = jobs
      .pending()
      .find(
        (job) =>
          job.kind === 'archive' &&
          job.runId === run.run_id &&
          job.attempt === run.attempt &&
          job.tries > 0,
      );
    if (retrying) {
      const reason = retrying.lastError ?? 'not archived yet';
      return { archived: false, reason, skipped: [], retryAt: dueAt(retrying) };
    }
    return (jobs.lastArchive(run.run_id, run.attempt)?.result as ReportedArchive | null) ?? null;
  }

  /** A failed try: retried later while tries remain and the cause may pass, else the end. */
  private recordFailedTry(
    job: Job,
    reason: string,
    transient: boolean,
    giveUp: () => void,
    expected = false,
  ): void {
    // Someone waits at the terminal for a job they asked for: one quick retry, then the answer.
    const { retryDelays } = this.options;
    const delays = job.requestedBy === null ? retryDelays : retryDelays.slice(0, 1);
    const delay = delays[job.tries];
    if (transient && delay !== undefined) {
      const now = this.clock.now();
      this.options.store.jobs.retryLater(job.id, reason, now + delay, now);
      // A folder the schema says may never come is not worth a warning while it is awaited.
      const said = `${job.kind} of ${job.runId}${job.attempt > 1 ? ` (attempt ${job.attempt})` : ''} failed (${reason}); retrying in ${formatDuration(delay)}`;
      if (expected) this.options.log.info(said);
      else this.options.log.warn(said);
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

  /**
   * Runs an archive job: adopts a zip left under its final name, or builds one; `off` ends it
   * without a zip (archiving is off). True when a new zip took its final name.
   */
  async archive(job: Job, signal: AbortSignal, off: boolean): Promise<boolean> {
    const run = this.completionOf(job);
    if (!run) return false;
    const { log, store } = this.options;
    const final = path.join(this.archiveDir, `${attemptStem(run.run_id, run.attempt)}.zip`);
    const tmp = path.join(this.archiveDir, `.tmp-${job.id}.zip`);
    const onProgress = this.progressSink(job);
    // Off means no zip is made from now on, jobs queued before included: they end at once, and
    // their reports say so. A zip already under its final name is still adopted; `runwatch
    // archive` still makes one on request.
    const listingJson = job.hasListing ? store.jobs.listingJson(job.id) : null;
    if (listingJson !== null && fs.existsSync(final)) {
      const adopted = await runArchiveTask(
        { kind: 'adopt', zipPath: final, listingJson },
        onProgress,
        signal,
      );
      if (adopted.ok) {
        log.info(`${final} was written before an interruption and verifies: kept`);
        this.recordArchived(job, run, final, adopted.outcome);
        return true;
      }
      log.warn(
        `${final} does not verify (${adopted.failure.reason}); ${off ? 'archiving is off: not archived again' : 'archiving again'}`,
      );
    }
    if (off) {
      const ended: ReportedArchive = { archived: null, off: true, skipped: [] };
      this.finish(job, 'done', ended, [], null);
      log.debug(`${run.run_id}: not archived, archiving is off`);
      return false;
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
      const { reason, transient, missing } = result.failure;
      const mayHaveNone = missing === true && this.options.artifactPolicy.folderOptional;
      this.recordFailedTry(
        job,
        reason,
        transient,
        () => {
          if (mayHaveNone) {
            // The schema says a run may have none: still none after every try is not a failure.
            this.finish(job, 'done', { archived: null, skipped: [] }, [], null);
            log.info(
              `${run.run_id}: no artifacts folder (${run.artifacts_dir}): nothing to archive`,
            );
          } else {
            this.recordArchiveFailure(job, run, reason);
          }
        },
        mayHaveNone,
      );
      return false;
    }
    const { outcome } = result;
    if (outcome.files === 0) {
      removeQuietly(tmp);
      const ended: ArchiveJobResult = { archived: null, skipped: outcome.skipped };
      this.finish(job, 'done', ended, [], null);
      log.info(`${run.run_id}: nothing to archive in ${run.artifacts_dir}`);
      return false;
    }
    // The listing is durable before the zip takes its final name, so a crash right after the
    // rename finds a zip it can check and adopt.
    store.jobs.setListingJson(job.id, outcome.listingJson, this.clock.now());
    try {
      await publishFile(tmp, final);
    } catch (error) {
      removeQuietly(tmp);
      const reason = `renaming the zip failed: ${errorMessage(error)}`;
      this.recordFailedTry(job, reason, true, () => this.recordArchiveFailure(job, run, reason));
      return false;
    }
    this.recordArchived(job, run, final, outcome);
    return true;
  }

  private recordArchiveFailure(job: Job, run: FinishedRun, reason: string): void {
    const ended: ArchiveJobResult = { archived: false, reason, skipped: [] };
    const event: EventDraft = { ...this.eventBase(run), type: 'archive_failed', reason };
    this.finish(job, 'failed', ended, [event], reason);
    this.options.log.warn(`archive of ${run.run_id} failed: ${reason}`);
  }

  private recordArchived(job: Job, run: FinishedRun, final: string, outcome: ArchiveOutcome): void {
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
    const { listMs, zipMs, verifyMs } = outcome.timings;
    this.options.log.debug(
      `${run.run_id}: ${outcome.files} files zipped on ${outcome.cores} free cores; listing ${Math.round(listMs)} ms, writing ${Math.round(zipMs)} ms, verifying ${Math.round(verifyMs)} ms`,
    );
  }

  /** Runs a report job; `dueAt` says when an archive job waiting for a retry will try again. */
  async report(job: Job, dueAt: DueAt): Promise<void> {
    const run = this.completionOf(job);
    if (!run) return;
    const { store } = this.options;
    const now = this.clock.now();
    const report = buildReport(
      run,
      store.jobs.stalls(run.run_id, run.attempt),
      this.archiveForReport(run, dueAt),
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
      this.recordFailedTry(job, reason, true, () => {
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
