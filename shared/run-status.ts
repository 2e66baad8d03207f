/** One active run as `runwatch status` and the UI list it. */
export interface ActiveRunStatus {
  source: string;
  pipeline: string;
  run_id: string;
  attempt: number;
  status: string;
  steps_done: number;
  steps_total: number;
  /** The running step, else the next pending one; null when there is none. */
  current_step: string | null;
  started_at: string | null;
  elapsed_s: number | null;
  last_progress_at: string;
  idle_s: number;
  stalled_since: string | null;
  overdue_since: string | null;
  /** First seen already idle past `stale_after`: listed, never alerted. */
  stale: boolean;
  /** The stall threshold in force for its pipeline: idle this long, a running run stalls. */
  stall_after_s: number;
  /** Its pipeline's `max_duration`, or null when it has none. */
  max_duration_s: number | null;
}
