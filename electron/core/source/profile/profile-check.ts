/**
 * A profile held against a database: every table and column it names must be there (optional
 * columns aside), each problem at its place in the mapping file with the names that do exist.
 * Also what the database has that matters for cost: rowids, and indexes on the columns change
 * queries and key lookups read by.
 */
import type Database from 'better-sqlite3';
import { didYouMean } from '../../config/did-you-mean.ts';
import type { Path } from '../../config/yaml-validate.ts';
import { columnsOf, hasRowid, leadingIndexColumns } from '../schema-check.ts';
import type { DatabaseFacts, TableFacts } from './profile-views.ts';
import type { ColumnRef, SourceProfile, StepsMapping } from './source-profile.ts';

export interface MappingProblem {
  path: Path;
  message: string;
}

/** A change or lookup column without an index leading with it: found by scanning instead. */
export interface UnindexedColumn {
  table: string;
  column: string;
  /** What Runwatch reads by it. */
  use: 'changes' | 'lookups';
}

export interface ProfileCheck {
  problems: MappingProblem[];
  facts: DatabaseFacts;
  unindexed: UnindexedColumn[];
}

/** What a database has, as a profile is checked against it: SQLite's, or a server's catalog. */
export interface Catalog {
  /** Tables and views, by their real names. */
  tableNames(): string[];
  facts(table: string): TableFacts;
  /** The columns (lower-case) that lead an index of the table, so a read by them is indexed. */
  leadingIndexed(table: string): ReadonlySet<string>;
}

/** The catalog of an SQLite database's `main`. */
export function sqliteCatalog(db: Database.Database): Catalog {
  return {
    tableNames: () =>
      (
        db
          .prepare(
            `SELECT name FROM main.sqlite_master WHERE type IN ('table', 'view') ORDER BY name`,
          )
          .pluck()
          .all() as string[]
      ).filter((name) => !name.startsWith('sqlite_')),
    facts: (table) => ({
      columns: new Set(columnsOf(db, table, 'main')),
      rowid: hasRowid(db, table, 'main'),
    }),
    leadingIndexed: (table) => leadingIndexColumns(db, table, 'main'),
  };
}

function some(names: readonly string[]): string {
  return names.length <= 12 ? names.join(', ') : `${names.slice(0, 12).join(', ')}, …`;
}

/** The helpers that hold a mapping's names against one database, gathering what they find. */
function checker(catalog: Catalog) {
  const problems: MappingProblem[] = [];
  const tables = catalog.tableNames();
  const byLower = new Map(tables.map((name) => [name.toLowerCase(), name]));
  const facts = new Map<string, TableFacts>();
  const unindexed: UnindexedColumn[] = [];

  const table = (path: Path, name: string): TableFacts | null => {
    const real = byLower.get(name.toLowerCase());
    if (real === undefined) {
      const guess = didYouMean(name, tables);
      problems.push({
        path,
        message: `no table ${name} in the database${guess ? ` (did you mean ${guess}?)` : tables.length ? ` (tables: ${some(tables)})` : ' (it has no tables)'}`,
      });
      return null;
    }
    const found = catalog.facts(real);
    facts.set(name.toLowerCase(), found);
    return found;
  };

  const missingColumn = (tableName: string, found: TableFacts, name: string, path: Path) => {
    const known = [...found.columns];
    const guess = didYouMean(name, known);
    problems.push({
      path,
      message: `table ${tableName} has no column ${name}${guess ? ` (did you mean ${guess}?)` : ` (columns: ${some(known)})`}`,
    });
  };

  const column = (
    tableName: string,
    found: TableFacts,
    ref: ColumnRef | string | null,
    path: Path,
  ) => {
    if (ref === null) return;
    const {
      column: name,
      optional,
      from,
    } = typeof ref === 'string' ? { column: ref, optional: false, from: null } : ref;
    if (from === null) {
      if (!optional && !found.columns.has(name.toLowerCase())) {
        missingColumn(tableName, found, name, path);
      }
      return;
    }
    // Another table's column: its facts are needed for the view whether or not it is optional.
    const real = byLower.get(from.table.toLowerCase());
    const other = real === undefined ? null : catalog.facts(real);
    if (other) facts.set(from.table.toLowerCase(), other);
    if (optional) return;
    if (other === null) {
      const guess = didYouMean(from.table, tables);
      problems.push({
        path: [...path, 'from'],
        message: `no table ${from.table} in the database${guess ? ` (did you mean ${guess}?)` : ''}`,
      });
      return;
    }
    if (!other.columns.has(name.toLowerCase())) missingColumn(from.table, other, name, path);
    for (const [theirs, ours] of from.match) {
      if (!other.columns.has(theirs.toLowerCase())) {
        missingColumn(from.table, other, theirs, [...path, 'match']);
      }
      if (!found.columns.has(ours.toLowerCase())) {
        missingColumn(tableName, found, ours, [...path, 'match']);
      }
    }
  };

  const index = (tableName: string, name: string, use: UnindexedColumn['use']) => {
    const real = byLower.get(tableName.toLowerCase()) ?? tableName;
    if (!catalog.leadingIndexed(real).has(name.toLowerCase())) {
      unindexed.push({ table: real, column: name, use });
    }
  };

  // Several change columns are read as the first non-null: no index serves that.
  const changeIndex = (tableName: string, columns: readonly string[]) => {
    if (columns.length === 1) index(tableName, columns[0] as string, 'changes');
    else {
      const real = byLower.get(tableName.toLowerCase()) ?? tableName;
      unindexed.push({ table: real, column: `coalesce(${columns.join(', ')})`, use: 'changes' });
    }
  };

  const has = (name: string) => byLower.has(name.toLowerCase());
  return { problems, facts, unindexed, table, column, index, changeIndex, has };
}

