import { afterEach, describe, expect, it } from 'vitest';
import { NotificationPause, tomorrowMorning } from '../../electron/core/tray/notification-pause.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const originalTz = process.env.TZ;
afterEach(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

describe('NotificationPause', () => {
  const now = Date.UTC(2026, 10, 25, 14, 0);

  it('pauses for an hour, then notifications come back by themselves', () => {
    const pause = new NotificationPause();
    expect(pause.isPaused(now)).toBe(false);
    expect(pause.pausedUntil(now)).toBeNull();
    expect(pause.pauseForAnHour(now)).toBe(now + HOUR);
    expect(pause.isPaused(now + 59 * MINUTE)).toBe(true);
    expect(pause.pausedUntil(now + 59 * MINUTE)).toBe(now + HOUR);
    expect(pause.isPaused(now + HOUR)).toBe(false);
    expect(pause.pausedUntil(now + HOUR)).toBeNull();
  });

  it('resumes on request, and a new choice replaces the old one', () => {
    process.env.TZ = 'UTC';
    const pause = new NotificationPause();
    pause.pauseUntilTomorrow(now);
    expect(pause.pausedUntil(now)).toBe(Date.UTC(2026, 10, 26, 8, 0));
    pause.pauseForAnHour(now);
    expect(pause.pausedUntil(now)).toBe(now + HOUR);
    pause.resume();
    expect(pause.isPaused(now)).toBe(false);
  });

  it('carries a pause restored from settings, and forgets one already over', () => {
    expect(new NotificationPause(now + HOUR).isPaused(now)).toBe(true);
    expect(new NotificationPause(now - 1).pausedUntil(now)).toBeNull();
  });
});

describe('tomorrowMorning', () => {
  // Each case: the zone, now (as UTC with the zone's offset written out), and 08:00 local on
  // the next day written the same way: across a clock change the two offsets differ.
  it.each([
    ['UTC', Date.UTC(2026, 10, 25, 23, 30), Date.UTC(2026, 10, 26, 8)],
    // 22:00 CET (+1) on the eve of summer time; 08:00 CEST (+2): 9 hours, not 10
    ['Europe/Berlin', Date.UTC(2026, 2, 28, 21), Date.UTC(2026, 2, 29, 6)],
    // 22:00 CEST (+2) on the eve of winter time; 08:00 CET (+1): 11 hours
    ['Europe/Berlin', Date.UTC(2026, 9, 24, 20), Date.UTC(2026, 9, 25, 7)],
    // 00:30 CET on the day of the change itself: the next day's 08:00, CEST
    ['Europe/Berlin', Date.UTC(2026, 2, 28, 23, 30), Date.UTC(2026, 2, 30, 6)],
    // 22:00 PST (−8) before US summer time; 08:00 PDT (−7)
    ['America/Los_Angeles', Date.UTC(2026, 2, 8, 6), Date.UTC(2026, 2, 8, 15)],
    // 20:00 at +13:45 the evening before Chatham leaves summer time; 08:00 at +12:45
    ['Pacific/Chatham', Date.UTC(2026, 3, 4, 6, 15), Date.UTC(2026, 3, 4, 19, 15)],
  ])('is 08:00 local on the next day (%s)', (zone, now, expected) => {
    process.env.TZ = zone;
    const until = tomorrowMorning(now);
    expect(until).toBe(expected);
    expect(new Date(until).getHours()).toBe(8);
  });
});
