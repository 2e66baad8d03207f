import { describe, expect, it } from 'vitest';
import type { PipelineRun } from '../../shared/api.ts';
import {
  chartBoxes,
  durationStats,
  median,
} from '../../renderer/src/views/duration-chart-stats.ts';

function run(
  id: string,
  duration: number | null,
  outcome: PipelineRun['outcome'] = 'succeeded',
): PipelineRun {
  return {
    run_id: id,
    attempt: 1,
    outcome,
    started_at: null,
    finished_at: null,
    duration_s: duration,
  };
}

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('durationStats', () => {
  it('orders runs oldest first and flags those taking more than twice the median', () => {
    // pipelineHistory gives newest first.
    const stats = durationStats([
      run('r5', 25),
      run('r4', 10, 'failed'),
      run('r3', 20),
      run('r2', 11),
      run('r1', 9),
    ]);
    expect(stats.runs.map((r) => r.run.run_id)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(stats.median_s).toBe(11);
    expect(stats.runs.map((r) => r.outlier)).toEqual([false, false, false, false, true]);
    expect(stats.runs[4]?.ratio).toBeCloseTo(25 / 11);
    expect(stats.outliers).toBe(1);
    expect(stats.succeeded).toBe(4);
    expect(stats.failed).toBe(1);
    expect(stats.max_s).toBe(25);
  });

  it('does not flag exactly twice the median, and skips runs without a duration', () => {
    const stats = durationStats([run('c', 20), run('b', null, 'cancelled'), run('a', 10)]);
    expect(stats.median_s).toBe(15);
    expect(stats.runs.map((r) => [r.ratio, r.outlier])).toEqual([
      [10 / 15, false],
      [null, false],
      [20 / 15, false],
    ]);
    const exact = durationStats([run('c', 20), run('b', 10), run('a', 10)]);
    expect(exact.runs[2]).toMatchObject({ ratio: 2, outlier: false });
  });

  it('has no median and no outliers without durations', () => {
    const stats = durationStats([run('a', null), run('b', 0)]);
    expect(stats.median_s).toBe(0);
    expect(stats.runs.every((r) => r.ratio === null && !r.outlier)).toBe(true);
    expect(durationStats([]).median_s).toBeNull();
  });
});

describe('chartBoxes', () => {
  const plot = { width: 300, height: 100, slots: 30, gap: 2, stub: 2 };

  it('puts bars oldest to newest in fixed slots ending at the right, scaled to the longest run', () => {
    const stats = durationStats([run('c', 50), run('b', 100), run('a', 25)]);
    const boxes = chartBoxes(stats, plot);
    expect(boxes.top_s).toBe(100);
    expect(boxes.bars.map((b) => b.x)).toEqual([271, 281, 291]);
    expect(boxes.bars.map((b) => b.width)).toEqual([8, 8, 8]);
    expect(boxes.bars.map((b) => b.height)).toEqual([25, 100, 50]);
    expect(boxes.bars.map((b) => b.y)).toEqual([75, 0, 50]);
    expect(boxes.median_y).toBe(50);
    expect(boxes.threshold_y).toBeNull();
  });

  it('leaves room above the median, and for the 2× line when asked', () => {
    const stats = durationStats([run('b', 10), run('a', 10)]);
    expect(chartBoxes(stats, plot).top_s).toBe(12);
    const tall = chartBoxes(stats, plot, true);
    expect(tall.top_s).toBeCloseTo(22);
    expect(tall.threshold_y).toBeCloseTo(100 - (20 / 22) * 100);
  });

  it('draws a stub for a run without a duration, and widens slots past 30 runs', () => {
    const runs = Array.from({ length: 60 }, (_, i) => run(`r${i}`, i === 0 ? null : 10));
    const boxes = chartBoxes(durationStats(runs), plot);
    expect(boxes.bars).toHaveLength(60);
    expect(boxes.bars.at(-1)?.height).toBe(2);
    expect(boxes.bars[0]?.x).toBeGreaterThanOrEqual(0);
    expect(boxes.bars.at(-1)?.x).toBeLessThan(300);
  });
});
