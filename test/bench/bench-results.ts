/** The whole run's figures as saved to test-results/bench.json, and ratios derived from them. */
import type { BenchConfig } from './bench-config.ts';
import { TARGETS } from './bench-config.ts';
import type { ArchiveBenchResult } from './archive-bench.ts';
import type { CliIdleResult } from './cli-idle-bench.ts';
import type { BenchDbs } from './generate-db.ts';
import type { VariantResult } from './variant-bench.ts';

export interface Ratios {
  /** Naive cycle over the one-change reads on the source (readChanges + readRuns). */
  naiveVsOneChangeReads: number;
  /** Naive cycle over the real monitor's CPU for the cycle that saw the change. */
  naiveVsOneChangeCycle: number;
  /** Naive cycle over the monitor's process CPU per change, idle polls removed, sweeps in. */
  naiveVsPerChangeAmortized: number;
  /** Naive cycle over the hot change check (data_version + stat). */
  naiveVsIdleCheck: number;
  /** Naive cycle over the real monitor's CPU per idle poll. */
  naiveVsIdlePoll: number;
}

export interface VariantReport extends VariantResult {
  ratios: Ratios;
}

export interface BenchResults {
  startedAt: string;
  mode: BenchConfig['mode'];
  seconds: number;
  machine: { node: string; platform: string; cpus: number; cpuModel: string };
  config: BenchConfig;
  targets: typeof TARGETS;
  generation: BenchDbs;
  variants: VariantReport[];
  cli: CliIdleResult & {
    /** The naive poller's share of one core at its 10-second period (this run's naive cycle). */
    naiveSharePercent: number;
  };
  /** Null when run with `--only monitor`. */
  archive: ArchiveBenchResult | null;
}

export function ratiosOf(variant: VariantResult): Ratios {
  const naive = variant.naive.cycleMs.median;
  return {
    naiveVsOneChangeReads: naive / variant.oneChange.cycleMs.median,
    naiveVsOneChangeCycle: naive / variant.latency.hint.cpu.detectCycleMedianMs,
    naiveVsPerChangeAmortized: naive / variant.latency.hint.cpu.perChangeMs,
    naiveVsIdleCheck: naive / (variant.changeCheck.checkUs / 1_000),
    naiveVsIdlePoll: naive / (variant.idle.cpuPerPollUs / 1_000),
  };
}
