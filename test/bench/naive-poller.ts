/**
 * The baseline: what the old 10-second poller did every cycle — re-read every active run and all
 * of its steps, whether anything changed or not.
 */
import Database from 'better-sqlite3';
import { distribution, repeatTimed, type Distribution } from './stats.ts';

export interface NaiveResult {
  cycleMs: Distribution;
  runs: number;
  steps: number;
}

export function measureNaive(dbPath: string, budgetMs: number): NaiveResult {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const activeRuns = db.prepare(`SELECT * FROM runs WHERE status IN ('running', 'pending')`);
    const stepsOf = db.prepare(`SELECT * FROM steps WHERE run_id = ?`);
    let runs = 0;
    let steps = 0;
    const cycle = () => {
      const rows = activeRuns.all() as { run_id: string }[];
      let stepRows = 0;
      for (const row of rows) stepRows += stepsOf.all(row.run_id).length;
      runs = rows.length;
      steps = stepRows;
    };
    cycle(); // warm the page cache, as a long-running poller's would be
    const times = repeatTimed(cycle, { budgetMs, minRepeats: 3, maxRepeats: 20 });
    return { cycleMs: distribution(times), runs, steps };
  } finally {
    db.close();
  }
}
