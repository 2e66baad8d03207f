import type { Clock, TimerHandle } from '../time/clock.ts';

export type ThrottleClock = Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>;

export interface Throttle<T> {
  /** Offers the latest value: run now if the interval has passed, else once it has. */
  push(value: T): void;
  /** Drops a waiting value (on quit). */
  cancel(): void;
}

/**
 * Runs `run` at most once per `intervalMs`, always ending with the latest value pushed: the
 * first push runs at once, pushes within the interval collapse into one trailing run. Rebuilding
 * the tray on every event of a burst would otherwise redraw it hundreds of times a second.
 */
export function throttle<T>(
  run: (value: T) => void,
  intervalMs: number,
  clock: ThrottleClock,
): Throttle<T> {
  let lastRun = -Infinity;
  let waiting: { value: T } | null = null;
  let timer: TimerHandle | null = null;

  const runNow = (value: T) => {
    lastRun = clock.now();
    run(value);
  };

  const flush = () => {
    timer = null;
    if (waiting === null) return;
    const { value } = waiting;
    waiting = null;
    runNow(value);
  };

  return {
    push(value) {
      const since = clock.now() - lastRun;
      // A clock set back (since < 0) must not hold the tray for as long as it jumped.
      if (timer === null && (since >= intervalMs || since < 0)) {
        runNow(value);
        return;
      }
      waiting = { value };
      timer ??= clock.setTimeout(flush, intervalMs - since);
    },
    cancel() {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      waiting = null;
    },
  };
}
