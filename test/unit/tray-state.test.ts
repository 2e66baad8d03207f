import { describe, expect, it } from 'vitest';
import type { AttentionItem, AttentionKind } from '../../shared/attention.ts';
import type { ActiveRunStatus } from '../../shared/run-status.ts';
import type { SourceView } from '../../electron/core/tray/source-view.ts';
import { trayState } from '../../electron/core/tray/tray-state.ts';
import { activeRun } from '../support/active-run.ts';

/** Alerts that reach someone: a channel can send. */
const HEARD = { fired: 0, delivered: 0, channelActive: true };

function run(runId: string, change: Partial<ActiveRunStatus> = {}): ActiveRunStatus {
  return activeRun(runId, { source: 'orchestration', ...change });
}

function item(kind: AttentionKind, run_id: string): AttentionItem {
  return {
    kind,
    source: 'orchestration',
    pipeline: 'etl',
    run_id,
    attempt: 1,
    since: '2026-11-25T15:30:00.000Z',
  };
}

function source(partial: Partial<SourceView> = {}): SourceView {
  return {
    name: 'orchestration',
    reachable: true,
    runs: [],
    attention: [],
    alerts: HEARD,
    ...partial,
  };
}

describe('trayState', () => {
  it('shows the worst of failed, stalled, unreachable, running, all good', () => {
    const running = source({ runs: [run('r1')] });
    const down = source({ name: 'warehouse', reachable: false });
    const stalled = source({ attention: [item('stalled', 'r2')] });
    const failed = source({ name: 'ml', attention: [item('failed', 'r3')] });
    expect(trayState([]).status).toBe('ok');
    expect(trayState([source()]).status).toBe('ok');
    expect(trayState([running]).status).toBe('running');
    expect(trayState([running, down]).status).toBe('unreachable');
    expect(trayState([running, down, stalled]).status).toBe('stalled');
    expect(trayState([running, down, stalled, failed]).status).toBe('failed');
  });

  it('counts an overdue run as stalled', () => {
    expect(trayState([source({ attention: [item('overdue', 'r1')] })]).status).toBe('stalled');
  });

  it('calms the icon once a stall is acknowledged, though the run stays stalled', () => {
    const stalledRun = run('r1', { stalled_since: '2026-11-25T15:30:00.000Z', idle_s: 2_400 });
    expect(trayState([source({ runs: [stalledRun] })]).status).toBe('running');
  });

  it('counts what needs attention across sources for the badge and the macOS title', () => {
    const state = trayState([
      source({ attention: [item('failed', 'a'), item('stalled', 'b')] }),
      source({ name: 'ml', attention: [item('overdue', 'c')], runs: [run('d'), run('e')] }),
    ]);
    expect(state.count).toBe(3);
    expect(state.macTitle).toBe('3');
    const calm = trayState([source({ runs: [run('d')] })]);
    expect(calm.count).toBe(0);
    expect(calm.macTitle).toBe('');
  });

  it('never sums up alerts that reach nobody as all good', () => {
    const unheard = { fired: 2, delivered: 0, channelActive: false };
    expect(trayState([source({ alerts: unheard })]).summary).toBe('Alerts reach nobody');
    expect(trayState([source({ alerts: unheard, runs: [run('a')] })]).tooltip).toBe(
      'Runwatch: Alerts reach nobody · 1 running',
    );
    expect(trayState([source({ alerts: unheard, attention: [item('failed', 'x')] })]).summary).toBe(
      '1 failed · alerts reach nobody',
    );
  });

  it('sums it up in one line', () => {
    const runs = ['a', 'b', 'c', 'd', 'e'].map((id) => run(id));
    expect(
      trayState([
        source({
          runs,
          attention: [item('failed', 'x'), item('stalled', 'a'), item('failed', 'y')],
        }),
      ]).summary,
    ).toBe('2 failed, 1 stalled · 5 running');
    expect(trayState([source({ runs: runs.slice(0, 3) })]).summary).toBe('All good · 3 running');
    expect(trayState([source()]).summary).toBe('All good');
    expect(trayState([source({ reachable: false })]).summary).toBe('orchestration unreachable');
    expect(trayState([]).summary).toBe('No sources watched');
  });

  it('names unreachable sources beside what needs attention, and counts them past two', () => {
    const down = (name: string) => source({ name, reachable: false });
    expect(
      trayState([down('orchestration'), down('ml'), source({ attention: [item('overdue', 'r')] })])
        .summary,
    ).toBe('1 overdue · orchestration, ml unreachable');
    expect(trayState([down('a'), down('b'), down('c')]).summary).toBe('3 sources unreachable');
  });

  it('puts the summary in the tooltip, cut to what Windows shows', () => {
    expect(trayState([source({ runs: [run('a')] })]).tooltip).toBe(
      'Runwatch: All good · 1 running',
    );
    const long = 'x'.repeat(100);
    const tooltip = trayState([
      source({ name: `${long}1`, reachable: false }),
      source({ name: `${long}2`, reachable: false }),
    ]).tooltip;
    expect(tooltip).toHaveLength(127);
    expect(tooltip.endsWith('…')).toBe(true);
  });
});
