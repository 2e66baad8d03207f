/** Small numeric helpers for benchmark figures. */

export interface Distribution {
  count: number;
  median: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    median: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
  };
}

export function median(values: readonly number[]): number {
  return distribution(values).median;
}

/**
 * Milliseconds on the machine's monotonic clock, the same in every process on this machine (not
 * `performance.timeOrigin + performance.now()`: each process fixes its origin against the wall
 * clock when it starts, and two processes' origins were seen to differ by over 10 ms).
 */
export function machineNow(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * CPU time (user + system) of this process in milliseconds. Per-thread figures
 * (`threadCpuUsage`) are not used: Linux updates them only at ticks and context switches, so a
 * window of a millisecond reads as 0 or 4 ms.
 */
export function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1_000;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` repeatedly until `budgetMs` is spent or `maxRepeats` reached (at least `minRepeats`),
 * and returns each call's wall time in ms.
 */
export function repeatTimed(
  fn: (index: number) => void,
  options: { budgetMs: number; minRepeats: number; maxRepeats: number },
): number[] {
  const times: number[] = [];
  const start = performance.now();
  while (
    times.length < options.minRepeats ||
    (times.length < options.maxRepeats && performance.now() - start < options.budgetMs)
  ) {
    const t0 = performance.now();
    fn(times.length);
    times.push(performance.now() - t0);
  }
  return times;
}

/** A small deterministic PRNG (mulberry32), so every run writes the same kinds of data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
