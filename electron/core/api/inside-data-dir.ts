import fs from 'node:fs';
import path from 'node:path';

/**
 * `target` resolved, symlinks and all, when it lies inside `dataDir`; null otherwise. Nothing a
 * request names is opened or offered unless Runwatch wrote it there.
 */
export function insideDataDir(dataDir: string, target: string): string | null {
  let root: string;
  let resolved: string;
  try {
    root = fs.realpathSync(dataDir);
    resolved = fs.realpathSync(path.resolve(dataDir, target));
  } catch {
    return null;
  }
  const relative = path.relative(root, resolved);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
    ? resolved
    : null;
}
