import type Database from 'better-sqlite3';
import type {
  ArchiveView,
  FinishedRunView,
  Page,
  PipelineRun,
  RunDetail,
} from '../../../shared/api.ts';
import type { Outcome, RunwatchEvent } from '../../../shared/events.ts';
import type { FinishedRun } from '../model/finished-run.ts';
import { toIso } from '../time/timestamp.ts';
import type { ArchiveJobResult, ReportJobResult } from './job-table.ts';

/** Events listed with a run: a run that logs more shows its latest. */
const RUN_EVENTS = 2_000;

interface FinishedRow {
  seq: number;
  run: string;
  archive: string | null;
  retry: string | null;
  report: string | null;
}

/**
 * The latest ended archive and the latest written report of each finished run, as subqueries:
 * through better-sqlite3 they cost a fraction of the same joins.
 */
const FINISHED = `SELECT c.rowid AS seq, c.run,
    (SELECT j.result FROM jobs j WHERE j.kind = 'archive' AND j.run_id = c.run_id
        AND j.attempt = c.attempt AND j.state != 'pending' ORDER BY j.id DESC LIMIT 1) AS archive,
    (SELECT json_object('error', j.last_error, 'at', j.next_at) FROM jobs j
      WHERE j.kind = 'archive' AND j.run_id = c.run_id AND j.attempt = c.attempt
        AND j.state = 'pending' AND j.tries > 0 ORDER BY j.id DESC LIMIT 1) AS retry,
    (SELECT j.result FROM jobs j WHERE j.kind = 'report' AND j.run_id = c.run_id
        AND j.attempt = c.attempt AND j.state = 'done' ORDER BY j.id DESC LIMIT 1) AS report
  FROM completions c`;

function finishedView(row: FinishedRow): FinishedRunView {
  const run = JSON.parse(row.run) as FinishedRun;
  const archive = row.archive === null ? null : (JSON.parse(row.archive) as ArchiveJobResult);
  const report = row.report === null ? null : (JSON.parse(row.report) as ReportJobResult);
  // An archive job waiting to try again: its report is written already, saying why.
  const retry =
    row.retry === null ? null : (JSON.parse(row.retry) as { error: string | null; at: number });
  let archived: ArchiveView | null = null;
  if (archive?.archived === true) {
    // An archive job records its zip only once every entry has been read back and checked.
    archived = {
      path: archive.path,
      bytes: archive.zip_bytes,
      files_bytes: archive.bytes,
      files: archive.files,
      sha256: archive.sha256,
      verified: true,
    };
  }
  return {
    source: run.source,
    pipeline: run.pipeline,
    run_id: run.run_id,
    attempt: run.attempt,
    outcome: run.outcome,
    started_at: run.started_at,
    finished_at: run.finished_at,
    duration_s: run.duration_s,
    steps_total: run.steps_total,
    steps_failed: run.steps_failed,
    archive: archived,
    archive_error: retry
      ? (retry.error ?? 'not archived yet')
      : archive?.archived === false
        ? archive.reason
        : null,
    archive_retry_at: retry ? toIso(retry.at) : null,
    report: report?.path ?? null,
  };
}

/**
 * Finished runs, one run's story and a pipeline's recent outcomes, read from state.db for the UI:
 * the run snapshots kept with their jobs, the jobs' results, the stalls and the events.
 */
export class RunHistory {
  private readonly sql;

  constructor(db: Database.Database) {
    this.sql = {
      finished: db.prepare(
        `${FINISHED}
          WHERE c.rowid < @before
            AND (@pipeline IS NULL OR json_extract(c.run, '$.pipeline') = @pipeline)
            AND (@outcome IS NULL OR json_extract(c.run, '$.outcome') = @outcome)
            AND (@search IS NULL OR instr(
                  lower(json_extract(c.run, '$.pipeline') || char(10) || c.run_id),
                  lower(@search)) > 0)
          ORDER BY c.rowid DESC LIMIT @limit`,
      ),
      finishedRun: db.prepare(
        `${FINISHED} WHERE c.run_id = @runId AND (@attempt IS NULL OR c.attempt = @attempt)
          ORDER BY c.attempt DESC LIMIT 1`,
      ),
      pipelineRuns: db
        .prepare(
          `SELECT run FROM completions WHERE json_extract(run, '$.pipeline') = ?
            ORDER BY rowid DESC LIMIT ?`,
        )
        .pluck(),
      events: db.prepare(
        `SELECT id, body FROM (SELECT id, body FROM events WHERE run_id = ? ORDER BY id DESC LIMIT ?)
          ORDER BY id`,
      ),
      stalls: db.prepare(
        `SELECT started_at, ended_at, progress_at FROM stalls WHERE run_id = ? AND attempt = ?
          ORDER BY started_at`,
      ),
    };
  }

