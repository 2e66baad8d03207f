import { useVirtualizer } from '@tanstack/react-virtual';
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type FocusEvent,
  type KeyboardEvent,
} from 'react';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { FilterBar } from '../app/filter-bar.tsx';
import { useDashboard } from '../state/dashboard-store.ts';
import { filtersActive, NO_FILTERS } from '../state/filters.ts';
import { orderActiveRuns } from './active-runs-order.ts';
import { runCounts } from './overview-summary.ts';
import { ActiveRunRow } from './run-row.tsx';
import { runRoute, runRowKey } from './run-row-key.ts';
import './active-runs.css';

const ROW_HEIGHT = 40;
const HEADER_HEIGHT = 34;
const NO_RUNS: ActiveRunStatus[] = [];

const COLUMNS = ['Pipeline', 'Run', 'Progress', 'Step', 'Elapsed', 'Last progress', 'State'];

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

function ActiveRunsTable({
  rows,
  coming,
  showSource,
  onOpen,
}: {
  rows: ActiveRunStatus[];
  /** Rows after these whose runs are still on their way. */
  coming: number;
  showSource: boolean;
  onOpen: (run: ActiveRunStatus) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const focusPending = useRef(false);
  const getItemKey = useCallback(
    (index: number) => {
      const run = rows[index];
      return run ? runRowKey(run) : `coming/${index}`;
    },
    [rows],
  );
  // The virtualizer keeps its state outside React; its rows are drawn from what it returns here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length + coming,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey,
    overscan: 10,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
  });
  const tabbable = Math.min(active, rows.length - 1);

  // After the arrow keys moved on, focus the new row once the virtualizer has drawn it.
  useEffect(() => {
    if (!focusPending.current) return;
    const row = scroller.current?.querySelector<HTMLElement>(`[data-index="${tabbable}"]`);
    if (row) {
      focusPending.current = false;
      row.focus({ preventScroll: true });
    }
  });

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, index));
    setActive(next);
    focusPending.current = true;
    virtualizer.scrollToIndex(next);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[role="row"][data-index]');
    if (row === null) return;
    const index = Number(row.dataset.index);
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: rows.length - 1,
    };
    if (event.key === 'Enter') {
      const run = rows[index];
      if (run) onOpen(run);
    } else if (event.key in moves) {
      moveTo(moves[event.key] as number);
    } else {
      return;
    }
    event.preventDefault();
  };

  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    const index = Number(event.target.dataset.index);
    if (event.target.getAttribute('role') === 'row' && Number.isInteger(index)) setActive(index);
  };

  return (
    <div
      ref={scroller}
      className="ar-table panel"
      role="table"
      aria-label="Active runs"
      aria-rowcount={rows.length + coming + 1}
      // Busy while the runs after the first screen are on their way.
      aria-busy={coming > 0}
      onKeyDown={onKeyDown}
      onFocus={onFocus}
      // As tall as its rows, up to the height left; never squeezed below a few rows.
      style={{
        minHeight: HEADER_HEIGHT + Math.min(6 * ROW_HEIGHT, virtualizer.getTotalSize()) + 2,
      }}
    >
      <div role="rowgroup" className="ar-head">
        <div role="row" aria-rowindex={1} className="ar-row ar-row--head">
          {COLUMNS.map((column) => (
            <div key={column} role="columnheader" className="ar-cell">
              {column}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="ar-body" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const run = rows[item.index];
          if (run === undefined) {
            return (
              <ComingRow
                key={item.key}
                rowIndex={item.index + 2}
                start={item.start - HEADER_HEIGHT}
              />
            );
          }
          return (
            <ActiveRunRow
              key={item.key}
              run={run}
              rowIndex={item.index + 2}
              start={item.start - HEADER_HEIGHT}
              tabbable={item.index === tabbable}
              showSource={showSource}
              onOpen={onOpen}
            />
          );
        })}
      </div>
    </div>
  );
}

/** The place of a run still on its way, in a snapshot's first screen. */
function ComingRow({ rowIndex, start }: { rowIndex: number; start: number }) {
  return (
    <div
      role="row"
      aria-rowindex={rowIndex}
      className="ar-row ar-row--coming"
      style={{ transform: `translateY(${start}px)` }}
    >
      <div role="cell" className="ar-cell muted">
        Loading…
      </div>
    </div>
  );
}
