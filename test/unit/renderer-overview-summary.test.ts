import { describe, expect, it } from 'vitest';
import type { AlertsView, SourceView } from '../../shared/api.ts';
import type { AttentionItem } from '../../shared/attention.ts';
import type { ActiveRunStatus } from '../../shared/run-status.ts';
import { countRuns } from '../../shared/run-counts.ts';
import {
  alertHealth,
  countAttention,
  countSources,
  openStalls,
  orderAttention,
  runCounts,
} from '../../renderer/src/views/overview-summary.ts';
import { activeRun } from '../support/active-run.ts';

function run(change: Partial<ActiveRunStatus>): ActiveRunStatus {
  return activeRun('r', change);
}

function item(kind: AttentionItem['kind'], runId: string, since: string): AttentionItem {
  return { kind, source: 'orders', pipeline: 'etl', run_id: runId, attempt: 1, since };
}

const quietAlerts: AlertsView = {
  firing: 0,
  pending_deliveries: 0,
  failing: [],
  inactive_channels: [],
  rules_without_channel: [],
  reach: { since: '2026-01-01T00:00:00.000Z', fired: 0, delivered: 0, channel_active: true },
};

describe('overview counts', () => {
  it('counts active runs by state; a run both stalled and overdue counts in both', () => {
    const t = '2026-01-01T00:00:00.000Z';
    expect(
      countRuns([
        run({}),
        run({ status: 'PENDING' }),
        run({ stalled_since: t }),
        run({ stalled_since: t, overdue_since: t }),
      ]),
    ).toEqual({ active: 4, pending: 1, stalled: 2, overdue: 1, stuck: 2 });
  });

  it('counts the runs of a first screen with those still to come, as the core counted them', () => {
    const t = '2026-01-01T00:00:00.000Z';
    const loaded = [run({ stalled_since: t }), run({})];
    const coming = { active: 9_998, pending: 3, stalled: 0, overdue: 2, stuck: 2 };
    expect(runCounts({ runs: loaded, more: { cursor: 'c', runs: coming } })).toEqual({
      active: 10_000,
      pending: 3,
      stalled: 1,
      overdue: 2,
      stuck: 3,
    });
    expect(runCounts({ runs: loaded })).toEqual(countRuns(loaded));
  });

  it('counts the stalls that need attention from the attention list, each run once', () => {
    const t = '2026-01-01T00:00:00.000Z';
    expect(
      openStalls([
        item('failed', 'a', t),
        item('stalled', 'b', t),
        item('overdue', 'b', t),
        item('overdue', 'c', t),
      ]),
    ).toBe(2);
    expect(openStalls([item('failed', 'a', t)])).toBe(0);
  });

  it('counts attention by kind and sources by state', () => {
    const t = '2026-01-01T00:00:00.000Z';
    expect(
      countAttention([item('failed', 'a', t), item('failed', 'b', t), item('overdue', 'c', t)]),
    ).toEqual({ failed: 2, stalled: 0, overdue: 1 });
    const source = (state: SourceView['state']): SourceView => ({
      name: state,
      db: '/x.db',
      state,
      error: null,
      down_since: null,
      demo: false,
      schema: null,
    });
    expect(countSources([source('up'), source('down'), source('up')])).toEqual({
      up: 2,
      down: 1,
      starting: 0,
    });
  });
});

describe('orderAttention', () => {
  it('orders failed, then stalled, then overdue; the newest first within a kind', () => {
    const ordered = orderAttention([
      item('overdue', 'o1', '2026-01-01T05:00:00.000Z'),
      item('stalled', 's-old', '2026-01-01T01:00:00.000Z'),
      item('failed', 'f-old', '2026-01-01T02:00:00.000Z'),
      item('stalled', 's-new', '2026-01-01T04:00:00.000Z'),
      item('failed', 'f-new', '2026-01-01T03:00:00.000Z'),
    ]);
    expect(ordered.map((entry) => entry.run_id)).toEqual([
      'f-new',
      'f-old',
      's-new',
      's-old',
      'o1',
    ]);
  });

  it('does not reorder the list it was given', () => {
    const items = [
      item('overdue', 'a', '2026-01-01T00:00:00.000Z'),
      item('failed', 'b', '2026-01-01T00:00:00.000Z'),
    ];
    orderAttention(items);
    expect(items.map((entry) => entry.run_id)).toEqual(['a', 'b']);
  });
});

describe('alertHealth', () => {
  it('has no problems when every rule reaches an active channel', () => {
    expect(alertHealth({ orders: { ...quietAlerts, firing: 2, pending_deliveries: 1 } })).toEqual([
      { source: 'orders', firing: 2, pending: 1, problems: [] },
    ]);
  });

  it('names failing and inactive channels and rules without a channel, plainly', () => {
    const [health] = alertHealth({
      orders: {
        ...quietAlerts,
        failing: [{ channel: 'slack', since: '2026-01-01T00:00:00.000Z', error: 'HTTP 500' }],
        inactive_channels: [
          { channel: 'email', why: 'SMTP_HOST is not set', rules: ['run-failed', 'source-down'] },
        ],
        rules_without_channel: ['run-stalled'],
      },
    });
    expect(health?.problems).toEqual([
      {
        tone: 'error',
        text: 'Deliveries failing on 1 channel; they are kept and retried',
        details: [{ name: 'slack', text: 'HTTP 500' }],
      },
      {
        tone: 'warning',
        text: '1 channel is inactive',
        details: [
          {
            name: 'email',
            text: 'SMTP_HOST is not set',
            hint: 'Used by run-failed, source-down',
          },
        ],
      },
      {
        tone: 'warning',
        text: '1 rule reaches no active channel: its alerts go nowhere',
        details: [{ name: 'Rules', text: 'run-stalled' }],
      },
    ]);
  });

  it('lists sources by name', () => {
    expect(alertHealth({ b: quietAlerts, a: quietAlerts }).map((entry) => entry.source)).toEqual([
      'a',
      'b',
    ]);
  });
});
