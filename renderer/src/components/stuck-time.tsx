import { formatDuration } from '../../../shared/duration.ts';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import { TickingTime } from './ticking-time.tsx';

const limit = (seconds: number) => formatDuration(seconds * 1_000);

/**
 * How long a stuck run has been stuck, beside the limit it passed: `idle 21s (limit 20s)` for a
 * stall, `running 2h 5m (limit 2h)` for an overdue run — one clock each, never two that seem to
 * disagree.
 */
export function StuckTime({ run }: { run: ActiveRunStatus }) {
  return (
    <>
      {run.stalled_since !== null && (
        <span className="stuck-time">
          idle <TickingTime iso={run.last_progress_at} format="since" /> (limit{' '}
          {limit(run.stall_after_s)})
        </span>
      )}
      {run.overdue_since !== null && run.started_at !== null && (
        <span className="stuck-time">
          running <TickingTime iso={run.started_at} format="since" />
          {run.max_duration_s !== null && <> (limit {limit(run.max_duration_s)})</>}
        </span>
      )}
    </>
  );
}
