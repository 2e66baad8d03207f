import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { appDataDir, realPathOf } from './data-dir.ts';

/**
 * Which process watches which database, and in which data dir: `watch`, `serve` and the app
 * each add an entry when they take a data dir's lock and remove it when they let it go, so that
 * `status`, `ack` and `archive` find a data dir chosen with `--data-dir` (or the app's own) from
 * the database alone. An entry whose process has gone without removing it is ignored, and
 * removed by whoever reads it.
 */
export interface WatcherEntry {
  /** The database's real path. */
  db: string;
  /** Its name in that process's events and state. */
  source: string;
  dataDir: string;
  pid: number;
  startedAt: string;
}

interface EntryFile {
  db: string;
  source: string;
  data_dir: string;
  pid: number;
  started_at: string;
}

export function registryDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(appDataDir(env), 'runwatch', 'watchers');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // Another reader removed it, or the folder is not ours to clean: it stays ignored.
  }
}

function readEntry(file: string): EntryFile | null {
  try {
    const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<EntryFile>;
    const valid =
      typeof entry.db === 'string' &&
      typeof entry.source === 'string' &&
      typeof entry.data_dir === 'string' &&
      Number.isSafeInteger(entry.pid) &&
      typeof entry.started_at === 'string';
    return valid ? (entry as EntryFile) : null;
  } catch {
    return null;
  }
}

/** The registry's entries whose process is alive; those of processes gone are removed. */
function liveEntries(dir: string): EntryFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const live: EntryFile[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const entry = readEntry(file);
    if (entry && !isAlive(entry.pid)) removeQuietly(file);
    else if (entry) live.push(entry);
  }
  return live;
}

/**
 * Adds this process's entry for `dataDir`, clearing those of processes gone, and returns its
 * removal. Failing to write is no error.
 */
export function registerWatcher(
  watched: { db: string; source: string; dataDir: string },
  env: NodeJS.ProcessEnv = process.env,
): () => void {
  const { dataDir } = watched;
  const dir = registryDir(env);
  const digest = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 8);
  const file = path.join(dir, `${process.pid}-${digest}.json`);
  const entry: EntryFile = {
    db: realPathOf(watched.db),
    source: watched.source,
    data_dir: path.resolve(dataDir),
    pid: process.pid,
    started_at: new Date().toISOString(),
  };
  liveEntries(dir);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temp = `${file}.tmp`;
    fs.writeFileSync(temp, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    fs.renameSync(temp, file);
  } catch {
    // Only `status` and the like are worse off: they say where they looked.
    return () => {};
  }
  return () => removeQuietly(file);
}

/**
 * The processes alive now that registered as watching `dbPath`, oldest first. `holds` says
 * whether a pid holds a data dir's lock: a pid reused by another process holds none.
 */
export function watchersOf(
  dbPath: string,
  holds: (dataDir: string, pid: number) => boolean,
  env: NodeJS.ProcessEnv = process.env,
): WatcherEntry[] {
  const db = realPathOf(dbPath);
  const found: WatcherEntry[] = [];
  for (const entry of liveEntries(registryDir(env))) {
    if (entry.db !== db || !holds(entry.data_dir, entry.pid)) continue;
    found.push({
      db,
      source: entry.source,
      dataDir: entry.data_dir,
      pid: entry.pid,
      startedAt: entry.started_at,
    });
  }
  return found.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}
