import type { RunSource } from '../source/run-source.ts';
import type { Clock } from '../time/clock.ts';
import { parseTimestamp } from '../time/timestamp.ts';
import type { ChangeReader } from './change-reader.ts';
import type { ClockOffset } from './clock-offset.ts';
import { CHUNK_RUNS, chunks, SCAN_PAGE, type RunJudge } from './run-judge.ts';
import type { SweepSchedule } from './sweep.ts';

export interface ChangeCheckOptions {
  source: RunSource;
  clock: Clock;
  changes: ChangeReader;
  judge: RunJudge;
  /** Learns the writer's clock offset from changes seen live. */
  offset: ClockOffset;
  /** A read that hit its limit may have left changes unread: the sweep finds them. */
  sweeps: SweepSchedule;
  /** Lets the event loop breathe between chunks and pages. */
  breathe: () => Promise<void>;
}

/**
 * The poll's check of what changed since the last look, judged run by run: new rows by rowid,
 * updated rows by `updated_at`, and after a commit that changed nothing it can see, deleted runs.
 */
export class ChangeCheck {
  private readonly options: ChangeCheckOptions;

  constructor(options: ChangeCheckOptions) {
    this.options = options;
  }

  /** Reads and judges what changed; `committed`: `data_version` moved since the last check. */
  async read(committed: boolean): Promise<void> {
    const { clock, changes, judge, offset, sweeps, breathe } = this.options;
    const now = clock.now();
    const batch = await changes.read(committed, clock.monotonic(), now);
    if (batch.truncated) sweeps.hurry();
    const fresh = batch.fresh;
    if (fresh.length > 0) {
      let newest: number | null = null;
      for (const row of fresh) {
        const ms = parseTimestamp(row.writtenAt);
        if (ms !== null && (newest === null || ms > newest)) newest = ms;
      }
      const dirty = [...new Set(fresh.map((row) => row.runId))];
      let explained = false;
      for (const chunk of chunks(dirty, CHUNK_RUNS)) {
        explained = (await judge.judge(chunk, true)) || explained;
        if (dirty.length > CHUNK_RUNS) await breathe();
      }
      if (!explained && committed) await this.findRemoved();
      else if (newest !== null) offset.add(now - newest);
    } else if (committed) {
      await this.findRemoved();
    }
    if (committed && this.options.source.progressElsewhere) {
      await this.recheckStalled(fresh.map((row) => row.runId));
    }
    batch.accept();
  }

  /**
   * A stalled run may have made progress that no change query sees where a profile takes it
   * from another table (a heartbeat in Airflow 2's job table, a metric MLflow logged), read
   * only when the run is read. There, after any commit, the stalled runs are read again; they
   * are few, and recovering one must not wait for the sweep.
   */
  private async recheckStalled(readAlready: readonly string[]): Promise<void> {
    const { judge, breathe } = this.options;
    const done = new Set(readAlready);
    const stalled: string[] = [];
    for (const [runId, run] of judge.tracked) {
      if (run.stallSince !== null && !done.has(runId)) stalled.push(runId);
    }
    for (const chunk of chunks(stalled, CHUNK_RUNS)) {
      await judge.judge(chunk, true);
      if (stalled.length > CHUNK_RUNS) await breathe();
    }
  }

  /**
   * A commit that changed no row Runwatch can see by rowid or `updated_at` is most often a
   * deletion: check that the active runs still exist, by key, rather than wait for the sweep.
   */
  private async findRemoved(): Promise<void> {
    const { source, changes, judge, breathe } = this.options;
    // Deleted rows at the top of a table let SQLite hand out their rowids again.
    await changes.lowerRowids();
    const ids = [...judge.tracked.keys()];
    for (let i = 0; i < ids.length; i += SCAN_PAGE) {
      const page = ids.slice(i, i + SCAN_PAGE);
      const existing = await source.existingRuns(page);
      const missing = page.filter((runId) => !existing.has(runId));
      if (missing.length > 0) await judge.judge(missing, true);
      if (ids.length > SCAN_PAGE) await breathe();
    }
  }
}
