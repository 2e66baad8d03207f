import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { EventFiles, eventFile, type EventFile } from './event-files.ts';
import type { SourceProfile, StepStatus, StepsMapping } from './profile/source-profile.ts';
import { splitRunId } from './run-lookups.ts';
import type { ChangedRow, ObservedRun, StepRow } from './source-rows.ts';

export interface FoldedStep {
  stepId: string;
  name: string;
  position: number;
  status: StepStatus | null;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number | null;
  message: string | null;
}

/** One run's steps, folded from its events up to `after` (the last order value read). */
export interface RunEvents {
  after: unknown;
  steps: Map<string, FoldedStep>;
  /** The newest event of the run, any kind: its progress. */
  lastAt: number | null;
  /** Its file's size and time when last read (files of their own per run). */
  stamp: string | null;
  /** When to read it once more although its stamp did not move (see RECHECK_MS); or null. */
  recheckAt: number | null;
}

export interface EventRow {
  ord: unknown;
  run_id: string | null;
  step_id: string | null;
  name: string | null;
  type: string | null;
  at: number | null;
  message: string | null;
}

/** Events read per statement; a run with more is read in several. */
export const EVENT_PAGE = 5_000;
/** Runs whose folded steps are kept; one dropped is folded again from its first event. */
export const KEPT_RUNS = 5_000;
/**
 * A file is read once more this long after its size or time last moved: a commit is in a WAL
 * file (which moves the stamp) before readers can see it, and nothing moves when it is
 * published (`-shm` only), so a read in between would miss it for good.
 */
const RECHECK_MS = 1_000;
const FINISHED_STEP = new Set<StepStatus>(['succeeded', 'failed', 'cancelled', 'skipped']);
export const FINISHED_RUN = new Set(['succeeded', 'failed', 'cancelled']);

export const later = (a: number | null, b: number | null) =>
  b !== null && (a === null || b > a) ? b : a;

function stampOf(file: string | null): string {
  if (file === null) return 'none';
  const db = fs.statSync(file, { throwIfNoEntry: false });
  const wal = fs.statSync(`${file}-wal`, { throwIfNoEntry: false });
  return `${db?.size}:${db?.mtimeMs}:${wal?.size}:${wal?.mtimeMs}`;
}

/**
 * Steps given as events (a profile's `steps.events`, Dagster's event log): each run's events
 * are folded into its steps as they are appended — a step's status is the newest of its events
 * whose type the status map names, its start the first that means running, its end the one that
 * finished it, its progress its newest event of any kind — reading each event once. The events
 * are in the database, in one file beside it, or in a file per run (opened only while the run
 * is read, a few at a time: event-files.ts).
 */
export class EventSteps {
  private readonly steps: StepsMapping;
  private readonly parts: number;
  private readonly files: EventFiles | null;
  private readonly shared: EventFile | null;
  private readonly runs = new Map<string, RunEvents>();
  /** How far the shared table of events has been read, in its order. */
  private after: unknown = -Infinity;
  /** Counts the commits to files of events that the database's own version does not see. */
  private moved = 0;
  private readonly changedRuns = new Set<string>();
  /** The one shared file's size and time when last looked at. */
  private sharedStamp: string | null = null;
  /** When to read the shared file once more although its stamp did not move; or null. */
  private sharedRecheckAt: number | null = null;

  constructor(options: {
    db: Database.Database;
    dbPath: string;
    profile: SourceProfile;
    text: string | null;
    /** Whether the database itself has the events table. */
    inDatabase: boolean;
    warn: (message: string) => void;
  }) {
    const { profile } = options;
    if (!profile.steps?.events) throw new Error(`${profile.name} has no steps as events`);
    this.steps = profile.steps;
    this.parts = profile.runs.id.length;
    this.files = options.inDatabase
      ? null
      : new EventFiles({
          dbPath: options.dbPath,
          profile,
          text: options.text,
          warn: options.warn,
        });
    this.shared = options.inDatabase ? eventFile(options.db, profile) : null;
  }

  /** The folder a watch should cover for files of events, or null when they are in the database. */
  get folder(): string | null {
    return this.files?.directory ?? null;
  }

  /** Files of events open now. */
  get openFiles(): number {
    return this.files?.openCount ?? 0;
  }

  /** From now on, changes are those after now; every run is folded again when next read. */
  mark(): void {
    this.runs.clear();
    this.changedRuns.clear();
    const shared = this.sharedFile();
    this.after = shared ? (shared.last.get() ?? -Infinity) : -Infinity;
  }

  /**
   * Changes whenever a file of events the database's own `data_version` does not cover was
   * written: the files of the runs being followed are looked at (their size and time).
   */
  version(): number {
    const files = this.files;
    if (files === null) return 0;
    const now = performance.now();
    const due = (at: number | null) => at !== null && now >= at;
    if (!files.perRun) {
      const stamp = stampOf(files.pathOf(''));
      if (stamp !== this.sharedStamp) {
        this.sharedStamp = stamp;
        this.sharedRecheckAt = now + RECHECK_MS;
        this.moved++;
      } else if (due(this.sharedRecheckAt)) {
        this.sharedRecheckAt = null;
        this.moved++;
      }
      return this.moved;
    }
    for (const [runId, run] of this.runs) {
      if (this.changedRuns.has(runId)) continue;
      if (stampOf(files.pathOf(runId)) === run.stamp && !due(run.recheckAt)) continue;
      this.changedRuns.add(runId);
      this.moved++;
    }
    return this.moved;
  }

