import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttentionItem, AttentionKind } from '../../shared/attention.ts';
import type { ActiveRunStatus } from '../../shared/run-status.ts';
import { actionId, actionOf, type TrayAction } from '../../electron/core/tray/menu-actions.ts';
import { menusDiffer } from '../../electron/core/tray/menu-diff.ts';
import type { MenuItemModel } from '../../electron/core/tray/menu-model.ts';
import type { SourceView } from '../../electron/core/tray/source-view.ts';
import { MENU_RUNS_MAX, trayMenu, type TrayMenuInput } from '../../electron/core/tray/tray-menu.ts';
import { activeRun } from '../support/active-run.ts';

/** Alerts that reach someone: a channel can send. */
const HEARD = { fired: 0, delivered: 0, channelActive: true };

const MINUTE = 60_000;
/** 2026-11-25 14:00 UTC; the tests run under TZ=UTC unless they say otherwise. */
const NOW = Date.UTC(2026, 10, 25, 14, 0);
const iso = (ms: number) => new Date(ms).toISOString();

const originalTz = process.env.TZ;
beforeEach(() => {
  process.env.TZ = 'UTC';
});
afterEach(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

/** A run 12 minutes in, 3 of 7 steps done, last moving a minute ago: the labels read these. */
function run(runId: string, change: Partial<ActiveRunStatus> = {}): ActiveRunStatus {
  return activeRun(runId, {
    source: 'orchestration',
    steps_done: 3,
    steps_total: 7,
    current_step: 'load',
    started_at: iso(NOW - 12 * MINUTE),
    elapsed_s: 12 * 60 + 7,
    last_progress_at: iso(NOW - MINUTE),
    idle_s: 60,
    ...change,
  });
}

function item(kind: AttentionKind, run_id: string, minutesAgo: number): AttentionItem {
  return {
    kind,
    source: 'orchestration',
    pipeline: 'etl',
    run_id,
    attempt: 1,
    since: iso(NOW - minutesAgo * MINUTE),
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

function menu(partial: Partial<TrayMenuInput> = {}): MenuItemModel[] {
  return trayMenu({
    sources: [source()],
    pausedUntil: null,
    startAtLogin: false,
    now: NOW,
    ...partial,
  });
}

const labels = (items: MenuItemModel[]) =>
  items.map((i) => (i.type === 'separator' ? '---' : i.label));
const byAction = (items: MenuItemModel[], action: TrayAction) =>
  items.find((i) => i.id === actionId(action)) as MenuItemModel;

const stalled = run('run-42', {
  stalled_since: iso(NOW - 12 * MINUTE),
  idle_s: 42 * 60 + 30,
});

describe('trayMenu', () => {
  it('lists the summary, the runs, then the commands', () => {
    const items = menu({
      sources: [
        source({ runs: [run('run-43'), stalled], attention: [item('stalled', 'run-42', 12)] }),
      ],
    });
    expect(labels(items)).toEqual([
      '1 stalled · 2 running',
      '---',
      'etl run-42 — stalled, idle 42m',
      'etl run-43 — running 12m, step 3/7',
      '---',
      'Open dashboard',
      'Acknowledge all (1)',
      'Open archive folder',
      '---',
      'Pause notifications',
      'Settings…',
      'Start at login',
      '---',
      'Quit Runwatch',
    ]);
    expect(items[0]).toMatchObject({ id: 'summary', enabled: false });
    expect(actionOf(items[0]?.id as string)).toBeNull();
  });

  it('says when alerts reach nobody, and leads from there to the channel settings', () => {
    const unheard = { fired: 5, delivered: 0, channelActive: false };
    const items = menu({ sources: [source({ runs: [run('run-43')], alerts: unheard })] });
    expect(labels(items).slice(0, 3)).toEqual([
      'Alerts reach nobody · 1 running',
      '⚠ 5 alerts fired, 0 delivered: no active channel…',
      '---',
    ]);
    expect(items[1]?.enabled).toBeUndefined();
    expect(actionOf(items[1]?.id as string)).toEqual({
      kind: 'alert-channels',
      source: 'orchestration',
    });

    const several = menu({
      sources: [
        source({ alerts: { fired: 1, delivered: 1, channelActive: false } }),
        source({ name: 'ml' }),
      ],
    });
    expect(labels(several).slice(0, 2)).toEqual([
      'Alerts reach nobody',
      '⚠ orchestration: 1 alert fired, 1 delivered: no active channel…',
    ]);
    expect(labels(menu()).join('\n')).not.toMatch(/reach nobody|no active channel/);
  });

  it('opens the run clicked, by source and run id', () => {
    const odd = 'nightly: "full" 2026/11/25';
    const items = menu({ sources: [source({ name: 'ml:prod', runs: [run(odd)] })] });
    expect(actionOf(items[2]?.id as string)).toEqual({
      kind: 'open-run',
      source: 'ml:prod',
      run_id: odd,
    });
  });

  it('lists what needs attention first, failures first, then the longest-running runs', () => {
    const items = menu({
      sources: [
        source({
          runs: [
            run('short', { elapsed_s: 60 }),
            run('acked-stall', { stalled_since: iso(NOW - 5 * MINUTE), idle_s: 35 * 60 }),
            run('long', { elapsed_s: 3 * 3600 }),
            run('stuck', { stalled_since: iso(NOW - 2 * MINUTE), idle_s: 32 * 60 }),
            run('late', { overdue_since: iso(NOW - MINUTE), elapsed_s: 13 * 3600 + 5 * 60 }),
          ],
          attention: [
            item('overdue', 'late', 1),
            item('stalled', 'stuck', 2),
            item('failed', 'old-failure', 180),
            item('failed', 'new-failure', 25),
          ],
        }),
      ],
    });
    expect(labels(items).slice(2, 9)).toEqual([
      'etl new-failure — failed 25m ago',
      'etl old-failure — failed 3h ago',
      'etl stuck — stalled, idle 32m',
      'etl late — overdue, running 13h 5m',
      'etl acked-stall — stalled, idle 35m',
      'etl long — running 3h, step 3/7',
      'etl short — running 1m, step 3/7',
    ]);
  });

  it(`lists at most ${MENU_RUNS_MAX} runs and leads to the dashboard for the rest`, () => {
    const runs = Array.from({ length: 14 }, (_, i) => run(`r${i}`, { elapsed_s: 1000 - i }));
    const items = menu({ sources: [source({ runs, attention: [item('failed', 'f', 1)] })] });
    const listed = items.filter((i) => actionOf(i.id)?.kind === 'open-run');
    expect(listed).toHaveLength(MENU_RUNS_MAX);
    expect(listed[0]?.label).toBe('etl f — failed 1m ago');
    expect(byAction(items, { kind: 'show-all-runs' }).label).toBe('Show all 15 in the dashboard…');
  });

  it('says what a run is doing in the words of its state', () => {
    const items = menu({
      sources: [
        source({
          runs: [
            run('etl-0007', { elapsed_s: 30 }),
            run('queued', { status: 'PENDING', elapsed_s: null, started_at: null }),
            run('zombie', { stale: true, idle_s: 3 * 86_400 + 4 * 3600, elapsed_s: 4 * 86_400 }),
            run('retry', { attempt: 2, elapsed_s: 180, steps_total: 0, steps_done: 0 }),
            run('x'.repeat(80), { elapsed_s: 0, pipeline: '' }),
          ],
          attention: [item('failed', 'retry', 10)],
        }),
      ],
    });
    expect(labels(items).slice(2, 7)).toEqual([
      'etl retry — failed, retry running 3m',
      'etl-0007 — running <1m, step 3/7',
      `${'x'.repeat(47)}… — running <1m, step 3/7`,
      'etl queued — pending',
      'etl zombie — stale, idle 3d 4h',
    ]);
  });

  it('names the source of each run when it watches several', () => {
    const items = menu({
      sources: [
        source({ runs: [run('a', { elapsed_s: 90 })] }),
        source({ name: 'ml', runs: [run('b')] }),
      ],
    });
    expect(labels(items).slice(2, 4)).toEqual([
      'ml: etl b — running 12m, step 3/7',
      'orchestration: etl a — running 1m, step 3/7',
    ]);
  });

  it('offers Acknowledge all only when something needs attention', () => {
    const calm = byAction(menu({ sources: [source({ runs: [run('a')] })] }), {
      kind: 'acknowledge-all',
    });
    expect(calm).toMatchObject({ label: 'Acknowledge all', enabled: false });
    const busy = byAction(
      menu({ sources: [source({ attention: [item('failed', 'a', 1), item('stalled', 'b', 1)] })] }),
      { kind: 'acknowledge-all' },
    );
    expect(busy.label).toBe('Acknowledge all (2)');
    expect(busy.enabled ?? true).toBe(true);
  });

  it("opens the one source's archive folder, or lets the user pick among several", () => {
    const one = byAction(menu(), { kind: 'open-archive', source: 'orchestration' });
    expect(one).toMatchObject({ type: 'normal', label: 'Open archive folder' });
    const several = menu({ sources: [source(), source({ name: 'ml' })] }).find(
      (i) => i.label === 'Open archive folder',
    );
    expect(several?.type).toBe('submenu');
    expect(several?.submenu?.map((i) => [i.label, actionOf(i.id)])).toEqual([
      ['orchestration', { kind: 'open-archive', source: 'orchestration' }],
      ['ml', { kind: 'open-archive', source: 'ml' }],
    ]);
  });

  it('shows how long notifications are paused, and resumes them', () => {
    const pause = (items: MenuItemModel[]) => items.find((i) => i.id === 'pause') as MenuItemModel;
    const off = pause(menu());
    expect(off.label).toBe('Pause notifications');
    expect(off.submenu?.map((i) => [i.label, i.enabled ?? true])).toEqual([
      ['For 1 hour', true],
      ['Until tomorrow 08:00', true],
      ['', true],
      ['Resume notifications', false],
    ]);
    const on = pause(menu({ pausedUntil: NOW + 30 * MINUTE }));
    expect(on.label).toBe('Notifications paused until 14:30');
    expect(actionOf(on.submenu?.[3]?.id as string)).toEqual({ kind: 'resume' });
    expect(on.submenu?.[3]?.enabled ?? true).toBe(true);
    expect(pause(menu({ pausedUntil: NOW + 20 * 3_600_000 })).label).toBe(
      'Notifications paused until tomorrow 10:00',
    );
    expect(pause(menu({ pausedUntil: NOW })).label).toBe('Pause notifications');
  });

  it('writes the pause in local time', () => {
    process.env.TZ = 'Pacific/Chatham';
    const pause = menu({ pausedUntil: NOW + 30 * MINUTE }).find((i) => i.id === 'pause');
    // 14:30 UTC is 04:15 the next day at +13:45, and the menu is read on that next day.
    expect(pause?.label).toBe('Notifications paused until 04:15');
  });

  it('checks Start at login as the setting is', () => {
    const toggle = { kind: 'toggle-start-at-login' } as const;
    expect(byAction(menu({ startAtLogin: true }), toggle)).toMatchObject({
      type: 'checkbox',
      checked: true,
    });
    expect(byAction(menu({ startAtLogin: false }), toggle)).toMatchObject({ checked: false });
  });

  it('gives every item an id of its own', () => {
    const all = (items: MenuItemModel[]): string[] =>
      items.flatMap((i) => [i.id, ...all(i.submenu ?? [])]);
    const ids = all(
      menu({
        sources: [
          source({ runs: [run('a'), run('b')] }),
          source({ name: 'ml', attention: [item('failed', 'a', 1)] }),
        ],
      }),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('actionOf', () => {
  it('reads back every action from its id', () => {
    const actions: TrayAction[] = [
      { kind: 'open-run', source: 's', run_id: 'r:1' },
      { kind: 'show-all-runs' },
      { kind: 'open-dashboard' },
      { kind: 'acknowledge-all' },
      { kind: 'open-archive', source: 'a "b"' },
      { kind: 'pause-hour' },
      { kind: 'pause-tomorrow' },
      { kind: 'resume' },
      { kind: 'settings' },
      { kind: 'toggle-start-at-login' },
      { kind: 'quit' },
    ];
    for (const action of actions) expect(actionOf(actionId(action))).toEqual(action);
  });

  it('reads nothing from ids that are not actions', () => {
    for (const id of [
      'summary',
      'separator-app',
      'pause',
      'open-run:[1,2]',
      'open-run:{',
      'quit:x',
      '',
    ]) {
      expect(actionOf(id), id).toBeNull();
    }
  });
});

describe('menusDiffer', () => {
  const input: TrayMenuInput = {
    sources: [source({ runs: [run('a')], attention: [item('failed', 'b', 5)] })],
    pausedUntil: null,
    startAtLogin: true,
    now: NOW,
  };

  it('finds nothing to set when the menu would look and act the same', () => {
    expect(menusDiffer(trayMenu(input), trayMenu({ ...input }))).toBe(false);
    // Within the same minute the durations read the same.
    expect(menusDiffer(trayMenu(input), trayMenu({ ...input, now: NOW + 20_000 }))).toBe(false);
    const explicit = trayMenu(input).map((i) => ({ ...i, enabled: i.enabled ?? true }));
    expect(menusDiffer(trayMenu(input), explicit)).toBe(false);
  });

  it('sees a change in a label, a checkbox, an enabled state or a submenu', () => {
    const base = trayMenu(input);
    expect(menusDiffer(base, trayMenu({ ...input, now: NOW + 2 * MINUTE }))).toBe(true);
    expect(menusDiffer(base, trayMenu({ ...input, startAtLogin: false }))).toBe(true);
    expect(menusDiffer(base, trayMenu({ ...input, sources: [source({ runs: [run('a')] })] }))).toBe(
      true,
    );
    expect(menusDiffer(base, trayMenu({ ...input, pausedUntil: NOW + 3_600_000 }))).toBe(true);
    const disabledQuit = base.map((i) => (i.id === 'quit' ? { ...i, enabled: false } : i));
    expect(menusDiffer(base, disabledQuit)).toBe(true);
    const otherSubmenu = base.map((i) =>
      i.id === 'pause' ? { ...i, submenu: i.submenu?.slice(0, 2) } : i,
    );
    expect(menusDiffer(base, otherSubmenu)).toBe(true);
  });

  it('sets the first menu', () => {
    expect(menusDiffer(null, trayMenu(input))).toBe(true);
    expect(menusDiffer(null, null)).toBe(false);
  });
});
