/**
 * Which schema an opened database has, and how the source reads it: the default schema's own
 * tables as they are, or another schema through its profile's TEMP views (profile/profile-views.ts).
 * With no profile named, the default schema is recognised first, then each built-in profile.
 */
import type Database from 'better-sqlite3';
import { formatProblem, locateProblems } from '../config/yaml-validate.ts';
import { builtinProfiles } from './builtin-profiles.ts';
import {
  checkProfile,
  matchesProfile,
  sqliteCatalog,
  type UnindexedColumn,
} from './profile/profile-check.ts';
import { profileViews } from './profile/profile-views.ts';
import type { SchemaChoice, SourceProfile } from './profile/source-profile.ts';
import {
  checkSchema,
  type MissingIndex,
  type OptionalColumn,
  type SchemaReport,
} from './schema-check.ts';
import { SourceError } from './source-error.ts';

export interface SourceShape {
  /** The profile in use, and whether it was recognised rather than named. */
  schema: { name: string; description: string; detected: boolean; file: string | null };
  /** The default schema's own tables, read as they are. */
  native: boolean;
  /** Whether a run finishes once all its steps have, or only by its own status. */
  finishOnSteps: boolean;
  /** Whether progress is read from another table, which no change query watches. */
  progressElsewhere: boolean;
  /** The column change queries order and compare by. */
  changeColumn: 'updated_at' | 'changed_at';
  /** How many parts a run id has, for lookups through the table's own key. */
  keyParts: number;
  /** Whether a run id's parts can be told apart again (none is left out when empty). */
  splittable: boolean;
  /** The database's own tables holding runs and steps (null: a store without steps). */
  tables: { runs: string; steps: string | null };
  /** Of those, the ones with rowids, for file checks. */
  rowidTables: string[];
  /** Whether the change column of runs and of steps has an index. */
  changeIndexed: { runs: boolean; steps: boolean };
  missingIndexes: MissingIndex[];
  optionalColumns: OptionalColumn[];
  /** The check of what the source's statements read: the tables, or a profile's views. */
  report: SchemaReport;
  /**
   * Steps as the latest event per step key, read apart from the views: the mapping, and
   * whether the events table is in this database (else in `events.file`).
   */
  stepEvents: { profile: SourceProfile; inDatabase: boolean } | null;
  /**
   * The folder a profile's artifacts template puts every run's folder in (its text before the
   * first `{`, up to a `/`), relative to the database's folder; null where it names none.
   */
  artifactRoot: string | null;
  /** A run may have no artifacts folder (the profile says so). */
  artifactsOptional: boolean;
}

const NATIVE = 'runwatch';

function nativeShape(report: SchemaReport, detected: boolean): SourceShape {
  const indexed = (table: 'runs' | 'steps') =>
    !report.missingIndexes.some((index) => index.table === table && index.column === 'updated_at');
  return {
    // Not read from config/schemas/runwatch.yaml: the default schema's start parses no profile.
    schema: { name: NATIVE, description: "Runwatch's default schema", detected, file: null },
    native: true,
    finishOnSteps: true,
    progressElsewhere: false,
    changeColumn: 'updated_at',
    keyParts: 1,
    splittable: true,
    tables: { runs: 'runs', steps: 'steps' },
    rowidTables: (['runs', 'steps'] as const).filter((table) => report.rowid[table]),
    changeIndexed: { runs: indexed('runs'), steps: indexed('steps') },
    missingIndexes: report.missingIndexes,
    optionalColumns: report.optionalColumns,
    report,
    stepEvents: null,
    artifactRoot: null,
    artifactsOptional: false,
  };
}

/** The fixed folder at the head of an artifacts template (`../storage/{run_id}`: `../storage`). */
function templateRoot(profile: SourceProfile): string | null {
  const artifacts = profile.runs.artifacts;
  if (artifacts === null || !('template' in artifacts)) return null;
  const head = artifacts.template.slice(0, artifacts.template.indexOf('{'));
  const slash = Math.max(head.lastIndexOf('/'), head.lastIndexOf('\\'));
  return slash > 0 ? head.slice(0, slash) : null;
}

/** The default schema's problems, as the source reports them. */
function nativeProblems(dbPath: string, report: SchemaReport): SourceError {
  const kind = report.problems.includes('table runs is missing') ? 'no_runs' : 'schema';
  return new SourceError(kind, `${dbPath}: ${report.problems.join('; ')}`);
}

function unindexedNotice(column: UnindexedColumn): MissingIndex {
  return { table: column.table, column: column.column, statement: null };
}

