import { dateFormat } from '../format/time-text.ts';

/** How long a pipeline's alerts can be snoozed from the dashboard, and until when exactly. */
export type SnoozeId = '1h' | '4h' | 'morning';

export interface SnoozeOption {
  id: SnoozeId;
  /** What the menu says. */
  label: string;
  /** What it says after "Snooze <pipeline>", for the button's accessible name. */
  phrase: string;
}

export const SNOOZE_OPTIONS: readonly SnoozeOption[] = [
  { id: '1h', label: '1 hour', phrase: 'for 1 hour' },
  { id: '4h', label: '4 hours', phrase: 'for 4 hours' },
  { id: 'morning', label: 'Until tomorrow 08:00', phrase: 'until tomorrow 08:00' },
];

const HOUR_MS = 3_600_000;

/** The next calendar day at `hour`:00 local time (a DST change that day is taken into account). */
export function tomorrowAt(now: Date, hour: number): Date {
  const next = new Date(now.getTime());
  next.setHours(0, 0, 0, 0);
  next.setDate(next.getDate() + 1);
  next.setHours(hour, 0, 0, 0);
  return next;
}

/** When a snooze chosen at `now` ends. */
export function snoozeUntil(id: SnoozeId, now: Date): Date {
  switch (id) {
    case '1h':
      return new Date(now.getTime() + HOUR_MS);
    case '4h':
      return new Date(now.getTime() + 4 * HOUR_MS);
    case 'morning':
      return tomorrowAt(now, 8);
  }
}

/** When a snooze ends, as the notice says it: `14:05` today, else with the weekday. */
export function snoozeEndText(until: Date, now: Date): string {
  const sameDay =
    until.getFullYear() === now.getFullYear() &&
    until.getMonth() === now.getMonth() &&
    until.getDate() === now.getDate();
  return dateFormat(sameDay ? 'hourMinute' : 'weekdayHourMinute').format(until);
}
