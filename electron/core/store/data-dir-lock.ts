import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { registerWatcher } from './watcher-registry.ts';

const LOCK_FILE = 'watch.lock';
const PID_FILE = 'watch.pid';

export class DataDirBusyError extends Error {
  readonly pid: number | null;

  constructor(dataDir: string, pid: number | null) {
    super(
      pid === null
        ? `data dir ${dataDir} is in use by another Runwatch process`
        : `data dir ${dataDir} is in use by another Runwatch process (pid ${pid})`,
    );
    this.name = 'DataDirBusyError';
    this.pid = pid;
  }
}

export interface DataDirLock {
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** The holder writes its pid just after taking the lock: give it a moment to appear. */
function holderPid(dataDir: string): number | null {
  for (let i = 0; i < 20; i++) {
    const pid = readPid(dataDir);
    if (pid !== null && pid !== process.pid && isAlive(pid)) return pid;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
  }
  return null;
}

function readPid(dataDir: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(path.join(dataDir, PID_FILE), 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * One process per data dir, with an OS-level lock that dies with its process: SQLite's own file
 * lock on `watch.lock`, held in exclusive locking mode for as long as the connection is open
 * (fcntl on Unix, LockFileEx on Windows; both released by the OS when the process ends). A
 * process that takes it to watch a database (`watched`) is listed in the watcher registry while
 * it holds it.
 */
export function acquireDataDirLock(
  dataDir: string,
  watched?: { db: string; source: string },
): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, LOCK_FILE);
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER); DELETE FROM holder;');
    db.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid);
  } catch (error) {
    db.close();
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      throw new DataDirBusyError(dataDir, holderPid(dataDir));
    }
    throw error;
  }
  const pidFile = path.join(dataDir, PID_FILE);
  fs.writeFileSync(pidFile, `${process.pid}\n`);
  const unregister = watched ? registerWatcher({ ...watched, dataDir }) : () => {};
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      unregister();
      try {
        if (readPid(dataDir) === process.pid) fs.rmSync(pidFile, { force: true });
      } finally {
        db.close();
      }
    },
  };
}

/** The pid of the process holding the data dir, or null when none does (for `status`). */
export function dataDirHolder(dataDir: string): number | null {
  const file = path.join(dataDir, LOCK_FILE);
  if (!fs.existsSync(file)) return null;
  const db = new Database(file, { timeout: 0, readonly: true });
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return null;
  } catch {
    return readPid(dataDir) ?? -1;
  } finally {
    db.close();
  }
}