/** Why a built-in profile does not fit: said of the database, not of the shipped file. */
function builtinMismatch(dbPath: string, profile: SourceProfile, problems: string[]): SourceError {
  return new SourceError(
    'schema',
    `${dbPath} does not have the ${profile.name} schema (${profile.description}): ${problems.join('; ')}`,
  );
}

function applyProfile(
  db: Database.Database,
  dbPath: string,
  profile: SourceProfile,
  text: string | null,
  detected: boolean,
): SourceShape {
  const check = checkProfile(sqliteCatalog(db), profile);
  if (check.problems.length > 0) {
    if (text === null) {
      throw builtinMismatch(dbPath, profile, [
        ...new Set(check.problems.map((problem) => problem.message)),
      ]);
    }
    const located = locateProblems(text, profile.file, check.problems).map(formatProblem);
    throw new SourceError(
      'schema',
      `${dbPath} does not fit the mapping ${profile.file}:\n${located.join('\n')}`,
    );
  }
  for (const statement of profileViews(profile, check.facts)) db.exec(statement);
  const changesUnindexed = (table: string) =>
    check.unindexed.some(
      (column) => column.use === 'changes' && column.table.toLowerCase() === table.toLowerCase(),
    );
  const events = profile.steps?.events ? profile.steps : null;
  const tables = {
    runs: profile.runs.table,
    steps: events ? null : (profile.steps?.table ?? null),
  };
  const rowidTables = [tables.runs, tables.steps].filter(
    (table): table is string =>
      table !== null && check.facts.get(table.toLowerCase())?.rowid === true,
  );
  return {
    schema: {
      name: profile.name,
      description: profile.description,
      detected,
      file: text === null ? null : profile.file,
    },
    native: false,
    finishOnSteps: profile.runs.finishOnSteps,
    // Events are read apart from the change queries, and so is a column of another table.
    progressElsewhere:
      events !== null ||
      [...profile.runs.progress, ...(profile.steps?.progress ?? [])].some(
        (ref) => ref.from !== null,
      ),
    changeColumn: 'changed_at',
    keyParts: profile.runs.id.length,
    splittable: profile.runs.id.every((part) => part.skip === null),
    tables,
    rowidTables,
    changeIndexed: {
      runs: !changesUnindexed(tables.runs),
      steps: tables.steps === null || !changesUnindexed(tables.steps),
    },
    missingIndexes: check.unindexed.map(unindexedNotice),
    optionalColumns: [],
    // The views stand where the default schema's tables would, and are checked alike.
    report: checkSchema(db),
    stepEvents: events && {
      profile,
      inDatabase: check.facts.has(events.table.toLowerCase()),
    },
    artifactRoot: templateRoot(profile),
    artifactsOptional: profile.runs.artifacts?.optional ?? false,
  };
}

function tableCount(db: Database.Database): number {
  return db
    .prepare(`SELECT count(*) FROM main.sqlite_master WHERE type = 'table'`)
    .pluck()
    .get() as number;
}

/** What each built-in profile looks for, for a database none of them fits. */
export function lookedFor(): string {
  return [...builtinProfiles().values()]
    .map(
      (profile) =>
        `${profile.name}: ${[...profile.detect]
          .map(([table, columns]) => `${table}(${columns.join(', ')})`)
          .join(' and ')}`,
    )
    .join('; ');
}

/**
 * Settles how to read the database; throws a SourceError naming what does not fit. A database
 * with no tables yet is `no_runs`: its writer has not created them.
 */
export function shapeSource(
  db: Database.Database,
  dbPath: string,
  choice: SchemaChoice,
): SourceShape {
  if (choice !== null) {
    if (choice.profile.name === NATIVE && choice.text === null) {
      const report = checkSchema(db);
      if (report.problems.length > 0) throw nativeProblems(dbPath, report);
      return nativeShape(report, false);
    }
    // No tables yet: the tool has not set its database up; wait for it, as for the default.
    if (tableCount(db) === 0) {
      throw new SourceError('no_runs', `${dbPath} has no tables yet (waiting for them)`);
    }
    return applyProfile(db, dbPath, choice.profile, choice.text, false);
  }
  const native = checkSchema(db);
  if (native.problems.length === 0) return nativeShape(native, true);
  for (const profile of builtinProfiles().values()) {
    if (profile.name === NATIVE || !matchesProfile(sqliteCatalog(db), profile)) continue;
    return applyProfile(db, dbPath, profile, null, true);
  }
  // No tables at all: a database its writer has not set up yet, not one of another schema.
  if (tableCount(db) === 0) throw nativeProblems(dbPath, native);
  const { kind, message } = nativeProblems(dbPath, native);
  throw new SourceError(
    kind,
    `${message}. Not a schema Runwatch recognises (${lookedFor()}); name a mapping file with --schema FILE`,
  );
}