  /** Newest first, as the monitor saw them finish; `before` comes from the previous page. */
  finishedRuns(filter: {
    pipeline?: string;
    outcome?: Outcome;
    search?: string;
    before?: string;
    limit: number;
  }): Page<FinishedRunView> & { cursors: string[] } {
    const before = filter.before === undefined ? Number.MAX_SAFE_INTEGER : Number(filter.before);
    const rows = this.sql.finished.all({
      before: Number.isSafeInteger(before) ? before : 0,
      pipeline: filter.pipeline ?? null,
      outcome: filter.outcome ?? null,
      search: filter.search ? filter.search : null,
      limit: filter.limit + 1,
    }) as FinishedRow[];
    const shown = rows.slice(0, filter.limit);
    const last = shown.at(-1);
    return {
      items: shown.map(finishedView),
      next: rows.length > filter.limit && last ? String(last.seq) : null,
      // Where a page that ends at each item would resume: pages merged across sources need it.
      cursors: shown.map((row) => String(row.seq)),
    };
  }

  /** A run's finished snapshot (the given attempt, else the latest), or null. */
  finishedRun(runId: string, attempt?: number): FinishedRunView | null {
    const row = this.sql.finishedRun.get({ runId, attempt: attempt ?? null }) as
      FinishedRow | undefined;
    return row ? finishedView(row) : null;
  }

  /**
   * What state.db knows of a run: its finished snapshot (the given attempt, else the latest),
   * its steps, stalls and events. Null when it knows nothing of it.
   */
  runDetail(
    runId: string,
    attempt: number | undefined,
    now: number,
  ): Omit<RunDetail, 'active'> | null {
    const row = this.sql.finishedRun.get({ runId, attempt: attempt ?? null }) as
      FinishedRow | undefined;
    const events = (this.sql.events.all(runId, RUN_EVENTS) as { id: number; body: string }[])
      .map(({ id, body }): RunwatchEvent => {
        // The body is the event as Runwatch published it, written from this same type.
        const event = JSON.parse(body) as RunwatchEvent;
        return Object.assign({ type: event.type, id }, event);
      })
      .filter(
        (event) => attempt === undefined || !('attempt' in event) || event.attempt === attempt,
      );
    if (!row && events.length === 0) return null;
    const run = row ? (JSON.parse(row.run) as FinishedRun) : null;
    const first = events[0] as
      (RunwatchEvent & { pipeline?: string; attempt?: number }) | undefined;
    const shownAttempt = run?.attempt ?? attempt ?? first?.attempt ?? 1;
    const stalls = (
      this.sql.stalls.all(runId, shownAttempt) as {
        started_at: number;
        ended_at: number | null;
        progress_at: number;
      }[]
    ).map((stall) => ({
      started_at: toIso(stall.started_at),
      ended_at: stall.ended_at === null ? null : toIso(stall.ended_at),
      idle_s: Math.round(((stall.ended_at ?? now) - stall.progress_at) / 1_000),
    }));
    return {
      source: run?.source ?? first?.source ?? '',
      pipeline: run?.pipeline ?? first?.pipeline ?? '',
      run_id: runId,
      attempt: shownAttempt,
      finished: row ? finishedView(row) : null,
      steps: run?.steps ?? [],
      stalls,
      events,
    };
  }

  /** A pipeline's latest finished runs, newest first. */
  pipelineHistory(pipeline: string, limit: number): PipelineRun[] {
    return (this.sql.pipelineRuns.all(pipeline, limit) as string[]).map((text) => {
      const run = JSON.parse(text) as FinishedRun;
      return {
        run_id: run.run_id,
        attempt: run.attempt,
        outcome: run.outcome,
        started_at: run.started_at,
        finished_at: run.finished_at,
        duration_s: run.duration_s,
      };
    });
  }
}
