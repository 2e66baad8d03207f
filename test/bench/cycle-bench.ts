/**
 * Cost of one monitor cycle, measured on the source alone: the idle change check
 * (`PRAGMA data_version` + the file stat), and the incremental read after one run changed
 * (`readChanges` from a cursor at the previous change, then `readRuns` of the changed run).
 */
import Database from 'better-sqlite3';
import { TIE_REREAD_MAX } from '../../electron/core/monitor/change-cursor.ts';
import type { SourceTable } from '../../electron/core/source/schema-check.ts';
import {
  SqliteSource,
  type ChangeCursor,
  type ChangedRow,
  type UpdatedFrom,
} from '../../electron/core/source/sqlite-source.ts';
import { distribution, repeatTimed, seededRandom, type Distribution } from './stats.ts';

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
  rowsPerChange: number;
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

export function measureOneChange(dbPath: string, budgetMs: number): OneChangeResult {
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

    // The cursor stands where the monitor's would after accepting the previous change.
    const cursor: ChangeCursor = {
      rowid: { runs: source.maxRowid('runs'), steps: source.maxRowid('steps') },
      updated: { runs: newestFrom(source, 'runs'), steps: newestFrom(source, 'steps') },
    };
    const readChanges: number[] = [];
    const readRuns: number[] = [];
    let rows = 0;
    // Only the reads are timed; the writer's commit before them is not.
    const repeats = repeatTimed(
      () => {
        const at = new Date().toISOString();
        complete.immediate(pick(), at);
        const t0 = performance.now();
        source.dataVersion();
        const changes = readAllChanges(source, cursor);
        const t1 = performance.now();
        const dirty = [...new Set(changes.map((row) => row.runId))];
        source.readRuns(dirty);
        readChanges.push(t1 - t0);
        readRuns.push(performance.now() - t1);
        rows += changes.length;
        cursor.updated = {
          runs: { value: at, afterRowid: null },
          steps: { value: at, afterRowid: null },
        };
      },
      { budgetMs, minRepeats: 5, maxRepeats: 200 },
    );
    const cycle = readChanges.map((ms, i) => ms + (readRuns[i] as number));
    return {
      cycleMs: distribution(cycle),
      readChangesMs: distribution(readChanges),
      readRunsMs: distribution(readRuns),
      readOneRunUs,
      rowsPerChange: rows / repeats.length,
    };
  } finally {
    writer.close();
    source.close();
  }
}

/**
 * Where the monitor's checks start after its first read: past the rows holding the newest
 * `updated_at`, or at them when few do.
 */
function newestFrom(source: SqliteSource, table: SourceTable): UpdatedFrom | null {
  const value = [...source.newestUpdated(table, 1)].flat()[0];
  if (value === undefined) return null;
  const tie = [...source.tieAt(table, value, TIE_REREAD_MAX)].pop();
  const small = tie !== undefined && tie.rows <= TIE_REREAD_MAX;
  return { value, afterRowid: small ? null : (tie?.rowid ?? null) };
}

/** The monitor's change check: new rows by rowid, then updated rows of each table. */
function readAllChanges(source: SqliteSource, cursor: ChangeCursor): ChangedRow[] {
  const rows = [...source.readNewRows(cursor.rowid).rows];
  for (const table of ['runs', 'steps'] as const) {
    const from = cursor.updated[table];
    if (from === null) continue;
    for (const part of source.readUpdatedRows(table, from, cursor.rowid[table])) {
      rows.push(...part.rows);
    }
  }
  return rows;
}
