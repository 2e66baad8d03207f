import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clampToNow, parseTimestamp, toIso } from '../../electron/core/time/timestamp.ts';

/**
 * ARCHITECTURE.md §3: timestamps are parsed by Runwatch's own parser; zone-less values are UTC, whatever
 * the zone of the machine running Runwatch. So every case runs under several process zones.
 */

const ZONES = ['UTC', 'Pacific/Chatham', 'Asia/Tokyo', 'America/Los_Angeles'] as const;

/** `getTimezoneOffset()` (minutes, UTC − local) on 2026-01-15, to prove the zone switched. */
const JANUARY_OFFSET: Record<(typeof ZONES)[number], number> = {
  UTC: 0,
  'Pacific/Chatham': -825, // +13:45 in the southern summer
  'Asia/Tokyo': -540,
  'America/Los_Angeles': 480,
};

/** 2026-11-25 16:22:28 UTC. */
const NOV25 = Date.UTC(2026, 10, 25, 16, 22, 28);
/** 1764087748 s = 2025-11-25 16:22:28 UTC. */
const EPOCH_S = 1764087748;
const EPOCH_INSTANT = Date.UTC(2025, 10, 25, 16, 22, 28);

const originalTz = process.env.TZ;

afterAll(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

describe.each(ZONES)('parseTimestamp with the process time zone set to %s', (zone) => {
  beforeAll(() => {
    process.env.TZ = zone;
  });

  it('really runs in that zone (the test cannot pass without switching)', () => {
    expect(process.env.TZ).toBe(zone);
    expect(new Date(Date.UTC(2026, 0, 15)).getTimezoneOffset()).toBe(JANUARY_OFFSET[zone]);
    // V8's own parser reads a naive timestamp as local time: that is the trap the parser avoids.
    const v8Reading = new Date('2026-11-25 16:22:28').getTime();
    if (zone === 'UTC') expect(v8Reading).toBe(NOV25);
    else expect(v8Reading).not.toBe(NOV25);
  });

  it.each([
    ['2026-11-25 16:22:28', NOV25],
    ['2026-11-25T16:22:28', NOV25],
    ['2026-11-25 16:22:28.5', NOV25 + 500],
    ['2026-11-25 16:22:28.123', NOV25 + 123],
    ['2026-11-25T16:22', NOV25 - 28_000],
  ])('reads the naive %s as UTC', (text, expected) => {
    expect(parseTimestamp(text)).toBe(expected);
    expect(toIso(parseTimestamp(text) as number)).toBe(new Date(expected).toISOString());
  });

  it.each(['2026-11-25T16:22:28.123456', '2026-11-25 16:22:28.123456'])(
    'reads Python-style microseconds %s as UTC, to the millisecond',
    (text) => {
      const ms = parseTimestamp(text);
      expect(ms).not.toBeNull();
      expect(Math.abs((ms as number) - (NOV25 + 123.456))).toBeLessThan(0.001);
      expect(toIso(ms as number)).toBe('2026-11-25T16:22:28.123Z');
    },
  );

  it.each([
    ['2026-11-25T16:22:28Z', NOV25],
    ['2026-11-25 16:22:28Z', NOV25],
    ['2026-11-25T16:22:28z', NOV25],
    ['2026-11-25T16:22:28.123Z', NOV25 + 123],
    ['2026-11-25T16:22:28+00:00', NOV25],
    ['2026-11-25T16:22:28.123456+00:00', NOV25 + 123.456],
  ])('reads %s with a Z or zero offset as that UTC instant', (text, expected) => {
    expect(parseTimestamp(text)).toBeCloseTo(expected, 6);
  });

  it.each([
    // 16:22:28.123 at +02:00 is 14:22:28.123 UTC
    ['2026-11-25T16:22:28.123+02:00', Date.UTC(2026, 10, 25, 14, 22, 28, 123)],
    // west of Greenwich: add the offset
    ['2026-11-25T16:22:28-05:30', Date.UTC(2026, 10, 25, 21, 52, 28)],
    ['2026-11-25T16:22:28-0530', Date.UTC(2026, 10, 25, 21, 52, 28)],
    // Nepal, with and without the colon
    ['2026-11-25T16:22:28+0545', Date.UTC(2026, 10, 25, 10, 37, 28)],
    ['2026-11-25T16:22:28+05:45', Date.UTC(2026, 10, 25, 10, 37, 28)],
    ['2026-11-25 16:22:28+0545', Date.UTC(2026, 10, 25, 10, 37, 28)],
    // hours only
    ['2026-11-25T16:22:28+09', Date.UTC(2026, 10, 25, 7, 22, 28)],
    // Chatham summer time, and an offset that moves the date back a day
    ['2026-11-25T16:22:28+13:45', Date.UTC(2026, 10, 25, 2, 37, 28)],
    ['2026-11-25T01:00:00+05:45', Date.UTC(2026, 10, 24, 19, 15, 0)],
    // and forward a day, across a month end
    ['2026-11-30T22:00:00-05:00', Date.UTC(2026, 11, 1, 3, 0, 0)],
  ])('applies the offset of %s', (text, expected) => {
    expect(parseTimestamp(text)).toBe(expected);
  });

  it('reads epoch seconds as a number and as text', () => {
    expect(parseTimestamp(EPOCH_S)).toBe(EPOCH_INSTANT);
    expect(parseTimestamp(String(EPOCH_S))).toBe(EPOCH_INSTANT);
    expect(parseTimestamp(` ${EPOCH_S} `)).toBe(EPOCH_INSTANT);
    expect(toIso(parseTimestamp('1764087748') as number)).toBe('2025-11-25T16:22:28.000Z');
  });

  it('reads epoch milliseconds as a number and as text', () => {
    expect(parseTimestamp(1764087748123)).toBe(EPOCH_INSTANT + 123);
    expect(parseTimestamp('1764087748123')).toBe(EPOCH_INSTANT + 123);
    expect(parseTimestamp(1764087748123n)).toBe(EPOCH_INSTANT + 123);
  });

  it('reads decimal epoch seconds as a number and as text', () => {
    expect(parseTimestamp(1764087748.5)).toBe(EPOCH_INSTANT + 500);
    expect(parseTimestamp('1764087748.5')).toBe(EPOCH_INSTANT + 500);
  });

  it('gives the same instant for the same moment written in every format', () => {
    const forms = [
      '2025-11-25 16:22:28',
      '2025-11-25T16:22:28',
      '2025-11-25T16:22:28Z',
      '2025-11-25T16:22:28.000000',
      '2025-11-25T18:22:28+02:00',
      '2025-11-25T10:52:28-05:30',
      '2025-11-25T22:07:28+0545',
      EPOCH_S,
      String(EPOCH_S),
      EPOCH_S * 1000,
      String(EPOCH_S * 1000),
    ];
    for (const form of forms) expect(parseTimestamp(form), String(form)).toBe(EPOCH_INSTANT);
  });

  it('accepts the leap day of a leap year', () => {
    expect(parseTimestamp('2024-02-29 12:00:00')).toBe(Date.UTC(2024, 1, 29, 12));
  });

  it.each([
    '2026-02-30 10:00:00', // Feb 30
    '2026-02-29 10:00:00', // 2026 is not a leap year
    '2026-13-01 00:00:00', // month 13
    '2026-00-10 00:00:00', // month 0
    '2026-11-31T00:00:00Z', // November has 30 days
    '2026-11-00T00:00:00Z',
    '2026-11-25 25:00:00',
    '2026-11-25 16:61:00',
    '2026-11-25T16:22:28+25:00', // no such offset
    '2026-11-25T16:22:28+05:3', // truncated offset
  ])('rejects the impossible date %s instead of rolling it over', (text) => {
    expect(parseTimestamp(text)).toBeNull();
  });

  it.each([
    'garbage',
    'yesterday',
    '25/11/2026 16:22:28',
    '2026-11-25T16:22:28 UTC+2',
    '16:22:28',
    '1764087748abc',
    '2026-11-25T16:22:28.123456+02:00 extra',
  ])('rejects the garbage %s', (text) => {
    expect(parseTimestamp(text)).toBeNull();
  });

  it('gives null for empty and missing values', () => {
    expect(parseTimestamp('')).toBeNull();
    expect(parseTimestamp('   ')).toBeNull();
    expect(parseTimestamp(null)).toBeNull();
    expect(parseTimestamp(undefined)).toBeNull();
  });

  it('gives null for values that are not timestamps at all', () => {
    expect(parseTimestamp(Number.NaN)).toBeNull();
    expect(parseTimestamp(Number.POSITIVE_INFINITY)).toBeNull();
    expect(parseTimestamp(true)).toBeNull();
    expect(parseTimestamp({})).toBeNull();
    expect(parseTimestamp(new Uint8Array([49, 50]))).toBeNull();
  });

  it('clamps a future timestamp to now and leaves past ones alone', () => {
    const now = NOV25;
    expect(clampToNow(now + 3_600_000, now)).toBe(now);
    expect(clampToNow(now + 1, now)).toBe(now);
    expect(clampToNow(now, now)).toBe(now);
    expect(clampToNow(now - 90_000, now)).toBe(now - 90_000);
  });

  it('writes ISO-8601 UTC with a Z, whatever the local zone', () => {
    expect(toIso(NOV25)).toBe('2026-11-25T16:22:28.000Z');
    expect(toIso(Date.UTC(2026, 10, 25, 14, 22, 28, 123))).toBe('2026-11-25T14:22:28.123Z');
    expect(toIso(parseTimestamp('2026-11-25T16:22:28.123+02:00') as number)).toBe(
      '2026-11-25T14:22:28.123Z',
    );
  });
});
