import { BadTimes, splitRunId } from '../run-lookups.ts';
import type { ObservedRun, StepRow } from '../source-rows.ts';
import type { PgShape } from './pg-shape.ts';

type Run = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

/** Quoted aliases: PostgreSQL folds unquoted names to lower case. */
const RUN_COLUMNS = `CAST(run_id AS TEXT) AS "runId", coalesce(CAST(pipeline AS TEXT), '') AS pipeline,
  coalesce(CAST(status AS TEXT), '') AS status, created_at AS "createdAt", started_at AS "startedAt",
  updated_at AS "updatedAt", finished_at AS "finishedAt", CAST(artifacts_dir AS TEXT) AS "artifactsDir",
  bad_time AS "badTime"`;
const STEP_COLUMNS = `CAST(run_id AS TEXT) AS "runId", CAST(step_id AS TEXT) AS "stepId",
  coalesce(CAST(name AS TEXT), '') AS name, CAST(coalesce(position, 0) AS INTEGER) AS position,
  coalesce(CAST(status AS TEXT), '') AS status, started_at AS "startedAt", updated_at AS "updatedAt",
  finished_at AS "finishedAt", nullif(trim(CAST(message AS TEXT)), '') AS message,
  bad_time AS "badTime"`;

const INTEGER = /^-?[0-9]{1,18}$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Whether a part of a run id can be bound as the key column's type (else it names no row). */
function fits(value: string, type: string): boolean {
  if (/^(smallint|integer|bigint)$/.test(type)) return INTEGER.test(value);
  if (type === 'uuid') return UUID.test(value);
  return true;
}

/**
 * Runs and steps by run id on PostgreSQL, through the tables' own key columns (`_k0…` of the
 * views), each bound as an array of its column's type so the index on them is used; an id its
 * key does not find (a `/` in an early part) by the whole id, which scans but is rare.
 */
export class PgLookups {
  private readonly shape: PgShape;
  private readonly badTimes: BadTimes;

  constructor(shape: PgShape, warn: (message: string) => void) {
    this.shape = shape;
    this.badTimes = new BadTimes(warn);
  }

  async read(runIds: readonly string[], run: Run): Promise<Map<string, ObservedRun>> {
    const { views, runKeyTypes, stepKeyTypes } = this.shape;
    const result = new Map<string, ObservedRun>();
    const take = (rows: Record<string, unknown>[]) => {
      for (const row of rows as unknown as (ObservedRun & { badTime?: unknown })[]) {
        this.badTimes.note(row, `run ${row.runId}`);
        row.rowid = null;
        row.steps = [];
        result.set(row.runId, row);
      }
    };
    const byKey = this.byKey(runIds, runKeyTypes);
    if (byKey)
      take(await run(`${views}SELECT ${RUN_COLUMNS} FROM runs WHERE ${byKey.where}`, byKey.params));
    const found = new Set(result.keys());
    const missed = runIds.filter((id) => !found.has(id));
    if (missed.length > 0 && (byKey === null || this.shape.keyParts > 1)) {
      take(
        await run(`${views}SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = ANY($1::text[])`, [
          missed,
        ]),
      );
    }
    const addSteps = (rows: Record<string, unknown>[]) => {
      for (const step of rows as unknown as (StepRow & { runId: string; badTime?: unknown })[]) {
        this.badTimes.note(step, `step ${step.stepId} of run ${step.runId}`);
        result.get(step.runId)?.steps.push(step);
      }
    };
    const stepsByKey = this.byKey([...found], stepKeyTypes);
    if (stepsByKey) {
      addSteps(
        await run(
          `${views}SELECT ${STEP_COLUMNS} FROM steps WHERE ${stepsByKey.where}`,
          stepsByKey.params,
        ),
      );
    }
    const byId = [...result.keys()].filter((id) => !found.has(id) || stepsByKey === null);
    if (byId.length > 0) {
      addSteps(
        await run(`${views}SELECT ${STEP_COLUMNS} FROM steps WHERE run_id = ANY($1::text[])`, [
          byId,
        ]),
      );
    }
    return result;
  }

  async existingAmong(runIds: readonly string[], run: Run): Promise<Set<string>> {
    const { views, runKeyTypes } = this.shape;
    const found = new Set<string>();
    const byKey = this.byKey(runIds, runKeyTypes);
    const add = (rows: Record<string, unknown>[]) => {
      for (const row of rows) found.add(String(row.run_id));
    };
    if (byKey)
      add(
        await run(
          `${views}SELECT CAST(run_id AS TEXT) AS run_id FROM runs WHERE ${byKey.where}`,
          byKey.params,
        ),
      );
    const missed = runIds.filter((id) => !found.has(id));
    if (missed.length > 0 && (byKey === null || this.shape.keyParts > 1)) {
      add(
        await run(
          `${views}SELECT CAST(run_id AS TEXT) AS run_id FROM runs WHERE run_id = ANY($1::text[])`,
          [missed],
        ),
      );
    }
    return found;
  }

  /** A page of every run in key order, after the key of the last page's last row. */
  scanPage(after: unknown[] | null, limit: number): { sql: string; params: unknown[] } {
    const { views, runKeyTypes } = this.shape;
    const keys = runKeyTypes.map((_, i) => `_k${i}`);
    const columns = `CAST(run_id AS TEXT) AS run_id, CAST(status AS TEXT) AS status, changed_at AS updated_at, ${keys.join(', ')}`;
    const order = keys.join(', ');
    if (after === null) {
      return {
        sql: `${views}SELECT ${columns} FROM runs ORDER BY ${order} LIMIT $1`,
        params: [limit],
      };
    }
    const bound = runKeyTypes.map((type, i) => `$${i + 1}::${type}`);
    return {
      sql: `${views}SELECT ${columns} FROM runs WHERE (${order}) > (${bound.join(', ')}) ORDER BY ${order} LIMIT $${keys.length + 1}`,
      params: [...after, limit],
    };
  }

  keyOf(row: Record<string, unknown>): unknown[] {
    return this.shape.runKeyTypes.map((_, i) => row[`_k${i}`]);
  }

  /** `(_k0, …) IN (unnest of typed arrays)` for the ids whose parts fit; null without a key. */
  private byKey(
    runIds: readonly string[],
    types: readonly string[],
  ): { where: string; params: unknown[] } | null {
    if (!this.shape.splittable) return null;
    const columns: string[][] = types.map(() => []);
    for (const id of runIds) {
      const parts = splitRunId(id, types.length);
      if (parts === null || !parts.every((part, i) => fits(part, types[i] as string))) continue;
      parts.forEach((part, i) => columns[i]?.push(part));
    }
    if (types.length === 1) return { where: `_k0 = ANY($1::${types[0]}[])`, params: columns };
    const keys = types.map((_, i) => `_k${i}`);
    const arrays = types.map((type, i) => `$${i + 1}::${type}[]`);
    return {
      where: `(${keys.join(', ')}) IN (SELECT * FROM unnest(${arrays.join(', ')}))`,
      params: columns,
    };
  }
}
