import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Outcome, RunCompletedEvent, StepCounts } from '../../../shared/events.ts';
import type { ObservedRun } from '../source/source-rows.ts';
import { parseTimestamp, toIso } from '../time/timestamp.ts';
import { normalizeStatus, summarizeRun } from './run-summary.ts';

export interface FinishedStep {
  step_id: string;
  name: string;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  duration_s: number | null;
  /** Why it failed, where the source says (`steps.message`); absent otherwise. */
  message?: string;
}

/**
 * A finished run as the database held it when its `run_completed` was detected: kept in state.db
 * with its jobs, so its archive and report describe that attempt even if the run is retried or
 * deleted before they are done.
 */
export interface FinishedRun extends StepCounts {
  run_id: string;
  source: string;
  pipeline: string;
  attempt: number;
  outcome: Outcome;
  created_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  duration_s: number | null;
  steps: FinishedStep[];
  /** Absolute; null when the run has none. */
  artifacts_dir: string | null;
}

function iso(value: unknown): string | null {
  const ms = parseTimestamp(value);
  return ms === null ? null : toIso(ms);
}

function durationS(from: unknown, to: unknown): number | null {
  const start = parseTimestamp(from);
  const end = parseTimestamp(to);
  return start === null || end === null || end < start ? null : Math.round(end - start) / 1_000;
}

/**
 * An artifacts path as the database holds it, resolved against the database's folder. A
 * `file:` URI (MLflow's artifact_uri) is its path; any other URI (`s3://…`) is nothing here to
 * archive. A drive letter (`C:`) starts a path, not a scheme.
 */
export function resolveArtifactsDir(value: string | null, dbPath: string): string | null {
  if (value === null || value.trim() === '') return null;
  if (/^file:/i.test(value)) {
    try {
      return fileURLToPath(value);
    } catch {
      return null;
    }
  }
  if (/^[a-z][a-z0-9+.-]+:/i.test(value)) return null;
  return path.resolve(path.dirname(dbPath), value);
}

export type CompletedDraft = Omit<RunCompletedEvent, 'id'>;

type StepRow = ObservedRun['steps'][number];

/**
 * Steps in their order: by position, then (where positions say nothing, as in an orchestrator's
 * store) the order they started in, those not started yet last, then by id.
 */
export function byStepOrder(a: StepRow, b: StepRow): number {
  if (a.position !== b.position) return a.position - b.position;
  const startA = parseTimestamp(a.startedAt) ?? Infinity;
  const startB = parseTimestamp(b.startedAt) ?? Infinity;
  if (startA !== startB) return startA < startB ? -1 : 1;
  return a.stepId.localeCompare(b.stepId);
}

/** A run's steps as read, in their order; a step still running has no duration yet. */
export function stepsOf(observed: ObservedRun): FinishedStep[] {
  return [...observed.steps].sort(byStepOrder).map((step) => ({
    step_id: step.stepId,
    name: step.name,
    status: normalizeStatus(step.status),
    started_at: iso(step.startedAt),
    finished_at: iso(step.finishedAt),
    duration_s: durationS(step.startedAt, step.finishedAt),
    ...(step.message ? { message: step.message } : {}),
  }));
}

export function finishedRunOf(
  observed: ObservedRun,
  completed: CompletedDraft,
  dbPath: string,
): FinishedRun {
  return {
    run_id: completed.run_id,
    source: completed.source,
    pipeline: completed.pipeline,
    attempt: completed.attempt,
    outcome: completed.outcome,
    created_at: iso(observed.createdAt),
    started_at: iso(observed.startedAt),
    finished_at: iso(observed.finishedAt) ?? completed.occurred_at,
    duration_s: completed.duration_s,
    steps: stepsOf(observed),
    steps_total: completed.steps_total,
    steps_succeeded: completed.steps_succeeded,
    steps_failed: completed.steps_failed,
    steps_skipped: completed.steps_skipped,
    steps_cancelled: completed.steps_cancelled,
    artifacts_dir: resolveArtifactsDir(observed.artifactsDir, dbPath),
  };
}

/**
 * A run read now (the `archive` command), if the database says it has finished: by its own
 * status, or with every step terminal.
 */
export function finishedRunFromRead(
  observed: ObservedRun,
  source: string,
  attempt: number,
  dbPath: string,
): FinishedRun | null {
  const summary = summarizeRun(observed);
  const outcome: Outcome | null = summary.runTerminal
    ? (summary.status as Outcome)
    : summary.allStepsTerminal
      ? summary.stepsOutcome
      : null;
  if (outcome === null) return null;
  const { dbStartedAt, dbFinishedAt } = summary;
  const duration =
    dbStartedAt === null || dbFinishedAt === null || dbFinishedAt < dbStartedAt
      ? null
      : Math.round(dbFinishedAt - dbStartedAt) / 1_000;
  const at = toIso(Date.now());
  return finishedRunOf(
    observed,
    {
      type: 'run_completed',
      source,
      at,
      run_id: observed.runId,
      pipeline: observed.pipeline,
      attempt,
      occurred_at: dbFinishedAt === null ? at : toIso(dbFinishedAt),
      outcome,
      duration_s: duration,
      ...summary.counts,
    },
    dbPath,
  );
}

/**
 * Whether two reads describe the same finish of a run: same outcome, start and steps. A run
 * retried in place and finished again differs; a mere touch of its `updated_at` does not.
 */
export function sameFinish(a: FinishedRun, b: FinishedRun): boolean {
  return (
    a.outcome === b.outcome &&
    a.created_at === b.created_at &&
    a.started_at === b.started_at &&
    JSON.stringify(a.steps) === JSON.stringify(b.steps)
  );
}