  /**
   * The runs whose events moved since the last call, as change rows (one per run: the monitor
   * then reads the run): new events of the shared table, or of the files `version` saw written.
   */
  changes(): ChangedRow[] {
    const dirty = new Set(this.changedRuns);
    this.changedRuns.clear();
    const shared = this.sharedFile();
    if (shared) {
      for (;;) {
        const rows = shared.after.all(this.after, EVENT_PAGE) as {
          ord: unknown;
          run_id: unknown;
        }[];
        for (const row of rows) {
          if (row.run_id !== null) dirty.add(String(row.run_id));
          this.after = row.ord;
        }
        if (rows.length < EVENT_PAGE) break;
      }
    }
    const changed: ChangedRow[] = [];
    for (const runId of dirty) {
      const before = this.runs.get(runId)?.after;
      const run = this.fold(runId);
      if (run === null || run.after === before) continue;
      changed.push(eventChange(runId, run));
    }
    return changed;
  }

  /**
   * Gives each run its steps from its events, and its newest event as progress. A finished
   * run's events are let go (its file closed): they do not change once it has finished.
   */
  addTo(runs: ReadonlyMap<string, ObservedRun>): void {
    for (const [runId, observed] of runs) {
      const run = this.fold(runId);
      if (run === null) continue;
      giveSteps(observed, run);
      if (FINISHED_RUN.has(observed.status)) {
        this.runs.delete(runId);
        this.files?.release(runId);
      }
    }
  }

  close(): void {
    this.files?.close();
    this.runs.clear();
  }

  private sharedFile(): EventFile | null {
    if (this.shared) return this.shared;
    if (this.files && !this.files.perRun) return this.files.get('');
    return null;
  }

  /** Reads a run's events after those folded (all of them the first time) into its steps. */
  private fold(runId: string): RunEvents | null {
    let run = this.runs.get(runId);
    if (run) {
      this.runs.delete(runId);
    } else {
      run = newRunEvents();
    }
    this.runs.set(runId, run);
    // Its file as it is now, before the read: unchanged since the last read (and no second look
    // due), nothing to read.
    const now = performance.now();
    const stamp = this.files?.perRun ? stampOf(this.files.pathOf(runId)) : null;
    const recheck = run.recheckAt !== null && now >= run.recheckAt;
    if (stamp !== null && stamp === run.stamp && !recheck) return run;
    while (this.runs.size > KEPT_RUNS) {
      const oldest = this.runs.keys().next().value as string;
      this.runs.delete(oldest);
      this.files?.release(oldest);
    }
    const file = this.shared ?? this.files?.get(runId) ?? null;
    const parts = splitRunId(runId, this.parts);
    if (file !== null && parts !== null) {
      for (;;) {
        const rows = file.ofRun.all(...parts, run.after, EVENT_PAGE) as EventRow[];
        for (const row of rows) applyEvent(this.steps, run, row);
        if (rows.length < EVENT_PAGE) break;
      }
    } else if (this.files?.busy(runId)) {
      // Busy a moment: read again at the next look, the stamp not taken.
      return run;
    }
    // Read to its end, or there is nothing to read yet (no file, or one that does not fit):
    // the file as stamped is done with, but for one more look a little later.
    if (recheck) run.recheckAt = null;
    if (stamp !== null && stamp !== run.stamp) {
      run.stamp = stamp;
      run.recheckAt = now + RECHECK_MS;
    }
    return run;
  }
}

/** A run whose events moved, as a change row: the monitor then reads the run. */
export function eventChange(runId: string, run: RunEvents): ChangedRow {
  return {
    table: 'steps',
    rowid: null,
    runId,
    key: `${runId}\u0000`,
    status: '',
    updatedAt: run.after,
    writtenAt: run.lastAt,
  };
}

/** A run not folded yet: nothing read. */
export function newRunEvents(): RunEvents {
  return { after: -Infinity, steps: new Map(), lastAt: null, stamp: null, recheckAt: null };
}

/** Gives a run read by key its steps from its folded events, and its newest event as progress. */
export function giveSteps(observed: ObservedRun, run: RunEvents): void {
  observed.steps = [...run.steps.values()].flatMap((step): StepRow[] =>
    step.status === null
      ? []
      : [
          {
            stepId: step.stepId,
            name: step.name,
            position: step.position,
            status: step.status,
            startedAt: step.startedAt,
            updatedAt: step.updatedAt,
            finishedAt: step.finishedAt,
            message: step.message,
          },
        ],
  );
  // The views give epoch milliseconds, or NULL.
  const own = observed.updatedAt;
  if (typeof own === 'number' || own === null) observed.updatedAt = later(own, run.lastAt);
}

/** Folds one event into its run: the step it names takes the status its type maps to. */
export function applyEvent(steps: StepsMapping, run: RunEvents, event: EventRow): void {
  run.after = event.ord;
  run.lastAt = later(run.lastAt, event.at);
  if (event.step_id === null || event.step_id === '') return;
  let step = run.steps.get(event.step_id);
  if (!step) {
    step = {
      stepId: event.step_id,
      name: event.name ?? event.step_id,
      position: run.steps.size,
      status: null,
      startedAt: null,
      finishedAt: null,
      updatedAt: null,
      message: null,
    };
    run.steps.set(event.step_id, step);
  }
  step.updatedAt = later(step.updatedAt, event.at);
  const mapping = steps.status;
  const status =
    event.type === null
      ? mapping.ifNull
      : (mapping.map.get(event.type.trim().toLowerCase()) ?? null);
  if (status === null) return;
  step.status = status;
  if (status === 'running' && step.startedAt === null) step.startedAt = event.at;
  step.finishedAt = FINISHED_STEP.has(status) ? event.at : null;
  if (status === 'failed' && event.message !== null) step.message = event.message;
}
