/**
 * How a PostgreSQL database is read: which profile fits it (named, or recognised among the
 * built-in ones, Runwatch's own schema first), and the SQL that reads it through that profile.
 * The profile's `runs` and `steps` are common table expressions at the head of each query, so
 * nothing is ever created on the server; PostgreSQL inlines them, and a condition on a view's
 * `_k…` or `changed_at` column reaches the table's own index.
 */
import { formatProblem, locateProblems } from '../../config/yaml-validate.ts';
import { builtinProfiles } from '../builtin-profiles.ts';
import { checkProfile, matchesProfile, type Catalog } from '../profile/profile-check.ts';
import {
  profileSelects,
  stepEventsSql,
  type ColumnKind,
  type DatabaseFacts,
  type TableFacts,
} from '../profile/profile-views.ts';
import type { SchemaChoice, SourceProfile, StepsMapping } from '../profile/source-profile.ts';
import type { MissingIndex, SourceTable } from '../schema-check.ts';
import { SourceError } from '../source-error.ts';
import { lookedFor, type SourceShape } from '../source-shape.ts';
import type { PerTable } from '../updated-reads.ts';
import type { PgCatalog } from './pg-catalog.ts';
import { numberPlaceholders, type PgEventSql } from './pg-event-steps.ts';
import { pgViewDialect } from './pg-view-dialect.ts';

/** The change queries of one view, each bound as the comments of RunSource's methods say. */
export interface PgChangeSql {
  /** Rows holding a change value ($1) or a greater one, in its order, up to $2. */
  from: string;
  /** Rows with a greater change value than $1, in its order, up to $2 (a large tie passed). */
  after: string;
  /** Every row with a change value, in its order, up to $1: a read from the start. */
  all: string;
  /** How many rows hold $1, counted up to $2. */
  tieCount: string;
  /** The newest $1 change values. */
  newest: string;
}

export interface PgShape {
  schema: SourceShape['schema'];
  finishOnSteps: boolean;
  progressElsewhere: boolean;
  artifactsOptional: boolean;
  /** How many parts a run id has, and whether they can be told apart again. */
  keyParts: number;
  splittable: boolean;
  /** `WITH runs AS (…), steps AS (…) `, the head of every query. */
  views: string;
  /** The types of the run key's columns in the runs table, and in the steps table. */
  runKeyTypes: string[];
  stepKeyTypes: string[];
  changeIndexed: PerTable<boolean>;
  missingIndexes: MissingIndex[];
  changes: PerTable<PgChangeSql>;
  /** The tables the profile reads, schema-qualified and quoted, for a check of the grants. */
  tables: string[];
  /** Steps given as events in a table of this database: its statements and its order's kind. */
  events: { sql: PgEventSql; orderKind: ColumnKind | null; steps: StepsMapping } | null;
}

function catalogOf(pg: PgCatalog): Catalog {
  const byName = new Map([...pg.tables.values()].map((table) => [table.name, table]));
  return {
    tableNames: () => [...byName.keys()].sort(),
    facts: (name): TableFacts => {
      const table = byName.get(name);
      return {
        columns: new Set(table?.columns.map((c) => c.name.toLowerCase()) ?? []),
        rowid: false,
        kinds: new Map(table?.columns.map((c) => [c.name.toLowerCase(), c.kind]) ?? []),
      };
    },
    leadingIndexed: (name) => byName.get(name)?.leading ?? new Set(),
  };
}

function changeSql(views: string, table: SourceTable): PgChangeSql {
  const columns = `NULL::bigint AS rowid, CAST(run_id AS TEXT) AS run_id, ${
    table === 'steps' ? 'CAST(step_id AS TEXT) AS step_id, ' : ''
  }CAST(status AS TEXT) AS status, changed_at AS updated_at, written_at`;
  return {
    from: `${views}SELECT ${columns} FROM ${table} WHERE changed_at >= $1 ORDER BY changed_at LIMIT $2`,
    after: `${views}SELECT ${columns} FROM ${table} WHERE changed_at > $1 ORDER BY changed_at LIMIT $2`,
    all: `${views}SELECT ${columns} FROM ${table} WHERE changed_at IS NOT NULL ORDER BY changed_at LIMIT $1`,
    tieCount: `${views}SELECT count(*) AS n FROM (SELECT 1 FROM ${table} WHERE changed_at = $1 LIMIT $2) AS tie`,
    // PostgreSQL sorts NULLs first when descending; SQLite, whose order the cursor expects, last.
    newest: `${views}SELECT changed_at AS v FROM ${table} WHERE changed_at IS NOT NULL ORDER BY changed_at DESC LIMIT $1`,
  };
}

