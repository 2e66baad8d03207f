import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AckTarget, AttentionItem } from '../../../shared/attention.ts';
import type { EventDraft, RunwatchEvent } from '../../../shared/events.ts';
import type { FinishedRun } from '../model/finished-run.ts';
import type { StallRecord, TrackedRun } from '../model/tracked-run.ts';
import { AlertHistory } from './alert-history.ts';
import { AlertTable } from './alert-table.ts';
import { AttentionTable } from './attention-table.ts';
import { HistoryPrune } from './history-prune.ts';
import { JobTable } from './job-table.ts';
import { RunHistory } from './run-history.ts';
import { fromDb, toDb, type RunRowDb } from './tracked-run-row.ts';
import { migrate, openStateDbReadonly, STATE_DB, StateSchemaError } from './state-schema.ts';
import { WalCheckpointer } from './wal-checkpointer.ts';

/** SQLite's own autocheckpoint threshold, in pages: where a commit checkpoints on its thread. */
const AUTOCHECKPOINT_PAGES = 1_000;
/**
 * With the checkpoint worker running, the main thread checkpoints only past this many pages
 * (80 MB): a burst that outruns the worker, whose commits never leave the WAL fully copied.
 */
const FALLBACK_CHECKPOINT_PAGES = 20_000;

/** Everything one monitor cycle writes, committed in one transaction before anything is published. */
export interface CycleWrite {
  runs: TrackedRun[];
  /** Runs whose earlier acknowledgement no longer covers a new stall, overdue or attempt. */
  resetAck: string[];
  stalls: StallRecord[];
  events: EventDraft[];
  /** Runs that finished in this cycle: their snapshots and jobs go in with their events. */
  completions: FinishedRun[];
  meta: Record<string, unknown>;
}

/**
 * The source's own state database in its data dir: run states, the event history and (later)
 * jobs and the alert outbox. WAL, so `status` and `alerts` read while `watch` writes.
 */
export class StateStore {
  readonly file: string;
  readonly jobs: JobTable;
  readonly alerts: AlertTable;
  readonly history: RunHistory;
  private readonly attentionTable: AttentionTable;
  /** The alert history, made on first use: only the API reads it, here on this connection. */
  private cachedAlertHistory: AlertHistory | null = null;
  private cachedHistoryPrune: HistoryPrune | null = null;
  private readonly db: Database.Database;
  private readonly sql;
  private dataVersion: number | null = null;
  private recorded: ((events: readonly RunwatchEvent[]) => void) | null = null;
  private readonly checkpointer: WalCheckpointer | null;
  /** Checkpoints are the connection's own for now (`checkpointInline`). */
  private inline = false;

  private constructor(file: string, db: Database.Database, checkpointer: WalCheckpointer | null) {
    this.file = file;
    this.db = db;
    this.checkpointer = checkpointer;
    this.jobs = new JobTable(db);
    this.alerts = new AlertTable(db);
    this.history = new RunHistory(db);
    this.attentionTable = new AttentionTable(db);
    this.sql = {
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      setMeta: db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      deleteMeta: db.prepare('DELETE FROM meta WHERE key = ?'),
      getRun: db.prepare('SELECT * FROM runs WHERE run_id = ?'),
      activeRuns: db.prepare(`SELECT * FROM runs WHERE phase = 'active'`),
      finishedAmong: db
        .prepare(
          `SELECT run_id FROM runs
            WHERE phase = 'finished' AND run_id IN (SELECT value FROM json_each(?))`,
        )
        .pluck(),
      upsertRun: db.prepare(
        `INSERT INTO runs (run_id, pipeline, attempt, phase, status, stale, print, attempt_print,
           last_progress_at, started_at, stall_since, overdue_at, failed_steps, outcome, finished_at,
           finish_mark, updated_at)
         VALUES (@run_id, @pipeline, @attempt, @phase, @status, @stale, @print, @attempt_print,
           @last_progress_at, @started_at, @stall_since, @overdue_at, @failed_steps, @outcome,
           @finished_at, @finish_mark, @updated_at)
         ON CONFLICT (run_id) DO UPDATE SET pipeline = excluded.pipeline, attempt = excluded.attempt,
           phase = excluded.phase, status = excluded.status, stale = excluded.stale,
           print = excluded.print, attempt_print = excluded.attempt_print,
           last_progress_at = excluded.last_progress_at, started_at = excluded.started_at,
           stall_since = excluded.stall_since, overdue_at = excluded.overdue_at,
           failed_steps = excluded.failed_steps, outcome = excluded.outcome,
           finished_at = excluded.finished_at, finish_mark = excluded.finish_mark,
           updated_at = excluded.updated_at`,
      ),
      resetAck: db.prepare('UPDATE runs SET attention_acked_at = NULL WHERE run_id = ?'),
      upsertStall: db.prepare(
        `INSERT INTO stalls (run_id, attempt, started_at, ended_at, progress_at)
         VALUES (@runId, @attempt, @startedAt, @endedAt, @progressAt)
         ON CONFLICT (run_id, attempt, started_at) DO UPDATE SET ended_at = excluded.ended_at`,
      ),
      insertEvent: db.prepare('INSERT INTO events (type, run_id, at, body) VALUES (?, ?, ?, ?)'),
      pipelineFinished: db.prepare(
        `INSERT INTO pipelines (pipeline, last_run_id, last_attempt, last_outcome, last_finished_at)
         VALUES (@pipeline, @run_id, @attempt, @outcome, @finished_at)
         ON CONFLICT (pipeline) DO UPDATE SET last_run_id = excluded.last_run_id,
           last_attempt = excluded.last_attempt, last_outcome = excluded.last_outcome,
           last_finished_at = excluded.last_finished_at, failure_acked_at = NULL
         WHERE excluded.last_finished_at >= pipelines.last_finished_at`,
      ),
    };
  }

