import type { FinishMark, TrackedRun } from '../model/tracked-run.ts';

/** A row of state.db's `runs` table: a tracked run as stored. */
export interface RunRowDb {
  run_id: string;
  pipeline: string;
  attempt: number;
  phase: TrackedRun['phase'];
  status: string;
  stale: number;
  print: string;
  attempt_print: string | null;
  last_progress_at: number;
  started_at: number | null;
  stall_since: number | null;
  overdue_at: number | null;
  failed_steps: string;
  outcome: TrackedRun['outcome'];
  finished_at: number | null;
  finish_mark: string | null;
}

export function fromDb(row: RunRowDb): TrackedRun {
  return {
    runId: row.run_id,
    pipeline: row.pipeline,
    attempt: row.attempt,
    phase: row.phase,
    status: row.status,
    stale: row.stale === 1,
    print: row.print,
    attemptPrint: row.attempt_print,
    lastProgressAt: row.last_progress_at,
    startedAt: row.started_at,
    stallSince: row.stall_since,
    overdueAt: row.overdue_at,
    failedSteps: JSON.parse(row.failed_steps) as string[],
    outcome: row.outcome,
    finishedAt: row.finished_at,
    stepsDoneSince: null,
    finishMark: row.finish_mark === null ? null : (JSON.parse(row.finish_mark) as FinishMark),
  };
}

/** A tracked run as `runs` stores it; times in whole milliseconds. */
export function toDb(run: TrackedRun, now: number): Record<string, unknown> {
  return {
    run_id: run.runId,
    pipeline: run.pipeline,
    attempt: run.attempt,
    phase: run.phase,
    status: run.status,
    stale: run.stale ? 1 : 0,
    print: run.print,
    attempt_print: run.attemptPrint,
    last_progress_at: Math.round(run.lastProgressAt),
    started_at: run.startedAt === null ? null : Math.round(run.startedAt),
    stall_since: run.stallSince === null ? null : Math.round(run.stallSince),
    overdue_at: run.overdueAt === null ? null : Math.round(run.overdueAt),
    failed_steps: JSON.stringify(run.failedSteps),
    outcome: run.outcome,
    finished_at: run.finishedAt === null ? null : Math.round(run.finishedAt),
    finish_mark: run.finishMark === null ? null : JSON.stringify(run.finishMark),
    updated_at: now,
  };
}
