import { describe, expect, it } from 'vitest';
import { needsDashboardAtStart } from '../../electron/core/desktop/tray-fallback.ts';

const linux = (currentDesktop: string | undefined, trayFailed = false) =>
  needsDashboardAtStart({ platform: 'linux', currentDesktop, trayFailed });

describe('needsDashboardAtStart', () => {
  it('keeps to the tray on macOS and Windows, which always show tray icons', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      expect(
        needsDashboardAtStart({ platform, currentDesktop: undefined, trayFailed: false }),
      ).toBe(false);
    }
  });

  it('keeps to the tray on Linux desktops that show tray icons by default', () => {
    for (const desktop of [
      'KDE',
      'XFCE',
      'X-Cinnamon',
      'MATE',
      'LXQt',
      'Budgie:GNOME',
      'ubuntu:GNOME',
    ]) {
      expect(linux(desktop), desktop).toBe(false);
    }
  });

  it('opens the dashboard where the desktop may have no tray: plain GNOME, tiling compositors, none known', () => {
    for (const desktop of ['GNOME', 'GNOME-Classic:GNOME', 'sway', 'Hyprland', '', undefined]) {
      expect(linux(desktop), String(desktop)).toBe(true);
    }
  });

  it('opens the dashboard wherever creating the tray failed', () => {
    expect(linux('KDE', true)).toBe(true);
    expect(
      needsDashboardAtStart({ platform: 'darwin', currentDesktop: undefined, trayFailed: true }),
    ).toBe(true);
  });
});
