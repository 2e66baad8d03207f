/**
 * A pipeline's recent runs as a duration chart: the median, which runs took more than twice as
 * long as usual, and where each bar sits.
 */
import type { PipelineRun } from '../../../shared/api.ts';

/** A run taking more than this many times the median stands out. */
export const OUTLIER_RATIO = 2;

/** The median of `values`, or null when there are none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export interface ChartRun {
  run: PipelineRun;
  /** Times the median, where both are known and the median is above zero. */
  ratio: number | null;
  outlier: boolean;
}

export interface DurationStats {
  /** Oldest first, as the chart reads left to right. */
  runs: ChartRun[];
  median_s: number | null;
  max_s: number;
  outliers: number;
  succeeded: number;
  failed: number;
}

/** `history` comes newest first (as pipelineHistory gives it). */
export function durationStats(history: readonly PipelineRun[]): DurationStats {
  const oldestFirst = [...history].reverse();
  const durations = oldestFirst
    .map((run) => run.duration_s)
    .filter((d): d is number => d !== null && Number.isFinite(d));
  const mid = median(durations);
  const runs = oldestFirst.map((run) => {
    const ratio = mid !== null && mid > 0 && run.duration_s !== null ? run.duration_s / mid : null;
    return { run, ratio, outlier: ratio !== null && ratio > OUTLIER_RATIO };
  });
  return {
    runs,
    median_s: mid,
    max_s: durations.length > 0 ? Math.max(...durations) : 0,
    outliers: runs.filter((r) => r.outlier).length,
    succeeded: history.filter((r) => r.outcome === 'succeeded').length,
    failed: history.filter((r) => r.outcome === 'failed').length,
  };
}

export interface BarBox {
  chart: ChartRun;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ChartBoxes {
  bars: BarBox[];
  /** Y of the median line, or null without a median. */
  median_y: number | null;
  /** Y of the 2× median line when it fits and is asked for. */
  threshold_y: number | null;
  /** The duration (s) at the top of the plot. */
  top_s: number;
}

/**
 * Bars in a `width` × `height` plot area (SVG units, y down), oldest to newest, in `slots` equal
 * slots ending at the right edge (so the newest run is always at the right, and a pipeline with
 * few runs keeps thin bars rather than a few fat ones). Runs without a duration get a stub of
 * `stub` units.
 */
export function chartBoxes(
  stats: DurationStats,
  plot: { width: number; height: number; slots: number; gap: number; stub?: number },
  threshold = false,
): ChartBoxes {
  const slots = Math.max(plot.slots, stats.runs.length, 1);
  const slot = plot.width / slots;
  const barWidth = Math.max(1, slot - plot.gap);
  const medianTop =
    stats.median_s === null ? 0 : stats.median_s * (threshold ? OUTLIER_RATIO * 1.1 : 1.2);
  const top = Math.max(stats.max_s, medianTop, 0.001);
  const y = (seconds: number) => plot.height - (Math.min(seconds, top) / top) * plot.height;
  const stub = plot.stub ?? 2;
  const first = slots - stats.runs.length;
  const bars = stats.runs.map((chart, index) => {
    const seconds = chart.run.duration_s;
    const height = seconds === null ? stub : Math.max(stub, plot.height - y(seconds));
    return {
      chart,
      x: (first + index) * slot + (slot - barWidth) / 2,
      y: plot.height - height,
      width: barWidth,
      height,
    };
  });
  return {
    bars,
    median_y: stats.median_s === null ? null : y(stats.median_s),
    threshold_y:
      threshold && stats.median_s !== null && stats.median_s * OUTLIER_RATIO <= top
        ? y(stats.median_s * OUTLIER_RATIO)
        : null,
    top_s: top,
  };
}
