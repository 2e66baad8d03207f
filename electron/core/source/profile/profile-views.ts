/**
 * A profile as two TEMP views, `runs` and `steps`, with the default schema's columns
 * (ARCHITECTURE.md §3): temp views live in the connection's own temp database, so the watched
 * database stays untouched and read-only, and they shadow its own tables of those names (MLflow
 * has a `runs`). The source's statements then read a profile as they read the default schema.
 *
 * Beside those columns each view has `changed_at`, the raw `updated` column that change queries
 * order and compare by (SQLite flattens these simple views, so its index still serves them),
 * `rowid` where the table has one, and `_k0…` — the raw id columns — for lookups by key through
 * the table's own indexes. Timestamps come out as epoch milliseconds, whatever their encoding.
 */
import {
  STEP_STATUSES,
  type ColumnRef,
  type IdPart,
  type SourceProfile,
  type StatusMapping,
  type TimestampEncoding,
  type TimestampRef,
} from './source-profile.ts';
import { quoteName } from '../sql-name.ts';

/** How a server's column type reads (SQLite's columns have no fixed type: none are given). */
export type ColumnKind = 'time' | 'naive-time' | 'number' | 'integer' | 'json' | 'text' | 'other';

/** What the database has: a table's columns (lower-case), and whether it has rowids. */
export interface TableFacts {
  columns: ReadonlySet<string>;
  rowid: boolean;
  /** Each column's kind, by lower-case name, where the database types its columns. */
  kinds?: ReadonlyMap<string, ColumnKind>;
}

/** The SQL that differs between the engines a profile's views are written for. */
export interface ViewDialect {
  /** A table of the database itself, past any view of the same name. */
  table(name: string): string;
  /** The value at a JSON path, NULL where the text is not JSON. */
  json(value: string, path: string): string;
  text(value: string): string;
  /** A value as an SQL literal, for naming it in a message. */
  quote(value: string): string;
  integer(value: string): string;
  /** The greatest non-null of several values. */
  greatest(values: readonly string[]): string;
  /** A condition no row meets. */
  empty: string;
  /** A value as epoch milliseconds from its encoding, or NULL where it does not read. */
  time(value: string, encoding: TimestampEncoding, kind: ColumnKind | null): string;
}

export type DatabaseFacts = ReadonlyMap<string, TableFacts>;

function quoteText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function literal(value: string | number): string {
  return typeof value === 'number' ? String(value) : quoteText(value);
}

/**
 * The column as `t."name"`, another table's as the greatest on its matching rows, or NULL when
 * an optional one is missing.
 */
function columnSql(
  d: ViewDialect,
  ref: ColumnRef | null,
  facts: TableFacts,
  all: DatabaseFacts,
): string {
  if (ref === null) return 'NULL';
  if (ref.from === null) {
    if (ref.optional && !facts.columns.has(ref.column.toLowerCase())) return 'NULL';
    const value = `t.${quoteName(ref.column)}`;
    return ref.json === undefined ? value : d.json(value, ref.json);
  }
  const other = all.get(ref.from.table.toLowerCase());
  const match = [...ref.from.match];
  const present =
    other !== undefined &&
    other.columns.has(ref.column.toLowerCase()) &&
    match.every(
      ([theirs, ours]) =>
        other.columns.has(theirs.toLowerCase()) && facts.columns.has(ours.toLowerCase()),
    );
  if (!present) return 'NULL';
  const where = match
    .map(([theirs, ours]) => `l.${quoteName(theirs)} = t.${quoteName(ours)}`)
    .join(' AND ');
  return `(SELECT max(l.${quoteName(ref.column)}) FROM ${d.table(ref.from.table)} AS l WHERE ${where})`;
}

const UNIX_EPOCH_JULIAN = 2440587.5;
const MS_PER_DAY = 86_400_000;

/**
 * ISO text as SQLite's date functions read it: trimmed, and an offset written without its colon
 * (`+0200`, `+02`, as Python's `%z` writes it) given one. Only after a time, so a date's own
 * `-06` is never taken for an offset.
 */
