import type { Distribution } from './stats.ts';

/** What test/browser/dashboard-bench.ts measures, as it prints it (JSON) for the benchmark run. */
export interface DashboardBenchResult {
  runs: number;
  /** From navigation to the first screen of the Active list drawn, its row count whole. */
  firstRenderMs: Distribution;
  /** From navigation to every run in the list (the rest of the snapshot in place). */
  allRunsMs: Distribution;
  changeToScreenMs: Distribution;
  /**
   * Bytes of patch frames per single-run change; of the first screen and of the rest of the
   * snapshot as the page reads them; and of the whole snapshot in one piece, as it was sent
   * before (the baseline).
   */
  bytes: {
    perChange: number;
    firstScreen: number;
    rest: number;
    snapshot: number;
    changes: number;
  };
}
