import { memo } from 'react';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import { ProgressBar } from '../components/progress-bar.tsx';
import { StuckTime } from '../components/stuck-time.tsx';
import { TickingTime } from '../components/ticking-time.tsx';
import { isStuck } from '../../../shared/active-run-order.ts';
import { runRowKey } from './run-row-key.ts';

/** Where a run stands, as one short coloured word: stalled or overdue stand out, the rest not. */
export function RunStateBadge({ run }: { run: ActiveRunStatus }) {
  if (run.stalled_since !== null) {
    return (
      <span className="badge badge--stalled">
        {run.overdue_since !== null ? 'Stalled, overdue' : 'Stalled'}
      </span>
    );
  }
  if (run.overdue_since !== null) return <span className="badge badge--overdue">Overdue</span>;
  if (run.stale) {
    return (
      <span className="badge badge--muted" title="First seen long idle: listed, never alerted">
        Stale
      </span>
    );
  }
  if (run.status.toLowerCase() === 'pending') return <span className="run-state">Pending</span>;
  return <span className="run-state run-state--running">Running</span>;
}

export interface ActiveRunRowProps {
  run: ActiveRunStatus;
  /** 1-based among the table's rows, the header being row 1. */
  rowIndex: number;
  /** Its top, in pixels from the top of the rows. */
  start: number;
  /** The one row that Tab lands on; the arrow keys move between the rows. */
  tabbable: boolean;
  showSource: boolean;
  onOpen: (run: ActiveRunStatus) => void;
}

/**
 * One active run in the virtualized list. Memoized: a patch that changes another run leaves this
 * one alone, and its times count on by themselves (TickingTime), so it is drawn only when its
 * own run object changes.
 */
export const ActiveRunRow = memo(function ActiveRunRow({
  run,
  rowIndex,
  start,
  tabbable,
  showSource,
  onOpen,
}: ActiveRunRowProps) {
  const stuck = isStuck(run);
  return (
    <div
      role="row"
      aria-rowindex={rowIndex}
      data-run-key={runRowKey(run)}
      data-index={rowIndex - 2}
      tabIndex={tabbable ? 0 : -1}
      className={`ar-row${stuck ? ' ar-row--stuck' : ''}`}
      style={{ transform: `translateY(${start}px)` }}
      onClick={() => onOpen(run)}
    >
      <div role="cell" className="ar-cell ar-pipeline" title={run.pipeline}>
        {run.pipeline === '' ? <span className="muted">(none)</span> : run.pipeline}
        {showSource && <span className="ar-source"> · {run.source}</span>}
      </div>
      <div role="cell" className="ar-cell mono" title={run.run_id}>
        {run.run_id}
        {run.attempt > 1 && (
          <span className="ar-attempt" title={`Attempt ${run.attempt}`}>
            #{run.attempt}
          </span>
        )}
      </div>
      <div role="cell" className="ar-cell ar-progress">
        <ProgressBar
          done={run.steps_done}
          total={run.steps_total}
          stuck={stuck}
          label={`Steps of ${run.run_id}`}
        />
        <span className="ar-steps" aria-hidden="true">
          {run.steps_done}/{run.steps_total}
        </span>
      </div>
      <div role="cell" className="ar-cell" title={run.current_step ?? undefined}>
        {run.current_step ?? <span className="muted">–</span>}
      </div>
      <div role="cell" className="ar-cell ar-time">
        {run.started_at === null ? (
          <span className="muted" title="Not started yet">
            –
          </span>
        ) : (
          <TickingTime iso={run.started_at} format="since" />
        )}
      </div>
      <div role="cell" className="ar-cell ar-time">
        <TickingTime iso={run.last_progress_at} />
      </div>
      <div role="cell" className="ar-cell ar-state">
        <RunStateBadge run={run} />
        {stuck ? (
          <span className="ar-idle">
            <StuckTime run={run} />
          </span>
        ) : (
          run.stale && (
            <span className="ar-idle">
              idle <TickingTime iso={run.last_progress_at} format="since" />
            </span>
          )
        )}
      </div>
    </div>
  );
});
