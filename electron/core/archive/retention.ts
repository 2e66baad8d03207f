import fs from 'node:fs';
import path from 'node:path';
import { formatBytes } from '../../../shared/bytes.ts';
import type { Logger } from '../log.ts';

const DAY_MS = 86_400_000;

/** How long archives are kept (both off by default). */
export interface RetentionPolicy {
  keepDays: number | null;
  maxBytes: number | null;
}

interface ArchiveFile {
  name: string;
  size: number;
  mtimeMs: number;
}

/**
 * Deletes the oldest archives past the limits: older than `keepDays`, then oldest first while
 * the folder holds more than `maxBytes`. An archive younger than a day is never deleted, so a
 * tight limit cannot take away the zip of a run that just finished. Returns the names deleted.
 */
export function applyRetention(
  archiveDir: string,
  policy: RetentionPolicy,
  now: number,
  log: Logger,
): string[] {
  if (policy.keepDays === null && policy.maxBytes === null) return [];
  let names: string[];
  try {
    names = fs.readdirSync(archiveDir);
  } catch {
    return [];
  }
  const archives: ArchiveFile[] = [];
  for (const name of names) {
    if (!name.endsWith('.zip') || name.startsWith('.tmp-')) continue;
    try {
      const stat = fs.statSync(path.join(archiveDir, name));
      if (stat.isFile()) archives.push({ name, size: stat.size, mtimeMs: stat.mtimeMs });
    } catch {
      // deleted meanwhile
    }
  }
  archives.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
  let total = archives.reduce((sum, a) => sum + a.size, 0);
  const deleted: string[] = [];
  for (const archive of archives) {
    const age = now - archive.mtimeMs;
    if (age < DAY_MS) break;
    const tooOld = policy.keepDays !== null && age > policy.keepDays * DAY_MS;
    const tooBig = policy.maxBytes !== null && total > policy.maxBytes;
    if (!tooOld && !tooBig) continue;
    try {
      fs.unlinkSync(path.join(archiveDir, archive.name));
    } catch (error) {
      log.warn(`retention: could not delete ${archive.name}: ${(error as Error).message}`);
      continue;
    }
    total -= archive.size;
    deleted.push(archive.name);
    const why = tooOld
      ? `older than ${policy.keepDays} days`
      : `archives over ${formatBytes(policy.maxBytes ?? 0)}`;
    log.info(`retention: deleted ${archive.name} (${formatBytes(archive.size)}, ${why})`);
  }
  return deleted;
}
