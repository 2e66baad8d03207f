import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import type { TrackedRun } from '../model/tracked-run.ts';
import type { ObservedRun } from '../source/source-rows.ts';
import { activeRunStatus } from './live-status.ts';
import type { PipelineThresholds } from './run-detector.ts';

export interface RunViewChanges {
  upsert: ActiveRunStatus[];
  remove: string[];
}

/** Fields that follow from the clock alone: a view that differs only in them has not changed. */
function sameView(a: ActiveRunStatus, b: ActiveRunStatus): boolean {
  const keys = Object.keys(a) as (keyof ActiveRunStatus)[];
  return keys.every((key) => key === 'idle_s' || key === 'elapsed_s' || a[key] === b[key]);
}

const secondsSince = (iso: string, now: number) =>
  Math.max(0, Math.round((now - Date.parse(iso)) / 1_000));

/** A view with its idle and elapsed times as of `now`. */
export function asOf(view: ActiveRunStatus, now: number): ActiveRunStatus {
  return {
    ...view,
    idle_s: secondsSince(view.last_progress_at, now),
    elapsed_s: view.started_at === null ? null : secondsSince(view.started_at, now),
  };
}

/**
 * The active runs as the UI lists them, kept by the monitor as it reads them, so a UI gets every
 * run at once and then only the runs that changed — never a re-read of the whole database.
 */
export class RunViews {
  private readonly views = new Map<string, ActiveRunStatus>();
  private readonly upserts = new Map<string, ActiveRunStatus>();
  private readonly removals = new Set<string>();
  private readonly listeners: ((changes: RunViewChanges) => void)[] = [];
  private readonly thresholds: (pipeline: string) => PipelineThresholds;

  /** `thresholds`: those in force for a pipeline, which each view names. */
  constructor(thresholds: (pipeline: string) => PipelineThresholds) {
    this.thresholds = thresholds;
  }

  /** A run read from the database and judged active. */
  observe(run: TrackedRun, observed: ObservedRun, source: string, now: number): void {
    const view = activeRunStatus(run, observed, source, now, this.thresholds(run.pipeline));
    const previous = this.views.get(run.runId);
    if (previous && sameView(previous, view)) return;
    this.views.set(run.runId, view);
    this.upserts.set(run.runId, view);
    this.removals.delete(run.runId);
  }

  /** A run finished, was removed, or is no longer active. */
  remove(runId: string): void {
    if (!this.views.delete(runId)) return;
    this.upserts.delete(runId);
    this.removals.add(runId);
  }

  /** Tells listeners what changed since the last flush, if anything. */
  flush(): void {
    if (this.upserts.size === 0 && this.removals.size === 0) return;
    const changes = { upsert: [...this.upserts.values()], remove: [...this.removals] };
    this.upserts.clear();
    this.removals.clear();
    for (const listener of this.listeners) listener(changes);
  }

  onChange(listener: (changes: RunViewChanges) => void): void {
    this.listeners.push(listener);
  }

  /** Every active run, with its idle and elapsed times as of `now`. */
  all(now: number): ActiveRunStatus[] {
    return [...this.views.values()].map((view) => asOf(view, now));
  }

  /** Every active run as last observed: its idle and elapsed times as of then, not now. */
  observed(): ActiveRunStatus[] {
    return [...this.views.values()];
  }

  /** One active run as of `now`, or null when it is not active. */
  get(runId: string, now: number): ActiveRunStatus | null {
    const view = this.views.get(runId);
    return view ? asOf(view, now) : null;
  }
}
