/** The real monitor's idle cost: process CPU over an idle stretch divided by the polls made. */
import type { MonitorHarness } from './monitor-harness.ts';
import { PlatformFloor, type FloorResult } from './platform-floor.ts';
import { cpuMs, sleep } from './stats.ts';

/**
 * After the first load, wait for its garbage collection, V8's background work (some ten
 * seconds) and WAL checkpoints to settle.
 */
const SETTLE_MS = 12_000;

export interface MonitorIdleResult {
  polls: number;
  seconds: number;
  cpuMs: number;
  cpuPerPollUs: number;
  /** Share of one core. */
  cpuPercent: number;
  /** Mean wall time of the change check as the idle monitor runs it: cold, after 100 ms asleep. */
  coldCheckUs: { fileStatus: number; dataVersion: number };
  /** A timer-only Node process at the same interval, measured over the same window. */
  floor: FloorResult;
}

export async function measureMonitorIdle(
  harness: MonitorHarness,
  idleMs: number,
  pollMs: number,
): Promise<MonitorIdleResult> {
  const floor = new PlatformFloor(pollMs);
  try {
    return await measure(harness, idleMs, floor);
  } finally {
    floor.stop();
  }
}

async function measure(
  harness: MonitorHarness,
  idleMs: number,
  floor: PlatformFloor,
): Promise<MonitorIdleResult> {
  await sleep(SETTLE_MS);
  floor.begin();
  harness.resetTimings();
  const polls0 = harness.polls;
  const cpu0 = cpuMs();
  const t0 = performance.now();
  await sleep(idleMs);
  const cpu = cpuMs() - cpu0;
  const wall = performance.now() - t0;
  const polls = harness.polls - polls0;
  const floorResult = floor.end();
  const mean = (timing: { calls: number; totalMs: number }) =>
    (timing.totalMs * 1_000) / Math.max(1, timing.calls);
  return {
    coldCheckUs: {
      fileStatus: mean(harness.timings.fileStatus),
      dataVersion: mean(harness.timings.dataVersion),
    },
    polls,
    seconds: wall / 1_000,
    cpuMs: cpu,
    cpuPerPollUs: (cpu * 1_000) / Math.max(1, polls),
    cpuPercent: (cpu / wall) * 100,
    floor: floorResult,
  };
}
