import type Database from 'better-sqlite3';
import { toIso } from '../time/timestamp.ts';

/**
 * Finished runs of each pipeline kept however old: the Pipelines view charts a pipeline's last
 * 30 runs, and a pipeline that runs monthly should not lose its chart.
 */
export const KEEP_PER_PIPELINE = 30;
/**
 * Rows looked at per chunk, each chunk one short transaction (a few milliseconds): a finished
 * run's snapshot, with its steps, weighs far more than an event.
 */
const CHUNK = { completions: 100, events: 500, stalls: 500 } as const;

/** Where a pass over the history stands: each table in turn, by rowid. */
export interface PruneCursor {
  table: 'completions' | 'events' | 'stalls' | 'done';
  after: number;
}

export interface PruneCounts {
  runs: number;
  events: number;
  stalls: number;
}

interface CompletionRow {
  seq: number;
  runId: string;
  attempt: number;
  pipeline: string | null;
  recordedAt: number | null;
  busy: number;
}

/**
 * The history in state.db past its keeping time, a chunk at a time. What history means, table by
 * table:
 * - a finished run attempt (its `completions` snapshot, its ended jobs, its stalls) goes once it
 *   was recorded before the cutoff, unless its jobs are still pending or it is one of its
 *   pipeline's latest `KEEP_PER_PIPELINE`;
 * - an event goes once it was recorded before the cutoff, unless its run is still active, has
 *   jobs pending or a finished attempt still kept, or an alert or an unsent delivery points at it;
 * - a stall of an attempt that never finished (the run was removed) goes once it ended before the
 *   cutoff.
 * Runs themselves (one row each) are the monitor's memory, not history: they stay, so a run
 * retried in place months later is still its next attempt.
 */
export class HistoryPrune {
  private readonly sql;
  private readonly thresholds = new Map<string, number | null>();
  private protectedEvents: Set<number> | null = null;

  constructor(db: Database.Database) {
    this.sql = {
      completions: db.prepare(
        `SELECT c.rowid AS seq, c.run_id AS runId, c.attempt,
                json_extract(c.run, '$.pipeline') AS pipeline,
                (SELECT min(j.created_at) FROM jobs j
                  WHERE j.run_id = c.run_id AND j.attempt = c.attempt) AS recordedAt,
                EXISTS (SELECT 1 FROM jobs j WHERE j.run_id = c.run_id AND j.attempt = c.attempt
                          AND j.state = 'pending') AS busy
           FROM completions c WHERE c.rowid > ? ORDER BY c.rowid LIMIT ?`,
      ),
      // The expression index on the pipeline makes this a short walk down the index.
      pipelineThreshold: db
        .prepare(
          `SELECT rowid FROM completions WHERE json_extract(run, '$.pipeline') = ?
            ORDER BY rowid DESC LIMIT 1 OFFSET ${KEEP_PER_PIPELINE - 1}`,
        )
        .pluck(),
      deleteCompletion: db.prepare('DELETE FROM completions WHERE run_id = ? AND attempt = ?'),
      deleteEndedJobs: db.prepare(
        `DELETE FROM jobs WHERE run_id = ? AND attempt = ? AND state != 'pending'`,
      ),
      deleteStalls: db.prepare('DELETE FROM stalls WHERE run_id = ? AND attempt = ?'),
      events: db.prepare(
        'SELECT id, run_id AS runId, at FROM events WHERE id > ? ORDER BY id LIMIT ?',
      ),
      referencedEvents: db
        .prepare(
          `SELECT event_id FROM alerts
           UNION SELECT m.event_id FROM outbox_members m
            WHERE m.event_id IS NOT NULL
              AND m.outbox_id IN (SELECT id FROM outbox WHERE state = 'pending')`,
        )
        .pluck(),
      runKept: db
        .prepare(
          `SELECT EXISTS (SELECT 1 FROM runs WHERE run_id = @run AND phase = 'active')
               OR EXISTS (SELECT 1 FROM jobs WHERE run_id = @run AND state = 'pending')
               OR EXISTS (SELECT 1 FROM completions WHERE run_id = @run)`,
        )
        .pluck(),
      deleteEvent: db.prepare('DELETE FROM events WHERE id = ?'),
      stalls: db.prepare(
        `SELECT s.rowid AS seq, s.run_id AS runId, s.attempt, s.ended_at AS endedAt,
                EXISTS (SELECT 1 FROM completions c
                         WHERE c.run_id = s.run_id AND c.attempt = s.attempt)
             OR EXISTS (SELECT 1 FROM runs r WHERE r.run_id = s.run_id AND r.phase = 'active'
                         AND r.attempt = s.attempt)
             OR EXISTS (SELECT 1 FROM jobs j WHERE j.run_id = s.run_id AND j.attempt = s.attempt
                         AND j.state = 'pending') AS kept
           FROM stalls s WHERE s.rowid > ? ORDER BY s.rowid LIMIT ?`,
      ),
      deleteStall: db.prepare('DELETE FROM stalls WHERE rowid = ?'),
    };
  }

