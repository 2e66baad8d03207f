import type { EventDraft, Outcome } from '../../../shared/events.ts';
import {
  isTerminalRunStatus,
  printsOf,
  summarizeRun,
  type RunSummary,
} from '../model/run-summary.ts';
import type { StallRecord, TrackedRun } from '../model/tracked-run.ts';
import type { ObservedRun } from '../source/source-rows.ts';
import { toIso } from '../time/timestamp.ts';
import { finishMarkOf, ranAgain } from './finish-mark.ts';

export interface PipelineThresholds {
  stallAfter: number;
  maxDuration: number | null;
}

export interface DetectContext {
  now: number;
  source: string;
  /**
   * True when this read follows a change Runwatch just saw: progress it finds counts from now.
   * False for the first look after a start, where progress counts from the database's time.
   */
  live: boolean;
  /** Whether a run finishes when all its steps have, or only by its own status (a profile's). */
  finishOnSteps: boolean;
  settle: number;
  staleAfter: number;
  maxAlertAge: number;
  thresholds: (pipeline: string) => PipelineThresholds;
  /** A database time on Runwatch's clock: the learned writer offset added, clamped to now. */
  toLocal: (dbMs: number | null) => number | null;
}

export interface Transition {
  run: TrackedRun | null;
  events: EventDraft[];
  /** Stalls that began or ended in this read. */
  stalls: StallRecord[];
  /** The run changed in a way state.db must keep (not mere progress). */
  persist: boolean;
  /** A new stall, overdue or attempt began: an earlier acknowledgement no longer covers it. */
  resetAck: boolean;
  /** Status values outside the known ones (they count as not finished). */
  unknownStatuses: string[];
}

type Extra<T extends EventDraft['type']> = Omit<
  Extract<EventDraft, { type: T }>,
  'type' | 'source' | 'at' | 'run_id' | 'pipeline' | 'attempt' | 'occurred_at' | 'late'
>;

function seconds(ms: number): number {
  return Math.round(ms) / 1_000;
}

class Detection {
  readonly events: EventDraft[] = [];
  readonly stalls: StallRecord[] = [];
  persist = false;
  resetAck = false;
  unknownStatuses: string[] = [];
  readonly ctx: DetectContext;

  constructor(ctx: DetectContext) {
    this.ctx = ctx;
  }

  emit<T extends EventDraft['type']>(
    type: T,
    run: TrackedRun,
    occurredAt: number | null,
    extra: Extra<T>,
  ): void {
    const { now, source, maxAlertAge } = this.ctx;
    const occurred = occurredAt === null ? now : Math.min(occurredAt, now);
    const event = {
      type,
      source,
      at: toIso(now),
      run_id: run.runId,
      pipeline: run.pipeline,
      attempt: run.attempt,
      occurred_at: toIso(occurred),
      ...(now - occurred > maxAlertAge ? { late: true as const } : {}),
      ...extra,
    } as EventDraft;
    this.events.push(event);
    this.persist = true;
  }

  result(run: TrackedRun | null): Transition {
    return {
      run,
      events: this.events,
      stalls: this.stalls,
      persist: this.persist,
      resetAck: this.resetAck,
      unknownStatuses: this.unknownStatuses,
    };
  }

  summarize(observed: ObservedRun): RunSummary {
    const summary = summarizeRun(observed);
    this.unknownStatuses = summary.unknownStatuses;
    return summary;
  }
}

function dbTime(ctx: DetectContext, dbMs: number | null): number {
  return ctx.toLocal(dbMs) ?? ctx.now;
}

/** Whether this read finishes the run, and how; waits out `settle` for finishes by steps. */
function finishOf(run: TrackedRun, summary: RunSummary, ctx: DetectContext): Outcome | null {
  if (isTerminalRunStatus(summary.status)) return summary.status;
  if (!ctx.finishOnSteps) return null;
  const fresh = run.attemptPrint === null || summary.stepsPrint !== run.attemptPrint;
  if (!summary.allStepsTerminal || !fresh) {
    run.stepsDoneSince = null;
    return null;
  }
  if (ctx.settle <= 0) return summary.stepsOutcome;
  run.stepsDoneSince ??= ctx.live ? ctx.now : dbTime(ctx, summary.dbStepsDoneAt);
  return ctx.now - run.stepsDoneSince >= ctx.settle ? summary.stepsOutcome : null;
}

