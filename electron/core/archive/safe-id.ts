import { createHash } from 'node:crypto';

const PLAIN_ID = /^[a-z0-9][a-z0-9._-]{0,99}$/;
/** Names Windows reserves for devices, with or without an extension. */
const DEVICE_NAME = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/;
/** Room for the readable prefix; the whole name stays far below any file system's limit. */
const PREFIX_MAX = 60;

/**
 * The file name stem for a run id (ARCHITECTURE.md §5): the id itself when it is plainly safe on every
 * file system, otherwise a sanitized prefix, `~`, and 10 hex digits of the id's SHA-256. Ids
 * that differ only in case never share a name, since only lower-case ids pass unchanged.
 */
export function safeId(runId: string): string {
  if (PLAIN_ID.test(runId) && !runId.endsWith('.') && !DEVICE_NAME.test(runId)) return runId;
  const hash = createHash('sha256').update(runId, 'utf8').digest('hex').slice(0, 10);
  const prefix = runId
    .normalize('NFKD')
    .toLowerCase()
    // Dots go too: `con.txt~…` would still name a Windows device.
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, PREFIX_MAX)
    .replace(/[_-]+$/, '');
  return `${prefix || 'run'}~${hash}`;
}

/** The stem of a run attempt's archive and report: attempt n > 1 gets `@n` (never in a safe id). */
export function attemptStem(runId: string, attempt: number): string {
  const stem = safeId(runId);
  return attempt > 1 ? `${stem}@${attempt}` : stem;
}
