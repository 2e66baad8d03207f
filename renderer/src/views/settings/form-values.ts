/**
 * Text fields of the settings form read into values, and values written back as text: durations
 * as people type them ("30m", "1h 30m"), and plain numbers. An empty field is "not set".
 */
import { parseDuration } from '../../../../shared/duration.ts';

export type Read<T> = { ok: true; value: T | undefined } | { ok: false; message: string };

const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
];

/**
 * A duration in milliseconds as text that reads back to exactly the same value ("1h 30m 15s",
 * "1s 500ms"), unlike `formatDuration`, which rounds for display.
 */
export function durationText(ms: number): string {
  let rest = Math.max(0, Math.round(ms));
  if (rest === 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  return parts.join(' ');
}

export const DURATION_EXAMPLE = 'a duration like 45s, 30m or 1h 30m';

/** A duration field: empty is unset, else milliseconds. */
export function readDuration(text: string): Read<number> {
  if (text.trim() === '') return { ok: true, value: undefined };
  const ms = parseDuration(text);
  if (ms === null) {
    return /^\s*\d+(\.\d+)?\s*$/.test(text)
      ? { ok: false, message: `add a unit: ${text.trim()}s, ${text.trim()}m or ${text.trim()}h?` }
      : { ok: false, message: `expected ${DURATION_EXAMPLE}` };
  }
  return { ok: true, value: ms };
}

/** A number field: empty is unset; whole or not, and its range, the schema judges. */
export function readNumber(text: string): Read<number> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: undefined };
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(trimmed)) return { ok: false, message: 'expected a number' };
  return { ok: true, value: Number(trimmed) };
}

/** An optional number as field text. */
export function numberText(value: number | undefined): string {
  return value === undefined ? '' : String(value);
}

/** An optional duration as field text. */
export function optionalDurationText(ms: number | undefined): string {
  return ms === undefined ? '' : durationText(ms);
}

/**
 * The schema's message for a duration out of range, as the form says it: the field takes
 * "30m", not milliseconds.
 */
export function durationMessage(message: string): string {
  const atLeast =
    /^expected a duration in milliseconds, a whole number of at least \d+ \((.+)\)$/.exec(message);
  if (atLeast) return `must be at least ${atLeast[1]}`;
  if (/^expected a duration in milliseconds/.test(message)) return `expected ${DURATION_EXAMPLE}`;
  return message;
}

/** A list typed as text: "a@x.org, b@y.org" or one per line. */
export function listItems(text: string): string[] {
  return text
    .split(/[,;\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
