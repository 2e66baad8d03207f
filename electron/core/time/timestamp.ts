/**
 * Timestamps as pipelines write them (ARCHITECTURE.md §3). Never `new Date(string)`: V8 reads
 * `2026-11-25 16:22:28` as local time, while a zone-less timestamp here means UTC.
 */

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Epoch numbers: seconds unless the magnitude says milliseconds, microseconds or nanoseconds. */
function fromEpoch(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  const magnitude = Math.abs(value);
  if (magnitude >= 1e17) return value / 1e6;
  if (magnitude >= 1e14) return value / 1e3;
  if (magnitude >= 1e11) return value;
  return value * 1_000;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] as number);
}

/** `Date.UTC` without its two-digit-year quirk (it reads year 99 as 1999). */
function utc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number {
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

const ZERO = 48;

/** The number the ASCII digits at `from` spell, or -1. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * The milliseconds the decimal digits from `from` to `end` spell after a point. Up to 15 digits
 * the integer they form and its power of ten are exact, so their quotient is the same double as
 * `Number('0.' + digits)`, without making that string.
 */
function fractionMs(text: string, from: number, end: number): number {
  const count = end - from;
  if (count <= 0) return 0;
  if (count > 15) return Number(`0.${text.slice(from, end)}`) * 1_000;
  return (digits(text, from, count) / 10 ** count) * 1_000;
}

/**
 * `YYYY-MM-DD[T ]HH:MM:SS[.f…][Z]`, the shape nearly every writer uses, read without a regular
 * expression: a large database's first read parses millions of them. Null for any other shape,
 * which the full pattern then reads.
 */
function fromCommonIso(text: string): number | null {
  const length = text.length;
  if (length < 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
  const separator = text.charCodeAt(10);
  if (separator !== 84 && separator !== 32) return null;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return null;
  let end = 19;
  if (end < length && text.charCodeAt(end) === 46) {
    end++;
    while (end < length && digits(text, end, 1) >= 0) end++;
    if (end === 20) return null;
  }
  const zone = end < length ? text.charCodeAt(end) : 0;
  if (zone !== 0 && !((zone === 90 || zone === 122) && end === length - 1)) return null;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 24 || minute > 59 || second > 60) return null;
  if (hour === 24 && (minute > 0 || second > 0)) return null;
  return utc(year, month, day, hour, minute, Math.min(second, 59)) + fractionMs(text, 20, end);
}

function fromIso(text: string): number | null {
  const common = fromCommonIso(text);
  if (common !== null) return common;
  const m = ISO.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4] ?? 0);
  const minute = Number(m[5] ?? 0);
  const second = Number(m[6] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 24 || minute > 59 || second > 60) return null;
  if (hour === 24 && (minute > 0 || second > 0)) return null;
  const fraction = m[7] ? Number(`0.${m[7]}`) * 1_000 : 0;
  let ms = utc(year, month, day, hour, minute, Math.min(second, 59)) + fraction;
  const zone = m[8];
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const zoneHours = Number(digits.slice(0, 2));
    const zoneMinutes = Number(digits.slice(2) || 0);
    if (zoneHours > 23 || zoneMinutes > 59) return null;
    ms -= sign * (zoneHours * 60 + zoneMinutes) * 60_000;
  }
  return ms;
}

/**
 * Milliseconds since the epoch (UTC), or null when the value is empty or not a timestamp.
 * Accepts ISO-8601 with `Z` or an offset; ISO-8601 or `YYYY-MM-DD HH:MM:SS[.ffffff]` without a
 * zone, read as UTC; epoch seconds or milliseconds as integers, decimals or their text.
 */
export function parseTimestamp(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value === 'bigint') return fromEpoch(Number(value));
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '') return null;
  if (NUMERIC.test(text)) return fromEpoch(Number(text));
  return fromIso(text);
}

/** Future timestamps count as now (ARCHITECTURE.md §3). */
export function clampToNow(ms: number, now: number): number {
  return ms > now ? now : ms;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}