  /** A pass starts here; what it learnt about pipelines and alerts is forgotten. */
  start(): PruneCursor {
    this.thresholds.clear();
    this.protectedEvents = null;
    return { table: 'completions', after: 0 };
  }

  /**
   * One chunk of the pass at `cursor`, in the caller's transaction: what was recorded before
   * `cutoff` (ms) and is no longer needed. Returns where the pass goes on, and what went.
   */
  chunk(cursor: PruneCursor, cutoff: number): { next: PruneCursor; removed: PruneCounts } {
    const removed: PruneCounts = { runs: 0, events: 0, stalls: 0 };
    if (cursor.table === 'completions')
      return { next: this.completions(cursor, cutoff, removed), removed };
    if (cursor.table === 'events') return { next: this.events(cursor, cutoff, removed), removed };
    if (cursor.table === 'stalls') return { next: this.stalls(cursor, cutoff, removed), removed };
    return { next: cursor, removed };
  }

  private completions(cursor: PruneCursor, cutoff: number, removed: PruneCounts): PruneCursor {
    const rows = this.sql.completions.all(cursor.after, CHUNK.completions) as CompletionRow[];
    for (const row of rows) {
      // Attempts are recorded in rowid order: past the cutoff, the rest are newer still.
      if (row.recordedAt !== null && row.recordedAt >= cutoff) return { table: 'events', after: 0 };
      if (row.busy === 1 || this.chartedRun(row)) continue;
      this.sql.deleteCompletion.run(row.runId, row.attempt);
      this.sql.deleteEndedJobs.run(row.runId, row.attempt);
      this.sql.deleteStalls.run(row.runId, row.attempt);
      removed.runs++;
    }
    const last = rows.at(-1);
    return last && rows.length === CHUNK.completions
      ? { table: 'completions', after: last.seq }
      : { table: 'events', after: 0 };
  }

  /** One of its pipeline's latest finished runs, which its chart shows. */
  private chartedRun(row: CompletionRow): boolean {
    const pipeline = row.pipeline ?? '';
    let threshold = this.thresholds.get(pipeline);
    if (threshold === undefined) {
      threshold = (this.sql.pipelineThreshold.get(pipeline) as number | undefined) ?? null;
      this.thresholds.set(pipeline, threshold);
    }
    return threshold === null || row.seq >= threshold;
  }

  private events(cursor: PruneCursor, cutoff: number, removed: PruneCounts): PruneCursor {
    const before = toIso(cutoff);
    this.protectedEvents ??= new Set(this.sql.referencedEvents.all() as number[]);
    const rows = this.sql.events.all(cursor.after, CHUNK.events) as {
      id: number;
      runId: string | null;
      at: string;
    }[];
    const kept = new Map<string, boolean>();
    for (const row of rows) {
      // Events are recorded in id order: past the cutoff, the rest are newer still.
      if (row.at >= before) return { table: 'stalls', after: 0 };
      if (this.protectedEvents.has(row.id)) continue;
      if (row.runId !== null) {
        let runKept = kept.get(row.runId);
        if (runKept === undefined) {
          runKept = this.sql.runKept.get({ run: row.runId }) === 1;
          kept.set(row.runId, runKept);
        }
        if (runKept) continue;
      }
      this.sql.deleteEvent.run(row.id);
      removed.events++;
    }
    const last = rows.at(-1);
    return last && rows.length === CHUNK.events
      ? { table: 'events', after: last.id }
      : { table: 'stalls', after: 0 };
  }

  private stalls(cursor: PruneCursor, cutoff: number, removed: PruneCounts): PruneCursor {
    const rows = this.sql.stalls.all(cursor.after, CHUNK.stalls) as {
      seq: number;
      endedAt: number | null;
      kept: number;
    }[];
    for (const row of rows) {
      if (row.kept === 1 || row.endedAt === null || row.endedAt >= cutoff) continue;
      this.sql.deleteStall.run(row.seq);
      removed.stalls++;
    }
    const last = rows.at(-1);
    return last && rows.length === CHUNK.stalls
      ? { table: 'stalls', after: last.seq }
      : { table: 'done', after: 0 };
  }
}