function isoSql(value: string): string {
  const v = `trim(CAST(${value} AS TEXT))`;
  return `CASE WHEN ${v} GLOB '*:[0-9][0-9]*[+-][0-9][0-9][0-9][0-9]' THEN substr(${v}, 1, length(${v}) - 2) || ':' || substr(${v}, -2) WHEN ${v} GLOB '*:[0-9][0-9]*[+-][0-9][0-9]' THEN ${v} || ':00' ELSE ${v} END`;
}

/**
 * A number, or text that reads as one (digits, one point, a sign only first or after an
 * exponent); anything else — a date as text, `-`, `e` — NULL, never 0 or a year.
 */
function numberSql(value: string): string {
  const t = `trim(${value})`;
  const signs = `replace(replace(lower(substr(${t}, 2)), 'e-', 'e'), 'e+', 'e')`;
  const text = [
    `typeof(${value}) = 'text'`,
    `${t} GLOB '*[0-9]*'`,
    `${t} NOT GLOB '*[^0-9.eE+-]*'`,
    `${signs} NOT GLOB '*[+-]*'`,
    `length(${t}) - length(replace(${t}, '.', '')) <= 1`,
    `(${t} NOT GLOB '*[eE]*' OR ${t} GLOB '*[0-9][eE]*')`,
  ].join(' AND ');
  return `CASE WHEN typeof(${value}) IN ('integer', 'real') THEN ${value} WHEN ${text} THEN CAST(${t} AS REAL) END`;
}

/** A value as epoch milliseconds, from its encoding; SQLite's date functions read the text. */
function sqliteTime(value: string, encoding: TimestampEncoding): string {
  switch (encoding) {
    case 'epoch-s':
      return `(${numberSql(value)} * 1000.0)`;
    case 'epoch-ms':
      return `(${numberSql(value)} * 1.0)`;
    case 'epoch-us':
      return `(${numberSql(value)} / 1000.0)`;
    // SQLite keeps a date as whole milliseconds: rounding only drops the float's noise.
    case 'naive-local':
      return `round((julianday(${value}, 'utc') - ${UNIX_EPOCH_JULIAN}) * ${MS_PER_DAY})`;
    case 'iso':
      return `round((julianday(${isoSql(value)}) - ${UNIX_EPOCH_JULIAN}) * ${MS_PER_DAY})`;
    default:
      return `round((julianday(${value}) - ${UNIX_EPOCH_JULIAN}) * ${MS_PER_DAY})`;
  }
}

/** SQLite's SQL for the views: TEMP views on the connection; its columns have no fixed type. */
export const sqliteDialect: ViewDialect = {
  table: (name) => `main.${quoteName(name)}`,
  // json_extract fails the whole statement on text that is not JSON: such a row reads NULL.
  json: (value, path) =>
    `CASE WHEN json_valid(${value}) THEN json_extract(${value}, ${quoteText(path)}) END`,
  text: (value) => `CAST(${value} AS TEXT)`,
  quote: (value) => `quote(${value})`,
  integer: (value) => `CAST(${value} AS INTEGER)`,
  // SQLite's max() of several is NULL on any NULL: the max of each rotation's first non-null.
  greatest: (values) => {
    if (values.length === 1) return values[0] as string;
    const rotations = values.map((_, i) => [...values.slice(i), ...values.slice(0, i)]);
    return `max(${rotations.map((order) => `coalesce(${order.join(', ')})`).join(', ')})`;
  },
  empty: '0',
  time: (value, encoding) => sqliteTime(value, encoding),
};

/** The kind of the column a reference reads, where the database types its columns. */
function kindOf(ref: ColumnRef, facts: TableFacts, all: DatabaseFacts): ColumnKind | null {
  const table = ref.from === null ? facts : all.get(ref.from.table.toLowerCase());
  if (ref.json !== undefined) return 'text';
  return table?.kinds?.get(ref.column.toLowerCase()) ?? null;
}

/** A timestamp column as epoch milliseconds, or NULL when it is not there. */
function timestampSql(
  d: ViewDialect,
  ref: TimestampRef | null,
  facts: TableFacts,
  all: DatabaseFacts,
): string {
  const value = columnSql(d, ref, facts, all);
  if (ref === null || value === 'NULL') return 'NULL';
  return d.time(value, ref.encoding, kindOf(ref, facts, all));
}

