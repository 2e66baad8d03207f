/**
 * The baseline for one change on a database whose rows share one `updated_at`: the change query
 * Runwatch ran before it read in `(updated_at, rowid)` order. It read every row at or above the
 * newest `updated_at` it had seen (up to 50,000 a table, past which it fell back to a sweep), so
 * while that watermark stood at a large tie each change re-read the tie. Run here from the tied
 * stamp on the same file and connection settings as the monitor's.
 */
import Database from 'better-sqlite3';
import { distribution, repeatTimed, type Distribution } from './stats.ts';

/** The old change query's limit per table. */
const OLD_CHANGE_LIMIT = 50_000;

export interface TieRereadResult {
  ms: Distribution;
  /** Rows the two queries returned per change. */
  rows: number;
  /** A query hit its limit: the old monitor then also started a sweep of every active run. */
  truncated: boolean;
}

export function measureTieReread(dbPath: string, budgetMs: number): TieRereadResult {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    db.pragma('cache_size = -2000');
    const queries = (['runs', 'steps'] as const).map((table) => {
      const key = table === 'runs' ? 'run_id' : 'run_id, step_id';
      const watermark = db.prepare(`SELECT max(updated_at) FROM ${table}`).pluck().get();
      const maxRowid = db.prepare(`SELECT max(rowid) FROM ${table}`).pluck().get();
      const statement = db.prepare(
        `SELECT rowid, ${key}, status, updated_at FROM ${table}
         WHERE updated_at >= ? AND rowid <= ? ORDER BY updated_at LIMIT ?`,
      );
      return () => statement.all(watermark, maxRowid, OLD_CHANGE_LIMIT).length;
    });
    let rows = 0;
    let truncated = false;
    const read = () => {
      rows = 0;
      for (const query of queries) {
        const found = query();
        rows += found;
        truncated ||= found >= OLD_CHANGE_LIMIT;
      }
    };
    read(); // the page cache warm, as the monitor's would be after its first read
    const times = repeatTimed(read, { budgetMs, minRepeats: 5, maxRepeats: 50 });
    return { ms: distribution(times), rows, truncated };
  } finally {
    db.close();
  }
}
