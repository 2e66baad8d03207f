import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The dashboard as `npm run build:ui` writes it (`npm install` runs it too); what `runwatch serve`
 * serves and the packaged app ships.
 */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../../dist/renderer/', import.meta.url));

/** The built dashboard is not where it should be. */
export class DashboardMissingError extends Error {
  constructor(dir: string) {
    super(`the dashboard is not built (no ${path.join(dir, 'index.html')}): run npm run build:ui`);
    this.name = 'DashboardMissingError';
  }
}

/** The real path of the built dashboard's folder. */
export function dashboardFolder(dir: string = DASHBOARD_DIR): string {
  if (!fs.existsSync(path.join(dir, 'index.html'))) throw new DashboardMissingError(dir);
  return fs.realpathSync(dir);
}
