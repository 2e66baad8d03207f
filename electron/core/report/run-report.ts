import type { SkippedFile } from '../archive/artifact-listing.ts';
import type { FinishedRun, FinishedStep } from '../model/finished-run.ts';
import type { ArchiveJobResult } from '../store/job-table.ts';
import { toIso } from '../time/timestamp.ts';

/**
 * How a run's archive job ended, as its report reads it: `off` when it ended without a zip
 * because archiving was off; `retryAt` when its last try failed and another is due then.
 */
export type ReportedArchive = ArchiveJobResult & { off?: true; retryAt?: number };

export interface ReportStall {
  started_at: string;
  ended_at: string | null;
  idle_s: number;
}

/** `reports/<safe-id>_summary.json` (ARCHITECTURE.md §5, a contract). */
export interface RunReport {
  run_id: string;
  source: string;
  pipeline: string;
  attempt: number;
  outcome: FinishedRun['outcome'];
  created_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  duration_s: number | null;
  /** Each with `message`, why it failed, where the source gives one. */
  steps: FinishedStep[];
  steps_total: number;
  steps_succeeded: number;
  steps_failed: number;
  steps_skipped: number;
  steps_cancelled: number;
  stalls: ReportStall[];
  /** The artifacts folder as resolved, or null when the run has none. */
  artifacts_dir: string | null;
  skipped: SkippedFile[];
  /** Null when there was nothing to archive, or archiving was off. */
  archive?: {
    path: string;
    bytes: number;
    zip_bytes: number;
    files: number;
    sha256: string;
    verified: true;
  } | null;
  archive_error?: string;
  /**
   * Present while archiving is to be tried again: when. The report is written again once the
   * archive job ends, with `archive` or the final `archive_error`.
   */
  archive_retry_at?: string;
  /** Present, and true, when no zip was made because archiving was off. */
  archive_off?: true;
  generated_at: string;
}

export interface StallSpan {
  startedAt: number;
  endedAt: number | null;
  progressAt: number;
}

/** The report of one finished attempt, from its snapshot, its stalls and its archive's outcome. */
export function buildReport(
  run: FinishedRun,
  stalls: readonly StallSpan[],
  archive: ReportedArchive | null,
  now: number,
): RunReport {
  const finishedMs = run.finished_at === null ? now : Date.parse(run.finished_at);
  const report: RunReport = {
    run_id: run.run_id,
    source: run.source,
    pipeline: run.pipeline,
    attempt: run.attempt,
    outcome: run.outcome,
    created_at: run.created_at,
    started_at: run.started_at,
    finished_at: run.finished_at,
    duration_s: run.duration_s,
    steps: run.steps,
    steps_total: run.steps_total,
    steps_succeeded: run.steps_succeeded,
    steps_failed: run.steps_failed,
    steps_skipped: run.steps_skipped,
    steps_cancelled: run.steps_cancelled,
    stalls: stalls.map((stall) => {
      const end = stall.endedAt ?? finishedMs;
      return {
        started_at: toIso(stall.startedAt),
        ended_at: stall.endedAt === null ? null : toIso(stall.endedAt),
        idle_s: Math.max(0, Math.round(end - stall.progressAt) / 1_000),
      };
    }),
    artifacts_dir: run.artifacts_dir,
    skipped: archive?.skipped ?? [],
    generated_at: toIso(now),
  };
  if (archive === null || archive.archived === null) {
    report.archive = null;
    if (archive?.off) report.archive_off = true;
  } else if (archive.archived) {
    report.archive = {
      path: archive.path,
      bytes: archive.bytes,
      zip_bytes: archive.zip_bytes,
      files: archive.files,
      sha256: archive.sha256,
      verified: true,
    };
  } else {
    report.archive_error = archive.reason;
    if (archive.retryAt !== undefined) report.archive_retry_at = toIso(archive.retryAt);
  }
  return report;
}
