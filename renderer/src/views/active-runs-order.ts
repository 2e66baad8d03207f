import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import { isStuck, matchesRun, type Filters } from '../state/filters.ts';

/** When a run started, for sorting: a run not started yet sorts after every started one. */
function startedMs(run: ActiveRunStatus): number {
  if (run.started_at === null) return -Infinity;
  const ms = Date.parse(run.started_at);
  return Number.isNaN(ms) ? -Infinity : ms;
}

/**
 * The active runs the list shows, in its order: those stalled or overdue first, then the most
 * recently started; ties by source and run id, so the order holds still between patches. Each
 * run keeps its object, so a row drawn from it is not drawn again.
 */
export function orderActiveRuns(
  runs: readonly ActiveRunStatus[],
  filters: Filters,
): ActiveRunStatus[] {
  const keyed = runs
    .filter((run) => matchesRun(filters, run))
    .map((run) => ({ run, stuck: isStuck(run) ? 0 : 1, started: startedMs(run) }));
  keyed.sort(
    (a, b) =>
      a.stuck - b.stuck ||
      (b.started === a.started ? 0 : b.started > a.started ? 1 : -1) ||
      compareText(a.run.source, b.run.source) ||
      compareText(a.run.run_id, b.run.run_id),
  );
  return keyed.map((entry) => entry.run);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