function endStall(run: TrackedRun, d: Detection): void {
  if (run.stallSince === null) return;
  d.stalls.push({
    runId: run.runId,
    attempt: run.attempt,
    startedAt: run.stallSince,
    endedAt: d.ctx.now,
    progressAt: run.lastProgressAt,
  });
  run.stallSince = null;
  d.persist = true;
}

function complete(
  run: TrackedRun,
  observed: ObservedRun,
  summary: RunSummary,
  outcome: Outcome,
  d: Detection,
): void {
  const { ctx } = d;
  endStall(run, d);
  const finishedAt = dbTime(ctx, summary.dbFinishedAt);
  let duration: number | null = null;
  if (summary.dbFinishedAt !== null && summary.dbStartedAt !== null) {
    duration = summary.dbFinishedAt - summary.dbStartedAt;
  } else if (run.startedAt !== null) {
    duration = finishedAt - run.startedAt;
  }
  run.phase = 'finished';
  run.outcome = outcome;
  run.finishedAt = finishedAt;
  run.stepsDoneSince = null;
  run.finishMark = finishMarkOf(observed, summary);
  d.emit('run_completed', run, finishedAt, {
    outcome,
    duration_s: duration === null || duration < 0 ? null : seconds(duration),
    ...summary.counts,
  });
}

/** Stalls and overdue runs: judged only on a fresh read, never from memory alone. */
function checkTime(run: TrackedRun, d: Detection): void {
  const { ctx } = d;
  if (run.phase !== 'active' || run.stale || run.status !== 'running') return;
  const { stallAfter, maxDuration } = ctx.thresholds(run.pipeline);
  const idle = ctx.now - run.lastProgressAt;
  if (run.stallSince === null && idle >= stallAfter) {
    run.stallSince = Math.min(ctx.now, run.lastProgressAt + stallAfter);
    d.stalls.push({
      runId: run.runId,
      attempt: run.attempt,
      startedAt: run.stallSince,
      endedAt: null,
      progressAt: run.lastProgressAt,
    });
    d.resetAck = true;
    d.emit('run_stalled', run, run.stallSince, {
      idle_s: seconds(idle),
      last_progress_at: toIso(run.lastProgressAt),
    });
  }
  if (maxDuration !== null && run.overdueAt === null && run.startedAt !== null) {
    const runningFor = ctx.now - run.startedAt;
    if (runningFor >= maxDuration) {
      run.overdueAt = ctx.now;
      d.resetAck = true;
      d.emit('run_overdue', run, run.startedAt + maxDuration, {
        running_for_s: seconds(runningFor),
      });
    }
  }
}

/** Each step that turns failed is reported once; a step reset and failed again is reported again. */
function reportFailedSteps(run: TrackedRun, summary: RunSummary, d: Detection): void {
  const failedNow = new Set(summary.failedSteps.map((step) => step.stepId));
  if (run.failedSteps.some((stepId) => !failedNow.has(stepId))) {
    run.failedSteps = run.failedSteps.filter((stepId) => failedNow.has(stepId));
    d.persist = true;
  }
  for (const step of summary.failedSteps) {
    if (run.failedSteps.includes(step.stepId)) continue;
    run.failedSteps = [...run.failedSteps, step.stepId];
    d.emit('step_failed', run, null, { step_id: step.stepId, step_name: step.name });
  }
}