function columnType(pg: PgCatalog, table: string, column: string): string {
  const found = pg.tables
    .get(table.toLowerCase())
    ?.columns.find((c) => c.name.toLowerCase() === column.toLowerCase());
  return found?.type ?? 'text';
}

function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function applyProfile(
  pg: PgCatalog,
  display: string,
  profile: SourceProfile,
  text: string | null,
  detected: boolean,
): PgShape {
  const eventTable = profile.steps?.events ? profile.steps.table : null;
  // A server keeps the events in the database itself (Dagster's event_logs), never in files.
  if (eventTable !== null && !pg.tables.has(eventTable.toLowerCase())) {
    throw new SourceError(
      'schema',
      `${display} has no table ${eventTable}, which the ${profile.name} profile reads steps from`,
    );
  }
  const check = checkProfile(catalogOf(pg), profile);
  if (check.problems.length > 0) {
    const messages = [...new Set(check.problems.map((problem) => problem.message))];
    if (text === null) {
      throw new SourceError(
        'schema',
        `${display} does not have the ${profile.name} schema (${profile.description}): ${messages.join('; ')}`,
      );
    }
    const located = locateProblems(text, profile.file, check.problems).map(formatProblem);
    throw new SourceError(
      'schema',
      `${display} does not fit the mapping ${profile.file}:\n${located.join('\n')}`,
    );
  }
  const schemaOf = (table: string) => pg.tables.get(table.toLowerCase())?.schema ?? 'public';
  const dialect = pgViewDialect(schemaOf, localZone());
  const selects = profileSelects(profile, check.facts as DatabaseFacts, dialect);
  const eventFacts = eventTable === null ? null : check.facts.get(eventTable.toLowerCase());
  const eventSql = eventFacts ? stepEventsSql(profile, eventFacts, dialect) : null;
  const order = profile.steps?.events?.order ?? null;
  const views = `WITH runs AS NOT MATERIALIZED (${selects.runs}), steps AS NOT MATERIALIZED (${selects.steps}) `;
  const unindexed = (table: string | null) =>
    table !== null &&
    check.unindexed.some(
      (column) => column.use === 'changes' && column.table.toLowerCase() === table.toLowerCase(),
    );
  const steps = profile.steps;
  return {
    schema: {
      name: profile.name,
      description: profile.description,
      detected,
      file: text === null ? null : profile.file,
    },
    finishOnSteps: profile.runs.finishOnSteps,
    progressElsewhere:
      eventSql !== null ||
      [...profile.runs.progress, ...(steps?.progress ?? [])].some((ref) => ref.from !== null),
    artifactsOptional: profile.runs.artifacts?.optional ?? false,
    keyParts: profile.runs.id.length,
    splittable: profile.runs.id.every((part) => part.skip === null),
    views,
    runKeyTypes: profile.runs.id.map((part) => columnType(pg, profile.runs.table, part.column)),
    stepKeyTypes: steps
      ? steps.run.map((column) => columnType(pg, steps.table, column))
      : profile.runs.id.map(() => 'text'),
    changeIndexed: {
      runs: !unindexed(profile.runs.table),
      steps: !unindexed(steps?.table ?? null),
    },
    missingIndexes: check.unindexed.map((column) => ({
      table: column.table,
      column: column.column,
      statement: null,
    })),
    changes: { runs: changeSql(views, 'runs'), steps: changeSql(views, 'steps') },
    tables: [...check.facts.keys()].map((table) =>
      dialect.table(pg.tables.get(table)?.name ?? table),
    ),
    events:
      eventSql === null || !steps
        ? null
        : {
            sql: {
              ofRun: numberPlaceholders(eventSql.ofRun),
              after: numberPlaceholders(eventSql.after),
              last: eventSql.last,
            },
            orderKind:
              order === null ? null : (eventFacts?.kinds?.get(order.toLowerCase()) ?? null),
            steps,
          },
  };
}

/** Settles how to read the database; throws a SourceError naming what does not fit. */
export function pgShape(pg: PgCatalog, display: string, choice: SchemaChoice): PgShape {
  if (choice !== null) return applyProfile(pg, display, choice.profile, choice.text, false);
  const catalog = catalogOf(pg);
  for (const profile of builtinProfiles().values()) {
    if (matchesProfile(catalog, profile)) return applyProfile(pg, display, profile, null, true);
  }
  if (pg.tables.size === 0) {
    throw new SourceError('no_runs', `${display} has no tables yet (waiting for them)`);
  }
  throw new SourceError(
    'schema',
    `${display}: not a schema Runwatch recognises (${lookedFor()}); name a mapping file with --schema FILE`,
  );
}
