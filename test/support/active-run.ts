import type { ActiveRunStatus } from '../../shared/run-status.ts';

/**
 * An active run as the core reports it: `orders/etl`, running since 2026-01-01 00:00 UTC with
 * none of its four steps done, neither stalled nor overdue, with the default 30 min stall
 * threshold and no maximum duration. `overrides` sets any field.
 */
export function activeRun(
  runId: string,
  overrides: Partial<ActiveRunStatus> = {},
): ActiveRunStatus {
  return {
    source: 'orders',
    pipeline: 'etl',
    run_id: runId,
    attempt: 1,
    status: 'running',
    steps_done: 0,
    steps_total: 4,
    current_step: null,
    started_at: '2026-01-01T00:00:00.000Z',
    elapsed_s: 0,
    last_progress_at: '2026-01-01T00:00:00.000Z',
    idle_s: 0,
    stalled_since: null,
    overdue_since: null,
    stale: false,
    stall_after_s: 1_800,
    max_duration_s: null,
    ...overrides,
  };
}