/**
 * The first of these timestamps that holds a value its encoding cannot read, as
 * `table.column (encoding): 'value'`, or NULL: such a value reads as no time, and is named.
 */
function badTimeSql(
  d: ViewDialect,
  table: string,
  refs: readonly (TimestampRef | null)[],
  facts: TableFacts,
  all: DatabaseFacts,
): string {
  const cases = refs.flatMap((ref) => {
    if (ref === null) return [];
    const raw = columnSql(d, ref, facts, all);
    if (raw === 'NULL') return [];
    const where = ref.from === null ? table : ref.from.table;
    const name = quoteText(`${where}.${ref.column} (${ref.encoding}): `);
    const time = d.time(raw, ref.encoding, kindOf(ref, facts, all));
    return [`CASE WHEN ${raw} IS NOT NULL AND ${time} IS NULL THEN ${name} || ${d.quote(raw)} END`];
  });
  return cases.length === 0 ? 'NULL' : `coalesce(${cases.join(', ')})`;
}

/** The greatest non-null of several timestamps. */
function greatestSql(
  d: ViewDialect,
  refs: readonly TimestampRef[],
  facts: TableFacts,
  all: DatabaseFacts,
): string {
  const values = refs
    .map((ref) => timestampSql(d, ref, facts, all))
    .filter((sql) => sql !== 'NULL');
  return values.length === 0 ? 'NULL' : d.greatest(values);
}

/**
 * The status as Runwatch's word. A value the map does not cover stays as written, for the
 * monitor to name once and treat as not finished; one that happens to be a word of Runwatch's
 * (`failed` where the map says nothing of it) is marked, so it cannot end a run by accident.
 */
function statusSql<S extends string>(status: StatusMapping<S>): string {
  const value = `t.${quoteName(status.column)}`;
  const text = `CAST(${value} AS TEXT)`;
  const cases = [...status.map]
    .map(([written, mapped]) => `WHEN ${quoteText(written)} THEN ${quoteText(mapped)}`)
    .join(' ');
  const words = STEP_STATUSES.map(quoteText).join(', ');
  const unmapped = `CASE WHEN lower(trim(${text})) IN (${words}) THEN 'unmapped ' || ${text} ELSE ${text} END`;
  const mapped = `coalesce(CASE lower(trim(${text})) ${cases} END, ${unmapped})`;
  return status.ifNull === null
    ? mapped
    : `CASE WHEN ${value} IS NULL THEN ${quoteText(status.ifNull)} ELSE ${mapped} END`;
}

/**
 * Parts joined with `/`; a part holding its `skip` value is left out with its `/`. Compared as
 * text, so `-1` and `"-1"` skip alike whatever the column's type.
 */
function joinedIdSql(columns: readonly string[], parts: readonly IdPart[]): string {
  return columns
    .map((column, i) => {
      const text = `CAST(t.${quoteName(column)} AS TEXT)`;
      const skip = parts[i]?.skip ?? null;
      if (skip === null) return i === 0 ? text : `'/' || ${text}`;
      const kept = `nullif(${text}, ${quoteText(String(skip))})`;
      return i === 0 ? `coalesce(${kept}, '')` : `coalesce('/' || ${kept}, '')`;
    })
    .join(' || ');
}

function keyColumnsSql(columns: readonly string[]): string[] {
  return columns.map((column, i) => `t.${quoteName(column)} AS _k${i}`);
}

function artifactsSql(profile: SourceProfile, facts: TableFacts): string {
  const artifacts = profile.runs.artifacts;
  if (artifacts === null) return 'NULL';
  if ('column' in artifacts) return `CAST(t.${quoteName(artifacts.column)} AS TEXT)`;
  const pieces = artifacts.template.split(/(\{[^{}]+\})/).filter((piece) => piece !== '');
  return pieces
    .map((piece) => {
      const match = /^\{([^{}]+)\}$/.exec(piece);
      if (!match) return quoteText(piece);
      const column = (match[1] as string).trim();
      return facts.columns.has(column.toLowerCase())
        ? `CAST(t.${quoteName(column)} AS TEXT)`
        : quoteText(piece);
    })
    .join(' || ');
}

