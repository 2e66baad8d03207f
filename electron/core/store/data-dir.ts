import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPostgresUrl, pgLocation } from '../source/pg/pg-location.ts';

/**
 * The OS's application-data folder, as Electron's `app.getPath('appData')` gives it, so the CLI
 * and the app resolve the same data dirs.
 */
export function appDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  const home = os.homedir();
  if (platform === 'win32') return env.APPDATA || path.join(home, 'AppData', 'Roaming');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support');
  return env.XDG_CONFIG_HOME || path.join(home, '.config');
}

/**
 * The real path of a file that may not exist yet, nor its folders: its nearest existing folder
 * resolved, the rest kept, so the path stays the same once they are created. A server's URL
 * without its password: what is stored and compared, never the secret.
 */
export function realPathOf(file: string): string {
  if (isPostgresUrl(file)) return pgLocation(file).identity;
  const absolute = path.resolve(file);
  const rest: string[] = [];
  for (let dir = absolute; ; dir = path.dirname(dir)) {
    try {
      return path.join(fs.realpathSync(dir), ...rest);
    } catch {
      if (path.dirname(dir) === dir) return absolute;
      rest.unshift(path.basename(dir));
    }
  }
}

/**
 * A database's default data dir (ARCHITECTURE.md §2):
 * `<app-data>/runwatch/sources/<db-stem>-<first 8 hex of sha256(real path)>/`; for a server,
 * its database's name and its URL without the password.
 */
export function defaultDataDir(dbPath: string, env: NodeJS.ProcessEnv = process.env): string {
  const real = realPathOf(dbPath);
  const stem = (
    isPostgresUrl(dbPath) ? pgLocation(dbPath).database : path.basename(real, path.extname(real))
  )
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 40);
  const digest = createHash('sha256').update(real).digest('hex').slice(0, 8);
  return path.join(appDataDir(env), 'runwatch', 'sources', `${stem || 'db'}-${digest}`);
}

/** Where `--demo` keeps its data dir when none is given. */
export function defaultDemoDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(appDataDir(env), 'runwatch', 'sources', 'demo');
}

/** The name a source gets in events when only a path is known: the file's stem, a server's database. */
export function sourceNameOf(dbPath: string): string {
  if (isPostgresUrl(dbPath)) return pgLocation(dbPath).database;
  return path.basename(dbPath, path.extname(dbPath)) || 'db';
}
