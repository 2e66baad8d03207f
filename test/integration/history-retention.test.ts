import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../../shared/events.ts';
import { streamLogger } from '../../electron/core/log.ts';
import { HistoryRetention } from '../../electron/core/store/history-retention.ts';
import { StateStore } from '../../electron/core/store/state-store.ts';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { MonitorHarness } from '../support/monitor-harness.ts';
import { OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { killedAfterEach, runwatch } from '../support/processes.ts';
import { waitFor } from '../support/wait.ts';

const cleanup = cleanupAfterEach();
const track = killedAfterEach();
const DAY = 86_400_000;

/**
 * A data dir with a month's worth of history, as a real watch recorded it: 33 finished runs of
 * `etl`, one of `monthly`, one whose archive still waits to be retried (its report written at once), one still running (and
 * stalled), one removed after a stall, and many source events.
 */
async function recordedHistory() {
  const dir = tempDir();
  const orch = new OrchestrationDb(path.join(dir, 'orchestration.db'));
  cleanup.push(() => orch.close());
  const dataDir = path.join(dir, 'data');
  const harness = new MonitorHarness(orch.file, {
    dataDir,
    stallAfter: 300,
    sweepEveryMs: 1_000,
    jobs: { retryDelaysMs: [3_600_000] },
  }).start();
  await waitFor(() => harness.diagnostics, 'the first read');
  const done = (runId: string, pipeline: string, artifactsDir: string | null = null) =>
    orch.insertRun({
      runId,
      pipeline,
      status: 'succeeded',
      artifactsDir,
      steps: [{ stepId: 'a', status: 'succeeded' }],
    });
  for (let i = 1; i <= 33; i++) done(`etl-${i}`, 'etl');
  done('monthly-1', 'monthly');
  done('waiting', 'slow', path.join(dir, 'not-there-yet'));
  orch.insertRun({ runId: 'still-running', steps: [{ stepId: 'a', status: 'running' }] });
  orch.insertRun({ runId: 'gone', steps: [{ stepId: 'a', status: 'running' }] });
  await harness.waitFor('run_stalled', 'gone');
  await harness.waitFor('run_stalled', 'still-running');
  orch.deleteRun('gone');
  await harness.waitFor('run_removed', 'gone');
  await waitFor(() => harness.of('report_written').length === 35, '35 reports');
  await harness.stop();

  const store = StateStore.open(dataDir);
  cleanup.push(() => store.close());
  const source: EventDraft[] = [];
  for (let i = 0; i < 1_200; i++) {
    const at = new Date().toISOString();
    source.push({ type: i % 2 ? 'source_up' : 'source_down', source: 'orch', at, reason: 'x' });
  }
  store.commit(
    { runs: [], resetAck: [], stalls: [], events: source, completions: [], meta: {} },
    Date.now(),
  );
  return { dataDir, store, harness };
}

function eventsOf(dataDir: string): { id: number; type: string; run_id: string | null }[] {
  const db = new Database(path.join(dataDir, 'state.db'), { readonly: true });
  try {
    return db.prepare('SELECT id, type, run_id FROM events ORDER BY id').all() as {
      id: number;
      type: string;
      run_id: string | null;
    }[];
  } finally {
    db.close();
  }
}

function count(dataDir: string, sql: string): number {
  const db = new Database(path.join(dataDir, 'state.db'), { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
}

/** An alert still firing on one event, and a delivery still waiting with another. */
function pointAlertsAt(dataDir: string, firing: number, waiting: number): void {
  const db = new Database(path.join(dataDir, 'state.db'));
  const now = Date.now();
  db.prepare(
    `INSERT INTO alerts (rule, dedup_key, state, severity, event_id, fired_at, updated_at)
     VALUES ('run-stalled', 'run-stalled:gone', 'firing', 'warning', ?, ?, ?)`,
  ).run(firing, now, now);
  const row = db
    .prepare(
      `INSERT INTO outbox (channel, kind, state, send_after, next_at, severity, created_at, expires_at)
       VALUES ('slack', 'alert', 'pending', ?, ?, 'warning', ?, ?)`,
    )
    .run(now, now, now, now + DAY).lastInsertRowid;
  db.prepare(
    `INSERT INTO outbox_members (outbox_id, rule, dedup_key, status, severity, fired_at, run_id, event_id)
     VALUES (?, 'run-stalled', 'run-stalled:gone', 'firing', 'warning', ?, 'gone', ?)`,
  ).run(row, now, waiting);
  db.close();
}

describe('history retention', () => {
  it('drops what is older than keep_history, in short transactions, and keeps what is still needed', async () => {
    const { dataDir, store } = await recordedHistory();
    const before = eventsOf(dataDir);
    const goneEvents = before.filter((e) => e.run_id === 'gone');
    expect(goneEvents.map((e) => e.type)).toEqual(['run_started', 'run_stalled', 'run_removed']);
    pointAlertsAt(dataDir, goneEvents[1]!.id, goneEvents[2]!.id);
    expect(count(dataDir, 'SELECT count(*) FROM stalls')).toBe(2);

    const logs: string[] = [];
    const clock = new FakeClock(Date.now() + 40 * DAY);
    const retention = new HistoryRetention({
      store,
      clock,
      log: streamLogger((line) => logs.push(line.trimEnd())),
      keepMs: 30 * DAY,
    });
    cleanup.push(() => retention.stop());
    let yields = 0;
    let pruning = true;
    const tick = () => {
      if (!pruning) return;
      yields++;
      setImmediate(tick);
    };
    setImmediate(tick);
    retention.start();
    await retention.idle();
    pruning = false;
    // The pass gave the event loop a turn between its chunks, many times over.
    expect(yields).toBeGreaterThan(3);

    // The Finished view and the charts: each pipeline's latest 30, and the run whose archive
    // still waits; the three oldest etl runs are gone with their jobs.
    const finished = store.history.finishedRuns({ limit: 100 }).items.map((run) => run.run_id);
    expect(finished).toHaveLength(32);
    expect(finished).toEqual(expect.arrayContaining(['monthly-1', 'waiting', 'etl-4', 'etl-33']));
    expect(finished.filter((id) => /^etl-[123]$/.test(id))).toEqual([]);
    expect(store.history.pipelineHistory('etl', 30)).toHaveLength(30);
    expect(store.history.runDetail('etl-1', undefined, clock.now())).toBeNull();
    expect(store.history.runDetail('etl-4', undefined, clock.now())?.events.length).toBe(2);
    expect(
      count(dataDir, `SELECT count(*) FROM jobs WHERE run_id IN ('etl-1', 'etl-2', 'etl-3')`),
    ).toBe(0);
    expect(
      count(dataDir, `SELECT count(*) FROM jobs WHERE run_id = 'waiting' AND state = 'pending'`),
    ).toBe(1);

    const after = eventsOf(dataDir);
    const runsOf = (events: typeof after) => new Set(events.map((e) => e.run_id));
    expect(after.filter((e) => e.run_id === null)).toEqual([]);
    expect(after.filter((e) => e.run_id === 'still-running').map((e) => e.type)).toEqual([
      'run_started',
      'run_stalled',
    ]);
    // Its report was written at once, saying the archive waits for another try.
    expect(after.filter((e) => e.run_id === 'waiting').map((e) => e.type)).toEqual([
      'run_completed',
      'report_written',
    ]);
    // Of the removed run, only what an alert or a waiting delivery still points at.
    expect(after.filter((e) => e.run_id === 'gone').map((e) => e.type)).toEqual([
      'run_stalled',
      'run_removed',
    ]);
    expect(runsOf(after).has('etl-1')).toBe(false);
    // The removed run's ended stall goes; the stall of the run still running stays.
    expect(count(dataDir, 'SELECT count(*) FROM stalls')).toBe(1);
    expect(count(dataDir, `SELECT count(*) FROM stalls WHERE run_id = 'still-running'`)).toBe(1);
    // The monitor's memory of each run stays.
    expect(store.getRun('etl-1')?.phase).toBe('finished');
    expect(logs).toEqual([
      `runwatch: removed history older than 30d: 3 finished runs, ${before.length - after.length} events, 1 stall`,
    ]);
  });

  it('keeps everything recorded within keep_history', async () => {
    const { dataDir, store } = await recordedHistory();
    const before = eventsOf(dataDir).length;
    const retention = new HistoryRetention({
      store,
      clock: new FakeClock(Date.now() + 29 * DAY),
      log: streamLogger(() => {}),
      keepMs: 30 * DAY,
    });
    cleanup.push(() => retention.stop());
    retention.start();
    await retention.idle();
    expect(eventsOf(dataDir)).toHaveLength(before);
    expect(store.history.finishedRuns({ limit: 100 }).items).toHaveLength(35);
    expect(count(dataDir, 'SELECT count(*) FROM stalls')).toBe(2);
  });

  it('runs in watch, with keep_history from the config file', async () => {
    const dir = tempDir();
    const orch = new OrchestrationDb(path.join(dir, 'orchestration.db'));
    cleanup.push(() => orch.close());
    for (let i = 1; i <= 31; i++) {
      orch.insertRun({
        runId: `etl-${i}`,
        status: 'succeeded',
        steps: [{ stepId: 'a', status: 'succeeded' }],
      });
    }
    const dataDir = path.join(dir, 'data');
    const env = { XDG_CONFIG_HOME: path.join(dir, 'home') };
    // No alert rules: no alert holds on to an event.
    const config = path.join(dir, 'runwatch.yaml');
    fs.writeFileSync(config, 'monitor:\n  keep_history: 1d\n');
    const args = ['--config', config, '--db', orch.file, '--data-dir', dataDir];
    const once = runwatch(['watch', '--once', '--backfill', ...args], env);
    expect((await once.exited).code).toBe(0);
    // As if all of it had been recorded two days ago.
    const db = new Database(path.join(dataDir, 'state.db'));
    db.prepare('UPDATE events SET at = ?').run(new Date(Date.now() - 2 * DAY).toISOString());
    db.prepare('UPDATE jobs SET created_at = created_at - ?').run(2 * DAY);
    db.close();

    const watch = track(runwatch(['watch', ...args], env));
    await waitFor(
      () => watch.stderr.find((line) => line.includes('removed history')),
      'the history pruned',
    );
    expect(watch.stderr).toContain(
      'runwatch: removed history older than 1d: 1 finished run, 2 events, 0 stalls',
    );
    expect(watch.stderr.join('\n')).toContain('keep_history 1d (config)');
  });
});
