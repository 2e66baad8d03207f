/** The alert benchmark in print: throughput beside its baselines, where time goes, memory. */
import { formatBytes } from '../../shared/bytes.ts';
import { textTable } from '../../electron/core/cli/text-table.ts';
import type { AlertBenchResult, ThroughputRow } from './alert-bench.ts';
import type { StateDbFigures } from './alert-bench-driver.ts';
import type { MemoryReading } from './alert-memory-protocol.ts';

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const ms = (n: number) => (n < 10 ? `${n.toFixed(2)} ms` : `${n.toFixed(0)} ms`);
const us = (n: number) => (n < 10 ? `${n.toFixed(1)} µs` : `${int(n)} µs`);
const mb = (n: number) => `${n.toFixed(1)} MB`;
const signedMb = (n: number) => `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(1)} MB`;
const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1)} %`;
const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([key, n]) => `${key} ${int(n)}`)
    .join(', ');

function eventsCell(row: ThroughputRow): string {
  return row.events < row.requested
    ? `${int(row.events)} of ${int(row.requested)}`
    : int(row.events);
}

function throughputSection(r: AlertBenchResult): string {
  const target = r.targets.eventsPerSecond;
  const rows = r.throughput.map((row) => [
    row.label,
    eventsCell(row),
    int(row.eventsPerSecond),
    int(row.cpuEventsPerSecond),
    us(1e6 / row.eventsPerSecond),
    ms(row.batchMs.median),
    ms(row.batchMs.p99),
    ms(row.batchMs.max),
    `${int(row.tenths[0] ?? Number.NaN)} → ${int(row.tenths.at(-1) ?? Number.NaN)}`,
    row.slug === 'engine' || row.slug === 'engine-burst'
      ? verdict(row.eventsPerSecond >= target)
      : '',
  ]);
  const record = r.throughput.find((row) => row.slug === 'record');
  const engine = r.throughput.find((row) => row.slug === 'engine');
  const lines = [
    `1. Events through the alert engine, ${r.batch} per transaction as a monitor cycle commits them unless said (target ≥ ${int(target)} events/s)`,
    textTable(
      [
        'path',
        'events',
        'events/s',
        'per CPU-s',
        'per event',
        'batch median',
        'p99',
        'max',
        'first → last tenth',
        'target',
      ],
      rows,
    ),
  ];
  if (record && engine) {
    lines.push(
      `Per event the engine costs ${us(1e6 / engine.eventsPerSecond)}, recording the event ${us(1e6 / record.eventsPerSecond)}: ` +
        `${(record.eventsPerSecond / engine.eventsPerSecond).toFixed(1)}× what state.db already pays to keep it. ` +
        `"Nothing ever delivered" leaves every row pending, as with the dispatcher stopped; ` +
        `the other engine paths do the dispatcher's bookkeeping between cycles (untimed, ${int(engine.deliveries)} deliveries).`,
    );
  }
  lines.push(`state.db after the engine path: ${stateDbLine(r.stateDb)}`);
  return lines.join('\n');
}

function stateDbLine(db: StateDbFigures): string {
  return (
    `${formatBytes(db.dbBytes)} (+ WAL ${formatBytes(db.walBytes)}); alerts ${int(db.rows.alerts)}, ` +
    `alert_log ${int(db.rows.alertLog)} (${counts(db.transitions)}), outbox ${int(db.rows.outbox)} ` +
    `(${counts(db.outboxByState)}), outbox_members ${int(db.rows.members)}` +
    (db.rows.events > 0 ? `, events ${int(db.rows.events)}` : '')
  );
}

function breakdownSection(r: AlertBenchResult): string {
  const b = r.breakdown;
  const shown = b.calls.slice(0, 8);
  const inTable = b.calls.reduce((total, call) => total + call.totalMs, 0);
  const rest = b.calls.slice(8).reduce((total, call) => total + call.totalMs, 0);
  const rows = shown.map((call) => [
    call.method,
    (call.calls / b.events).toFixed(2),
    us((call.totalMs * 1_000) / call.calls),
    int(call.totalMs),
    pct(call.totalMs, b.wallMs),
  ]);
  rows.push(['other AlertTable calls', '', '', int(rest), pct(rest, b.wallMs)]);
  rows.push([
    'outside AlertTable: matching, verdicts, JSON',
    '',
    '',
    int(b.handleMs - inTable),
    pct(b.handleMs - inTable, b.wallMs),
  ]);
  rows.push([
    'BEGIN IMMEDIATE + COMMIT (WAL writes)',
    '',
    '',
    int(b.wallMs - b.handleMs),
    pct(b.wallMs - b.handleMs, b.wallMs),
  ]);
  return [
    `2. Where the engine's time goes: the engine path again over ${int(b.events)} events, every AlertTable call timed (${int(b.events / (b.wallMs / 1_000))} events/s with the timers)`,
    textTable(['', 'calls/event', 'per call', 'ms', 'share'], rows),
  ].join('\n');
}

function memoryRow(label: string, m: MemoryReading): string[] {
  return [
    label,
    mb(m.heapUsedMb),
    mb(m.heapTotalMb),
    mb(m.externalMb),
    mb(m.rssMb),
    mb(m.anonMb),
    mb(m.mallocHeapMb),
  ];
}

