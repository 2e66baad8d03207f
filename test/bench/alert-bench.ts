/**
 * The alert engine under load: events per second through rule matching, the per-(rule, dedup
 * key) state machine and outbox insertion with 50 rules, beside what matching alone and
 * recording the events alone cost in the same run; where its time goes, per AlertTable call; and
 * the memory it holds after a long stream over 10,000 runs (in a child with `--expose-gc`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { matchRules } from '../../electron/core/alerts/alert-plan.ts';
import type { AlertTable } from '../../electron/core/store/alert-table.ts';
import {
  alertBenchConfig,
  BenchEventStream,
  EVENT_STEP_MS,
  RUN_IDS,
} from './alert-bench-events.ts';
import {
  BATCH,
  BURST_BATCH,
  deliverDue,
  feedBatch,
  openAlertBench,
  SEED,
  stateDbFigures,
  tenthRates,
  type BatchTiming,
  type FeedMode,
  type StateDbFigures,
} from './alert-bench-driver.ts';
import type { AlertMemoryArgs, AlertMemoryResult } from './alert-memory-protocol.ts';
import { cpuMs, distribution, type Distribution } from './stats.ts';

const CHILD = path.join(import.meta.dirname, 'alert-memory-process.ts');

export const ALERT_TARGETS = {
  /** So alerting is never the bottleneck of a monitor cycle. */
  eventsPerSecond: 20_000,
  /** ARCHITECTURE.md §2: nothing blocks the main thread longer; a transaction does, all of it. */
  longestTransactionMs: 50,
} as const;

export type ScenarioSlug = 'match' | 'record' | FeedMode | 'engine-undelivered' | 'engine-burst';

export interface ThroughputRow {
  slug: ScenarioSlug;
  label: string;
  /** Events per transaction. */
  batch: number;
  events: number;
  /** Events asked for; more than `events` when the time budget ran out first. */
  requested: number;
  eventsPerSecond: number;
  /** Events per second of process CPU: less disturbed by other load on the machine. */
  cpuEventsPerSecond: number;
  /** Wall time of one batch (one monitor cycle's worth of events). */
  batchMs: Distribution;
  /** Events per second over each tenth of the run: does it slow as state.db grows? */
  tenths: number[];
  /** Simulated deliveries between cycles (not counted in the figures above). */
  deliveries: number;
}

export interface CallShare {
  method: string;
  calls: number;
  totalMs: number;
}

export interface AlertBenchResult {
  rules: number;
  channels: number;
  runIds: number;
  batch: number;
  eventStepMs: number;
  budgetMs: number;
  /** Rules matched per event, and the share of events no rule matched. */
  matching: { matchedPerEvent: number; unmatchedShare: number };
  throughput: ThroughputRow[];
  /** state.db after the `engine` run. */
  stateDb: StateDbFigures;
  /**
   * An instrumented `engine` run: time inside each method of the AlertTable parts; `handleMs` is all of
   * `engine.handle`, `wallMs` adds BEGIN and COMMIT.
   */
  breakdown: { events: number; wallMs: number; handleMs: number; calls: CallShare[] };
  memory: AlertMemoryResult;
  targets: typeof ALERT_TARGETS;
}

const SCENARIOS: { slug: ScenarioSlug; label: string }[] = [
  { slug: 'match', label: 'rule matching only (matchRules, no state.db)' },
  { slug: 'record', label: 'recording the events only (store.record)' },
  { slug: 'engine', label: 'engine: match + state machine + outbox' },
  {
    slug: 'engine-burst',
    label: `engine, ${BURST_BATCH} per transaction (a full monitor chunk of 200 runs)`,
  },
  { slug: 'engine-undelivered', label: 'engine, nothing ever delivered' },
  { slug: 'record+engine', label: 'record + engine in one transaction (watch)' },
];

const labelOf = (slug: ScenarioSlug) => SCENARIOS.find((s) => s.slug === slug)?.label ?? slug;

function throughputRow(
  slug: ScenarioSlug,
  requested: number,
  timings: readonly BatchTiming[],
  deliveries: number,
  batch = BATCH,
): ThroughputRow {
  const events = timings.length * batch;
  const wallMs = timings.map((timing) => timing.wallMs);
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  return {
    slug,
    label: labelOf(slug),
    batch,
    events,
    requested,
    eventsPerSecond: events / (sum(wallMs) / 1_000),
    cpuEventsPerSecond: events / (sum(timings.map((timing) => timing.cpuMs)) / 1_000),
    batchMs: distribution(wallMs),
    tenths: tenthRates(wallMs, wallMs.length, batch),
    deliveries,
  };
}

function benchMatching(events: number): {
  row: ThroughputRow;
  matching: AlertBenchResult['matching'];
} {
  const config = alertBenchConfig();
  const stream = new BenchEventStream(SEED);
  const timings: BatchTiming[] = [];
  let matched = 0;
  let unmatched = 0;
  for (let fed = 0; fed < events; fed += BATCH) {
    const drafts = stream.next(BATCH);
    const cpu0 = cpuMs();
    const started = performance.now();
    for (const draft of drafts) {
      const rules = matchRules(config.rules, draft).length;
      matched += rules;
      if (rules === 0) unmatched++;
    }
    const wallMs = performance.now() - started;
    timings.push({ wallMs, cpuMs: cpuMs() - cpu0, handleMs: wallMs });
  }
  return {
    row: throughputRow('match', events, timings, 0),
    matching: { matchedPerEvent: matched / events, unmatchedShare: unmatched / events },
  };
}

/**
 * Times every method of each part of one AlertTable while `on` is set, named `outbox.rowFor`;
 * nothing in it changes. A call made from inside another timed call (the outbox moving members,
 * a part calling itself) counts toward the outer one only, so the shares add up.
 */
