import type { Distribution } from './stats.ts';

/** What test/browser/dashboard-bench.ts measures, as it prints it (JSON) for the benchmark run. */
export interface DashboardBenchResult {
  runs: number;
  firstRenderMs: Distribution;
  changeToScreenMs: Distribution;
  /** Bytes of patch frames per single-run change, and of one full snapshot. */
  bytes: { perChange: number; snapshot: number; changes: number };
}
