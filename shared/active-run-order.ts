import type { ActiveRunStatus } from './run-status.ts';

/** Stalled or overdue (or both): what the Stalls view lists. */
export function isStuck(run: ActiveRunStatus): boolean {
  return run.stalled_since !== null || run.overdue_since !== null;
}

/** When a run started, for sorting: a run not started yet sorts after every started one. */
function startedMs(run: ActiveRunStatus): number {
  if (run.started_at === null) return -Infinity;
  const ms = Date.parse(run.started_at);
  return Number.isNaN(ms) ? -Infinity : ms;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Active runs in the order the Active list shows them: stalled or overdue first, then the most
 * recently started; ties by source and run id, so the order holds still between patches. The
 * core sends the first screen of a snapshot in this order, so it is the top of the list. Each
 * run keeps its object.
 */
export function orderActiveRuns(runs: readonly ActiveRunStatus[]): ActiveRunStatus[] {
  const keyed = runs.map((run) => ({ run, stuck: isStuck(run) ? 0 : 1, started: startedMs(run) }));
  keyed.sort(
    (a, b) =>
      a.stuck - b.stuck ||
      (b.started === a.started ? 0 : b.started > a.started ? 1 : -1) ||
      compareText(a.run.source, b.run.source) ||
      compareText(a.run.run_id, b.run.run_id),
  );
  return keyed.map((entry) => entry.run);
}
