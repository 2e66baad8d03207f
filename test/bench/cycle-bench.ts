/**
 * Cost of one monitor cycle, measured on the source alone: the idle change check
 * (`PRAGMA data_version` + the file stat), and the incremental read after one run changed
 * (`readChanges` with the monitor's own cursor, then `readRuns` of the changed run), the first
 * of them from where the first complete read leaves the cursor.
 */
import Database from 'better-sqlite3';
import {
  ChangeCursorState,
  plausibleNewest,
  TIE_REREAD_MAX,
  type KeysetPosition,
} from '../../electron/core/monitor/change-cursor.ts';
import type { SourceTable } from '../../electron/core/source/schema-check.ts';
import {
  SqliteSource,
  type ChangeCursor,
  type ChangedRow,
} from '../../electron/core/source/sqlite-source.ts';
import { secondStamp } from './generate-db.ts';
import { distribution, repeatTimed, seededRandom, type Distribution } from './stats.ts';
import type { WriterArgs } from './writer-protocol.ts';

export interface ChangeCheckResult {
  dataVersionUs: number;
  fileStatusUs: number;
  checkUs: number;
}

export interface OneChangeResult {
  /** dataVersion + readChanges + readRuns of the changed run, per change. */
  cycleMs: Distribution;
  readChangesMs: Distribution;
  readRunsMs: Distribution;
  /** readRuns([runId]) alone on an unchanged database: one run and its steps by key. */
  readOneRunUs: number;
  /** Rows the change queries returned per change (median). */
  rowsPerChange: number;
  /** The first change after the first read, from where that read left the cursor. */
  first: { ms: number; rows: number };
}

function perCallUs(fn: () => void, calls: number): number {
  for (let i = 0; i < 1_000; i++) fn();
  const start = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return ((performance.now() - start) * 1_000) / calls;
}

export function measureChangeCheck(dbPath: string, calls: number): ChangeCheckResult {
  const source = new SqliteSource(dbPath);
  source.open();
  try {
    const dataVersionUs = perCallUs(() => source.dataVersion(), calls);
    const fileStatusUs = perCallUs(() => source.fileStatus(), calls);
    const checkUs = perCallUs(() => {
      source.fileStatus();
      source.dataVersion();
    }, calls);
    return { dataVersionUs, fileStatusUs, checkUs };
  } finally {
    source.close();
  }
}

export function measureOneChange(
  dbPath: string,
  budgetMs: number,
  stamp: WriterArgs['stamp'],
): OneChangeResult {
  const source = new SqliteSource(dbPath);
  source.open();
  const writer = new Database(dbPath, { timeout: 5_000 });
  try {
    const random = seededRandom(7);
    const active = writer
      .prepare(`SELECT run_id FROM runs WHERE status = 'running' ORDER BY rowid`)
      .pluck()
      .all() as string[];
    const pick = () => active.splice(Math.floor(random() * active.length), 1)[0] as string;
    const touchStep = writer.prepare(
      `UPDATE steps SET status = 'succeeded', updated_at = @at, finished_at = @at
       WHERE run_id = @runId AND position = (SELECT max(position) FROM steps WHERE run_id = @runId)`,
    );
    const finishRun = writer.prepare(
      `UPDATE runs SET status = 'succeeded', updated_at = @at, finished_at = @at WHERE run_id = @runId`,
    );
    const complete = writer.transaction((runId: string, at: string) => {
      touchStep.run({ at, runId });
      finishRun.run({ at, runId });
    });

    const readOneRunUs = perCallUs(() => source.readRuns([active[0] as string]), 2_000);

    // The cursor the monitor keeps, from where its first complete read leaves it.
    const cursor = new ChangeCursorState();
    cursor.reset(
      { runs: source.maxRowid('runs'), steps: source.maxRowid('steps') },
      { runs: startPosition(source, 'runs'), steps: startPosition(source, 'steps') },
      performance.now(),
    );
    const readChanges: number[] = [];
    const readRuns: number[] = [];
    const rows: number[] = [];
    // Only the reads are timed; the writer's commit before them is not.
    repeatTimed(
      () => {
        const at = stamp === 'seconds' ? secondStamp(Date.now()) : new Date().toISOString();
        complete.immediate(pick(), at);
        const rows0 = source.rowsRead;
        const t0 = performance.now();
        source.dataVersion();
        const query = cursor.query(t0, false);
        const changes = readAllChanges(source, query);
        const t1 = performance.now();
        const dirty = [...new Set([...changes.runs, ...changes.steps].map((row) => row.runId))];
        source.readRuns(dirty);
        readChanges.push(t1 - t0);
        readRuns.push(performance.now() - t1);
        rows.push(source.rowsRead - rows0);
        cursor.accept(changes, query, Date.now(), t0);
      },
      { budgetMs, minRepeats: 5, maxRepeats: 200 },
    );
    const cycle = readChanges.map((ms, i) => ms + (readRuns[i] as number));
    return {
      cycleMs: distribution(cycle),
      readChangesMs: distribution(readChanges),
      readRunsMs: distribution(readRuns),
      readOneRunUs,
      rowsPerChange: distribution(rows).median,
      first: { ms: cycle[0] ?? Number.NaN, rows: rows[0] ?? Number.NaN },
    };
  } finally {
    writer.close();
    source.close();
  }
}

/** Where the monitor's checks start after its first read of the database, as it works it out. */
function startPosition(source: SqliteSource, table: SourceTable): KeysetPosition | null {
  const value = plausibleNewest([...source.newestUpdated(table, 100)].flat(), Date.now());
  if (value === null) return null;
  const tie = [...source.tieAt(table, value, TIE_REREAD_MAX)].pop() ?? { rows: 0, rowid: null };
  return { value, rowid: tie.rowid, tie: tie.rows > TIE_REREAD_MAX ? null : tie.rows };
}

/** The monitor's change check: new rows by rowid, then updated rows of each table. */
function readAllChanges(
  source: SqliteSource,
  cursor: ChangeCursor,
): { runs: ChangedRow[]; steps: ChangedRow[] } {
  const added = source.readNewRows(cursor.rowid).rows;
  const rows = {
    runs: added.filter((row) => row.table === 'runs'),
    steps: added.filter((row) => row.table === 'steps'),
  };
  for (const table of ['runs', 'steps'] as const) {
    const from = cursor.updated[table];
    if (from === null) continue;
    for (const part of source.readUpdatedRows(table, from, cursor.rowid[table])) {
      rows[table].push(...part.rows);
    }
  }
  return rows;
}
