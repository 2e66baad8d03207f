/** What the alert memory child is given and what it prints, shared by both sides. */
import type { StateDbFigures } from './alert-bench-driver.ts';
import type { MemoryBreakdown } from './proc-stats.ts';

export interface AlertMemoryArgs {
  dataDir: string;
  events: number;
  /** Events fed before the warm-up reading: code compiled, statements and caches filled. */
  warmupEvents: number;
  /** Wall time after which the stream stops short of `events` (the engine may slow down). */
  budgetMs: number;
}

export interface MemoryReading extends MemoryBreakdown {
  heapUsedMb: number;
  /** What V8 has reserved for its heap, used or not: part of the anonymous RSS. */
  heapTotalMb: number;
  /** Outside the V8 heap but tracked by it (buffers); SQLite's own memory is in RSS only. */
  externalMb: number;
}

export interface AlertMemoryResult {
  /** Events fed: `events`, or fewer when the budget ran out. */
  events: number;
  requested: number;
  budgetMs: number;
  warmupEvents: number;
  /** Right after StateStore.open and new AlertEngine, before any event. */
  built: MemoryReading;
  /** From here on the process also holds state.db's checkpoint worker thread. */
  warm: MemoryReading;
  after: MemoryReading;
  /** After state.db is closed: its page cache freed, its checkpoint worker gone. */
  closed: MemoryReading;
  /** Over the whole stream, engine only (deliveries between cycles excluded). */
  eventsPerSecond: number;
  /** The same per tenth of the stream. */
  tenthEventsPerSecond: number[];
  stateDb: StateDbFigures;
}
