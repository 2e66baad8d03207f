import { describe, expect, it } from 'vitest';
import type { AttentionItem } from '../../shared/attention.ts';
import { NO_FILTERS } from '../../renderer/src/state/filters.ts';
import { stuckRuns } from '../../renderer/src/views/stalls-order.ts';
import { activeRun as run } from '../support/active-run.ts';

function item(runId: string, kind: AttentionItem['kind']): AttentionItem {
  return {
    kind,
    source: 'orders',
    pipeline: 'etl',
    run_id: runId,
    attempt: 1,
    since: '2026-01-01T09:00:00.000Z',
  };
}

describe('stuckRuns', () => {
  it('lists only stalled and overdue runs: not acknowledged first, then the longest stuck', () => {
    const runs = [
      run('moving'),
      run('acked-long', { stalled_since: '2026-01-01T08:00:00.000Z' }),
      run('recent', { stalled_since: '2026-01-01T10:00:00.000Z' }),
      run('long', { overdue_since: '2026-01-01T09:00:00.000Z' }),
    ];
    const attention = [item('recent', 'stalled'), item('long', 'overdue')];
    const listed = stuckRuns(runs, attention, NO_FILTERS);
    expect(listed.map((entry) => [entry.run.run_id, entry.needsAck])).toEqual([
      ['long', true],
      ['recent', true],
      ['acked-long', false],
    ]);
  });

  it('counts a stall from the earlier of stalled and overdue', () => {
    const both = run('both', {
      stalled_since: '2026-01-01T10:00:00.000Z',
      overdue_since: '2026-01-01T09:30:00.000Z',
    });
    expect(stuckRuns([both], [], NO_FILTERS)[0]?.since).toBe('2026-01-01T09:30:00.000Z');
  });

  it('does not take a failure of the same run id for an open stall, and applies the filters', () => {
    const stuck = run('etl-7', { stalled_since: '2026-01-01T10:00:00.000Z' });
    expect(stuckRuns([stuck], [item('etl-7', 'failed')], NO_FILTERS)[0]?.needsAck).toBe(false);
    expect(stuckRuns([stuck], [], { ...NO_FILTERS, search: 'nope' })).toEqual([]);
    expect(stuckRuns([stuck], [], { ...NO_FILTERS, source: 'billing' })).toEqual([]);
  });
});
