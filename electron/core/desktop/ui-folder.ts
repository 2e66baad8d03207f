import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard as the UI build writes it; what the packaged app ships. */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../../dist/renderer/', import.meta.url));
/** The plain page `runwatch serve` shows; in a checkout, until the dashboard has been built. */
export const PLAIN_DIR = fileURLToPath(new URL('../../../renderer/plain/', import.meta.url));

export interface UiFolder {
  /** The real path the app's pages are served from. */
  root: string;
  /** The plain page speaks only the `serve` WebSocket: in the app it shows "Disconnected". */
  plain: boolean;
}

/**
 * The folder the app's pages come from: the built dashboard, else (in a checkout, before the
 * first UI build) the plain page; null when neither has an index.html.
 */
export function uiFolder(
  dirs: { dashboard: string; plain: string } = { dashboard: DASHBOARD_DIR, plain: PLAIN_DIR },
): UiFolder | null {
  const candidates: [string, boolean][] = [
    [dirs.dashboard, false],
    [dirs.plain, true],
  ];
  for (const [dir, plain] of candidates) {
    if (fs.existsSync(path.join(dir, 'index.html'))) return { root: fs.realpathSync(dir), plain };
  }
  return null;
}
