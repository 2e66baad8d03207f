import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../shared/duration.ts';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['10s', 10 * SECOND],
    ['30m', 30 * MINUTE],
    ['1h', HOUR],
    ['7d', 7 * DAY],
    ['0s', 0],
    ['60s', MINUTE],
    ['20s', 20 * SECOND],
    ['12h', 12 * HOUR],
  ])('reads the documented form %s', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it('tells minutes from milliseconds', () => {
    expect(parseDuration('5m')).toBe(5 * MINUTE);
    expect(parseDuration('5ms')).toBe(5);
    expect(parseDuration('1m5s')).toBe(MINUTE + 5 * SECOND);
    expect(parseDuration('2m500ms')).toBe(2 * MINUTE + 500);
  });

  it('adds up combined parts', () => {
    expect(parseDuration('1h30m')).toBe(HOUR + 30 * MINUTE);
    expect(parseDuration('1d12h')).toBe(DAY + 12 * HOUR);
    expect(parseDuration('1h1m1s1ms')).toBe(HOUR + MINUTE + SECOND + 1);
  });

  it('reads decimal amounts', () => {
    expect(parseDuration('1.5h')).toBe(90 * MINUTE);
    expect(parseDuration('0.5s')).toBe(500);
    expect(parseDuration('2.5d')).toBe(60 * HOUR);
  });

  it('ignores surrounding whitespace', () => {
    expect(parseDuration('  30m \n')).toBe(30 * MINUTE);
  });

  it.each([
    ['30', 'a number without a unit'],
    ['', 'empty'],
    ['   ', 'blank'],
    ['m', 'a unit without a number'],
    ['10x', 'an unknown unit'],
    ['10 minutes', 'a spelled-out unit'],
    ['-5m', 'a negative amount'],
    ['1h30', 'a trailing number without a unit'],
    ['30m!', 'trailing junk'],
    ['abc', 'words'],
    ['.5s', 'a bare decimal point'],
  ])('rejects %j (%s)', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [850, '850ms'],
    [999, '999ms'],
    [1_000, '1s'],
    [42 * SECOND, '42s'],
    [59_999, '59s'],
    [MINUTE, '1m'],
    [3 * MINUTE + 10 * SECOND, '3m 10s'],
    [30 * MINUTE, '30m'],
    [HOUR, '1h'],
    [2 * HOUR + 5 * MINUTE, '2h 5m'],
    [2 * HOUR + 59 * SECOND, '2h'],
    [DAY, '1d'],
    [3 * DAY + 4 * HOUR, '3d 4h'],
    [3 * DAY + 4 * HOUR + 59 * MINUTE, '3d 4h'],
    [30 * DAY, '30d'],
  ])('shows %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('never shows a negative duration', () => {
    expect(formatDuration(-5_000)).toBe('0ms');
  });

  it('rounds fractional milliseconds', () => {
    expect(formatDuration(849.6)).toBe('850ms');
    expect(formatDuration(999.6)).toBe('1s');
  });

  it('gives back what parseDuration reads, for single-unit durations', () => {
    for (const text of ['250ms', '10s', '30m', '1h', '7d', '3h', '12h']) {
      expect(formatDuration(parseDuration(text) as number)).toBe(text);
    }
  });
});
