import { describe, expect, it } from 'vitest';
import { decodeRuns, encodeRuns } from '../../shared/run-table.ts';
import { activeRun } from '../support/active-run.ts';

describe('the compact table of active runs', () => {
  it('reads back every run as it was, its idle and elapsed times counted to the table time', () => {
    const at = '2026-01-01T01:00:00.000Z';
    const runs = [
      activeRun('a', {
        source: 'orders',
        pipeline: 'etl',
        current_step: 'load',
        started_at: '2026-01-01T00:00:00.000Z',
        elapsed_s: 3_600,
        last_progress_at: '2026-01-01T00:59:30.250Z',
        idle_s: 30,
        stalled_since: '2026-01-01T00:59:59.999Z',
        stall_after_s: 20,
        max_duration_s: 1_800,
        overdue_since: '2026-01-01T00:30:00.000Z',
        attempt: 3,
        steps_done: 2,
        steps_total: 5,
      }),
      activeRun('b', {
        source: 'ml',
        pipeline: '',
        status: 'pending',
        started_at: null,
        elapsed_s: null,
        last_progress_at: '2026-01-01T01:00:00.000Z',
        idle_s: 0,
        stale: true,
      }),
    ];
    const table = encodeRuns(runs, at);
    expect(decodeRuns(JSON.parse(JSON.stringify(table)) as typeof table)).toEqual(runs);
    expect(table.texts.filter((text) => text === 'running')).toHaveLength(1);
  });

  it('is a fraction of the size of the same runs as objects', () => {
    const at = '2026-01-01T01:00:00.000Z';
    const runs = Array.from({ length: 1_000 }, (_, i) =>
      activeRun(`run-${String(i).padStart(5, '0')}`, { pipeline: `pipeline-${i % 25}` }),
    );
    const compact = JSON.stringify(encodeRuns(runs, at)).length;
    expect(compact).toBeLessThan(JSON.stringify(runs).length / 4);
  });
});
