import path from 'node:path';
import { isPostgresUrl, shownLocation } from '../source/pg/pg-location.ts';
import { dataDirHolder } from '../store/data-dir-lock.ts';
import { defaultDataDir, defaultDemoDataDir, sourceNameOf } from '../store/data-dir.ts';
import { watchersOf } from '../store/watcher-registry.ts';
import { InputError, UsageError } from './cli-errors.ts';

export interface SourcePaths {
  /** The file, or the server's URL with its password: what the source connects with. */
  dbPath: string;
  /** What messages show: the path, or the URL with its password masked. */
  shown: string;
  dataDir: string;
  sourceName: string;
}

/** The database, its data dir and its name, from `--db` / `--data-dir` / `--demo`. */
export function resolveSourcePaths(options: {
  db?: string;
  dataDir?: string;
  demo?: boolean;
}): SourcePaths {
  if (options.demo) {
    const dataDir = path.resolve(options.dataDir ?? defaultDemoDataDir());
    const dbPath = path.join(dataDir, 'demo', 'orchestration.db');
    return { dbPath, shown: dbPath, dataDir, sourceName: 'demo' };
  }
  if (!options.db) throw new UsageError('--db FILE is required');
  // A server's URL is kept as given, password and all: only the source connects with it.
  const dbPath = isPostgresUrl(options.db) ? options.db.trim() : path.resolve(options.db);
  return {
    dbPath,
    shown: shownLocation(dbPath),
    dataDir: path.resolve(options.dataDir ?? defaultDataDir(dbPath)),
    sourceName: sourceNameOf(dbPath),
  };
}

export interface FoundSourcePaths extends SourcePaths {
  /** How the data dir was chosen, as said to the user. */
  dataDirFrom: string;
}

/**
 * For the commands that read or act on a watch's state (`status`, `ack`, `archive`): the data
 * dir given with `--data-dir`; else the database's default one while a process watches it there;
 * else the one a process watching the database now uses (`serve --data-dir`, the app), from the
 * watcher registry; else the default one.
 */
export function findSourcePaths(options: { db?: string; dataDir?: string }): FoundSourcePaths {
  const paths = resolveSourcePaths(options);
  if (options.dataDir !== undefined) return { ...paths, dataDirFrom: 'given by --data-dir' };
  const byDefault = { ...paths, dataDirFrom: 'the default for this database' };
  if (dataDirHolder(paths.dataDir) !== null) return byDefault;
  const watchers = watchersOf(paths.dbPath, (dataDir, pid) => dataDirHolder(dataDir) === pid);
  const [watcher, ...others] = watchers;
  if (!watcher) return byDefault;
  if (others.length > 0) {
    const list = watchers.map((w) => `pid ${w.pid} in ${w.dataDir}`).join(', ');
    throw new InputError(
      `${paths.shown} is watched by ${watchers.length} processes (${list}): choose one with --data-dir`,
    );
  }
  return {
    dbPath: paths.dbPath,
    shown: paths.shown,
    dataDir: watcher.dataDir,
    sourceName: watcher.source,
    dataDirFrom: `used by pid ${watcher.pid}, which watches this database`,
  };
}
