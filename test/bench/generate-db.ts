/**
 * Builds the benchmark's orchestration databases (the default schema, WAL): active runs with
 * steps plus a large finished history, once with the recommended indexes, once without, and once
 * with the indexes and every row stamped with one `updated_at` (a bulk load, a backfill, or a
 * writer with second-precision timestamps). They are cached by size under the OS temp dir, so a
 * rerun starts at once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_SCHEMA_SQL } from '../../electron/core/demo/demo-schema.ts';
import type { BenchSizes } from './bench-config.ts';
import { seededRandom } from './stats.ts';

/** Bump when the generated data changes shape, so stale caches are not reused. */
const GENERATOR_VERSION = 2;
/**
 * Active runs' timestamps lie within the hour before generation; a cache is rebuilt long before
 * they would approach `stale_after` (24 h) and stop counting as active.
 */
const CACHE_MAX_AGE_MS = 12 * 3_600_000;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface BenchDbs {
  withIndexes: string;
  withoutIndexes: string;
  /** With the indexes, every row's `updated_at` the same whole second (`tiedStamp`). */
  tied: string;
  tiedStamp: string;
  cached: boolean;
  generatedAt: string;
  /** Loading the tables (the index-less file), then copying it and adding the indexes. */
  generateMs: { tables: number; indexes: number; tied: number };
  bytes: { withoutIndexes: number; withIndexes: number; tied: number };
}

interface CacheMeta extends Omit<BenchDbs, 'withIndexes' | 'withoutIndexes' | 'tied' | 'cached'> {
  generatedAtMs: number;
}

/** `CURRENT_TIMESTAMP`'s format: UTC, whole seconds, a space between date and time. */
export function secondStamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

export const INDEX_STATEMENTS = DEFAULT_SCHEMA_SQL.split(';')
  .map((statement) => statement.trim())
  .filter((statement) => /^CREATE INDEX/i.test(statement));

const TABLE_STATEMENTS = DEFAULT_SCHEMA_SQL.split(';')
  .map((statement) => statement.trim())
  .filter((statement) => statement !== '' && !/^CREATE INDEX/i.test(statement));

export function cacheRoot(): string {
  return path.join(os.tmpdir(), 'runwatch-bench');
}

const iso = (ms: number) => new Date(ms).toISOString();
const pad = (n: number, width: number) => String(n).padStart(width, '0');

function activeRunId(i: number): string {
  return `run-${pad(i, 7)}`;
}