type Checker = ReturnType<typeof checker>;

/** The columns steps read, as rows or as events, in the table that holds them. */
function checkStepColumns(check: Checker, steps: StepsMapping, found: TableFacts): void {
  const { column } = check;
  steps.run.forEach((name, i) => column(steps.table, found, name, ['steps', 'run', i]));
  for (const name of steps.only.keys()) column(steps.table, found, name, ['steps', 'only', name]);
  steps.id.forEach((part, i) => column(steps.table, found, part.column, ['steps', 'id', i]));
  for (const key of ['name', 'position', 'started', 'finished', 'message'] as const) {
    column(steps.table, found, steps[key], ['steps', key]);
  }
  column(steps.table, found, steps.status.column, ['steps', 'status', 'column']);
  if (steps.events) {
    column(steps.table, found, steps.events.order, ['steps', 'events', 'order']);
    column(steps.table, found, steps.events.at, ['steps', 'events', 'at']);
  }
}

/**
 * Steps as events in a file of their own (one per run, say): held against such a file when
 * one is opened, with the same messages as a check of the database.
 */
export function checkEventFile(db: Database.Database, steps: StepsMapping): MappingProblem[] {
  const check = checker(sqliteCatalog(db));
  const found = check.table(['steps', 'events', 'table'], steps.table);
  if (found) checkStepColumns(check, steps, found);
  return check.problems;
}

export function checkProfile(catalog: Catalog, profile: SourceProfile): ProfileCheck {
  const check = checker(catalog);
  const { problems, facts, unindexed, table, column, index, changeIndex } = check;
  const { runs, steps } = profile;
  const runTable = table(['runs', 'table'], runs.table);
  if (runTable) {
    runs.id.forEach((part, i) => column(runs.table, runTable, part.column, ['runs', 'id', i]));
    for (const name of runs.only.keys()) column(runs.table, runTable, name, ['runs', 'only', name]);
    column(runs.table, runTable, runs.pipeline, ['runs', 'pipeline']);
    column(runs.table, runTable, runs.status.column, ['runs', 'status', 'column']);
    for (const key of ['created', 'started', 'finished'] as const) {
      column(runs.table, runTable, runs[key], ['runs', key]);
    }
    runs.updated.forEach((name, i) =>
      column(
        runs.table,
        runTable,
        name,
        runs.updated.length === 1 ? ['runs', 'updated'] : ['runs', 'updated', i],
      ),
    );
    if (runs.progressGiven) {
      runs.progress.forEach((ref, i) => column(runs.table, runTable, ref, ['runs', 'progress', i]));
    }
    const artifacts = runs.artifacts;
    if (artifacts && 'column' in artifacts) {
      column(runs.table, runTable, artifacts.column, ['runs', 'artifacts', 'column']);
    } else if (artifacts) {
      for (const name of artifacts.columns) {
        column(runs.table, runTable, name, ['runs', 'artifacts', 'template']);
      }
    }
    if (problems.length === 0) {
      changeIndex(runs.table, runs.updated);
      index(runs.table, runs.id[0]?.column ?? '', 'lookups');
    }
  }
  if (steps?.events) {
    // In the database, or (with `file`) in files of their own, checked as they are opened.
    if (steps.events.file === null || check.has(steps.table)) {
      const found = table(['steps', 'events', 'table'], steps.table);
      if (found) checkStepColumns(check, steps, found);
    }
  } else if (steps) {
    const stepTable = table(['steps', 'table'], steps.table);
    if (stepTable) {
      checkStepColumns(check, steps, stepTable);
      steps.updated.forEach((name, i) =>
        column(
          steps.table,
          stepTable,
          name,
          steps.updated.length === 1 ? ['steps', 'updated'] : ['steps', 'updated', i],
        ),
      );
      if (steps.progressGiven) {
        steps.progress.forEach((ref, i) =>
          column(steps.table, stepTable, ref, ['steps', 'progress', i]),
        );
      }
      if (problems.length === 0) {
        changeIndex(steps.table, steps.updated);
        index(steps.table, steps.run[0] ?? '', 'lookups');
      }
    }
  }
  return { problems, facts, unindexed };
}

/** Whether the database has every table and column the profile's `detect` names. */
export function matchesProfile(catalog: Catalog, profile: SourceProfile): boolean {
  const tables = new Map(catalog.tableNames().map((name) => [name.toLowerCase(), name]));
  for (const [name, columns] of profile.detect) {
    const real = tables.get(name.toLowerCase());
    if (real === undefined) return false;
    const present = catalog.facts(real).columns;
    if (!columns.every((column) => present.has(column.toLowerCase()))) return false;
  }
  return true;
}
