import { useCallback, useMemo } from 'react';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { FilterBar } from '../app/filter-bar.tsx';
import { useDashboard } from '../state/dashboard-store.ts';
import { filtersActive, NO_FILTERS } from '../state/filters.ts';
import { orderActiveRuns } from './active-runs-order.ts';
import { runCounts } from './overview-summary.ts';
import { ActiveRunsTable } from './active-runs-table.tsx';
import { runRoute } from './run-row-key.ts';
import './active-runs.css';

const NO_RUNS: ActiveRunStatus[] = [];

/** Every active run, stuck ones first; a virtualized list that stays quick with 10,000 runs. */
export function ActiveRunsView() {
  const runs = useDashboard((state) => state.snapshot?.runs) ?? NO_RUNS;
  const more = useDashboard((state) => state.snapshot?.more);
  const showSource = useDashboard((state) => (state.snapshot?.sources.length ?? 0) > 1);
  const filters = useDashboard((state) => state.filters);
  const setFilters = useDashboard((state) => state.setFilters);
  const navigate = useDashboard((state) => state.navigate);
  const rows = useMemo(() => orderActiveRuns(runs, filters), [runs, filters]);
  const counts = runCounts({ runs, more });
  // The runs of a snapshot still to come follow the first screen; unfiltered, their places show.
  const coming = more && !filtersActive(filters) ? more.runs.active : 0;
  const total = counts.active;
  const onOpen = useCallback(
    (run: ActiveRunStatus) => navigate(runRoute({ source: run.source, run_id: run.run_id })),
    [navigate],
  );

  return (
    <section className="active-runs" aria-labelledby="active-runs-title">
      <h2 className="view-title" id="active-runs-title">
        Active runs
        <small>
          {total.toLocaleString()} active
          {counts.pending > 0 && ` · ${counts.pending.toLocaleString()} pending`}
          {counts.stuck > 0 && ` · ${counts.stuck.toLocaleString()} stalled or overdue`}
          {rows.length + coming !== total &&
            ` · showing ${rows.length.toLocaleString()} of ${total.toLocaleString()}`}
        </small>
      </h2>
      <FilterBar status />
      {rows.length > 0 ? (
        <ActiveRunsTable rows={rows} coming={coming} showSource={showSource} onOpen={onOpen} />
      ) : total === 0 ? (
        <div className="panel">
          <EmptyState title="No runs are active">
            <p>Runs appear here the moment a pipeline starts one, with their steps as they go.</p>
          </EmptyState>
        </div>
      ) : (
        <div className="panel">
          <EmptyState title="No active run matches the filters">
            <p>
              {total.toLocaleString()} active {total === 1 ? 'run is' : 'runs are'} hidden by the
              search and filters.{' '}
              {filtersActive(filters) && (
                <button type="button" className="link" onClick={() => setFilters(NO_FILTERS)}>
                  Clear filters
                </button>
              )}
            </p>
          </EmptyState>
        </div>
      )}
    </section>
  );
}
