import fs from 'node:fs';
import path from 'node:path';

function onPath(command: string, pathVariable: string | undefined): boolean {
  for (const dir of (pathVariable ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    try {
      fs.accessSync(path.join(dir, command), fs.constants.X_OK);
      return true;
    } catch {
      // Not in this folder; look in the next.
    }
  }
  return false;
}

/**
 * Why node-notifier cannot show notifications here, or null when it can: macOS and Windows
 * always have a service; Linux and the BSDs need `notify-send` and a session to show it in.
 */
export function notifierUnavailable(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
): string | null {
  if (platform === 'darwin' || platform === 'win32') return null;
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') {
    return `no notification service on ${platform}`;
  }
  if (!onPath('notify-send', env.PATH)) return 'no notification service (notify-send not found)';
  if (!env.DBUS_SESSION_BUS_ADDRESS && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return 'no notification service (no desktop session: DBUS_SESSION_BUS_ADDRESS, DISPLAY and WAYLAND_DISPLAY are unset)';
  }
  return null;
}
