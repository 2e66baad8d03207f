import type { AttentionItem } from '../../../shared/attention.ts';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import { runKey } from '../state/apply-patch.ts';
import { isStuck } from '../../../shared/active-run-order.ts';
import { matchesRun, type Filters } from '../state/filters.ts';

export interface StuckRun {
  run: ActiveRunStatus;
  /** When it first stalled or became overdue, whichever came first. */
  since: string;
  /** Still in the attention list: not acknowledged yet. */
  needsAck: boolean;
}

function ms(iso: string): number {
  const value = Date.parse(iso);
  return Number.isNaN(value) ? Infinity : value;
}

/**
 * The stalled and overdue runs the filters let through: those not acknowledged yet first, then
 * the longest stuck first; ties by source and run id.
 */
export function stuckRuns(
  runs: readonly ActiveRunStatus[],
  attention: readonly AttentionItem[],
  filters: Filters,
): StuckRun[] {
  const open = new Set(
    attention.filter((item) => item.kind !== 'failed').map((item) => runKey(item)),
  );
  const stuck: StuckRun[] = [];
  for (const run of runs) {
    if (!isStuck(run) || !matchesRun(filters, run)) continue;
    const times = [run.stalled_since, run.overdue_since].filter((t): t is string => t !== null);
    const since = times.reduce((a, b) => (ms(b) < ms(a) ? b : a));
    stuck.push({ run, since, needsAck: open.has(runKey(run)) });
  }
  return stuck.sort(
    (a, b) =>
      Number(b.needsAck) - Number(a.needsAck) ||
      ms(a.since) - ms(b.since) ||
      compareText(a.run.source, b.run.source) ||
      compareText(a.run.run_id, b.run.run_id),
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
