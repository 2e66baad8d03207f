/**
 * Detection latency: a writer child commits changes; the in-process monitor publishes events.
 * Latency is the event's publish time minus the writer's post-COMMIT time, both on the machine's
 * monotonic clock.
 * Also measures the monitor's CPU per detected change while it runs.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { CallTiming, MonitorHarness } from './monitor-harness.ts';
import { cpuMs, distribution, sleep, machineNow, type Distribution } from './stats.ts';
import {
  changeKey,
  type ParentMessage,
  type WriterArgs,
  type WriterMessage,
} from './writer-protocol.ts';

const WRITER = path.join(import.meta.dirname, 'writer-process.ts');
/** How long to wait after the last commit for its event before calling the rest missed. */
const DRAIN_MS = 5_000;
/** Changes slower than this are counted and, where they overlapped one, put down to a cause. */
export const SLOW_MS = 100;
/** A garbage collection pause this long counts as a cause of a slow change. */
const GC_PAUSE_MS = 20;

export interface LatencyResult {
  latencyMs: Distribution;
  changes: number;
  missed: number;
  /** Events other than the expected ones (a stall here would be a bug: stall_after is 24 h). */
  unexpected: Record<string, number>;
  /**
   * Changes slower than `SLOW_MS`, and how many of them overlapped a periodic sweep or a
   * garbage collection pause of `GC_PAUSE_MS` or more.
   */
  slow: {
    count: number;
    duringSweep: number;
    duringGc: number;
    worst: { kind: string; ms: number }[];
  };
  /** Garbage collection pauses of `GC_PAUSE_MS` or more while the writer ran, longest first. */
  gcPausesMs: number[];
  /** Periodic sweeps while the writer ran: each one's cycle (wall) and its time in reads. */
  sweeps: { count: number; cycleMs: number[]; readMs: number[] };
  /** Longest main-thread block seen while the writer ran (ARCHITECTURE.md §2: ≤ 50 ms in the app). */
  maxBlockMs: number;
  /** Wall time of the monitor's source reads and state.db commits while the writer ran. */
  calls: Record<string, CallTiming>;
  cpu: {
    /** Process CPU while the writer ran, minus idle polls at the measured idle cost, per change. */
    perChangeMs: number;
    /** CPU from the start of the poll that saw a change to its event's publication. */
    detectCycleMedianMs: number;
    detectCycleP90Ms: number;
    totalMs: number;
    polls: number;
  };
}

export interface LatencyOptions {
  harness: MonitorHarness;
  writer: WriterArgs;
  /** The harness's measured share of a core while idle, to subtract over the run's length. */
  idleCpuShare: number;
}

export async function measureLatency(options: LatencyOptions): Promise<LatencyResult> {
  const { harness } = options;
  const commits = new Map<string, { kind: string; at: number }>();
  const events = new Map<string, { at: number; cycleCpuMs: number }>();
  const unexpected: Record<string, number> = {};
  let listening = false;
  const unsubscribe = harness.onEvent((event) => {
    if (!listening) return;
    const at = machineNow();
    const cycleCpuMs = cpuMs() - harness.lastPollCpu;
    if ((event.type === 'run_started' || event.type === 'run_completed') && 'run_id' in event) {
      const key = changeKey(event.type, event.run_id);
      if (!events.has(key)) events.set(key, { at, cycleCpuMs });
      return;
    }
    unexpected[event.type] = (unexpected[event.type] ?? 0) + 1;
  });

  const child = fork(WRITER, [JSON.stringify(options.writer)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  child.on('message', (message: WriterMessage) => {
    if (message.type === 'ready') ready();
    if (message.type === 'commit') {
      commits.set(changeKey(message.kind, message.runId), {
        kind: message.kind,
        at: message.commitAt,
      });
    }
    if (message.type === 'done') done();
  });
  await Promise.race([isReady, exited.then(() => Promise.reject(new Error('writer exited')))]);

  const sweepsBefore = harness.sweeps.length;
  // GC entries are timed on this process's performance clock: moved to the machine's.
  const gcs: { start: number; end: number }[] = [];
  const offset = machineNow() - performance.now();
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.duration >= GC_PAUSE_MS) {
        gcs.push({
          start: entry.startTime + offset,
          end: entry.startTime + entry.duration + offset,
        });
      }
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  listening = true;
  harness.samplePollCpu = true;
  harness.resetTimings();
  delay.enable();
  const cpu0 = cpuMs();
  const wall0 = performance.now();
  const polls0 = harness.polls;
  child.send({ type: 'go' } satisfies ParentMessage);
  await Promise.race([finished, exited]);
  const drainUntil = performance.now() + DRAIN_MS;
  while (performance.now() < drainUntil && [...commits.keys()].some((key) => !events.has(key))) {
    await sleep(20);
  }
  const cpuTotal = cpuMs() - cpu0;
  const wallTotal = performance.now() - wall0;
  const polls = harness.polls - polls0;
  delay.disable();
  gcObserver.disconnect();
  harness.samplePollCpu = false;
  listening = false;
  unsubscribe();
  if (child.exitCode === null) child.kill();
  await exited;

  const sweeps = harness.sweeps.slice(sweepsBefore);
  const latencies: number[] = [];
  const cycleCpu: number[] = [];
  const slow: { kind: string; ms: number; duringSweep: boolean; duringGc: boolean }[] = [];
  let missed = 0;
  for (const [key, commit] of commits) {
    const event = events.get(key);
    if (!event) {
      missed++;
      continue;
    }
    const ms = event.at - commit.at;
    latencies.push(ms);
    cycleCpu.push(event.cycleCpuMs);
    if (ms > SLOW_MS) {
      const duringSweep = sweeps.some(
        (sweep) => sweep.startedAt <= event.at && (sweep.endedAt ?? Infinity) >= commit.at,
      );
      const duringGc = gcs.some((gc) => gc.start <= event.at && gc.end >= commit.at);
      slow.push({ kind: commit.kind, ms, duringSweep, duringGc });
    }
  }
  const cycles = distribution(cycleCpu);
  return {
    latencyMs: distribution(latencies),
    changes: commits.size,
    missed,
    unexpected,
    slow: {
      count: slow.length,
      duringSweep: slow.filter((item) => item.duringSweep).length,
      duringGc: slow.filter((item) => item.duringGc).length,
      worst: slow
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 5)
        .map(({ kind, ms }) => ({ kind, ms })),
    },
    sweeps: {
      count: sweeps.length,
      cycleMs: sweeps.map((sweep) => (sweep.endedAt ?? machineNow()) - sweep.startedAt),
      readMs: sweeps.map((sweep) => sweep.readMs),
    },
    gcPausesMs: gcs.map((gc) => gc.end - gc.start).sort((a, b) => b - a),
    maxBlockMs: delay.max / 1e6,
    calls: structuredClone(harness.timings),
    cpu: {
      perChangeMs: (cpuTotal - wallTotal * options.idleCpuShare) / Math.max(1, commits.size),
      detectCycleMedianMs: cycles.median,
      detectCycleP90Ms: cycles.p90,
      totalMs: cpuTotal,
      polls,
    },
  };
}