/** ` WHERE …` keeping only the rows that hold the `only` values. */
function onlySql(only: ReadonlyMap<string, string | number>): string {
  if (only.size === 0) return '';
  const terms = [...only].map(([column, value]) => `t.${quoteName(column)} = ${literal(value)}`);
  return ` WHERE ${terms.join(' AND ')}`;
}

/** The raw change column, or the first non-null of several (not indexable then). */
function changedSql(columns: readonly string[]): string {
  const refs = columns.map((column) => `t.${quoteName(column)}`);
  return refs.length === 1 ? (refs[0] as string) : `coalesce(${refs.join(', ')})`;
}

/**
 * When the row was last written, in epoch milliseconds: the change column in its encoding. The
 * monitor learns the writer's clock offset from it (not from progress, which may be a run's
 * start long before).
 */
function writtenSql(
  d: ViewDialect,
  columns: readonly string[],
  encoding: TimestampEncoding,
  facts: TableFacts,
): string {
  // Several columns are coalesced: the first one's kind stands for them all.
  const kind = facts.kinds?.get((columns[0] ?? '').toLowerCase()) ?? null;
  return d.time(changedSql(columns), encoding, kind);
}

/** The change columns as timestamps in their encoding, for naming a value it cannot read. */
function updatedRefs(columns: readonly string[], encoding: TimestampEncoding): TimestampRef[] {
  return columns.map((column) => ({ column, optional: false, from: null, encoding }));
}

function factsOf(facts: DatabaseFacts, table: string): TableFacts {
  return facts.get(table.toLowerCase()) ?? { columns: new Set(), rowid: false };
}

/**
 * The SELECTs behind the `runs` and `steps` views of a profile on this database, in a dialect:
 * SQLite makes them TEMP views, PostgreSQL common table expressions of each query.
 */
export function profileSelects(
  profile: SourceProfile,
  facts: DatabaseFacts,
  d: ViewDialect,
): { runs: string; steps: string } {
  const { runs, steps } = profile;
  const runFacts = factsOf(facts, runs.table);
  const runIdColumns = runs.id.map((part) => part.column);
  const runView = [
    ...(runFacts.rowid ? ['t.rowid AS rowid'] : []),
    ...keyColumnsSql(runIdColumns),
    `${joinedIdSql(runIdColumns, runs.id)} AS run_id`,
    `${runs.pipeline ? `coalesce(${d.text(columnSql(d, runs.pipeline, runFacts, facts))}, '')` : "''"} AS pipeline`,
    `${statusSql(runs.status)} AS status`,
    `${timestampSql(d, runs.created, runFacts, facts)} AS created_at`,
    `${timestampSql(d, runs.started, runFacts, facts)} AS started_at`,
    `${greatestSql(d, runs.progress, runFacts, facts)} AS updated_at`,
    `${timestampSql(d, runs.finished, runFacts, facts)} AS finished_at`,
    `${artifactsSql(profile, runFacts)} AS artifacts_dir`,
    `${changedSql(runs.updated)} AS changed_at`,
    `${writtenSql(d, runs.updated, runs.updatedEncoding, runFacts)} AS written_at`,
    `${badTimeSql(d, runs.table, [runs.created, runs.started, runs.finished, ...runs.progress, ...updatedRefs(runs.updated, runs.updatedEncoding)], runFacts, facts)} AS bad_time`,
  ];
  const runSelect = `SELECT ${runView.join(', ')} FROM ${d.table(runs.table)} AS t${onlySql(runs.only)}`;
  if (steps === null || steps.events !== null) {
    // A store without steps, or whose steps are events (read apart, event-steps.ts): an empty
    // steps table with the same columns.
    const keys = runIdColumns.map((_, i) => `NULL AS _k${i}`).join(', ');
    return {
      runs: runSelect,
      steps: `SELECT NULL AS rowid, ${keys}, NULL AS run_id, NULL AS step_id, '' AS name,
        0 AS position, '' AS status, NULL AS started_at, NULL AS updated_at, NULL AS finished_at,
        NULL AS message, NULL AS changed_at, NULL AS written_at, NULL AS bad_time WHERE ${d.empty}`,
    };
  }
  const stepFacts = factsOf(facts, steps.table);
  const stepView = [
    ...(stepFacts.rowid ? ['t.rowid AS rowid'] : []),
    ...keyColumnsSql(steps.run),
    `${joinedIdSql(steps.run, runs.id)} AS run_id`,
    `${joinedIdSql(
      steps.id.map((part) => part.column),
      steps.id,
    )} AS step_id`,
    `${steps.name ? `coalesce(${d.text(columnSql(d, steps.name, stepFacts, facts))}, '')` : "''"} AS name`,
    `${steps.position ? d.integer(`coalesce(${columnSql(d, steps.position, stepFacts, facts)}, 0)`) : '0'} AS position`,
    `${statusSql(steps.status)} AS status`,
    `${timestampSql(d, steps.started, stepFacts, facts)} AS started_at`,
    `${greatestSql(d, steps.progress, stepFacts, facts)} AS updated_at`,
    `${timestampSql(d, steps.finished, stepFacts, facts)} AS finished_at`,
    `${steps.message ? d.text(columnSql(d, steps.message, stepFacts, facts)) : 'NULL'} AS message`,
    `${changedSql(steps.updated)} AS changed_at`,
    `${writtenSql(d, steps.updated, steps.updatedEncoding, stepFacts)} AS written_at`,
    `${badTimeSql(d, steps.table, [steps.started, steps.finished, ...steps.progress, ...updatedRefs(steps.updated, steps.updatedEncoding)], stepFacts, facts)} AS bad_time`,
  ];
  return {
    runs: runSelect,
    steps: `SELECT ${stepView.join(', ')} FROM ${d.table(steps.table)} AS t${onlySql(steps.only)}`,
  };
}

