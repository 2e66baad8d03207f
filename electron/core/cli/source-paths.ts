import path from 'node:path';
import { defaultDataDir, defaultDemoDataDir, sourceNameOf } from '../store/data-dir.ts';
import { UsageError } from './cli-errors.ts';

export interface SourcePaths {
  dbPath: string;
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
    return { dbPath: path.join(dataDir, 'demo', 'orchestration.db'), dataDir, sourceName: 'demo' };
  }
  if (!options.db) throw new UsageError('--db FILE is required');
  const dbPath = path.resolve(options.db);
  return {
    dbPath,
    dataDir: path.resolve(options.dataDir ?? defaultDataDir(dbPath)),
    sourceName: sourceNameOf(dbPath),
  };
}
