import { isStuck } from './active-run-order.ts';
import type { ActiveRunStatus } from './run-status.ts';

/** Active runs by state: the numbers the Overview, the nav and the lists' titles show. */
export interface RunCounts {
  /** Every active run, pending ones included. */
  active: number;
  pending: number;
  stalled: number;
  overdue: number;
  /** Stalled or overdue or both: a run both stalled and overdue counts once here. */
  stuck: number;
}

export const NO_RUN_COUNTS: RunCounts = { active: 0, pending: 0, stalled: 0, overdue: 0, stuck: 0 };

/** Active runs by state, in one pass (a run both stalled and overdue counts in both). */
export function countRuns(runs: readonly ActiveRunStatus[]): RunCounts {
  const counts = { ...NO_RUN_COUNTS, active: runs.length };
  for (const run of runs) {
    if (run.status.toLowerCase() === 'pending') counts.pending += 1;
    if (run.stalled_since !== null) counts.stalled += 1;
    if (run.overdue_since !== null) counts.overdue += 1;
    if (isStuck(run)) counts.stuck += 1;
  }
  return counts;
}

export function addRunCounts(a: RunCounts, b: RunCounts): RunCounts {
  return {
    active: a.active + b.active,
    pending: a.pending + b.pending,
    stalled: a.stalled + b.stalled,
    overdue: a.overdue + b.overdue,
    stuck: a.stuck + b.stuck,
  };
}
