import type { Route } from '../state/route.ts';

/** What `data-run-key` says of a run's row: `<source>/<run id>`, as tests and tools find it. */
export function runRowKey(run: { source: string; run_id: string }): string {
  return `${run.source}/${run.run_id}`;
}

/** The run's detail view; `attempt` only when it says more than the latest does. */
export function runRoute(run: {
  source: string;
  run_id: string;
  attempt?: number;
}): Extract<Route, { view: 'run' }> {
  return run.attempt === undefined
    ? { view: 'run', source: run.source, run_id: run.run_id }
    : { view: 'run', source: run.source, run_id: run.run_id, attempt: run.attempt };
}
