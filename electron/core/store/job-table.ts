import type Database from 'better-sqlite3';
import type { SkippedFile } from '../archive/artifact-listing.ts';
import type { FinishedRun } from '../model/finished-run.ts';

export type JobKind = 'archive' | 'report';
export type JobState = 'pending' | 'done' | 'failed';

/** What an archive job ended with; the report copies it. */
export type ArchiveJobResult =
  | {
      archived: true;
      path: string;
      bytes: number;
      zip_bytes: number;
      files: number;
      sha256: string;
      skipped: SkippedFile[];
    }
  | { archived: false; reason: string; skipped: SkippedFile[] }
  /** The artifacts folder held nothing to archive. */
  | { archived: null; skipped: SkippedFile[] };

export interface ReportJobResult {
  path: string;
}

export interface JobProgress {
  phase: 'zip' | 'verify';
  files: number;
  bytes: number;
  totalFiles: number;
  totalBytes: number;
}

export interface JobOverview {
  pending: number;
  failed: { kind: JobKind; run_id: string; attempt: number; reason: string; at: string }[];
}

export interface Job {
  id: number;
  kind: JobKind;
  runId: string;
  attempt: number;
  state: JobState;
  tries: number;
  nextAt: number;
  lastError: string | null;
  /** A listing is recorded: a zip under the final name may be this job's, left by a crash. */
  hasListing: boolean;
  result: ArchiveJobResult | ReportJobResult | null;
  progress: JobProgress | null;
  requestedBy: string | null;
}

interface JobRowDb {
  id: number;
  kind: JobKind;
  run_id: string;
  attempt: number;
  state: JobState;
  tries: number;
  next_at: number;
  last_error: string | null;
  has_listing: number;
  result: string | null;
  progress: string | null;
  requested_by: string | null;
}

/** Every column but the listing itself, which can be megabytes and is read only to adopt a zip. */
const COLUMNS = `id, kind, run_id, attempt, state, tries, next_at, last_error,
  listing IS NOT NULL AS has_listing, result, progress, requested_by`;

function parse<T>(value: string | null): T | null {
  return value === null ? null : (JSON.parse(value) as T);
}

function fromDb(row: JobRowDb): Job {
  return {
    id: row.id,
    kind: row.kind,
    runId: row.run_id,
    attempt: row.attempt,
    state: row.state,
    tries: row.tries,
    nextAt: row.next_at,
    lastError: row.last_error,
    hasListing: row.has_listing === 1,
    result: parse(row.result),
    progress: parse(row.progress),
    requestedBy: row.requested_by,
  };
}

/** The jobs and finished-run snapshots in state.db (ARCHITECTURE.md §2): the runner's durable queue. */
export class JobTable {
  private readonly db: Database.Database;
  private readonly sql;

