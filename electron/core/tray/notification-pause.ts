/** An hour, the short pause. */
const HOUR_MS = 3_600_000;
/** "Until tomorrow" ends at this local hour of the next day. */
const MORNING_HOUR = 8;

/**
 * 08:00 local time on the day after `now`'s local day. Built from the local date, not by adding
 * 24 hours, so it stays 08:00 on the days clocks change.
 */
export function tomorrowMorning(now: number): number {
  const today = new Date(now);
  return new Date(
    today.getFullYear(),
    today.getMonth(),
    today.getDate() + 1,
    MORNING_HOUR,
  ).getTime();
}

/**
 * The tray's "Pause notifications": holds desktop notifications only (Slack, email and webhooks
 * keep going). The end is a wall-clock instant, so a pause survives sleep and restarts as the
 * same moment.
 */
export class NotificationPause {
  private until: number | null;

  /** `until`: a pause restored from settings, or null. */
  constructor(until: number | null = null) {
    this.until = until;
  }

  pauseForAnHour(now: number): number {
    this.until = now + HOUR_MS;
    return this.until;
  }

  pauseUntilTomorrow(now: number): number {
    this.until = tomorrowMorning(now);
    return this.until;
  }

  resume(): void {
    this.until = null;
  }

  isPaused(now: number): boolean {
    return this.until !== null && now < this.until;
  }

  /** When notifications resume, or null when they are not paused (any more). */
  pausedUntil(now: number): number | null {
    return this.isPaused(now) ? this.until : null;
  }
}
