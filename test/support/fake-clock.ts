import type { Clock, TimerHandle } from '../../electron/core/time/clock.ts';

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * A clock tests drive by hand. `advance` moves both clocks like time passing; `sleep` moves only
 * the wall clock (a laptop lid closed); `jump` sets the wall clock (NTP, a user).
 */
export class FakeClock implements Clock {
  wall: number;
  mono = 1_000;
  readonly delays: number[] = [];
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(start = Date.UTC(2026, 10, 25, 16, 0, 0)) {
    this.wall = start;
  }

  now(): number {
    return this.wall;
  }

  monotonic(): number {
    return this.mono;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.mono + Math.max(0, ms), callback };
    this.delays.push(ms);
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((timer) => timer !== handle);
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward, firing timers in order as their moment comes. */
  advance(ms: number): void {
    const end = this.mono + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.wall += next.at - this.mono;
      this.mono = next.at;
      next.callback();
    }
    this.wall += end - this.mono;
    this.mono = end;
  }

  sleep(ms: number): void {
    this.wall += ms;
  }

  jump(ms: number): void {
    this.wall += ms;
  }
}
