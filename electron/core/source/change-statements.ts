import type Database from 'better-sqlite3';
import type { SourceTable } from './schema-check.ts';

/**
 * The columns a change read returns for each table, beside the rowid where there is one: the
 * change column as `updated_at`, and when the row was written as `written_at` (a profile's
 * view converts it from its encoding; the default schema's is `updated_at` itself).
 */
function changeColumns(table: SourceTable, change: string): string {
  const written = change === 'updated_at' ? 'updated_at' : 'written_at';
  const times = `${change} AS updated_at, ${written} AS written_at`;
  return table === 'runs' ? `run_id, status, ${times}` : `run_id, step_id, status, ${times}`;
}

/**
 * The statements that find a table's changes: rows added after a rowid, rows after an
 * `(updated_at, rowid)` keyset, the rows tied at a value, the newest values and the greatest
 * rowid. The same for runs and steps, so both tables are read alike. The `…Window` forms read a
 * window of rowids at a time, for a table without an index on `updated_at`, and `updatedAmong`
 * reads such a table's rows among the rowids a write touched (a JSON array); a table without
 * rowids (WITHOUT ROWID) has neither them nor the rowid cursors, hence the nulls. `change` is
 * the column that moves on every write: `updated_at`, or a profile view's `changed_at`. The
 * greatest rowid is the table's own, so a row a profile's `only` hides still counts as history.
 */
export function prepareChangeStatements(
  db: Database.Database,
  table: SourceTable,
  hasRowid: boolean,
  change: 'updated_at' | 'changed_at',
  /** Where rowids are counted: the table itself, unfiltered, under a profile's view. */
  rowidSource: string = table,
) {
  const columns = changeColumns(table, change);
  const withRowid = (sql: string) => (hasRowid ? db.prepare(sql) : null);
  return {
    newRows: withRowid(
      `SELECT rowid, ${columns} FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    ),
    tied: db.prepare(
      hasRowid
        ? `SELECT rowid, ${columns} FROM ${table}
           WHERE ${change} = ? AND rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?`
        : `SELECT ${columns} FROM ${table} WHERE ${change} = ? LIMIT ?`,
    ),
    updated: db.prepare(
      hasRowid
        ? `SELECT rowid, ${columns} FROM ${table}
           WHERE ${change} > ? AND rowid <= ? ORDER BY ${change}, rowid LIMIT ?`
        : `SELECT ${columns} FROM ${table} WHERE ${change} > ? ORDER BY ${change} LIMIT ?`,
    ),
    updatedWindow: withRowid(
      `SELECT rowid, ${columns} FROM ${table}
       WHERE rowid > ? AND rowid <= ? AND (${change} > ? OR (${change} = ? AND rowid > ?))`,
    ),
    updatedAmong: withRowid(
      `SELECT rowid, ${columns} FROM ${table}
       WHERE rowid IN (SELECT value FROM json_each(?)) AND rowid <= ?
         AND (${change} > ? OR (${change} = ? AND rowid > ?))`,
    ),
    tieCount: db.prepare(
      hasRowid
        ? `SELECT count(*) AS rows, max(r) AS rowid FROM
           (SELECT rowid AS r FROM ${table} WHERE ${change} = ? ORDER BY rowid DESC LIMIT ?)`
        : `SELECT count(*) AS rows, NULL AS rowid FROM
           (SELECT 1 FROM ${table} WHERE ${change} = ? LIMIT ?)`,
    ),
    tieCountWindow: withRowid(
      `SELECT count(*) AS rows, max(rowid) AS rowid FROM ${table}
       WHERE rowid > ? AND rowid <= ? AND ${change} = ?`,
    ),
    newestUpdated: db.prepare(`SELECT ${change} FROM ${table} ORDER BY ${change} DESC LIMIT ?`),
    newestUpdatedWindow: withRowid(
      `SELECT ${change} FROM ${table} WHERE rowid > ? AND rowid <= ?
       ORDER BY ${change} DESC LIMIT ?`,
    ),
    maxRowid: db.prepare(hasRowid ? `SELECT max(rowid) FROM ${rowidSource}` : `SELECT 0`),
  };
}

export type ChangeStatements = ReturnType<typeof prepareChangeStatements>;
