import type Database from 'better-sqlite3';
import { quoteName } from './sql-name.ts';

/** The default orchestration schema (ARCHITECTURE.md §3): the columns Runwatch reads. */
export const REQUIRED_COLUMNS = {
  runs: [
    'run_id',
    'pipeline',
    'status',
    'created_at',
    'started_at',
    'updated_at',
    'finished_at',
    'artifacts_dir',
  ],
  steps: [
    'run_id',
    'step_id',
    'name',
    'position',
    'status',
    'started_at',
    'updated_at',
    'finished_at',
  ],
} as const;

export type SourceTable = keyof typeof REQUIRED_COLUMNS;

/** Read where the table has them, never required: `steps.message`, why a failed step failed. */
export const OPTIONAL_COLUMNS: readonly [SourceTable, string][] = [['steps', 'message']];

export interface OptionalColumn {
  table: SourceTable;
  column: string;
  present: boolean;
}

/** Indexes that keep change queries cheap: `[table, leading column, name to suggest]`. */
const WANTED_INDEXES: readonly [SourceTable, string, string][] = [
  ['runs', 'status', 'runs_status'],
  ['runs', 'updated_at', 'runs_updated'],
  ['steps', 'updated_at', 'steps_updated'],
  ['steps', 'run_id', 'steps_run'],
];

export interface MissingIndex {
  /** The database's own table (a profile's, such as task_instance). */
  table: string;
  column: string;
  /** The statement that would add it; null on another tool's database, which Runwatch never changes. */
  statement: string | null;
}

export interface SchemaReport {
  /** Missing tables and columns, each named; empty when the schema is usable. */
  problems: string[];
  missingIndexes: MissingIndex[];
  /** Each optional column, and whether the table has it: its absence is never a problem. */
  optionalColumns: OptionalColumn[];
  /** Whether each table has a rowid (a `WITHOUT ROWID` table has none). */
  rowid: Record<SourceTable, boolean>;
}

/**
 * A table's columns, lower-case. `schema` names the database to look in (`main`, past a
 * profile's TEMP views of the same name); without it SQLite looks in temp first.
 */
export function columnsOf(db: Database.Database, table: string, schema?: 'main'): string[] {
  const rows = (
    schema
      ? db.prepare(`SELECT name FROM pragma_table_info(?, ?)`).all(table, schema)
      : db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table)
  ) as { name: string }[];
  return rows.map((row) => row.name.toLowerCase());
}

/** The leading column of each of a table's indexes, and an INTEGER primary key (the rowid). */
export function leadingIndexColumns(
  db: Database.Database,
  table: string,
  schema?: 'main',
): Set<string> {
  const where = schema ? '?, ?' : '?';
  const args = schema ? [table, schema] : [table];
  const lead = new Set<string>();
  const rows = db
    .prepare(
      `SELECT ii.name AS name FROM pragma_index_list(${where}) AS il
       JOIN pragma_index_info(il.name${schema ? ', ?' : ''}) AS ii ON ii.seqno = 0`,
    )
    .all(...args, ...(schema ? [schema] : [])) as { name: string | null }[];
  for (const row of rows) if (row.name) lead.add(row.name.toLowerCase());
  const key = db
    .prepare(`SELECT name, type FROM pragma_table_info(${where}) WHERE pk = 1`)
    .all(...args) as { name: string; type: string }[];
  if (key.length === 1 && key[0]?.type.toUpperCase() === 'INTEGER') {
    lead.add(key[0].name.toLowerCase());
  }
  return lead;
}

/** Whether a table has rowids (a `WITHOUT ROWID` one has none). */
export function hasRowid(db: Database.Database, table: string, schema?: 'main'): boolean {
  try {
    db.prepare(`SELECT rowid FROM ${schema ? `${schema}.` : ''}${quoteName(table)} LIMIT 0`);
    return true;
  } catch {
    return false;
  }
}

export function checkSchema(db: Database.Database): SchemaReport {
  const problems: string[] = [];
  const rowid = { runs: false, steps: false };
  const present: SourceTable[] = [];
  const optionalColumns: OptionalColumn[] = [];
  for (const table of Object.keys(REQUIRED_COLUMNS) as SourceTable[]) {
    const columns = columnsOf(db, table);
    for (const [optionalTable, column] of OPTIONAL_COLUMNS) {
      if (optionalTable === table && columns.length > 0) {
        optionalColumns.push({ table, column, present: columns.includes(column) });
      }
    }
    if (columns.length === 0) {
      problems.push(`table ${table} is missing`);
      continue;
    }
    const missing = REQUIRED_COLUMNS[table].filter((column) => !columns.includes(column));
    if (missing.length === 1) problems.push(`table ${table} has no column ${missing[0]}`);
    if (missing.length > 1) problems.push(`table ${table} has no columns ${missing.join(', ')}`);
    if (missing.length === 0) present.push(table);
    rowid[table] = hasRowid(db, table);
  }
  const missingIndexes: MissingIndex[] = [];
  for (const [table, column, name] of WANTED_INDEXES) {
    if (!present.includes(table)) continue;
    if (leadingIndexColumns(db, table).has(column)) continue;
    missingIndexes.push({
      table,
      column,
      statement: `CREATE INDEX ${name} ON ${table}(${column});`,
    });
  }
  return { problems, missingIndexes, optionalColumns, rowid };
}
