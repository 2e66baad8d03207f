import { hash } from 'node:crypto';
import type { ObservedRun } from '../source/source-rows.ts';
import type { RunSummary } from '../model/run-summary.ts';
import type { FinishMark } from '../model/tracked-run.ts';

/** The mark of a finished run as read now. */
export function finishMarkOf(observed: ObservedRun, summary: RunSummary): FinishMark {
  let starts = `${String(observed.startedAt)}\u0001`;
  const steps = [...observed.steps].sort((a, b) =>
    a.stepId < b.stepId ? -1 : a.stepId > b.stepId ? 1 : 0,
  );
  for (const step of steps) {
    // A step that never started (skipped, cancelled, added late) does not change the mark.
    if (step.startedAt === null || step.startedAt === undefined) continue;
    starts += `${step.stepId}\u0000${String(step.startedAt)}\u0001`;
  }
  return {
    start: hash('sha1', starts, 'base64'),
    finished:
      observed.finishedAt === null || observed.finishedAt === undefined
        ? null
        : String(observed.finishedAt),
    finishedAt: summary.dbFinishedAt,
  };
}

/**
 * Whether a run recorded as finished with `before` finished again since: a new start (its own
 * or a step's start time changed) or a new finish time, and a finish later than the recorded
 * one. A row merely touched, a `finished_at` filled in late, or steps settled after the run's
 * status are the same finish.
 */
export function ranAgain(before: FinishMark, now: FinishMark): boolean {
  const later =
    before.finishedAt === null || now.finishedAt === null || now.finishedAt > before.finishedAt;
  const restarted =
    now.start !== before.start ||
    (before.finished !== null && now.finished !== null && now.finished !== before.finished);
  return later && restarted;
}
