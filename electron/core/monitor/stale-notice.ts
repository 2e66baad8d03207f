import { formatDuration } from '../../../shared/duration.ts';
import type { Logger } from '../log.ts';

/** Run ids named in the line; the rest are counted. */
const NAMED = 10;

/**
 * Runs first seen running and already idle past `stale_after` are recorded as stale, without a
 * single event: one line per read says how many and which, so none is skipped silently.
 */
export class StaleNotice {
  private runIds: string[] = [];

  add(runId: string): void {
    this.runIds.push(runId);
  }

  /** Logs what was collected since the last call, if anything. */
  flush(log: Logger, staleAfter: number, when: 'first start' | 'first seen'): void {
    const runIds = this.runIds;
    if (runIds.length === 0) return;
    this.runIds = [];
    log.info(staleLine(runIds, staleAfter, when));
  }
}

export function staleLine(runIds: readonly string[], staleAfter: number, when: string): string {
  const count = runIds.length;
  const runs = count === 1 ? '1 running run' : `${count} running runs`;
  const more = count > NAMED ? `, … and ${count - NAMED} more` : '';
  return `${when}: ${runs} idle for longer than stale_after (${formatDuration(staleAfter)}) recorded as stale, no alerts: ${runIds.slice(0, NAMED).join(', ')}${more}`;
}
