import { setXdgAutostart } from '../core/desktop/xdg-autostart.ts';

/** What start at login needs of Electron's `app` on macOS and Windows. */
export interface LoginItemApp {
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
}

/**
 * Turns start at login on or off: macOS and Windows through Electron's login items; Linux and
 * the BSDs through an XDG autostart entry that runs `command`.
 */
export function startAtLogin(
  platform: NodeJS.Platform,
  app: LoginItemApp,
  command: readonly string[],
): (enabled: boolean) => Promise<void> {
  if (platform === 'darwin' || platform === 'win32') {
    return (enabled) => {
      app.setLoginItemSettings({ openAtLogin: enabled });
      return Promise.resolve();
    };
  }
  return (enabled) => setXdgAutostart(enabled, command);
}
