import type { RetrySchedule } from './alert-config-schema.ts';

/**
 * The wait before attempt `failures + 1`: `first · factor^(failures−1)`, capped at `max`,
 * jittered by ±20 % so receivers coming back are not hit by every sender at once. A
 * `Retry-After` from the receiver is honoured when it asks for longer.
 */
export function retryDelay(
  schedule: RetrySchedule,
  failures: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const base = Math.min(
    schedule.max,
    schedule.first * schedule.factor ** Math.max(0, failures - 1),
  );
  const jittered = Math.round(base * (0.8 + 0.4 * random()));
  return Math.max(jittered, retryAfterMs ?? 0);
}
