import { describe, expect, it } from 'vitest';
import type { ActiveRunStatus } from '../../shared/run-status.ts';
import { NO_FILTERS } from '../../renderer/src/state/filters.ts';
import { orderActiveRuns } from '../../renderer/src/views/active-runs-order.ts';
import { activeRun as run } from '../support/active-run.ts';

const ids = (runs: ActiveRunStatus[]) => runs.map((r) => r.run_id);

describe('orderActiveRuns', () => {
  it('puts stalled and overdue runs first, then the most recently started', () => {
    const runs = [
      run('old', { started_at: '2026-01-01T08:00:00.000Z' }),
      run('new', { started_at: '2026-01-01T12:00:00.000Z' }),
      run('stalled', {
        started_at: '2026-01-01T07:00:00.000Z',
        stalled_since: '2026-01-01T09:00:00.000Z',
      }),
      run('overdue', {
        started_at: '2026-01-01T09:00:00.000Z',
        overdue_since: '2026-01-01T11:00:00.000Z',
      }),
      run('mid', { started_at: '2026-01-01T10:00:00.000Z' }),
    ];
    expect(ids(orderActiveRuns(runs, NO_FILTERS))).toEqual([
      'overdue',
      'stalled',
      'new',
      'mid',
      'old',
    ]);
  });

  it('lists runs not started yet after the started ones, and breaks ties by source and id', () => {
    const runs = [
      run('b', { started_at: null, status: 'pending' }),
      run('a', { started_at: null, status: 'pending' }),
      run('z'),
      { ...run('y'), source: 'billing' },
    ];
    expect(ids(orderActiveRuns(runs, NO_FILTERS))).toEqual(['y', 'z', 'a', 'b']);
  });

  it('applies the filters and keeps each run object', () => {
    const stuck = run('etl-1', { stalled_since: '2026-01-01T11:00:00.000Z' });
    const moving = run('etl-2');
    const other = { ...run('ml-1'), pipeline: 'train' };
    const runs = [stuck, moving, other];
    expect(orderActiveRuns(runs, { ...NO_FILTERS, status: 'stuck' })).toEqual([stuck]);
    expect(orderActiveRuns(runs, { ...NO_FILTERS, status: 'progressing' })[0]).toBe(moving);
    expect(ids(orderActiveRuns(runs, { ...NO_FILTERS, pipeline: 'train' }))).toEqual(['ml-1']);
    expect(ids(orderActiveRuns(runs, { ...NO_FILTERS, search: 'ETL-2' }))).toEqual(['etl-2']);
  });

  it('orders 10,000 runs, the stuck ones first', () => {
    const runs = Array.from({ length: 10_000 }, (_, i) =>
      run(`r-${i}`, {
        started_at: new Date(Date.UTC(2026, 0, 1) + ((i * 7919) % 86_400) * 1000).toISOString(),
        stalled_since: i % 97 === 0 ? '2026-01-01T11:00:00.000Z' : null,
      }),
    );
    const ordered = orderActiveRuns(runs, NO_FILTERS);
    expect(ordered).toHaveLength(10_000);
    expect(ordered.slice(0, 104).every((r) => r.stalled_since !== null)).toBe(true);
  });
});
