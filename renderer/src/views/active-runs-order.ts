import { orderActiveRuns as inListOrder } from '../../../shared/active-run-order.ts';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import { matchesRun, type Filters } from '../state/filters.ts';

/**
 * The active runs the list shows, in its order (stalled or overdue first, then the most recently
 * started); each run keeps its object, so a row drawn from it is not drawn again.
 */
export function orderActiveRuns(
  runs: readonly ActiveRunStatus[],
  filters: Filters,
): ActiveRunStatus[] {
  return inListOrder(runs.filter((run) => matchesRun(filters, run)));
}
