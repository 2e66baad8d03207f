import { describe, expect, it } from 'vitest';
import { ElectronNotifier } from '../../electron/app/desktop-notifier.ts';
import type { DesktopNotice } from '../../electron/core/alerts/channels/desktop-channel.ts';
import type { DashboardTarget } from '../../electron/core/tray/notification-target.ts';
import { NotificationPause } from '../../electron/core/tray/notification-pause.ts';
import { FakeNotifications } from '../support/fake-electron.ts';

const NOW = Date.UTC(2026, 10, 25, 16, 0);

function notice(partial: Partial<DesktopNotice> = {}): DesktopNotice {
  return {
    title: 'Runwatch: etl run-7 failed',
    body: 'step load failed',
    severity: 'critical',
    test: false,
    target: { view: 'run', source: 'etl', run_id: 'run-7' },
    ...partial,
  };
}

function setUp(supported = true) {
  const notifications = new FakeNotifications(supported);
  const pause = new NotificationPause();
  const opened: DashboardTarget[] = [];
  let now = NOW;
  const notifier = new ElectronNotifier({
    notifications,
    isPaused: (at) => pause.isPaused(at),
    now: () => now,
    open: (target) => opened.push(target),
  });
  return { notifications, pause, opened, notifier, setNow: (at: number) => (now = at) };
}

describe('ElectronNotifier', () => {
  it('shows a notice, urgent as its severity', async () => {
    const { notifications, notifier } = setUp();
    await notifier.notify(notice());
    await notifier.notify(notice({ severity: 'info', title: 'Runwatch: etl run-8 succeeded' }));
    expect(notifications.created.map((n) => [n.options.title, n.options.urgency, n.shown])).toEqual(
      [
        ['Runwatch: etl run-7 failed', 'critical', true],
        ['Runwatch: etl run-8 succeeded', 'low', true],
      ],
    );
    expect(notifications.created[0]?.options.timeoutType).toBe('never');
    expect(notifications.created[0]?.options.body).toBe('step load failed');
  });

  it('opens the dashboard where the notice leads when it is clicked', async () => {
    const { notifications, notifier, opened } = setUp();
    await notifier.notify(notice());
    await notifier.notify(notice({ target: { view: 'home' } }));
    notifications.created[0]?.emit('click');
    notifications.created[1]?.emit('click');
    expect(opened).toEqual([{ view: 'run', source: 'etl', run_id: 'run-7' }, { view: 'home' }]);
  });

  it("shows nothing while the tray's pause lasts, and shows again after it", async () => {
    const { notifications, notifier, pause, setNow } = setUp();
    pause.pauseForAnHour(NOW);
    await notifier.notify(notice());
    expect(notifications.created).toEqual([]);
    setNow(NOW + 61 * 60_000);
    await notifier.notify(notice());
    expect(notifications.created).toHaveLength(1);
  });

  it('is unavailable, saying why, where the OS has no notifications', async () => {
    const { notifications, notifier } = setUp(false);
    expect(notifier.unavailable).toMatch(/not supported/);
    await expect(notifier.notify(notice())).rejects.toThrow(/not supported/);
    expect(notifications.created).toEqual([]);
  });
});
