import { describe, expect, it } from 'vitest';
import type { AttentionItem } from '../../shared/attention.ts';
import { TrayService } from '../../electron/app/tray-service.ts';
import type { TrayAction } from '../../electron/core/tray/menu-actions.ts';
import type { SourceView } from '../../electron/core/tray/source-view.ts';
import { activeRun } from '../support/active-run.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { FakeImage, FakeMenu, FakeTray } from '../support/fake-electron.ts';

/** Alerts that reach someone: a channel can send. */
const HEARD = { fired: 0, delivered: 0, channelActive: true };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function failed(runId: string, now: number): AttentionItem {
  return {
    kind: 'failed',
    source: 'etl',
    pipeline: 'etl',
    run_id: runId,
    attempt: 1,
    since: new Date(now - 60_000).toISOString(),
  };
}

function setUp(platform: NodeJS.Platform = 'linux') {
  const clock = new FakeClock();
  const source: SourceView = {
    name: 'etl',
    reachable: true,
    runs: [],
    attention: [],
    alerts: HEARD,
  };
  const state = { sources: [source], pausedUntil: null as number | null, startAtLogin: false };
  const actions: TrayAction[] = [];
  let reads = 0;
  let tray: FakeTray | null = null;
  const service = new TrayService<FakeImage, FakeMenu>({
    platform,
    createTray: (image) => (tray = new FakeTray(image)),
    createImage: () => new FakeImage(),
    buildMenu: (template) => new FakeMenu(template),
    read: () => {
      reads++;
      return { ...state, now: clock.now() };
    },
    onAction: (action) => actions.push(action),
    clock,
    throttleMs: 500,
    tickMs: 60_000,
  });
  if (!tray) throw new Error('no tray was created');
  return {
    clock,
    /** A change, and the throttle's interval passing. */
    redraw: () => {
      service.refresh();
      clock.advance(500);
    },
    source,
    state,
    actions,
    service,
    tray: tray as FakeTray,
    reads: () => reads,
  };
}

describe('TrayService', () => {
  it('draws the status picture at 1× and 2×, with its tooltip and menu', () => {
    const { tray } = setUp();
    const [image] = tray.images;
    expect(
      image?.representations.map(({ scaleFactor, width, height }) => [scaleFactor, width, height]),
    ).toEqual([
      [1, 16, 16],
      [2, 32, 32],
    ]);
    for (const representation of image?.representations ?? []) {
      expect(representation.buffer.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    }
    expect(image?.template).toBe(false);
    expect(tray.tooltips).toEqual(['Runwatch: All good']);
    expect(tray.menus).toHaveLength(1);
    expect(tray.menu.labels()).toContain('Open dashboard');
    expect(tray.titles).toEqual([]);
  });

  it('sets the menu again only when it changed', () => {
    const { tray, source, clock, service } = setUp();
    service.refresh();
    clock.advance(1_000);
    service.refresh();
    clock.advance(1_000);
    expect(tray.menus).toHaveLength(1);
    expect(tray.images).toHaveLength(1);

    source.runs = [activeRun('etl-0001', { source: 'etl' })];
    service.refresh();
    clock.advance(1_000);
    expect(tray.menus).toHaveLength(2);
    expect(tray.menu.labels().some((label) => label.startsWith('etl-0001'))).toBe(true);
    // Running changes the picture (blue), the tooltip and the menu; the next identical one none.
    expect(tray.images).toHaveLength(2);
    service.refresh();
    clock.advance(1_000);
    expect(tray.menus).toHaveLength(2);
  });

  it('redraws a burst of changes once at the end of the interval, with the latest state', () => {
    const { tray, source, clock, service, reads } = setUp();
    clock.advance(1_000);
    const before = reads();
    service.refresh();
    expect(reads()).toBe(before + 1);
    for (let i = 0; i < 50; i++) {
      source.runs = Array.from({ length: (i % 3) + 1 }, (_, n) =>
        activeRun(`etl-${n}`, { source: 'etl' }),
      );
      service.refresh();
    }
    expect(reads()).toBe(before + 1);
    clock.advance(500);
    expect(reads()).toBe(before + 2);
    expect(tray.menu.labels().filter((label) => label.startsWith('etl-'))).toHaveLength(
      source.runs.length,
    );
  });

  it('paints the count badge into the picture when something needs attention', () => {
    const { tray, source, clock, redraw } = setUp();
    source.attention = [failed('etl-0007', clock.now())];
    redraw();
    expect(tray.images).toHaveLength(2);
    expect(tray.images[1]?.representations[1]?.buffer).not.toEqual(
      tray.images[0]?.representations[1]?.buffer,
    );
    expect(tray.tooltips.at(-1)).toMatch(/1 failed/);
    expect(tray.menu.labels()).toContain('Acknowledge all (1)');
  });

  it('uses the template picture on macOS, with the count as the title beside it', () => {
    const { tray, source, clock, redraw } = setUp('darwin');
    expect(tray.images[0]?.template).toBe(true);
    expect(tray.titles).toEqual(['']);
    source.attention = [failed('etl-0007', clock.now()), failed('etl-0008', clock.now())];
    redraw();
    expect(tray.titles).toEqual(['', '2']);
    // The template carries no badge: only the status changed it.
    expect(tray.images).toHaveLength(2);
    expect(tray.images[1]?.template).toBe(true);
    source.attention = [...source.attention, failed('etl-0009', clock.now())];
    redraw();
    expect(tray.titles).toEqual(['', '2', '3']);
    expect(tray.images).toHaveLength(2);
  });

  it('routes a clicked item to its action', () => {
    const { tray, actions, source, clock, redraw } = setUp();
    source.attention = [failed('etl-0007', clock.now())];
    redraw();
    tray.menu.click('acknowledge-all');
    tray.menu.click('pause-hour');
    tray.menu.click('open-run:["etl","etl-0007"]');
    tray.menu.click('quit');
    expect(actions).toEqual([
      { kind: 'acknowledge-all' },
      { kind: 'pause-hour' },
      { kind: 'open-run', source: 'etl', run_id: 'etl-0007' },
      { kind: 'quit' },
    ]);
  });

  it('shows start at login and the pause as they are', () => {
    const { tray, state, clock, redraw } = setUp();
    state.startAtLogin = true;
    state.pausedUntil = clock.now() + 3_600_000;
    redraw();
    const items = tray.menu.items;
    expect(items.find((item) => item.id === 'toggle-start-at-login')?.checked).toBe(true);
    expect(items.find((item) => item.id === 'pause')?.label).toMatch(/^Notifications paused until/);
  });

  it('redraws on its own once a minute, so a pause that ended is no longer shown', () => {
    const { tray, state, clock } = setUp();
    state.pausedUntil = clock.now() + 30_000;
    clock.advance(60_000);
    expect(tray.menu.items.find((item) => item.id === 'pause')?.label).toBe('Pause notifications');
  });

  it('opens the dashboard on a left click on Windows', () => {
    const { tray, actions } = setUp('win32');
    tray.emit('click');
    expect(actions).toEqual([{ kind: 'open-dashboard' }]);
  });

  it('removes the icon and stops redrawing when disposed', () => {
    const { tray, clock, service, reads } = setUp();
    service.dispose();
    const after = reads();
    service.refresh();
    clock.advance(120_000);
    expect(tray.destroyed).toBe(true);
    expect(reads()).toBe(after);
    expect(clock.pendingTimers).toBe(0);
  });
});
