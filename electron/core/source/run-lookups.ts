import type Database from 'better-sqlite3';
import type { ObservedRun, StepRow } from './source-rows.ts';
import type { SourceShape } from './source-shape.ts';

/** Columns read straight into the shapes of source-rows.ts, text where text is expected. */
const RUN_COLUMNS = `CAST(run_id AS TEXT) AS runId, coalesce(CAST(pipeline AS TEXT), '') AS pipeline,
  coalesce(CAST(status AS TEXT), '') AS status, created_at AS createdAt, started_at AS startedAt,
  updated_at AS updatedAt, finished_at AS finishedAt, CAST(artifacts_dir AS TEXT) AS artifactsDir`;
/** The step columns, the optional `message` read only where the table has it. */
const stepColumns = (message: boolean) => `CAST(run_id AS TEXT) AS runId,
  CAST(step_id AS TEXT) AS stepId, coalesce(CAST(name AS TEXT), '') AS name,
  CAST(coalesce(position, 0) AS INTEGER) AS position, coalesce(CAST(status AS TEXT), '') AS status,
  started_at AS startedAt, updated_at AS updatedAt, finished_at AS finishedAt,
  ${message ? `nullif(trim(CAST(message AS TEXT)), '')` : 'NULL'} AS message`;

const BY_RUN_ID = `run_id IN (SELECT value FROM json_each(?))`;

/** `(_k0, …) IN …` for a profile's views: the table's own key columns, so its index is used. */
function byKey(parts: number): string {
  if (parts === 1) return `_k0 IN (SELECT value FROM json_each(?))`;
  const keys = Array.from({ length: parts }, (_, i) => `_k${i}`);
  const values = keys.map((_, i) => `value->>${i}`);
  return `(${keys.join(', ')}) IN (SELECT ${values.join(', ')} FROM json_each(?))`;
}

/** A run id's parts, split at its first slashes; null when it has too few. */
export function splitRunId(runId: string, parts: number): string[] | null {
  const split: string[] = [];
  let rest = runId;
  for (let i = 1; i < parts; i++) {
    const slash = rest.indexOf('/');
    if (slash < 0) return null;
    split.push(rest.slice(0, slash));
    rest = rest.slice(slash + 1);
  }
  split.push(rest);
  return split;
}

type StepWithRun = StepRow & { runId: string };

/** Names, once per column, a timestamp a profile's encoding cannot read (a view's `bad_time`). */
export class BadTimes {
  private readonly warn: (message: string) => void;
  private readonly named = new Set<string>();

  constructor(warn: (message: string) => void) {
    this.warn = warn;
  }

  /** Names the row's unreadable timestamp if its column was not named yet; drops the note. */
  note(row: { badTime?: unknown }, whose: string): void {
    const bad = row.badTime;
    delete row.badTime;
    if (typeof bad !== 'string') return;
    const column = bad.slice(0, bad.indexOf(' ('));
    if (this.named.has(column)) return;
    this.named.add(column);
    this.warn(`${bad} (${whose}) is not a timestamp in that encoding: read as no time`);
  }
}

/** A part that a column without a type may hold as a number. */
const INTEGER = /^-?[1-9][0-9]{0,14}$|^0$/;

/**
 * Runs and their steps by run id. The default schema is read by `run_id`; a profile's views by
 * the parts of the id through the table's own key columns, and an id not found that way (one
 * whose first parts hold a `/`) by the whole id, which scans but is rare.
 */
export class RunLookups {
  private readonly keyParts: number | null;
  private readonly runs: { byKey: Database.Statement; byId: Database.Statement };
  private readonly steps: { byKey: Database.Statement; byId: Database.Statement };
  private readonly existing: { byKey: Database.Statement; byId: Database.Statement };

  private readonly badTimes: BadTimes;