  /**
   * Opens a data dir's state.db. `create` (the watcher) makes the dir and the file and migrates;
   * `existing` (`ack`) needs the file; `readonly` (`status`) also never writes.
   */
  static open(dataDir: string, mode: 'create' | 'existing' | 'readonly' = 'create'): StateStore {
    const file = path.join(dataDir, STATE_DB);
    if (mode === 'readonly') return new StateStore(file, openStateDbReadonly(dataDir), null);
    if (mode === 'create') fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    else if (!fs.existsSync(file)) throw new StateSchemaError(`${file} does not exist`);
    const db = new Database(file, { timeout: 2_000, fileMustExist: mode !== 'create' });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // The alert engine looks up its tables by key on every event: 8 MB keeps their inner
      // pages and the recent rows cached. Pages take memory only once read.
      db.pragma(`cache_size = ${mode === 'create' ? -8_000 : -2_000}`);
      migrate(db, file);
      return new StateStore(file, db, mode === 'create' ? checkpointerFor(file, db) : null);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** The alert history as `runwatch alerts` reads it, on this connection (for the API). */
  get alertHistory(): AlertHistory {
    this.cachedAlertHistory ??= new AlertHistory(this.db);
    return this.cachedAlertHistory;
  }

  /** The run history's retention, made on first use: only the watcher prunes. */
  get historyPrune(): HistoryPrune {
    this.cachedHistoryPrune ??= new HistoryPrune(this.db);
    return this.cachedHistoryPrune;
  }

  /** Whether a data dir already has a state.db (readers must not create one). */
  static exists(dataDir: string): boolean {
    return fs.existsSync(path.join(dataDir, STATE_DB));
  }

  close(): void {
    if (this.checkpointer) {
      this.checkpointer.close();
      // The worker's connection may close after this one, and SQLite checkpoints and removes
      // the WAL only when the last connection closes: do it now rather than leave it behind.
      try {
        this.db.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        // Busy: the WAL stays, and the next open reads it back.
      }
    }
    this.db.close();
  }

  /**
   * While a complete read of a large source records its runs (thousands of rows, in chunks that
   * block the thread anyway), this connection checkpoints on its own thread as SQLite would,
   * some tens of milliseconds per 4 MB, rather than start the checkpoint worker, whose memory the
   * process keeps after it ends. Turned off, it empties a WAL large enough to start the worker,
   * if no reader is in the way, and hands checkpoints back to the worker.
   */
  checkpointInline(on: boolean): void {
    const checkpointer = this.checkpointer;
    if (!checkpointer?.available || on === this.inline) return;
    this.inline = on;
    this.db.pragma(`wal_autocheckpoint = ${on ? AUTOCHECKPOINT_PAGES : FALLBACK_CHECKPOINT_PAGES}`);
    if (on) return;
    if (checkpointer.wouldStart()) {
      const timeout = this.db.pragma('busy_timeout', { simple: true }) as number;
      this.db.pragma('busy_timeout = 0');
      try {
        this.db.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        // Busy: the worker takes what is left.
      } finally {
        this.db.pragma(`busy_timeout = ${timeout}`);
      }
    }
    checkpointer.requested();
  }

  private committed(): void {
    if (!this.inline) this.checkpointer?.requested();
  }

  /** Checkpoints the worker thread has done, for measuring. */
  get workerCheckpoints(): number {
    return this.checkpointer?.completed ?? 0;
  }

  /** Resolves when the background checkpoint asked for by the last commit is done. */
  checkpointed(): Promise<void> {
    return this.checkpointer?.idle() ?? Promise.resolve();
  }

  getMeta<T>(key: string): T | undefined {
    const value = this.sql.getMeta.get(key) as string | undefined;
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  setMeta(key: string, value: unknown): void {
    if (value === undefined) this.sql.deleteMeta.run(key);
    else this.sql.setMeta.run(key, JSON.stringify(value));
  }

  getRun(runId: string): TrackedRun | null {
    const row = this.sql.getRun.get(runId) as RunRowDb | undefined;
    return row ? fromDb(row) : null;
  }

  activeRuns(): TrackedRun[] {
    return (this.sql.activeRuns.all() as RunRowDb[]).map(fromDb);
  }

  /** Which of these runs are recorded as finished. */
  finishedAmong(runIds: readonly string[]): string[] {
    if (runIds.length === 0) return [];
    return this.sql.finishedAmong.all(JSON.stringify(runIds)) as string[];
  }

  /** Writes one cycle atomically and returns its events with their ids, ready to publish. */
  commit(write: CycleWrite, now: number): RunwatchEvent[] {
    const events = this.db
      .transaction(() => {
        for (const run of write.runs) this.sql.upsertRun.run(toDb(run, now));
        for (const runId of write.resetAck) this.sql.resetAck.run(runId);
        for (const stall of write.stalls) {
          this.sql.upsertStall.run({
            runId: stall.runId,
            attempt: stall.attempt,
            startedAt: Math.round(stall.startedAt),
            endedAt: stall.endedAt === null ? null : Math.round(stall.endedAt),
            progressAt: Math.round(stall.progressAt),
          });
        }
        for (const [key, value] of Object.entries(write.meta)) this.setMeta(key, value);
        const events = this.insertEvents(write.events);
        for (const run of write.completions) {
          const event = events.find(
            (e) =>
              e.type === 'run_completed' && e.run_id === run.run_id && e.attempt === run.attempt,
          );
          this.jobs.enqueueCompletion(run, event?.id ?? null, now);
        }
        return events;
      })
      .immediate();
    this.committed();
    return events;
  }

  /** Runs `write` in one immediate transaction, then returns the events it recorded, with ids. */
  record(write: (insert: (drafts: EventDraft[]) => RunwatchEvent[]) => void): RunwatchEvent[] {
    const recorded = this.db
      .transaction(() => {
        const events: RunwatchEvent[] = [];
        write((drafts) => {
          const inserted = this.insertEvents(drafts);
          events.push(...inserted);
          return inserted;
        });
        return events;
      })
      .immediate();
    this.committed();
    return recorded;
  }

  /**
   * `hook` runs inside the transaction that records events, so what it writes (the alert
   * outbox) commits or rolls back with them.
   */
  onEventsRecorded(hook: ((events: readonly RunwatchEvent[]) => void) | null): void {
    this.recorded = hook;
  }

  /** Runs `write` inside the current transaction as a savepoint: if it throws, only it is undone. */
  savepoint<T>(write: () => T): T {
    return this.db.transaction(write)();
  }

  /** Runs `write` in one immediate transaction. */
  transaction<T>(write: () => T): T {
    const result = this.db.transaction(write).immediate();
    this.committed();
    return result;
  }

  /** A random id of this state.db, made once: the first half of every Idempotency-Key. */
  storeId(): string {
    const existing = this.getMeta<string>('store_id');
    if (existing) return existing;
    const id = crypto.randomUUID().replaceAll('-', '').slice(0, 16);
    this.transaction(() => {
      if (!this.getMeta<string>('store_id')) this.setMeta('store_id', id);
    });
    return this.getMeta<string>('store_id') as string;
  }

  private insertEvents(drafts: readonly EventDraft[]): RunwatchEvent[] {
    const events = this.insertEventRows(drafts);
    if (events.length > 0) this.recorded?.(events);
    return events;
  }

  private insertEventRows(drafts: readonly EventDraft[]): RunwatchEvent[] {
    return drafts.map((draft) => {
      const runId = 'run_id' in draft ? draft.run_id : null;
      const id = Number(
        this.sql.insertEvent.run(draft.type, runId, draft.at, JSON.stringify(draft))
          .lastInsertRowid,
      );
      if (draft.type === 'run_completed') {
        this.sql.pipelineFinished.run({
          pipeline: draft.pipeline,
          run_id: draft.run_id,
          attempt: draft.attempt,
          outcome: draft.outcome,
          finished_at: Date.parse(draft.occurred_at),
        });
      }
      const { type, ...rest } = draft;
      return { type, id, ...rest } as RunwatchEvent;
    });
  }

  /** Whether another connection (a second process) committed to state.db since the last call. */
  changedElsewhere(): boolean {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    const changed = this.dataVersion !== null && version !== this.dataVersion;
    this.dataVersion = version;
    return changed;
  }

  attention(source: string): AttentionItem[] {
    return this.attentionTable.list(source);
  }

  /** Marks what needs attention as seen; returns how many items it covered. */
  acknowledge(target: AckTarget, now: number): number {
    return this.attentionTable.acknowledge(target, now);
  }
}

/** A checkpoint worker for the watcher's connection, which then checkpoints only past a burst. */
function checkpointerFor(file: string, db: Database.Database): WalCheckpointer {
  db.pragma(`wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
  return new WalCheckpointer(file, {
    onFailure: () => {
      if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    },
  });
}