/** An active run read again (or `null`: it is gone from the database). */
function observeActive(
  previous: TrackedRun,
  observed: ObservedRun | null,
  d: Detection,
): TrackedRun {
  const { ctx } = d;
  const run: TrackedRun = { ...previous };
  if (!observed) {
    endStall(run, d);
    run.phase = 'removed';
    d.emit('run_removed', run, null, {});
    return run;
  }
  if (
    run.stepsDoneSince === null &&
    observed.pipeline === run.pipeline &&
    printsOf(observed).progressPrint === run.print
  ) {
    // Unchanged since the last read: only time has moved.
    checkTime(run, d);
    return run;
  }
  const summary = d.summarize(observed);
  run.pipeline = observed.pipeline;
  if (run.status !== summary.status) {
    if (run.startedAt === null && summary.status === 'running') {
      run.startedAt = ctx.live ? ctx.now : dbTime(ctx, summary.dbStartedAt);
    }
    run.status = summary.status;
  }
  const progressed = summary.progressPrint !== run.print;
  if (progressed) {
    run.print = summary.progressPrint;
    const at = ctx.live ? ctx.now : dbTime(ctx, summary.dbProgressAt);
    run.lastProgressAt = Math.max(run.lastProgressAt, at);
    if (run.stale) {
      run.stale = false;
      d.persist = true;
    }
  }
  const outcome = finishOf(run, summary, ctx);
  if (outcome) {
    complete(run, observed, summary, outcome, d);
    return run;
  }
  if (progressed && run.stallSince !== null) {
    const since = run.stallSince;
    endStall(run, d);
    d.emit('run_recovered', run, run.lastProgressAt, {
      stalled_for_s: seconds(Math.max(0, run.lastProgressAt - since)),
    });
  }
  reportFailedSteps(run, summary, d);
  checkTime(run, d);
  return run;
}

/**
 * A finished run read again: it stays finished unless it became active, or finished again since
 * it was recorded (retried in place while nobody watched): either is a new attempt.
 */
function observeFinished(previous: TrackedRun, observed: ObservedRun, d: Detection): TrackedRun {
  const summary = d.summarize(observed);
  const finishedByStatus = isTerminalRunStatus(previous.status);
  const reactivated = !summary.runTerminal && (finishedByStatus || !summary.allStepsTerminal);
  if (reactivated) return startAttempt(observed, summary, previous.attempt + 1, d);
  const mark = finishMarkOf(observed, summary);
  if (previous.finishMark === null) {
    // Recorded before finishes were marked: this read is the finish to compare with.
    d.persist = true;
    return { ...previous, finishMark: mark };
  }
  if (!ranAgain(previous.finishMark, mark)) return previous;
  return finishedAgain(observed, summary, previous.attempt + 1, d);
}

/** An attempt that started and finished between two reads: only its completion is reported. */
function finishedAgain(
  observed: ObservedRun,
  summary: RunSummary,
  attempt: number,
  d: Detection,
): TrackedRun {
  const run = trackedFrom(observed, summary, attempt, d.ctx);
  if (summary.dbStartedAt !== null) run.startedAt = dbTime(d.ctx, summary.dbStartedAt);
  run.failedSteps = summary.failedSteps.map((step) => step.stepId);
  d.resetAck = true;
  const outcome = summary.runTerminal ? (summary.status as Outcome) : summary.stepsOutcome;
  complete(run, observed, summary, outcome, d);
  return run;
}

/** A run as first read (or read again as a new attempt), before any rule has acted on it. */
function trackedFrom(
  observed: ObservedRun,
  summary: RunSummary,
  attempt: number,
  ctx: DetectContext,
): TrackedRun {
  return {
    runId: observed.runId,
    pipeline: observed.pipeline,
    attempt,
    phase: 'active',
    status: summary.status,
    stale: false,
    print: summary.progressPrint,
    attemptPrint: null,
    lastProgressAt: dbTime(ctx, summary.dbProgressAt),
    startedAt: summary.status === 'running' ? dbTime(ctx, summary.dbStartedAt) : null,
    stallSince: null,
    overdueAt: null,
    failedSteps: [],
    outcome: null,
    finishedAt: null,
    stepsDoneSince: null,
    finishMark: null,
  };
}

