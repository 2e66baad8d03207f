import { afterEach, describe, expect, it } from 'vitest';
import type { QuietHours } from '../../electron/core/alerts/alert-config.ts';
import { renderDedupKey } from '../../electron/core/alerts/dedup-key.ts';
import { quietUntil } from '../../electron/core/alerts/quiet-hours.ts';
import { retryDelay } from '../../electron/core/alerts/retry-schedule.ts';
import { TokenBucket } from '../../electron/core/alerts/token-bucket.ts';

const originalTz = process.env.TZ;
afterEach(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

const night: QuietHours = { from: 22 * 60, to: 7 * 60, channels: null, except: null };

/** Epoch ms of a local wall-clock time in the current TZ. */
function local(y: number, mo: number, d: number, h: number, mi = 0): number {
  return new Date(y, mo - 1, d, h, mi).getTime();
}

describe('quietUntil', () => {
  for (const tz of ['UTC', 'Pacific/Chatham', 'Europe/Berlin']) {
    it(`holds from 22:00 to 07:00 local time, across midnight (${tz})`, () => {
      process.env.TZ = tz;
      const end = local(2026, 11, 26, 7);
      expect(quietUntil(night, 'slack', 'warning', local(2026, 11, 25, 23, 30))).toBe(end);
      expect(quietUntil(night, 'slack', 'warning', local(2026, 11, 26, 3))).toBe(end);
      expect(quietUntil(night, 'slack', 'warning', local(2026, 11, 26, 7))).toBeNull();
      expect(quietUntil(night, 'slack', 'warning', local(2026, 11, 25, 21, 59))).toBeNull();
    });
  }

  it('ends at 07:00 local on the night clocks go back, not an hour early or late', () => {
    process.env.TZ = 'Europe/Berlin';
    const end = quietUntil(night, 'slack', 'info', local(2026, 10, 24, 23));
    expect(new Date(end as number).getHours()).toBe(7);
    expect(end).toBe(Date.UTC(2026, 9, 25, 6, 0));
  });

  it('lets severities at or above `except` through, and leaves other channels alone', () => {
    process.env.TZ = 'UTC';
    const quiet: QuietHours = { ...night, channels: ['desktop'], except: 'critical' };
    const at = local(2026, 11, 25, 23);
    expect(quietUntil(quiet, 'desktop', 'error', at)).not.toBeNull();
    expect(quietUntil(quiet, 'desktop', 'critical', at)).toBeNull();
    expect(quietUntil(quiet, 'slack', 'info', at)).toBeNull();
  });

  it('handles a window within one day, and an empty one', () => {
    process.env.TZ = 'UTC';
    const lunch: QuietHours = { from: 12 * 60, to: 13 * 60, channels: null, except: null };
    expect(quietUntil(lunch, 'x', 'info', local(2026, 11, 25, 12, 30))).toBe(
      local(2026, 11, 25, 13),
    );
    expect(quietUntil(lunch, 'x', 'info', local(2026, 11, 25, 13, 30))).toBeNull();
    expect(quietUntil({ ...lunch, to: 12 * 60 }, 'x', 'info', local(2026, 11, 25, 12))).toBeNull();
  });
});

describe('TokenBucket', () => {
  it('allows N per minute, refilling continuously', () => {
    const bucket = new TokenBucket(2, 0);
    expect(bucket.take(0)).toBe(true);
    expect(bucket.take(0)).toBe(true);
    expect(bucket.take(0)).toBe(false);
    expect(bucket.nextAt(0)).toBe(30_000);
    expect(bucket.take(29_999)).toBe(false);
    expect(bucket.take(30_000)).toBe(true);
  });
});

describe('retryDelay', () => {
  const schedule = { first: 10_000, factor: 2, max: 600_000 };

  it('grows exponentially from `first` up to `max`, jittered by ±20 %', () => {
    expect(retryDelay(schedule, 1, undefined, () => 0.5)).toBe(10_000);
    expect(retryDelay(schedule, 3, undefined, () => 0.5)).toBe(40_000);
    expect(retryDelay(schedule, 20, undefined, () => 0.5)).toBe(600_000);
    expect(retryDelay(schedule, 1, undefined, () => 0)).toBe(8_000);
    expect(retryDelay(schedule, 1, undefined, () => 1)).toBe(12_000);
  });

  it('waits as long as Retry-After asks when that is longer', () => {
    expect(retryDelay(schedule, 1, 120_000, () => 0.5)).toBe(120_000);
    expect(retryDelay(schedule, 1, 1_000, () => 0.5)).toBe(10_000);
  });
});

describe('renderDedupKey', () => {
  it('fills fields from the event and renders missing ones empty', () => {
    const event = { rule: 'run-failed', run_id: 'r-1', pipeline: 'etl', attempt: 2 };
    expect(renderDedupKey('{rule}:{run_id}', event)).toBe('run-failed:r-1');
    expect(renderDedupKey('{pipeline}/{attempt}/{step_id}', event)).toBe('etl/2/');
  });
});