function memorySection(r: AlertBenchResult): string {
  const m = r.memory;
  const keys = m.stateDb.rows.alerts;
  const heapGrowth = m.after.heapUsedMb - m.warm.heapUsedMb;
  const stopped =
    m.events < m.requested
      ? ` (of ${int(m.requested)} asked; stopped at the ${m.budgetMs / 1_000} s budget)`
      : '';
  return [
    `3. Memory after ${int(m.events)} events${stopped} over ${int(r.runIds)} run ids: ${int(keys)} (rule, dedup key) states; a child with --expose-gc, read after GC`,
    textTable(
      ['', 'V8 heap used', 'V8 heap reserved', 'external', 'RSS', 'of which anon', 'malloc heap'],
      [
        memoryRow('engine built, no event yet', m.built),
        memoryRow(`after ${int(m.warmupEvents)} events (warm)`, m.warm),
        memoryRow(`after ${int(m.events)} events`, m.after),
        memoryRow('state.db closed', m.closed),
      ],
    ),
    `Held beyond the warm-up: V8 heap used ${signedMb(heapGrowth)} (${int((heapGrowth * 2 ** 20) / keys)} bytes per key); ` +
      `RSS ${signedMb(m.after.rssMb - m.warm.rssMb)}, of which V8's reserved heap ${signedMb(m.after.heapTotalMb - m.warm.heapTotalMb)} ` +
      `(room it keeps for the allocation rate, not live objects) and malloc heap, where SQLite's page cache lives, ${signedMb(m.after.mallocHeapMb - m.warm.mallocHeapMb)}. ` +
      `Since construction: heap used ${signedMb(m.after.heapUsedMb - m.built.heapUsedMb)}, RSS ${signedMb(m.after.rssMb - m.built.rssMb)}, ` +
      `which includes state.db's checkpoint worker thread (from the first commit until 10 s after the last) and page cache: closing state.db gives back ${signedMb(m.after.rssMb - m.closed.rssMb)}.`,
    `Engine events/s by tenth of this run: ${m.tenthEventsPerSecond.map(int).join(', ')}`,
    `state.db (on disk, not in memory): ${stateDbLine(m.stateDb)}`,
  ].join('\n');
}

const verdict = (ok: boolean) => (ok ? 'meets' : 'MISSES');

function notes(r: AlertBenchResult): string[] {
  const out: string[] = [];
  for (const row of r.throughput) {
    const first = row.tenths[0] ?? Number.NaN;
    const last = row.tenths.at(-1) ?? Number.NaN;
    if (last < first / 2) {
      out.push(
        `${row.label}: slows as state.db grows, ${int(first)} events/s in the first tenth, ${int(last)} in the last`,
      );
    }
    if (row.events < row.requested) {
      out.push(
        `${row.label}: stopped at ${int(row.events)} events, the ${r.budgetMs / 1_000} s budget`,
      );
    }
  }
  const b = r.breakdown;
  const top = b.calls[0];
  if (top && top.totalMs > b.wallMs / 3) {
    out.push(
      `${top.method} takes ${pct(top.totalMs, b.wallMs)} of the engine's time (${us((top.totalMs * 1_000) / top.calls)} per call)`,
    );
  }
  return out;
}

export function formatAlertReport(r: AlertBenchResult): string {
  const engine = r.throughput.find((row) => row.slug === 'engine');
  const burst = r.throughput.find((row) => row.slug === 'engine-burst');
  const target = r.targets.eventsPerSecond;
  const observed = notes(r);
  return [
    `Alert benchmark: ${r.rules} rules, ${r.channels} channels; events over ${int(r.runIds)} run ids, ${r.eventStepMs} ms apart; ` +
      `${r.matching.matchedPerEvent.toFixed(2)} rules matched per event, ${pct(r.matching.unmatchedShare, 1)} matched none`,
    '',
    throughputSection(r),
    '',
    breakdownSection(r),
    '',
    memorySection(r),
    '',
    `Targets: ≥ ${int(target)} events/s through the engine: ${
      engine
        ? `${verdict(engine.eventsPerSecond >= target)} at ${engine.batch} per transaction (${int(engine.eventsPerSecond)} events/s; last tenth ${int(engine.tenths.at(-1) ?? Number.NaN)})`
        : 'not measured'
    }${
      burst
        ? `; ${verdict(burst.eventsPerSecond >= target)} at ${int(burst.batch)} per transaction, a full monitor chunk (${int(burst.eventsPerSecond)} events/s)`
        : ''
    }`,
    `Longest transaction, all of it on the main thread (target ≤ ${r.targets.longestTransactionMs} ms): ${[
      engine,
      burst,
    ]
      .filter((row) => row !== undefined)
      .map(
        (row) =>
          `${verdict(row.batchMs.max <= r.targets.longestTransactionMs)} at ${int(row.batch)} per transaction (max ${ms(row.batchMs.max)}, p99 ${ms(row.batchMs.p99)})`,
      )
      .join('; ')}`,
    observed.length > 0
      ? `Notes:\n${observed.map((line) => `- ${line}`).join('\n')}`
      : 'Notes: none',
  ].join('\n');
}
