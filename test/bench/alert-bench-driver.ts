/**
 * Drives a real AlertEngine over a real state.db with the benchmark's event stream, the way the
 * monitor does: one batch per cycle, in one immediate transaction. Shared by the throughput runs
 * (this process) and the memory run (a child with `--expose-gc`).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { RunwatchEvent } from '../../shared/events.ts';
import type { AlertConfig } from '../../electron/core/alerts/alert-config.ts';
import { AlertEngine } from '../../electron/core/alerts/alert-engine.ts';
import { STATE_DB } from '../../electron/core/store/state-schema.ts';
import { StateStore } from '../../electron/core/store/state-store.ts';
import { BenchEventStream, STALL_AFTER_MS } from './alert-bench-events.ts';
import { cpuMs } from './stats.ts';

export const BATCH = 100;
/**
 * A monitor commit at its fullest: the monitor judges and commits changed runs 200 at a time,
 * yielding to the event loop between chunks, so no transaction carries much more than a start,
 * a step failure and an end for each of 200 runs.
 */
export const BURST_BATCH = 500;
export const SEED = 20_260_112;

export interface AlertBench {
  store: StateStore;
  engine: AlertEngine;
  /** The engine's clock: the time of the latest event fed, as a monitor cycle would read it. */
  clock: { now: number };
}

export function openAlertBench(dataDir: string, config: AlertConfig): AlertBench {
  const store = StateStore.open(dataDir);
  const clock = { now: 0 };
  const engine = new AlertEngine({
    table: store.alerts,
    config,
    now: () => clock.now,
    stallAfterFor: () => STALL_AFTER_MS,
  });
  return { store, engine, clock };
}

/**
 * The dispatcher's bookkeeping when every due row goes out at once: repeats queued, firings
 * marked notified, group windows reopened, rows ended as sent. Nothing is rendered or sent.
 * Without it every alert would stay unnotified and every row pending, which is not how a
 * running Runwatch looks (that case is measured on its own, as "nothing delivered").
 */
export function deliverDue({ store, engine, clock }: AlertBench): number {
  const table = store.alerts;
  const config = engine.currentConfig;
  let delivered = 0;
  store.transaction(() => {
    engine.queueRepeats();
    for (
      let rows = table.outbox.dueRows(clock.now);
      rows.length > 0;
      rows = table.outbox.dueRows(clock.now)
    ) {
      for (const row of rows) {
        const firing = table.members.ofRow(row.id).filter((member) => member.status === 'firing');
        for (const member of firing)
          table.rows.markNotified(member.rule, member.dedupKey, member.firedAt, row.channel);
        if (row.kind === 'group') {
          table.channels.setWindow(row.channel, clock.now + config.defaults.group_window);
        }
        table.outbox.endRow(row.id, 'sent', clock.now, null);
        for (const member of firing) {
          const rule = config.rules.find((candidate) => candidate.name === member.rule);
          if (rule?.repeatEvery) table.rows.markSent(member, clock.now, rule.repeatEvery);
        }
        delivered++;
      }
    }
  });
  return delivered;
}

export type FeedMode =
  /** `engine.handle` in a transaction of its own, over events recorded just before (untimed). */
  | 'engine'
  /** `store.record` with the engine hooked on `onEventsRecorded`, as `watch` runs it. */
  | 'record+engine'
  /** `store.record` alone: the cost of keeping the events, the floor under the engine. */
  | 'record';

export interface BatchTiming {
  wallMs: number;
  /** Process CPU (user + system): steadier than wall time on a busy machine. */
  cpuMs: number;
  /** Inside `engine.handle`; the rest of an `engine` batch is BEGIN and COMMIT. */
  handleMs: number;
}

/** Feeds one batch the given way and times it (generating the events is not timed). */
export function feedBatch(
  bench: AlertBench,
  stream: BenchEventStream,
  mode: FeedMode,
  nextId: { value: number },
  batch = BATCH,
): BatchTiming {
  const drafts = stream.next(batch);
  bench.clock.now = stream.time;
  const { store, engine } = bench;
  // The engine points at recorded events: they are recorded first, untimed, as the monitor's
  // part of the cycle.
  const events: RunwatchEvent[] = mode === 'engine' ? store.record((insert) => insert(drafts)) : [];
  nextId.value += events.length;
  let handleMs = 0;
  const cpu0 = cpuMs();
  const started = performance.now();
  if (mode === 'engine') {
    store.transaction(() => {
      const handleStarted = performance.now();
      engine.handle(events);
      handleMs = performance.now() - handleStarted;
    });
  } else {
    store.record((insert) => insert(drafts));
  }
  return { wallMs: performance.now() - started, cpuMs: cpuMs() - cpu0, handleMs };
}

/** Events per second over each tenth of a run's batches: does it slow as state.db grows? */
export function tenthRates(
  batchMs: ArrayLike<number>,
  count = batchMs.length,
  batch = BATCH,
): number[] {
  const size = Math.max(1, Math.floor(count / 10));
  const rates: number[] = [];
  for (let start = 0; start + size <= count; start += size) {
    let ms = 0;
    for (let i = start; i < start + size; i++) ms += batchMs[i] as number;
    rates.push((size * batch) / (ms / 1_000));
  }
  return rates;
}

export interface StateDbFigures {
  dbBytes: number;
  walBytes: number;
  rows: { events: number; alerts: number; alertLog: number; outbox: number; members: number };
  /** alert_log rows by transition: fired, collapsed, resolved, reopened, inhibited, repeat. */
  transitions: Record<string, number>;
  outboxByState: Record<string, number>;
}

/** Sizes and row counts of a state.db, read over a second connection (WAL allows it). */
export function stateDbFigures(dataDir: string): StateDbFigures {
  const file = path.join(dataDir, STATE_DB);
  const size = (name: string) => (fs.existsSync(name) ? fs.statSync(name).size : 0);
  const db = new Database(file, { readonly: true });
  try {
    const count = (table: string) =>
      db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    const grouped = (sql: string) =>
      Object.fromEntries(
        (db.prepare(sql).raw().all() as [string, number][]).map(([key, n]) => [key, n]),
      );
    return {
      dbBytes: size(file),
      walBytes: size(`${file}-wal`),
      rows: {
        events: count('events'),
        alerts: count('alerts'),
        alertLog: count('alert_log'),
        outbox: count('outbox'),
        members: count('outbox_members'),
      },
      transitions: grouped(
        'SELECT transition, count(*) FROM alert_log GROUP BY transition ORDER BY 2 DESC',
      ),
      outboxByState: grouped('SELECT state, count(*) FROM outbox GROUP BY state ORDER BY 2 DESC'),
    };
  } finally {
    db.close();
  }
}