function insertAll(db: Database.Database, sizes: BenchSizes, now: number): void {
  const random = seededRandom(42);
  const insertRun = db.prepare(
    `INSERT INTO runs (run_id, pipeline, status, created_at, started_at, updated_at, finished_at,
       artifacts_dir)
     VALUES (?, ?, ?, ?, ?, ?, ?, NULL)`,
  );
  const insertStep = db.prepare(
    `INSERT INTO steps (run_id, step_id, name, position, status, started_at, updated_at,
       finished_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const { stepsPerRun } = sizes;
  const stepMs = 60_000;

  // History first (lower rowids), as a long-lived orchestrator's table would hold it.
  const historyStart = now - 30 * DAY;
  const historySpan = 29 * DAY - 2 * HOUR;
  for (let i = 0; i < sizes.historyRuns; i++) {
    const runId = `hist-${pad(i, 7)}`;
    const created = historyStart + Math.floor((i / Math.max(1, sizes.historyRuns)) * historySpan);
    const roll = random();
    const status = roll < 0.9 ? 'succeeded' : roll < 0.97 ? 'failed' : 'cancelled';
    const failAt = status === 'succeeded' ? stepsPerRun : Math.floor(random() * stepsPerRun);
    const finished = created + (Math.min(failAt, stepsPerRun - 1) + 1) * stepMs;
    const pipeline = `pipeline-${i % 25}`;
    insertRun.run(
      runId,
      pipeline,
      status,
      iso(created),
      iso(created),
      iso(finished),
      iso(finished),
    );
    for (let s = 0; s < stepsPerRun; s++) {
      const stepStatus = s < failAt ? 'succeeded' : s === failAt ? status : 'skipped';
      const started = created + s * stepMs;
      const end = s <= failAt ? started + stepMs : finished;
      insertStep.run(
        runId,
        `s${pad(s, 2)}`,
        `step-${s}`,
        s,
        stepStatus,
        s <= failAt ? iso(started) : null,
        iso(end),
        iso(end),
      );
    }
  }

  // Active runs: started within the last hour, so none is stale (stale_after 24 h).
  for (let i = 0; i < sizes.activeRuns; i++) {
    const runId = activeRunId(i);
    const created = now - HOUR + Math.floor(random() * (HOUR - 5 * 60_000));
    const pending = random() < 0.2;
    const done = pending ? 0 : Math.floor(random() * (stepsPerRun - 1));
    const stepTimes = Math.max(1, Math.floor((now - created) / (done + 1)));
    const updated = created + done * stepTimes;
    const pipeline = `pipeline-${i % 25}`;
    insertRun.run(
      runId,
      pipeline,
      pending ? 'pending' : 'running',
      iso(created),
      pending ? null : iso(created),
      iso(updated),
      null,
    );
    for (let s = 0; s < stepsPerRun; s++) {
      const started = created + s * stepTimes;
      let stepStatus = 'pending';
      if (!pending && s < done) stepStatus = random() < 0.1 ? 'skipped' : 'succeeded';
      if (!pending && s === done) stepStatus = 'running';
      const touched = stepStatus !== 'pending';
      const stepUpdated = touched ? Math.min(started + stepTimes, updated) : created;
      insertStep.run(
        runId,
        `s${pad(s, 2)}`,
        `step-${s}`,
        s,
        stepStatus,
        touched ? iso(started) : null,
        iso(stepUpdated),
        stepStatus === 'succeeded' || stepStatus === 'skipped' ? iso(stepUpdated) : null,
      );
    }
  }
}

function buildWithoutIndexes(file: string, sizes: BenchSizes, now: number): void {
  fs.rmSync(file, { force: true });
  const db = new Database(file);
  try {
    // A bulk load needs no journal; the file is switched to WAL (what the monitor expects) after.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    for (const statement of TABLE_STATEMENTS) db.exec(statement);
    db.transaction(() => insertAll(db, sizes, now))();
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
}

function addIndexes(file: string): void {
  const db = new Database(file);
  try {
    db.pragma('cache_size = -262144');
    for (const statement of INDEX_STATEMENTS) db.exec(statement);
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** A copy of the indexed file whose rows all hold `stamp`, written as one bulk update would. */
function buildTied(withIndexes: string, file: string, stamp: string): void {
  fs.copyFileSync(withIndexes, file);
  const db = new Database(file);
  try {
    db.pragma('cache_size = -262144');
    db.transaction(() => {
      // Rebuilding the indexes once is faster than updating them row by row.
      db.exec('DROP INDEX runs_updated; DROP INDEX steps_updated');
      db.prepare('UPDATE runs SET updated_at = ?').run(stamp);
      db.prepare('UPDATE steps SET updated_at = ?').run(stamp);
      for (const statement of INDEX_STATEMENTS) db.exec(statement);
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

function timed(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** The two databases for these sizes, from the cache when it is fresh enough. */
export function ensureBenchDbs(sizes: BenchSizes): BenchDbs {
  const key = `a${sizes.activeRuns}-s${sizes.stepsPerRun}-h${sizes.historyRuns}-v${GENERATOR_VERSION}`;
  const dir = path.join(cacheRoot(), 'dbs', key);
  const withoutIndexes = path.join(dir, 'without-indexes.db');
  const withIndexes = path.join(dir, 'with-indexes.db');
  const tied = path.join(dir, 'tied.db');
  const metaFile = path.join(dir, 'meta.json');
  const files = [withoutIndexes, withIndexes, tied];
  if (fs.existsSync(metaFile) && files.every((file) => fs.existsSync(file))) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as CacheMeta;
    if (Date.now() - meta.generatedAtMs < CACHE_MAX_AGE_MS) {
      return { withIndexes, withoutIndexes, tied, cached: true, ...meta };
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.rmSync(metaFile, { force: true });
  const now = Date.now();
  const building = `${withoutIndexes}.tmp`;
  const noIndexMs = timed(() => buildWithoutIndexes(building, sizes, now));
  fs.renameSync(building, withoutIndexes);
  const indexing = `${withIndexes}.tmp`;
  const indexMs = timed(() => {
    fs.copyFileSync(withoutIndexes, indexing);
    addIndexes(indexing);
  });
  fs.renameSync(indexing, withIndexes);
  const tiedStamp = secondStamp(now);
  const tying = `${tied}.tmp`;
  const tiedMs = timed(() => buildTied(withIndexes, tying, tiedStamp));
  fs.renameSync(tying, tied);
  const meta: CacheMeta = {
    generatedAt: iso(now),
    generatedAtMs: now,
    tiedStamp,
    generateMs: { tables: noIndexMs, indexes: indexMs, tied: tiedMs },
    bytes: {
      withoutIndexes: fs.statSync(withoutIndexes).size,
      withIndexes: fs.statSync(withIndexes).size,
      tied: fs.statSync(tied).size,
    },
  };
  fs.writeFileSync(metaFile, JSON.stringify(meta, null, 2));
  return { withIndexes, withoutIndexes, tied, cached: false, ...meta };
}

/** A private, writable copy of a cached database for one scenario (the writer changes it). */
export function workingCopy(source: string, workDir: string, name: string): string {
  const dir = path.join(workDir, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'orchestration.db');
  fs.copyFileSync(source, file);
  return file;
}

/** A database of one running run with its steps: what `watch` costs before any large read. */
export function oneRunDb(workDir: string): string {
  const dir = path.join(workDir, 'one-run');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'orchestration.db');
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(DEFAULT_SCHEMA_SQL);
    const now = Date.now();
    insertAll(db, { activeRuns: 1, stepsPerRun: 20, historyRuns: 0 }, now);
  } finally {
    db.close();
  }
  return file;
}
