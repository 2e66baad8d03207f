/**
 * The alert engine's memory, in a process of its own started with `--expose-gc` so the heap can
 * be collected before each reading and nothing else of the benchmark is in it: readings right
 * after the engine is built, after a warm-up, and after the whole stream; the figures go to
 * stdout as one JSON line.
 */
import { alertBenchConfig, BenchEventStream } from './alert-bench-events.ts';
import {
  BATCH,
  deliverDue,
  feedBatch,
  openAlertBench,
  SEED,
  stateDbFigures,
  tenthRates,
} from './alert-bench-driver.ts';
import type { AlertMemoryArgs, AlertMemoryResult, MemoryReading } from './alert-memory-protocol.ts';
import { memoryBreakdown } from './proc-stats.ts';

const args = JSON.parse(process.argv[2] ?? '{}') as AlertMemoryArgs;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const collect = gc;

function reading(): MemoryReading {
  // Twice: the second pass frees what finalizers run by the first released.
  collect();
  collect();
  const usage = process.memoryUsage();
  return {
    ...memoryBreakdown(process.pid),
    heapUsedMb: usage.heapUsed / 2 ** 20,
    heapTotalMb: usage.heapTotal / 2 ** 20,
    externalMb: usage.external / 2 ** 20,
  };
}

// Everything the loop keeps is allocated before the first reading.
const stream = new BenchEventStream(SEED);
const bench = openAlertBench(args.dataDir, alertBenchConfig());
const nextId = { value: 1 };
const batchMs = new Float64Array(Math.ceil(args.events / BATCH));
const built = reading();
let warm = built;
let batches = 0;
const started = performance.now();
while (batches < batchMs.length && performance.now() - started < args.budgetMs) {
  batchMs[batches++] = feedBatch(bench, stream, 'engine', nextId).wallMs;
  deliverDue(bench);
  if (batches * BATCH === args.warmupEvents) warm = reading();
}
const after = reading();
bench.store.close();
// The checkpoint worker exits once it has read the close request.
await new Promise((resolve) => setTimeout(resolve, 1_000));
const closed = reading();
const fed = batches * BATCH;
const engineMs = batchMs.reduce((total, ms) => total + ms, 0);
const result: AlertMemoryResult = {
  events: fed,
  requested: args.events,
  budgetMs: args.budgetMs,
  warmupEvents: args.warmupEvents,
  built,
  warm,
  after,
  closed,
  eventsPerSecond: fed / (engineMs / 1_000),
  tenthEventsPerSecond: tenthRates(batchMs, batches),
  stateDb: stateDbFigures(args.dataDir),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
