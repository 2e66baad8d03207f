import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import { byStepOrder } from '../model/finished-run.ts';
import { isTerminalRunStatus, normalizeStatus, summarizeRun } from '../model/run-summary.ts';
import type { TrackedRun } from '../model/tracked-run.ts';
import type { ObservedRun } from '../source/source-rows.ts';
import type { RunSource } from '../source/run-source.ts';
import type { StateStore } from '../store/state-store.ts';
import { toIso } from '../time/timestamp.ts';
import { ClockOffset } from './clock-offset.ts';
import { makeDetectContext } from './detect-context.ts';
import type { MonitorSettings } from './monitor-settings.ts';
import { detect, type PipelineThresholds } from './run-detector.ts';

function currentStep(observed: ObservedRun): string | null {
  const steps = [...observed.steps].sort(byStepOrder);
  const running = steps.find((step) => normalizeStatus(step.status) === 'running');
  if (running) return running.name || running.stepId;
  const pending = steps.find((step) => normalizeStatus(step.status) === 'pending');
  return pending ? pending.name || pending.stepId : null;
}

/**
 * One active run as the UI and `status` show it, from the monitor's judgement, its rows and the
 * thresholds in force for its pipeline.
 */
export function activeRunStatus(
  run: TrackedRun,
  observed: ObservedRun,
  source: string,
  now: number,
  limits: PipelineThresholds,
): ActiveRunStatus {
  const { counts } = summarizeRun(observed);
  const done =
    counts.steps_succeeded + counts.steps_failed + counts.steps_skipped + counts.steps_cancelled;
  return {
    source,
    pipeline: run.pipeline,
    run_id: run.runId,
    attempt: run.attempt,
    status: run.status,
    steps_done: done,
    steps_total: counts.steps_total,
    current_step: currentStep(observed),
    started_at: run.startedAt === null ? null : toIso(run.startedAt),
    elapsed_s:
      run.startedAt === null ? null : Math.max(0, Math.round((now - run.startedAt) / 1_000)),
    last_progress_at: toIso(run.lastProgressAt),
    idle_s: Math.max(0, Math.round((now - run.lastProgressAt) / 1_000)),
    stalled_since: run.stallSince === null ? null : toIso(run.stallSince),
    overdue_since: run.overdueAt === null ? null : toIso(run.overdueAt),
    stale: run.stale,
    stall_after_s: limits.stallAfter / 1_000,
    max_duration_s: limits.maxDuration === null ? null : limits.maxDuration / 1_000,
  };
}

/**
 * The active runs of a database as the monitor judges them, read now: the same rules on what
 * state.db knows (attempts, live progress, learned clock offset), whether or not `watch` runs.
 * Writes nothing.
 */
export async function readLiveStatus(
  source: RunSource,
  store: StateStore | null,
  settings: MonitorSettings,
  sourceName: string,
  now: number,
): Promise<ActiveRunStatus[]> {
  const known = new Map((store?.activeRuns() ?? []).map((run) => [run.runId, run]));
  const ids = new Set(known.keys());
  for await (const page of source.scanAllRuns(5_000)) {
    for (const row of page) {
      if (!isTerminalRunStatus(normalizeStatus(row.status))) ids.add(row.runId);
    }
  }
  const offset = new ClockOffset(store?.getMeta<number[]>('clock_offset_samples') ?? []).value;
  const ctx = makeDetectContext(settings, sourceName, offset, now, false, source.finishesOnSteps);
  const rows: ActiveRunStatus[] = [];
  const all = [...ids];
  for (let i = 0; i < all.length; i += 200) {
    const observed = await source.readRuns(all.slice(i, i + 200));
    for (const [runId, run] of observed) {
      const previous = known.get(runId) ?? store?.getRun(runId) ?? null;
      const { run: judged } = detect(previous, run, ctx);
      if (judged?.phase === 'active') {
        rows.push(
          activeRunStatus(judged, run, sourceName, now, settings.thresholds(judged.pipeline)),
        );
      }
    }
  }
  const rank = (row: ActiveRunStatus) => (row.stalled_since ? 0 : row.overdue_since ? 1 : 2);
  return rows.sort((a, b) => rank(a) - rank(b) || (b.elapsed_s ?? 0) - (a.elapsed_s ?? 0));
}
