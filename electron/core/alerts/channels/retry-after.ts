/**
 * A `Retry-After` value in milliseconds from `now`: delay-seconds or an HTTP date (RFC 9110
 * §10.2.3). Undefined when absent or unreadable, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
