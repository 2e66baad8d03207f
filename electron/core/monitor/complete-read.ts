import path from 'node:path';
import { isPostgresUrl } from '../source/pg/pg-location.ts';
import type { RunSource } from '../source/run-source.ts';
import type { StateStore } from '../store/state-store.ts';
import type { Clock } from '../time/clock.ts';
import { compareSqliteValues } from './change-cursor.ts';
import type { ChangeReader } from './change-reader.ts';
import type { History } from './history.ts';
import { CHUNK_RUNS, chunks, SCAN_PAGE, type RunJudge } from './run-judge.ts';
import { mayBeActive } from './sweep.ts';

/** Where the source is, as state.db records it: a file's absolute path, a server's URL as shown. */
function sourcePathOf(shown: string): string {
  return isPostgresUrl(shown) ? shown : path.resolve(shown);
}

export interface CompleteReadOptions {
  source: RunSource;
  store: StateStore;
  clock: Clock;
  /** On the first start, report runs that already finished instead of recording them silently. */
  backfill?: boolean;
  history: History;
  changes: ChangeReader;
  judge: RunJudge;
  /** Lets the event loop breathe between pages and chunks. */
  breathe: () => Promise<void>;
}

/**
 * A complete read before anything is judged by time: at start, after a reopen, after the
 * source came back, after a clock jump. Progress it finds counts from the database's own
 * times; after a restart it also reads every run added while Runwatch was stopped.
 */
export class CompleteRead {
  private readonly options: CompleteReadOptions;

  constructor(options: CompleteReadOptions) {
    this.options = options;
  }

  async read(): Promise<void> {
    const { source, store, clock, backfill, history, changes, judge, breathe } = this.options;
    // The first start is complete only once its whole read is: a crash before that repeats it.
    const initializing = history.initializing;
    if (!history.settled) {
      // Where history ends is settled before any event of the first start is published.
      const end = await source.maxRowid('runs');
      judge.commit([], { history_rowid: end });
      history.settle(end);
    }
    const now = clock.now();
    const at = clock.monotonic();
    const mark = await changes.mark(now);
    const since = store.getMeta<number>('wm_runs_rowid') ?? history.rowid;
    const changedSince = store.getMeta<unknown>('wm_runs_updated') ?? null;
    const candidates = await this.candidates(
      since,
      initializing && backfill === true,
      changedSince,
    );
    store.checkpointInline(true);
    try {
      for (const chunk of chunks(candidates, CHUNK_RUNS)) {
        await judge.judge(chunk, false, initializing);
        await breathe();
      }
    } finally {
      store.checkpointInline(false);
    }
    changes.reset(mark, at);
    const meta: Record<string, unknown> = {};
    if (mark.rowid.runs !== null) meta.wm_runs_rowid = mark.rowid.runs;
    if (mark.newest.runs !== null) meta.wm_runs_updated = mark.newest.runs.value;
    if (initializing) {
      meta.initialized_at = now;
      meta.source_path = sourcePathOf(source.path);
    }
    judge.commit([], meta);
    judge.flushStale(initializing ? 'first start' : 'first seen');
    history.initialized();
  }

  /**
   * The first start found no database, or one without runs: it has no history, so every run it
   * will hold is reported, even one that finishes before Runwatch first reads it.
   */
  noHistory(): void {
    const { source, clock, history, judge } = this.options;
    if (history.settled) return;
    history.settle(0);
    history.initialized();
    judge.commit([], {
      history_rowid: 0,
      initialized_at: clock.now(),
      source_path: sourcePathOf(source.path),
    });
  }

  /**
   * The runs that may be active: those tracked, those whose status is not final, those added
   * after rowid `since` (or all of them, for a first start with --backfill), and runs recorded as
   * finished but updated at or after `changedSince` (they may have run again meanwhile). A page
   * at a time.
   */
  private async candidates(
    since: number | null,
    all: boolean,
    changedSince: unknown,
  ): Promise<string[]> {
    const { source, store, judge, breathe } = this.options;
    const found = new Set(judge.tracked.keys());
    for await (const page of source.scanAllRuns(SCAN_PAGE)) {
      const changed: string[] = [];
      for (const row of page) {
        if (mayBeActive(row, since, all)) found.add(row.runId);
        else if (changedSince !== null && compareSqliteValues(row.updatedAt, changedSince) >= 0) {
          // Without rowids, a run added and finished while Runwatch was stopped (or the source
          // down) is known only by its change: every run changed since is read again.
          if (row.rowid === null) found.add(row.runId);
          else changed.push(row.runId);
        }
      }
      // Only a finish Runwatch recorded can be compared: history it never read stays unread.
      for (const runId of store.finishedAmong(changed)) found.add(runId);
      await breathe();
    }
    return [...found];
  }
}