/** `CREATE TEMP VIEW` statements for the profile's runs and steps on this SQLite database. */
export function profileViews(profile: SourceProfile, facts: DatabaseFacts): string[] {
  const selects = profileSelects(profile, facts, sqliteDialect);
  return [`CREATE TEMP VIEW runs AS ${selects.runs}`, `CREATE TEMP VIEW steps AS ${selects.steps}`];
}

/**
 * The statements that read steps given as events (event-steps.ts), on the connection whose
 * `main` holds the events table: one run's events after an order value, oldest first (bound:
 * the run id's parts, the order value, a limit); the events of any run after an order value
 * (bound: the order value, a limit); and the greatest order value.
 */
export function stepEventsSql(
  profile: SourceProfile,
  facts: TableFacts,
  d: ViewDialect = sqliteDialect,
): { ofRun: string; after: string; last: string } | null {
  const steps = profile.steps;
  const events = steps?.events;
  if (!steps || !events) return null;
  const none: DatabaseFacts = new Map();
  const order = events.order === null ? 't.rowid' : `t.${quoteName(events.order)}`;
  const table = `${d.table(steps.table)} AS t`;
  const runId = joinedIdSql(steps.run, profile.runs.id);
  const text = (ref: ColumnRef | null) =>
    ref === null ? 'NULL' : d.text(columnSql(d, ref, facts, none));
  const columns = [
    `${order} AS ord`,
    `${runId} AS run_id`,
    `${joinedIdSql(
      steps.id.map((part) => part.column),
      steps.id,
    )} AS step_id`,
    `${text(steps.name)} AS name`,
    `${d.text(`t.${quoteName(steps.status.column)}`)} AS type`,
    `${timestampSql(d, events.at, facts, none)} AS at`,
    `${text(steps.message)} AS message`,
  ].join(', ');
  const ofRun = steps.run.map((column) => `t.${quoteName(column)} = ?`).join(' AND ');
  return {
    ofRun: `SELECT ${columns} FROM ${table} WHERE ${ofRun} AND ${order} > ? ORDER BY ${order} LIMIT ?`,
    after: `SELECT ${order} AS ord, ${runId} AS run_id FROM ${table} WHERE ${order} > ? ORDER BY ${order} LIMIT ?`,
    last: `SELECT max(${order}) AS last FROM ${table}`,
  };
}
