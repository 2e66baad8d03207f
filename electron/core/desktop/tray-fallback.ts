/**
 * Desktops whose default session shows tray icons (a StatusNotifierItem host, or the XEmbed
 * tray Electron falls back to). `ubuntu` is Ubuntu's GNOME, which ships the AppIndicator
 * extension enabled; plain GNOME has no tray at all.
 */
const TRAY_DESKTOPS = new Set([
  'kde',
  'xfce',
  'x-cinnamon',
  'mate',
  'lxqt',
  'lxde',
  'budgie',
  'unity',
  'deepin',
  'ukui',
  'ubuntu',
]);

export interface TraySurroundings {
  platform: NodeJS.Platform;
  /** `XDG_CURRENT_DESKTOP`: desktop names separated by `:`, as `ubuntu:GNOME`. */
  currentDesktop: string | undefined;
  /** Creating the tray threw. */
  trayFailed: boolean;
}

/**
 * Whether the user may have no tray icon to click, so the app opens its dashboard at start
 * rather than sitting invisible. Electron cannot tell whether a Linux desktop shows the icon (it
 * never fails to create one), so that is judged by the desktop's name: only a desktop known to
 * show tray icons by default counts as having one. macOS and Windows always have one.
 */
export function needsDashboardAtStart({
  platform,
  currentDesktop,
  trayFailed,
}: TraySurroundings): boolean {
  if (trayFailed) return true;
  if (platform === 'darwin' || platform === 'win32') return false;
  const names = (currentDesktop ?? '').toLowerCase().split(':');
  return !names.some((name) => TRAY_DESKTOPS.has(name));
}
