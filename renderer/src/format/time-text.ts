import { formatDuration } from '../../../shared/duration.ts';

/** A past moment relative to now: `just now`, `42s ago`, `3m ago`, `2h 5m ago`. */
export function agoText(sinceMs: number, nowMs: number): string {
  const ms = nowMs - sinceMs;
  if (ms < 5_000) return 'just now';
  return `${formatDuration(ms >= 60_000 ? Math.floor(ms / 60_000) * 60_000 : ms)} ago`;
}

/** How long since a moment: `42s`, `3m 10s`, `2h 5m`. */
export function sinceText(sinceMs: number, nowMs: number): string {
  const ms = Math.max(0, nowMs - sinceMs);
  return formatDuration(ms < 60_000 ? ms : Math.floor(ms / 1_000) * 1_000);
}

/** A run's duration in seconds, or a dash when unknown. */
export function durationText(seconds: number | null): string {
  if (seconds === null) return '–';
  return formatDuration(seconds < 1 ? seconds * 1_000 : Math.round(seconds) * 1_000);
}

/** The page's date formats, by name. */
const FORMAT_OPTIONS = {
  /** `Nov 26, 14:03:12` */
  dateAndClock: {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  },
  /** `14:03:12` */
  clock: { hour: '2-digit', minute: '2-digit', second: '2-digit' },
  /** `14:05` */
  hourMinute: { hour: '2-digit', minute: '2-digit' },
  /** `Tue 14:05` */
  weekdayHourMinute: { weekday: 'short', hour: '2-digit', minute: '2-digit' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

export type DateFormatName = keyof typeof FORMAT_OPTIONS;

const formats = new Map<DateFormatName, Intl.DateTimeFormat>();

/**
 * A date format, made on first use. The page's first locale-aware format loads the locale's data
 * (tens of milliseconds); made ahead of the first screen, that only held the page's code up.
 */
export function dateFormat(name: DateFormatName): Intl.DateTimeFormat {
  let format = formats.get(name);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(undefined, FORMAT_OPTIONS[name]);
    formats.set(name, format);
  }
  return format;
}

/** A moment (ISO) in `format`: a dash for none, the text itself when it is not a moment. */
function momentText(iso: string | null, format: DateFormatName): string {
  if (iso === null) return '–';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : dateFormat(format).format(ms);
}

/** A moment in the user's local time: `Nov 26, 14:03:12`. */
export function localText(iso: string | null): string {
  return momentText(iso, 'dateAndClock');
}

/** The time of day of a moment in the user's local time (`14:03:12`), for lists where the date is plain. */
export function clockText(iso: string | null): string {
  return momentText(iso, 'clock');
}

/** Time left until `at`: `in 12s`, `in 3m 5s`, or `now` once due. */
export function countdownText(atMs: number, nowMs: number): string {
  const left = atMs - nowMs;
  if (left <= 0) return 'now';
  return `in ${formatDuration(Math.ceil(left / 1_000) * 1_000)}`;
}