function instrument(table: AlertTable): {
  timings: Map<string, CallShare>;
  on: { value: boolean };
} {
  const timings = new Map<string, CallShare>();
  const on = { value: false };
  let depth = 0;
  for (const [name, part] of Object.entries(table) as [string, object][]) {
    const methods = part as Record<string, (...args: unknown[]) => unknown>;
    for (const method of Object.getOwnPropertyNames(Object.getPrototypeOf(part))) {
      const original = methods[method];
      if (method === 'constructor' || typeof original !== 'function') continue;
      const timing = { method: `${name}.${method}`, calls: 0, totalMs: 0 };
      timings.set(timing.method, timing);
      methods[method] = (...args: unknown[]) => {
        if (!on.value || depth > 0) return original.apply(part, args);
        const started = performance.now();
        depth++;
        try {
          return original.apply(part, args);
        } finally {
          depth--;
          timing.calls++;
          timing.totalMs += performance.now() - started;
        }
      };
    }
  }
  return { timings, on };
}

interface FeedRun {
  row: ThroughputRow;
  breakdown: AlertBenchResult['breakdown'] | null;
}

/** One path over a fresh state.db, until `events` are fed or `budgetMs` of wall time passed. */
function benchFeed(
  slug: Exclude<ScenarioSlug, 'match'>,
  events: number,
  budgetMs: number,
  dataDir: string,
  options: { instrument?: boolean } = {},
): FeedRun {
  const bench = openAlertBench(dataDir, alertBenchConfig());
  const stream = new BenchEventStream(SEED);
  const mode: FeedMode = slug === 'engine-undelivered' || slug === 'engine-burst' ? 'engine' : slug;
  const batch = slug === 'engine-burst' ? BURST_BATCH : BATCH;
  if (mode === 'record+engine') bench.store.onEventsRecorded((e) => bench.engine.handle(e));
  const deliver = slug === 'engine' || slug === 'engine-burst' || slug === 'record+engine';
  const probe = options.instrument ? instrument(bench.store.alerts) : null;
  const nextId = { value: 1 };
  const timings: BatchTiming[] = [];
  let deliveries = 0;
  const started = performance.now();
  try {
    while (timings.length * batch < events && performance.now() - started < budgetMs) {
      if (probe) probe.on.value = true;
      timings.push(feedBatch(bench, stream, mode, nextId, batch));
      if (probe) probe.on.value = false;
      if (deliver) deliveries += deliverDue(bench);
    }
  } finally {
    bench.store.close();
  }
  const row = throughputRow(slug, events, timings, deliveries, batch);
  if (!probe) return { row, breakdown: null };
  return {
    row,
    breakdown: {
      events: row.events,
      wallMs: timings.reduce((total, timing) => total + timing.wallMs, 0),
      handleMs: timings.reduce((total, timing) => total + timing.handleMs, 0),
      calls: [...probe.timings.values()]
        .filter((timing) => timing.calls > 0)
        .sort((a, b) => b.totalMs - a.totalMs),
    },
  };
}

function measureMemory(args: AlertMemoryArgs): Promise<AlertMemoryResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', CHILD, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').at(-1);
      if (code !== 0 || !line) {
        reject(new Error(`alert memory process exited ${code}: ${stderr.trim()}`));
        return;
      }
      resolve(JSON.parse(line) as AlertMemoryResult);
    });
  });
}

export async function benchAlerts(
  quick: boolean,
  workDir: string,
  progress: (message: string) => void,
): Promise<AlertBenchResult> {
  const events = quick ? 50_000 : 200_000;
  const memoryEvents = quick ? 100_000 : 1_000_000;
  // Bounds for an engine that slows as state.db grows: each path stops at its budget.
  const budgetMs = quick ? 30_000 : 120_000;
  const memoryBudgetMs = quick ? 90_000 : 300_000;
  const config = alertBenchConfig();
  const dir = (slug: string) => path.join(workDir, `alert-${slug}`);
  const count = (n: number) => n.toLocaleString('en-US');

  progress(`alert: ${count(events)} events through each path (at most ${budgetMs / 1_000} s each)`);
  const { row: matchRow, matching } = benchMatching(events);
  const throughput = [matchRow];
  // Later engine paths get as many events as the first one managed, so the rows compare.
  let engineEvents = events;
  for (const { slug } of SCENARIOS) {
    if (slug === 'match') continue;
    progress(`alert: ${labelOf(slug)}`);
    const { row } = benchFeed(slug, slug === 'record' ? events : engineEvents, budgetMs, dir(slug));
    if (slug === 'engine') engineEvents = row.events;
    throughput.push(row);
  }
  const stateDb = stateDbFigures(dir('engine'));

  progress('alert: engine again, every AlertTable call timed');
  const { breakdown } = benchFeed('engine', engineEvents, budgetMs, dir('engine-timed'), {
    instrument: true,
  });

  progress(`alert: memory over ${count(memoryEvents)} events (child with --expose-gc)`);
  fs.mkdirSync(dir('memory'), { recursive: true });
  const memory = await measureMemory({
    dataDir: dir('memory'),
    events: memoryEvents,
    warmupEvents: 10_000,
    budgetMs: memoryBudgetMs,
  });

  return {
    rules: config.rules.length,
    channels: config.channels.size,
    runIds: RUN_IDS,
    batch: BATCH,
    eventStepMs: EVENT_STEP_MS,
    budgetMs,
    matching,
    throughput,
    stateDb,
    breakdown: breakdown as AlertBenchResult['breakdown'],
    memory,
    targets: ALERT_TARGETS,
  };
}
