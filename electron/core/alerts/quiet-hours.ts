import { atLeast, type Severity } from '../../../shared/severity.ts';
import type { QuietHours } from './alert-config.ts';

/** The next local moment at `minutes` after midnight, strictly after `now` (DST-safe). */
function nextLocal(now: number, minutes: number): number {
  const at = new Date(now);
  at.setHours(Math.floor(minutes / 60), minutes % 60, 0, 0);
  if (at.getTime() <= now) at.setDate(at.getDate() + 1);
  at.setHours(Math.floor(minutes / 60), minutes % 60, 0, 0);
  return at.getTime();
}

/**
 * When the quiet hours holding a delivery to `channel` end, or null when it may go now. Quiet
 * hours are local time; `from > to` spans midnight; `from == to` is never quiet.
 */
export function quietUntil(
  quiet: QuietHours | null,
  channel: string,
  severity: Severity,
  now: number,
): number | null {
  if (!quiet || quiet.from === quiet.to) return null;
  if (quiet.channels && !quiet.channels.includes(channel)) return null;
  if (quiet.except && atLeast(severity, quiet.except)) return null;
  const local = new Date(now);
  const minute = local.getHours() * 60 + local.getMinutes();
  const inside =
    quiet.from < quiet.to
      ? minute >= quiet.from && minute < quiet.to
      : minute >= quiet.from || minute < quiet.to;
  return inside ? nextLocal(now, quiet.to) : null;
}
