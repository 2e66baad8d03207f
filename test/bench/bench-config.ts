/** Sizes and durations of one benchmark run: the full one, or `--quick` for a fast check. */

export interface BenchSizes {
  /** Active runs (running or pending), each with `stepsPerRun` steps. */
  activeRuns: number;
  stepsPerRun: number;
  /** Finished runs that only add history rows (`historyRuns × stepsPerRun` steps). */
  historyRuns: number;
}

export interface BenchConfig {
  mode: 'full' | 'quick';
  sizes: BenchSizes;
  /** Changes the writer commits per latency scenario, and its random gap between them. */
  changes: number;
  changesNoHint: number;
  gapMs: [number, number];
  /**
   * Changes far enough apart that the monitor spaces its idle checks out between them (on the
   * database with indexes, folder watch on), and their gap.
   */
  spacedChanges: number;
  spacedGapMs: [number, number];
  /** How long the in-process monitor idles to measure its cost per poll. */
  monitorIdleMs: number;
  /** How long the CLI child idles while its CPU time is sampled. */
  cliIdleMs: number;
  /** Upper bound for each repeated micro-measurement (it stops earlier at `maxRepeats`). */
  repeatBudgetMs: number;
  /** Stall threshold for every monitor here: long, so no stall ever fires during a run. */
  stallAfterMs: number;
}

export const TARGETS = {
  latencyMedianMs: 100,
  latencyP99Ms: 100,
  /** Without the folder watch a change waits for the next poll (100 ms): one poll more. */
  latencyP99NoHintMs: 200,
  oneChangeVsNaive: 300,
  idleCpuPercent: 0.1,
  rssMb: 120,
  /** Peak RSS of `watch` through the first read of the large database. */
  peakRssMb: 100,
  /** The old poller this replaces re-read everything every 10 s. */
  naivePeriodMs: 10_000,
} as const;

export function benchConfig(quick: boolean): BenchConfig {
  const common = {
    gapMs: [150, 400] as [number, number],
    spacedGapMs: [100, 2_500] as [number, number],
    stallAfterMs: 24 * 3_600_000,
  };
  if (quick) {
    return {
      ...common,
      mode: 'quick',
      sizes: { activeRuns: 1_000, stepsPerRun: 20, historyRuns: 5_000 },
      changes: 40,
      changesNoHint: 40,
      spacedChanges: 20,
      monitorIdleMs: 3_000,
      cliIdleMs: 6_000,
      repeatBudgetMs: 1_000,
    };
  }
  return {
    ...common,
    mode: 'full',
    sizes: { activeRuns: 10_000, stepsPerRun: 20, historyRuns: 50_000 },
    changes: 200,
    changesNoHint: 200,
    spacedChanges: 200,
    monitorIdleMs: 10_000,
    cliIdleMs: 30_000,
    repeatBudgetMs: 3_000,
  };
}