  constructor(db: Database.Database) {
    this.db = db;
    this.sql = {
      putCompletion: db.prepare(
        `INSERT INTO completions (run_id, attempt, event_id, run) VALUES (?, ?, ?, ?)
         ON CONFLICT (run_id, attempt) DO UPDATE SET run = excluded.run,
           event_id = coalesce(excluded.event_id, completions.event_id)`,
      ),
      completion: db
        .prepare('SELECT run FROM completions WHERE run_id = ? AND attempt = ?')
        .pluck(),
      insert: db.prepare(
        `INSERT INTO jobs (kind, run_id, attempt, state, next_at, requested_by, created_at, updated_at)
         VALUES (@kind, @runId, @attempt, 'pending', @now, @requestedBy, @now, @now)`,
      ),
      get: db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`),
      pending: db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE state = 'pending' ORDER BY id`),
      listing: db.prepare('SELECT listing FROM jobs WHERE id = ?').pluck(),
      setListing: db.prepare('UPDATE jobs SET listing = ?, updated_at = ? WHERE id = ?'),
      setProgress: db.prepare('UPDATE jobs SET progress = ? WHERE id = ?'),
      retry: db.prepare(
        `UPDATE jobs SET tries = tries + 1, next_at = @nextAt, last_error = @error, updated_at = @now
          WHERE id = @id`,
      ),
      end: db.prepare(
        `UPDATE jobs SET state = @state,
                tries = tries + (CASE WHEN @state = 'failed' THEN 1 ELSE 0 END), last_error = @error,
                result = @result, progress = NULL, listing = NULL, updated_at = @now
          WHERE id = @id`,
      ),
      lastArchive: db.prepare(
        `SELECT ${COLUMNS} FROM jobs
          WHERE kind = 'archive' AND run_id = ? AND attempt = ? AND state != 'pending'
          ORDER BY id DESC LIMIT 1`,
      ),
      pendingCount: db.prepare(`SELECT count(*) FROM jobs WHERE state = 'pending'`).pluck(),
      unresolvedFailures: db.prepare(
        `SELECT kind, run_id, attempt, last_error, updated_at FROM jobs AS j
          WHERE state = 'failed' AND NOT EXISTS (
            SELECT 1 FROM jobs AS k WHERE k.kind = j.kind AND k.run_id = j.run_id
              AND k.attempt = j.attempt AND k.id > j.id AND k.state = 'done')
          ORDER BY updated_at DESC LIMIT ?`,
      ),
      stalls: db.prepare(
        `SELECT started_at, ended_at, progress_at FROM stalls
          WHERE run_id = ? AND attempt = ? ORDER BY started_at`,
      ),
    };
  }

  /**
   * The run's snapshot, then its archive and report jobs, all or nothing (inside a cycle's
   * transaction, part of it).
   */
  enqueueCompletion(
    run: FinishedRun,
    eventId: number | null,
    now: number,
    requestedBy: string | null = null,
  ): number[] {
    return this.db.transaction(() => {
      this.sql.putCompletion.run(run.run_id, run.attempt, eventId, JSON.stringify(run));
      const kinds: JobKind[] = run.artifacts_dir === null ? ['report'] : ['archive', 'report'];
      return kinds.map((kind) =>
        Number(
          this.sql.insert.run({ kind, runId: run.run_id, attempt: run.attempt, now, requestedBy })
            .lastInsertRowid,
        ),
      );
    })();
  }

  /** One more report job for a run attempt: its report is to be written again. */
  enqueueReport(runId: string, attempt: number, now: number): number {
    return Number(
      this.sql.insert.run({ kind: 'report', runId, attempt, now, requestedBy: null })
        .lastInsertRowid,
    );
  }

  completion(runId: string, attempt: number): FinishedRun | null {
    return parse<FinishedRun>((this.sql.completion.get(runId, attempt) as string | null) ?? null);
  }

  get(id: number): Job | null {
    const row = this.sql.get.get(id) as JobRowDb | undefined;
    return row ? fromDb(row) : null;
  }

  pending(): Job[] {
    return (this.sql.pending.all() as JobRowDb[]).map(fromDb);
  }

  /** The listing as JSON text, handed to the worker as it is. */
  listingJson(id: number): string | null {
    return (this.sql.listing.get(id) as string | null | undefined) ?? null;
  }

  setListingJson(id: number, listing: string, now: number): void {
    this.sql.setListing.run(listing, now, id);
  }

  setProgress(id: number, progress: JobProgress): void {
    this.sql.setProgress.run(JSON.stringify(progress), id);
  }

  retryLater(id: number, error: string, nextAt: number, now: number): void {
    this.sql.retry.run({ id, error, nextAt, now });
  }

  /** Ends a job; a failure counts as one more try. */
  end(
    id: number,
    state: 'done' | 'failed',
    result: unknown,
    error: string | null,
    now: number,
  ): void {
    this.sql.end.run({ id, state, result: JSON.stringify(result), error, now });
  }

  /** How the latest ended archive job of a run attempt ended, for its report. */
  lastArchive(runId: string, attempt: number): Job | null {
    const row = this.sql.lastArchive.get(runId, attempt) as JobRowDb | undefined;
    return row ? fromDb(row) : null;
  }

  /** Jobs waiting or running, and the latest failures no later try has made good. */
  overview(limit: number): JobOverview {
    const failed = this.sql.unresolvedFailures.all(limit) as {
      kind: JobKind;
      run_id: string;
      attempt: number;
      last_error: string | null;
      updated_at: number;
    }[];
    return {
      pending: this.sql.pendingCount.get() as number,
      failed: failed.map((row) => ({
        kind: row.kind,
        run_id: row.run_id,
        attempt: row.attempt,
        reason: row.last_error ?? 'unknown',
        at: new Date(row.updated_at).toISOString(),
      })),
    };
  }

  stalls(
    runId: string,
    attempt: number,
  ): { startedAt: number; endedAt: number | null; progressAt: number }[] {
    return (
      this.sql.stalls.all(runId, attempt) as {
        started_at: number;
        ended_at: number | null;
        progress_at: number;
      }[]
    ).map((row) => ({
      startedAt: row.started_at,
      endedAt: row.ended_at,
      progressAt: row.progress_at,
    }));
  }
}
