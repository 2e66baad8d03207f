import { hash } from 'node:crypto';
import type { Outcome, StepCounts } from '../../../shared/events.ts';
import type { ObservedRun } from '../source/source-rows.ts';
import { parseTimestamp } from '../time/timestamp.ts';

const TERMINAL_RUN = new Set(['succeeded', 'failed', 'cancelled']);
const TERMINAL_STEP = new Set(['succeeded', 'failed', 'skipped', 'cancelled']);
const KNOWN_RUN = new Set(['pending', 'running', ...TERMINAL_RUN]);
const KNOWN_STEP = new Set(['pending', 'running', ...TERMINAL_STEP]);

/** Status values match case-insensitively (ARCHITECTURE.md §3). */
export function normalizeStatus(status: string): string {
  return status.trim().toLowerCase();
}

export function isTerminalRunStatus(status: string): status is Outcome {
  return TERMINAL_RUN.has(status);
}

/** What one read of a run says, independent of what Runwatch knew before. */
export interface RunSummary extends RunPrints {
  status: string;
  runTerminal: boolean;
  counts: StepCounts;
  allStepsTerminal: boolean;
  stepsOutcome: Outcome;
  /** Latest `updated_at` of the run and its steps, by the database's clock. */
  dbProgressAt: number | null;
  dbStartedAt: number | null;
  dbFinishedAt: number | null;
  /** When the last step reached its final state (settle counts from here). */
  dbStepsDoneAt: number | null;
  failedSteps: { stepId: string; name: string }[];
  unknownStatuses: string[];
}

export interface RunPrints {
  /** Changes whenever the run row or any of its steps changes: that is progress. */
  progressPrint: string;
  /** The steps alone: an attempt cannot finish on steps left over from the previous one. */
  stepsPrint: string;
}

function byStepId<T extends { stepId: string }>(a: T, b: T): number {
  return a.stepId < b.stepId ? -1 : a.stepId > b.stepId ? 1 : 0;
}

/**
 * The fingerprints alone, without parsing a timestamp: most reads (a sweep, a deadline) find a
 * run unchanged, and comparing prints is all they need.
 */
export function printsOf(run: ObservedRun): RunPrints {
  // One join of the pieces rather than a string per step and per piece: a first read of a large
  // database prints every run.
  const parts = new Array<string>(run.steps.length * 6);
  let i = 0;
  for (const step of [...run.steps].sort(byStepId)) {
    parts[i++] = step.stepId;
    parts[i++] = '\u0000';
    parts[i++] = normalizeStatus(step.status);
    parts[i++] = '\u0000';
    parts[i++] = String(step.updatedAt);
    parts[i++] = '\u0001';
  }
  const stepsPrint = hash('sha1', parts.join(''), 'base64');
  const status = normalizeStatus(run.status);
  return {
    stepsPrint,
    progressPrint: hash(
      'sha1',
      `${status}\u0000${String(run.updatedAt)}\u0001${stepsPrint}`,
      'base64',
    ),
  };
}

function later(a: number | null, b: number | null): number | null {
  return b !== null && (a === null || b > a) ? b : a;
}

export function summarizeRun(run: ObservedRun): RunSummary {
  const status = normalizeStatus(run.status);
  const unknownStatuses: string[] = [];
  if (!KNOWN_RUN.has(status)) unknownStatuses.push(status);
  const counts: StepCounts = {
    steps_total: run.steps.length,
    steps_succeeded: 0,
    steps_failed: 0,
    steps_skipped: 0,
    steps_cancelled: 0,
  };
  const failedSteps: RunSummary['failedSteps'] = [];
  let allStepsTerminal = run.steps.length > 0;
  const runUpdated = parseTimestamp(run.updatedAt);
  let dbProgressAt = runUpdated;
  let dbStepsDoneAt: number | null = null;
  for (const step of run.steps) {
    const stepStatus = normalizeStatus(step.status);
    if (!KNOWN_STEP.has(stepStatus)) unknownStatuses.push(stepStatus);
    if (!TERMINAL_STEP.has(stepStatus)) allStepsTerminal = false;
    if (stepStatus === 'succeeded') counts.steps_succeeded++;
    if (stepStatus === 'failed') {
      counts.steps_failed++;
      failedSteps.push({ stepId: step.stepId, name: step.name });
    }
    if (stepStatus === 'skipped') counts.steps_skipped++;
    if (stepStatus === 'cancelled') counts.steps_cancelled++;
    const updated = parseTimestamp(step.updatedAt);
    dbProgressAt = later(dbProgressAt, updated);
    dbStepsDoneAt = later(dbStepsDoneAt, parseTimestamp(step.finishedAt) ?? updated);
  }
  const stepsOutcome: Outcome =
    counts.steps_failed > 0 ? 'failed' : counts.steps_cancelled > 0 ? 'cancelled' : 'succeeded';
  return {
    status,
    runTerminal: TERMINAL_RUN.has(status),
    counts,
    allStepsTerminal,
    stepsOutcome,
    ...printsOf(run),
    dbProgressAt,
    dbStartedAt: parseTimestamp(run.startedAt) ?? parseTimestamp(run.createdAt),
    dbFinishedAt:
      parseTimestamp(run.finishedAt) ?? (allStepsTerminal ? dbStepsDoneAt : null) ?? runUpdated,
    dbStepsDoneAt,
    failedSteps,
    unknownStatuses,
  };
}