function startAttempt(
  observed: ObservedRun,
  summary: RunSummary,
  attempt: number,
  d: Detection,
): TrackedRun {
  const run = trackedFrom(observed, summary, attempt, d.ctx);
  // Steps still failed from the previous attempt were reported then; this attempt must not
  // finish on the steps it inherited.
  run.failedSteps = summary.failedSteps.map((step) => step.stepId);
  if (attempt > 1) {
    run.attemptPrint = summary.stepsPrint;
    if (run.startedAt !== null) run.startedAt = Math.max(run.startedAt, run.lastProgressAt);
  }
  d.resetAck = true;
  d.persist = true;
  d.emit('run_started', run, run.startedAt ?? run.lastProgressAt, { status: summary.status });
  return run;
}

export interface NewRunOptions {
  /** Attempts this run id had before (a run that vanished and came back). */
  priorAttempts: number;
  /** First start without --backfill, or history: a run already finished is recorded silently. */
  silentIfFinished: boolean;
  /**
   * The run existed before Runwatch first started and was not active then: if it is active now,
   * it was retried in place, so this is at least its second attempt.
   */
  historical: boolean;
}

/** A run Runwatch has not tracked before. */
function observeNew(observed: ObservedRun, options: NewRunOptions, d: Detection): TrackedRun {
  const { ctx } = d;
  const summary = d.summarize(observed);
  const draft = trackedFrom(observed, summary, options.priorAttempts + 1, ctx);
  const outcome = finishOf(draft, summary, { ...ctx, live: false });
  if (outcome) {
    draft.failedSteps = summary.failedSteps.map((step) => step.stepId);
    if (options.silentIfFinished) {
      d.persist = true;
      return {
        ...draft,
        phase: 'finished',
        outcome,
        finishedAt: dbTime(ctx, summary.dbFinishedAt),
        finishMark: finishMarkOf(observed, summary),
      };
    }
    complete(draft, observed, summary, outcome, d);
    return draft;
  }
  if (options.historical) {
    const run = startAttempt(observed, summary, Math.max(2, options.priorAttempts + 1), d);
    checkTime(run, d);
    return run;
  }
  d.persist = true;
  if (summary.status === 'running' && ctx.now - draft.lastProgressAt > ctx.staleAfter) {
    return { ...draft, stale: true };
  }
  d.resetAck = true;
  d.emit('run_started', draft, draft.startedAt ?? dbTime(ctx, summary.dbStartedAt), {
    status: summary.status,
  });
  reportFailedSteps(draft, summary, d);
  checkTime(draft, d);
  return draft;
}

/**
 * The rules of ARCHITECTURE.md §3: what one fresh read of a run means, given what was known.
 * Pure: the monitor supplies the clock, the thresholds and the writer's clock offset.
 */
export function detect(
  known: TrackedRun | null,
  observed: ObservedRun | null,
  ctx: DetectContext,
  newRun: NewRunOptions = { priorAttempts: 0, silentIfFinished: false, historical: false },
): Transition {
  const d = new Detection(ctx);
  if (!known || known.phase === 'removed') {
    if (!observed) return d.result(known);
    const options = known ? { ...newRun, priorAttempts: known.attempt } : newRun;
    return d.result(observeNew(observed, options, d));
  }
  if (known.phase === 'finished') {
    if (!observed) return d.result(known);
    return d.result(observeFinished(known, observed, d));
  }
  return d.result(observeActive(known, observed, d));
}

/** When this run next needs a fresh read: its stall, overdue or settle deadline. */
export function nextDeadline(
  run: TrackedRun,
  ctx: Pick<DetectContext, 'thresholds' | 'settle'>,
): number | null {
  if (run.phase !== 'active') return null;
  const candidates: number[] = [];
  if (run.stepsDoneSince !== null) candidates.push(run.stepsDoneSince + ctx.settle);
  if (!run.stale && run.status === 'running') {
    const { stallAfter, maxDuration } = ctx.thresholds(run.pipeline);
    if (run.stallSince === null) candidates.push(run.lastProgressAt + stallAfter);
    if (maxDuration !== null && run.overdueAt === null && run.startedAt !== null) {
      candidates.push(run.startedAt + maxDuration);
    }
  }
  return candidates.length > 0 ? Math.min(...candidates) : null;
}
