/**
 * The real Monitor in this process, built the way `watch` builds it (state store, event bus,
 * resolved settings), with light instrumentation: polls are counted and sweeps timed by wrapping
 * methods of its own SqliteSource instance. Nothing in the source is changed.
 */
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RunwatchEvent } from '../../shared/events.ts';
import { EventBus } from '../../electron/core/events/event-bus.ts';
import type { Logger } from '../../electron/core/log.ts';
import { Monitor, type SourceDiagnostics } from '../../electron/core/monitor/monitor.ts';
import { resolveMonitorSettings } from '../../electron/core/monitor/monitor-settings.ts';
import { StateStore } from '../../electron/core/store/state-store.ts';
import type { SqliteSource } from '../../electron/core/source/sqlite-source.ts';
import { cpuMs, machineNow, sleep } from './stats.ts';

export interface HarnessOptions {
  dbPath: string;
  dataDir: string;
  folderHint: boolean;
  stallAfterMs: number;
}

export interface SweepRecord {
  /** Start (`machineNow`, ms) and the start of the next poll, which bounds the sweep's cycle. */
  startedAt: number;
  endedAt: number | null;
  /** Time in `readRuns` during the sweep (the rest is listing runs, judging them, committing). */
  readMs: number;
}

/** Calls, total and longest wall time of one wrapped method. */
export interface CallTiming {
  calls: number;
  totalMs: number;
  maxMs: number;
}

type Timed =
  | 'fileStatus'
  | 'dataVersion'
  | 'readNewRows'
  | 'readUpdatedRows'
  | 'readRuns'
  | 'newestUpdated'
  | 'existingRuns'
  | 'stateCommit';

export class MonitorHarness {
  readonly monitor: Monitor;
  readonly bus: EventBus;
  readonly logLines: string[] = [];
  readonly sweeps: SweepRecord[] = [];
  polls = 0;
  /** Process CPU time (ms) at the start of the latest poll, kept while `samplePollCpu` is on. */
  lastPollCpu = 0;
  samplePollCpu = false;
  loadMs = Number.NaN;
  loadCpuMs = Number.NaN;
  loadMaxBlockMs = Number.NaN;
  diagnostics: SourceDiagnostics | null = null;
  /** Wall time of the source's reads and of state.db commits, since `resetTimings()`. */
  timings = MonitorHarness.emptyTimings();
  private readonly store: StateStore;

  constructor(options: HarnessOptions) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    this.store = StateStore.open(options.dataDir);
    const keep = (level: string) => (message: string) => this.logLines.push(`${level}: ${message}`);
    const log: Logger = {
      debug: () => {},
      info: keep('info'),
      warn: keep('warn'),
      error: keep('error'),
    };
    this.bus = new EventBus((error, event) =>
      this.logLines.push(`error: handler failed on ${event.type}: ${String(error)}`),
    );
    this.monitor = new Monitor({
      dbPath: options.dbPath,
      sourceName: 'bench',
      store: this.store,
      bus: this.bus,
      settings: resolveMonitorSettings({ flags: { stallAfter: options.stallAfterMs } }),
      log,
      folderHint: options.folderHint,
    });
    this.instrument();
  }

  private static emptyTimings(): Record<Timed, CallTiming> {
    const empty = () => ({ calls: 0, totalMs: 0, maxMs: 0 });
    return {
      fileStatus: empty(),
      dataVersion: empty(),
      readNewRows: empty(),
      readUpdatedRows: empty(),
      readRuns: empty(),
      newestUpdated: empty(),
      existingRuns: empty(),
      stateCommit: empty(),
    };
  }

  resetTimings(): void {
    this.timings = MonitorHarness.emptyTimings();
  }

  private timed<A extends unknown[], R>(name: Timed, fn: (...args: A) => R): (...args: A) => R {
    return (...args: A) => {
      const start = performance.now();
      try {
        return fn(...args);
      } finally {
        this.record(name, performance.now() - start);
      }
    };
  }

  /** Times each step of a generator: each is one read the monitor makes between yields. */
  private timedGenerator<A extends unknown[], T>(
    name: Timed,
    fn: (...args: A) => Generator<T>,
  ): (...args: A) => Generator<T> {
    const record = (ms: number) => this.record(name, ms);
    return function* (...args: A) {
      const inner = fn(...args);
      for (;;) {
        const start = performance.now();
        let next: IteratorResult<T>;
        try {
          next = inner.next();
        } finally {
          record(performance.now() - start);
        }
        if (next.done) return;
        yield next.value;
      }
    };
  }

  private record(name: Timed, ms: number): void {
    const sweep = this.sweeps[this.sweeps.length - 1];
    if (name === 'readRuns' && sweep && sweep.endedAt === null) sweep.readMs += ms;
    const timing = this.timings[name];
    timing.calls++;
    timing.totalMs += ms;
    if (ms > timing.maxMs) timing.maxMs = ms;
  }

  /**
   * Counts polls (each cycle asks `dataVersion` once), times full reads (`scanAllRuns` to the
   * next poll) and the calls a cycle makes. A wrapper costs well under a microsecond.
   */
  private instrument(): void {
    // The harness watches SQLite files, whose reads answer at once and are timed in place.
    const source = this.monitor.source as SqliteSource;
    const store = this.store;
    source.fileStatus = this.timed('fileStatus', source.fileStatus.bind(source));
    source.readNewRows = this.timed('readNewRows', source.readNewRows.bind(source));
    source.readUpdatedRows = this.timedGenerator(
      'readUpdatedRows',
      source.readUpdatedRows.bind(source),
    );
    source.readRuns = this.timed('readRuns', source.readRuns.bind(source));
    source.newestUpdated = this.timedGenerator('newestUpdated', source.newestUpdated.bind(source));
    source.existingRuns = this.timed('existingRuns', source.existingRuns.bind(source));
    store.commit = this.timed('stateCommit', store.commit.bind(store));
    const dataVersion = this.timed('dataVersion', source.dataVersion.bind(source));
    source.dataVersion = () => {
      this.polls++;
      const open = this.sweeps[this.sweeps.length - 1];
      if (open && open.endedAt === null) open.endedAt = machineNow();
      if (this.samplePollCpu) this.lastPollCpu = cpuMs();
      return dataVersion();
    };
    const scanAllRuns = source.scanAllRuns.bind(source);
    source.scanAllRuns = (pageSize: number) => {
      this.sweeps.push({ startedAt: machineNow(), endedAt: null, readMs: 0 });
      return scanAllRuns(pageSize);
    };
  }

  /**
   * Starts the monitor and resolves after its first complete read of the database, and the
   * memory release `watch` asks for then.
   */
  async start(): Promise<void> {
    const ready = new Promise<SourceDiagnostics>((resolve) =>
      this.monitor.onReady((diagnostics) => resolve(diagnostics)),
    );
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const cpu0 = cpuMs();
    const t0 = performance.now();
    this.monitor.start();
    this.diagnostics = await ready;
    this.loadMs = performance.now() - t0;
    this.loadCpuMs = cpuMs() - cpu0;
    // One timer turn, so the histogram sees a block the release may have caused.
    await sleep(20);
    delay.disable();
    this.loadMaxBlockMs = delay.max / 1e6;
  }

  onEvent(listener: (event: RunwatchEvent) => void): () => void {
    return this.bus.onAny(listener);
  }

  async stop(): Promise<void> {
    await this.monitor.stop();
    this.store.close();
  }
}