  constructor(
    db: Database.Database,
    shape: SourceShape,
    options: {
      runRowid: boolean;
      stepMessage: boolean;
      /** Hears a timestamp a profile's encoding cannot read (read as no time). */
      warn: (message: string) => void;
    },
  ) {
    this.keyParts = shape.native || !shape.splittable ? null : shape.keyParts;
    this.badTimes = new BadTimes(options.warn);
    const key = this.keyParts === null ? BY_RUN_ID : byKey(this.keyParts);
    // A profile's views name a timestamp they could not read; the default schema's are parsed later.
    const badTime = shape.native ? '' : ', bad_time AS badTime';
    const runs = (where: string) =>
      db.prepare(
        `SELECT ${options.runRowid ? 'rowid' : 'NULL'} AS rowid, ${RUN_COLUMNS}${badTime} FROM runs WHERE ${where}`,
      );
    const steps = (where: string) =>
      db.prepare(`SELECT ${stepColumns(options.stepMessage)}${badTime} FROM steps WHERE ${where}`);
    const existing = (where: string) =>
      db.prepare(`SELECT CAST(run_id AS TEXT) FROM runs WHERE ${where}`).pluck();
    this.runs = { byKey: runs(key), byId: runs(BY_RUN_ID) };
    this.steps = { byKey: steps(key), byId: steps(BY_RUN_ID) };
    this.existing = { byKey: existing(key), byId: existing(BY_RUN_ID) };
  }

  /** Runs with their steps; call inside one read transaction. */
  read(runIds: readonly string[]): Map<string, ObservedRun> {
    const result = new Map<string, ObservedRun>();
    const take = (statement: Database.Statement, ids: string) => {
      for (const run of statement.all(ids) as (ObservedRun & { badTime?: unknown })[]) {
        this.badTimes.note(run, `run ${run.runId}`);
        run.steps = [];
        result.set(run.runId, run);
      }
    };
    take(this.runs.byKey, this.keys(runIds));
    const byKey = new Set(result.keys());
    const missed = this.missed(runIds, result);
    if (missed !== null) take(this.runs.byId, missed);
    const addSteps = (rows: (StepWithRun & { badTime?: unknown })[]) => {
      for (const step of rows) {
        this.badTimes.note(step, `step ${step.stepId} of run ${step.runId}`);
        result.get(step.runId)?.steps.push(step);
      }
    };
    addSteps(this.steps.byKey.all(this.keys([...byKey])) as StepWithRun[]);
    // A run its key did not find (a `/` in an early part of its id): its steps by its whole id.
    const byId = [...result.keys()].filter((id) => !byKey.has(id));
    if (byId.length > 0) addSteps(this.steps.byId.all(JSON.stringify(byId)) as StepWithRun[]);
    return result;
  }

  existingAmong(runIds: readonly string[]): Set<string> {
    const found = new Set(this.existing.byKey.all(this.keys(runIds)) as string[]);
    const missed = this.missed(runIds, found);
    if (missed !== null) for (const id of this.existing.byId.all(missed) as string[]) found.add(id);
    return found;
  }

  /**
   * The ids as the lookup by key takes them. A part that reads as a number is given both as text
   * and as a number: a column without a type holds either, and SQLite compares it to each as is.
   */
  private keys(runIds: readonly string[]): string {
    if (this.keyParts === null) return JSON.stringify(runIds);
    const parts = this.keyParts;
    const keys = runIds.flatMap((id): unknown[] => {
      const split = splitRunId(id, parts);
      if (split === null) return [];
      const variants = split.reduce<(string | number)[][]>(
        (done, part) =>
          done.flatMap((prefix) =>
            INTEGER.test(part)
              ? [
                  [...prefix, part],
                  [...prefix, Number(part)],
                ]
              : [[...prefix, part]],
          ),
        [[]],
      );
      return parts === 1 ? variants.map((variant) => variant[0]) : variants;
    });
    return JSON.stringify(keys);
  }

  /** Ids the lookup by key did not find, for the lookup by whole id; null when there are none. */
  private missed(runIds: readonly string[], found: { has(id: string): boolean }): string | null {
    if (this.keyParts === null) return null;
    const missed = runIds.filter((id) => !found.has(id));
    return missed.length === 0 ? null : JSON.stringify(missed);
  }
}
