/**
 * Active runs in a compact form, for the bulk of a snapshot: a fraction of the bytes of the same
 * runs as objects, and quicker to write and to read. Texts that repeat (sources, pipelines,
 * statuses, step names) are listed once; times are milliseconds before the table's `at`; idle
 * and elapsed times, which follow from `at`, are left out and worked out again.
 */
import type { ActiveRunStatus } from './run-status.ts';

/**
 * One run: source, pipeline, run id, attempt, status, steps done, steps total, current step,
 * started, last progress, stalled since, overdue since, stale, stall threshold (s), max duration
 * (s). Texts that repeat are indexes into `texts` (-1 for none); times are ms before `at`, or the
 * text itself where it is not a time.
 */
export type RunTuple = [
  source: number,
  pipeline: number,
  runId: string,
  attempt: number,
  status: number,
  stepsDone: number,
  stepsTotal: number,
  currentStep: number,
  startedAt: number | string | null,
  lastProgressAt: number | string,
  stalledSince: number | string | null,
  overdueSince: number | string | null,
  stale: 0 | 1,
  stallAfterS: number,
  maxDurationS: number | null,
];

export interface RunTable {
  /** ISO-8601: when the runs were taken, which their idle and elapsed times count to. */
  at: string;
  texts: string[];
  runs: RunTuple[];
}

function textIndex(texts: string[], index: Map<string, number>, value: string): number {
  let found = index.get(value);
  if (found === undefined) {
    found = texts.length;
    texts.push(value);
    index.set(value, found);
  }
  return found;
}

function timeBefore(at: number, iso: string): number | string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : at - ms;
}

export function encodeRuns(runs: readonly ActiveRunStatus[], at: string): RunTable {
  const atMs = Date.parse(at);
  const texts: string[] = [];
  const index = new Map<string, number>();
  const text = (value: string) => textIndex(texts, index, value);
  const time = (iso: string | null) => (iso === null ? null : timeBefore(atMs, iso));
  return {
    at,
    texts,
    runs: runs.map((run) => [
      text(run.source),
      text(run.pipeline),
      run.run_id,
      run.attempt,
      text(run.status),
      run.steps_done,
      run.steps_total,
      run.current_step === null ? -1 : text(run.current_step),
      time(run.started_at),
      timeBefore(atMs, run.last_progress_at),
      time(run.stalled_since),
      time(run.overdue_since),
      run.stale ? 1 : 0,
      run.stall_after_s,
      run.max_duration_s,
    ]),
  };
}

/** Whole seconds from `iso` to `at`, never negative: as the core counts idle and elapsed time. */
function secondsTo(atMs: number, iso: string): number {
  return Math.max(0, Math.round((atMs - Date.parse(iso)) / 1_000));
}

export function decodeRuns(table: RunTable): ActiveRunStatus[] {
  const atMs = Date.parse(table.at);
  const { texts } = table;
  // Runs written together share their times: each is turned back into text once.
  const isoOf = new Map<number, string>();
  const time = (value: number | string): string => {
    if (typeof value === 'string') return value;
    let iso = isoOf.get(value);
    if (iso === undefined) {
      iso = new Date(atMs - value).toISOString();
      isoOf.set(value, iso);
    }
    return iso;
  };
  const maybeTime = (value: number | string | null) => (value === null ? null : time(value));
  return table.runs.map((row) => {
    const startedAt = maybeTime(row[8]);
    const lastProgressAt = time(row[9]);
    return {
      source: texts[row[0]] ?? '',
      pipeline: texts[row[1]] ?? '',
      run_id: row[2],
      attempt: row[3],
      status: texts[row[4]] ?? '',
      steps_done: row[5],
      steps_total: row[6],
      current_step: row[7] < 0 ? null : (texts[row[7]] ?? null),
      started_at: startedAt,
      elapsed_s: startedAt === null ? null : secondsTo(atMs, startedAt),
      last_progress_at: lastProgressAt,
      idle_s: secondsTo(atMs, lastProgressAt),
      stalled_since: maybeTime(row[10]),
      overdue_since: maybeTime(row[11]),
      stale: row[12] === 1,
      stall_after_s: row[13],
      max_duration_s: row[14],
    };
  });
}
