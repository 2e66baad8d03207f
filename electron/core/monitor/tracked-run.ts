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
}

/** One stall of one attempt, for the report's `stalls[]`. */
export interface StallRecord {
  runId: string;
  attempt: number;
  startedAt: number;
  endedAt: number | null;
  progressAt: number;
}
