import type { Outcome } from '../../../shared/events.ts';

export type RunPhase = 'active' | 'finished' | 'removed';

/** What Runwatch knows about one run (one row of state.db `runs`, plus what lives in memory). */
export interface TrackedRun {
  runId: string;
  pipeline: string;
  attempt: number;
  phase: RunPhase;
  /** Normalized status at the last read. */
  status: string;
  /** First seen running and already idle past `stale_after`: recorded without alerts. */
  stale: boolean;
  /** Progress fingerprint at the last read (see RunSummary.progressPrint). */
  print: string;
  /** Steps fingerprint when this attempt began; null for a first attempt. */
  attemptPrint: string | null;
  /** Last progress on Runwatch's clock (ms). */
  lastProgressAt: number;
  startedAt: number | null;
  stallSince: number | null;
  overdueAt: number | null;
  /** Steps already reported failed in this attempt. */
  failedSteps: string[];
  outcome: Outcome | null;
  finishedAt: number | null;
  /** Since when every step has been final, while waiting out `settle` (memory only). */
  stepsDoneSince: number | null;
  /** How the source showed the finish of this attempt; null while active (or recorded before). */
  finishMark: FinishMark | null;
}

/**
 * What tells a later read of a finished run that it ran again (retried in place) rather than
 * had its row touched or its details filled in: its start times changed, or its finish time
 * changed, and it finished later than before.
 */
export interface FinishMark {
  /** A fingerprint of the run's `started_at` and its steps' `started_at` values. */
  start: string;
  /** The run's `finished_at` as the source holds it, as text; null when it has none. */
  finished: string | null;
  /** When it finished by the database's clock (ms), as the run summary has it. */
  finishedAt: number | null;
}

/** One stall of one attempt, for the report's `stalls[]`. */
export interface StallRecord {
  runId: string;
  attempt: number;
  startedAt: number;
  endedAt: number | null;
  progressAt: number;
}
