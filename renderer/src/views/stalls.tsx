import { memo, useMemo, useRef } from 'react';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import { FilterBar } from '../app/filter-bar.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { RouteLink } from '../components/route-link.tsx';
import { StuckTime } from '../components/stuck-time.tsx';
import { useRowKeys } from '../components/use-row-keys.ts';
import { localText } from '../format/time-text.ts';
import { useDashboard } from '../state/dashboard-store.ts';
import { filtersActive, NO_FILTERS } from '../state/filters.ts';
import type { Route } from '../state/route.ts';
import { runCounts } from './overview-summary.ts';
import { AcknowledgeButton } from './run-row-actions.tsx';
import { runRoute, runRowKey } from './run-row-key.ts';
import { SnoozeMenu } from './snooze-menu.tsx';
import { stuckRuns } from './stalls-order.ts';
import './stalls.css';

const NO_RUNS: ActiveRunStatus[] = [];

/** Runs that stopped making progress or run too long: how long, where, and what to do. */
export function StallsView() {
  const runs = useDashboard((state) => state.snapshot?.runs) ?? NO_RUNS;
  const more = useDashboard((state) => state.snapshot?.more);
  const attention = useDashboard((state) => state.snapshot?.attention);
  const filters = useDashboard((state) => state.filters);
  const setFilters = useDashboard((state) => state.setFilters);
  const navigate = useDashboard((state) => state.navigate);
  const showSource = useDashboard((state) => (state.snapshot?.sources.length ?? 0) > 1);
  // The status filter is about the active list; here every run is stuck by definition.
  const stuck = useMemo(
    () => stuckRuns(runs, attention ?? [], { ...filters, status: 'all' }),
    [runs, attention, filters],
  );
  const counts = runCounts({ runs, more });
  const total = counts.stalled + counts.overdue;
  const unacknowledged = stuck.filter((entry) => entry.needsAck).length;
  const narrowed = filtersActive({ ...filters, status: 'all' });
  const body = useRef<HTMLTableSectionElement>(null);
  const { active, onKeyDown } = useRowKeys(body, stuck.length, (index) => {
    const run = stuck[index]?.run;
    if (run) navigate(runRoute({ source: run.source, run_id: run.run_id }));
  });

  return (
    <section className="stalls" aria-labelledby="stalls-title">
      <h2 className="view-title" id="stalls-title">
        Stalls
        <small>
          {counts.stalled} stalled · {counts.overdue} overdue
          {unacknowledged > 0 && ` · ${unacknowledged} not acknowledged`}
        </small>
      </h2>
      <FilterBar />
      {stuck.length > 0 ? (
        <div className="panel st-panel">
          <table
            className="table st-table"
            aria-label="Stalled and overdue runs"
            onKeyDown={onKeyDown}
          >
            {/* Fixed widths: a row acknowledged changes no column's width. */}
            <colgroup>
              <col className="st-col-run" />
              <col className="st-col-problem" />
              <col className="st-col-time" />
              <col className="st-col-step" />
              <col className="st-col-actions" />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Problem</th>
                <th scope="col">How long</th>
                <th scope="col">Stuck at step</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody ref={body}>
              {stuck.map((entry, index) => (
                <StallRow
                  key={runRowKey(entry.run)}
                  run={entry.run}
                  index={index}
                  tabbable={index === Math.min(active, stuck.length - 1)}
                  needsAck={entry.needsAck}
                  showSource={showSource}
                  navigate={navigate}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <div className="panel">
          {total > 0 && narrowed ? (
            <EmptyState title="No stalled or overdue run matches the filters">
              <p>
                {total} stuck {total === 1 ? 'run is' : 'runs are'} hidden by the search and
                filters.{' '}
                <button type="button" className="link" onClick={() => setFilters(NO_FILTERS)}>
                  Clear filters
                </button>
              </p>
            </EmptyState>
          ) : (
            <EmptyState title="No stalled or overdue runs">
              <p>
                A running run is listed here when it makes no progress for its stall threshold, or
                runs longer than its pipeline&rsquo;s maximum duration.
              </p>
            </EmptyState>
          )}
        </div>
      )}
    </section>
  );
}

const StallRow = memo(function StallRow({
  run,
  index,
  tabbable,
  needsAck,
  showSource,
  navigate,
}: {
  run: ActiveRunStatus;
  index: number;
  /** The one row Tab lands on; the arrow keys move between the rows. */
  tabbable: boolean;
  needsAck: boolean;
  showSource: boolean;
  navigate: (route: Route) => void;
}) {
  const route = runRoute({ source: run.source, run_id: run.run_id });
  const open = () => navigate(route);
  return (
    <tr
      data-run-key={runRowKey(run)}
      data-row={index}
      tabIndex={tabbable ? 0 : -1}
      className={needsAck ? 'st-row--open' : undefined}
    >
      <td className="st-run">
        <span className="st-pipeline">
          {run.pipeline === '' ? <span className="muted">(no pipeline)</span> : run.pipeline}
          {showSource && <span className="st-source"> · {run.source}</span>}
        </span>
        <RouteLink route={route} className="mono">
          {run.run_id}
        </RouteLink>
        {run.attempt > 1 && <span className="muted st-attempt">attempt {run.attempt}</span>}
      </td>
      <td>
        <span className="st-problem">
          {run.stalled_since !== null && <span className="badge badge--stalled">Stalled</span>}
          {run.overdue_since !== null && <span className="badge badge--overdue">Overdue</span>}
          {!needsAck && <span className="st-acked">acknowledged</span>}
        </span>
      </td>
      <td className="st-num st-time" title={`Last progress ${localText(run.last_progress_at)}`}>
        <StuckTime run={run} />
      </td>
      <td className="st-step">
        {run.current_step ?? <span className="muted">–</span>}{' '}
        <span className="muted st-steps">
          {run.steps_done}/{run.steps_total}
        </span>
      </td>
      <td>
        <div className="actions st-actions">
          {needsAck ? <AcknowledgeButton source={run.source} runId={run.run_id} /> : null}
          <SnoozeMenu source={run.source} pipeline={run.pipeline} runId={run.run_id} />
          <button type="button" aria-label={`Open run ${run.run_id}`} onClick={open}>
            Open
          </button>
        </div>
      </td>
    </tr>
  );
});
