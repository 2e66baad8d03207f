import { describe, expect, it } from 'vitest';
import {
  SNOOZE_OPTIONS,
  snoozeEndText,
  snoozeUntil,
  tomorrowAt,
} from '../../renderer/src/views/snooze-choices.ts';

describe('snooze choices', () => {
  const now = new Date(2026, 2, 10, 14, 37, 12, 500);

  it('offers 1 hour, 4 hours and tomorrow morning, each with a phrase for its button', () => {
    expect(SNOOZE_OPTIONS.map((option) => option.id)).toEqual(['1h', '4h', 'morning']);
    expect(SNOOZE_OPTIONS.map((option) => option.phrase)).toEqual([
      'for 1 hour',
      'for 4 hours',
      'until tomorrow 08:00',
    ]);
  });

  it('counts 1 and 4 hours from now', () => {
    expect(snoozeUntil('1h', now).getTime() - now.getTime()).toBe(3_600_000);
    expect(snoozeUntil('4h', now).getTime() - now.getTime()).toBe(4 * 3_600_000);
  });

  it('ends "until tomorrow" at 08:00 local time on the next calendar day', () => {
    const until = snoozeUntil('morning', now);
    expect([until.getFullYear(), until.getMonth(), until.getDate()]).toEqual([2026, 2, 11]);
    expect([until.getHours(), until.getMinutes(), until.getSeconds()]).toEqual([8, 0, 0]);
    expect(until.getMilliseconds()).toBe(0);
  });

  it('is the next day even just after midnight, and crosses a month and a year', () => {
    const early = tomorrowAt(new Date(2026, 0, 5, 0, 10), 8);
    expect([early.getMonth(), early.getDate(), early.getHours()]).toEqual([0, 6, 8]);
    const newYear = tomorrowAt(new Date(2026, 11, 31, 23, 59), 8);
    expect([newYear.getFullYear(), newYear.getMonth(), newYear.getDate()]).toEqual([2027, 0, 1]);
  });

  it('gives a valid ISO time for the API', () => {
    expect(snoozeUntil('morning', now).toISOString()).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/,
    );
  });

  it('says the end with a weekday only when it is not today', () => {
    const today = snoozeEndText(new Date(2026, 2, 10, 15, 37), now);
    const tomorrow = snoozeEndText(new Date(2026, 2, 11, 8, 0), now);
    expect(today).toMatch(/37/);
    expect(tomorrow).not.toBe(snoozeEndText(new Date(2026, 2, 10, 8, 0), now));
    expect(tomorrow).toMatch(/08|8/);
  });
});
