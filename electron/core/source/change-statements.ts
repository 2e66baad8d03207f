import type Database from 'better-sqlite3';
import type { SourceTable } from './schema-check.ts';

/** The columns a change read returns for each table, beside the rowid where there is one. */
const CHANGE_COLUMNS: Record<SourceTable, string> = {
  runs: 'run_id, status, updated_at',
  steps: 'run_id, step_id, status, updated_at',
};

/**
 * The statements that find a table's changes: rows added after a rowid, rows after an
 * `(updated_at, rowid)` keyset, the rows tied at a value, the newest values and the greatest
 * rowid. The same for runs and steps, so both tables are read alike. The `…Window` forms read a
 * window of rowids at a time, for a table without an index on `updated_at`; a table without
 * rowids (WITHOUT ROWID) has neither them nor the rowid cursors, hence the nulls.
 */
export function prepareChangeStatements(
  db: Database.Database,
  table: SourceTable,
  hasRowid: boolean,
) {
  const columns = CHANGE_COLUMNS[table];
  const withRowid = (sql: string) => (hasRowid ? db.prepare(sql) : null);
  return {
    newRows: withRowid(
      `SELECT rowid, ${columns} FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    ),
    tied: db.prepare(
      hasRowid
        ? `SELECT rowid, ${columns} FROM ${table}
           WHERE updated_at = ? AND rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?`
        : `SELECT ${columns} FROM ${table} WHERE updated_at = ? LIMIT ?`,
    ),
    updated: db.prepare(
      hasRowid
        ? `SELECT rowid, ${columns} FROM ${table}
           WHERE updated_at > ? AND rowid <= ? ORDER BY updated_at, rowid LIMIT ?`
        : `SELECT ${columns} FROM ${table} WHERE updated_at > ? ORDER BY updated_at LIMIT ?`,
    ),
    updatedWindow: withRowid(
      `SELECT rowid, ${columns} FROM ${table}
       WHERE rowid > ? AND rowid <= ? AND (updated_at > ? OR (updated_at = ? AND rowid > ?))`,
    ),
    tieCount: db.prepare(
      hasRowid
        ? `SELECT count(*) AS rows, max(r) AS rowid FROM
           (SELECT rowid AS r FROM ${table} WHERE updated_at = ? ORDER BY rowid DESC LIMIT ?)`
        : `SELECT count(*) AS rows, NULL AS rowid FROM
           (SELECT 1 FROM ${table} WHERE updated_at = ? LIMIT ?)`,
    ),
    tieCountWindow: withRowid(
      `SELECT count(*) AS rows, max(rowid) AS rowid FROM ${table}
       WHERE rowid > ? AND rowid <= ? AND updated_at = ?`,
    ),
    newestUpdated: db.prepare(`SELECT updated_at FROM ${table} ORDER BY updated_at DESC LIMIT ?`),
    newestUpdatedWindow: withRowid(
      `SELECT updated_at FROM ${table} WHERE rowid > ? AND rowid <= ?
       ORDER BY updated_at DESC LIMIT ?`,
    ),
    maxRowid: db.prepare(hasRowid ? `SELECT max(rowid) FROM ${table}` : `SELECT 0`),
  };
}

export type ChangeStatements = ReturnType<typeof prepareChangeStatements>;
