import { describe, expect, it } from 'vitest';
import { DeadlineQueue } from '../../electron/core/time/deadline-queue.ts';
import { FakeClock } from '../support/fake-clock.ts';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface Firing {
  keys: string[];
  /** Wall-clock time of the callback. */
  at: number;
}

function setup() {
  const clock = new FakeClock();
  const fired: Firing[] = [];
  const jumps: number[] = [];
  const queue = new DeadlineQueue({
    clock,
    onDue: (keys) => fired.push({ keys: [...keys], at: clock.now() }),
    onClockJump: (delta) => jumps.push(delta),
  });
  const start = clock.now();
  const firedKeys = () => fired.flatMap((f) => f.keys);
  return { clock, queue, fired, jumps, start, firedKeys };
}

describe('DeadlineQueue', () => {
  it('fires a deadline at its due time and not a millisecond before', () => {
    const { clock, queue, fired, start } = setup();
    queue.set('run-1', start + 10 * SECOND);
    clock.advance(10 * SECOND - 1);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([{ keys: ['run-1'], at: start + 10 * SECOND }]);
    expect(queue.size).toBe(0);
    expect(queue.get('run-1')).toBeUndefined();
  });

  it('fires each key once', () => {
    const { clock, queue, firedKeys, start } = setup();
    queue.set('run-1', start + 5 * SECOND);
    clock.advance(HOUR);
    expect(firedKeys()).toEqual(['run-1']);
  });

  it('fires keys that fall due at their own times, in due order', () => {
    const { clock, queue, fired, start } = setup();
    queue.set('c', start + 3 * SECOND);
    queue.set('a', start + 1 * SECOND);
    queue.set('b', start + 2 * SECOND);
    clock.advance(5 * SECOND);
    expect(fired).toEqual([
      { keys: ['a'], at: start + 1 * SECOND },
      { keys: ['b'], at: start + 2 * SECOND },
      { keys: ['c'], at: start + 3 * SECOND },
    ]);
  });

  it('hands several overdue keys to one callback, earliest first', () => {
    const { clock, queue, fired, start } = setup();
    queue.set('c', start - 1 * SECOND);
    queue.set('a', start - 3 * SECOND);
    queue.set('d', start + 10 * SECOND);
    queue.set('b', start - 2 * SECOND);
    clock.advance(0);
    expect(fired).toEqual([{ keys: ['a', 'b', 'c'], at: start }]);
    clock.advance(10 * SECOND);
    expect(fired[1]).toEqual({ keys: ['d'], at: start + 10 * SECOND });
  });

  it('hands keys that came due together to one callback, earliest first', () => {
    const { clock, queue, fired, start } = setup();
    queue.set('z', start + 30 * SECOND);
    queue.set('y', start + 20 * SECOND);
    queue.set('x', start + 10 * SECOND);
    queue.pause();
    clock.advance(MINUTE);
    expect(fired).toEqual([]);
    queue.resume();
    expect(fired).toEqual([{ keys: ['x', 'y', 'z'], at: start + MINUTE }]);
  });

  it('moves a key later when its deadline is replaced', () => {
    const { clock, queue, fired, start } = setup();
    queue.set('run-1', start + 10 * SECOND);
    queue.set('run-1', start + 20 * SECOND);
    expect(queue.get('run-1')).toBe(start + 20 * SECOND);
    expect(queue.size).toBe(1);
    clock.advance(19 * SECOND);
    expect(fired).toEqual([]);
    clock.advance(5 * SECOND);
    expect(fired).toEqual([{ keys: ['run-1'], at: start + 20 * SECOND }]);
  });

  it('moves a key earlier when its deadline is replaced, and fires it only once', () => {
    const { clock, queue, fired, start } = setup();
    queue.set('run-1', start + 20 * SECOND);
    queue.set('run-1', start + 5 * SECOND);
    clock.advance(MINUTE);
    expect(fired).toEqual([{ keys: ['run-1'], at: start + 5 * SECOND }]);
  });

  it('cancels a deleted key and keeps the others', () => {
    const { clock, queue, fired, start } = setup();
    queue.set('a', start + 5 * SECOND);
    queue.set('b', start + 6 * SECOND);
    queue.delete('a');
    expect(queue.size).toBe(1);
    expect(queue.get('a')).toBeUndefined();
    clock.advance(MINUTE);
    expect(fired).toEqual([{ keys: ['b'], at: start + 6 * SECOND }]);
  });

  it('fires a key that was deleted and set again at its new time', () => {
    const { clock, queue, fired, start } = setup();
    queue.set('a', start + 5 * SECOND);
    queue.delete('a');
    queue.set('a', start + 8 * SECOND);
    clock.advance(MINUTE);
    expect(fired).toEqual([{ keys: ['a'], at: start + 8 * SECOND }]);
  });

  it('never arms a timer more than 60 s ahead, yet fires a 30-day deadline on time', () => {
    const { clock, queue, fired, start } = setup();
    const due = start + 30 * DAY;
    queue.set('far', due);
    expect(Math.max(...clock.delays)).toBeLessThanOrEqual(60 * SECOND);
    clock.advance(30 * DAY - 1);
    expect(fired).toEqual([]);
    // about one re-arm a minute, none of them beyond a minute
    expect(clock.delays.length).toBeGreaterThanOrEqual((30 * DAY) / MINUTE);
    expect(Math.max(...clock.delays)).toBeLessThanOrEqual(60 * SECOND);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(1);
    expect(fired).toEqual([{ keys: ['far'], at: due }]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('arms no timer for more than 2^31 ms even when asked to wait years', () => {
    const { clock, queue, fired, start } = setup();
    queue.set('later', start + 400 * DAY);
    clock.advance(10 * MINUTE);
    expect(fired).toEqual([]);
    expect(Math.max(...clock.delays)).toBeLessThanOrEqual(60 * SECOND);
  });

  it('after a sleep, reports the jump, fires nothing until resume(), then fires what is due', () => {
    const { clock, queue, fired, jumps, start } = setup();
    queue.set('stall', start + 10 * MINUTE);
    queue.set('later', start + 3 * HOUR);
    clock.advance(1 * MINUTE);
    clock.sleep(HOUR); // lid closed: the wall clock moves, the monotonic one does not
    clock.advance(1 * MINUTE); // the next re-arm notices
    expect(jumps).toEqual([HOUR]);
    expect(queue.isPaused).toBe(true);
    expect(fired).toEqual([]);
    clock.advance(30 * MINUTE);
    expect(fired).toEqual([]);
    expect(jumps).toEqual([HOUR]);
    queue.resume();
    expect(queue.isPaused).toBe(false);
    expect(fired).toEqual([{ keys: ['stall'], at: start + HOUR + 32 * MINUTE }]);
    // and the rest keeps its wall-clock due time
    clock.advance(3 * HOUR - (HOUR + 32 * MINUTE) - 1);
    expect(fired).toHaveLength(1);
    clock.advance(1);
    expect(fired[1]).toEqual({ keys: ['later'], at: start + 3 * HOUR });
  });

  it('reports a backward wall-clock jump with a negative delta and pauses', () => {
    const { clock, queue, fired, jumps, start } = setup();
    queue.set('stall', start + 5 * MINUTE);
    clock.advance(10 * SECOND);
    clock.jump(-10 * MINUTE);
    clock.advance(MINUTE);
    expect(jumps).toEqual([-10 * MINUTE]);
    expect(queue.isPaused).toBe(true);
    queue.resume();
    expect(fired).toEqual([]);
    // the deadline is wall-clock: the wall clock now reads start − 8 min 50 s, so it lies
    // 13 min 50 s ahead
    expect(clock.now()).toBe(start - 8 * MINUTE - 50 * SECOND);
    clock.advance(13 * MINUTE + 50 * SECOND - 1);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([{ keys: ['stall'], at: start + 5 * MINUTE }]);
  });

  it('a forward wall-clock jump past a deadline fires it only after resume()', () => {
    const { clock, queue, fired, jumps, start } = setup();
    queue.set('stall', start + 5 * MINUTE);
    clock.jump(20 * MINUTE);
    clock.advance(MINUTE);
    expect(jumps).toEqual([20 * MINUTE]);
    expect(fired).toEqual([]);
    queue.resume();
    expect(fired).toEqual([{ keys: ['stall'], at: start + 21 * MINUTE }]);
  });

  it('does not count a drift under 2 s as a jump', () => {
    const { clock, queue, fired, jumps, start } = setup();
    queue.set('a', start + 30 * SECOND);
    clock.jump(1_900);
    clock.advance(20 * SECOND);
    clock.jump(-1_500);
    clock.advance(MINUTE);
    expect(jumps).toEqual([]);
    expect(queue.isPaused).toBe(false);
    expect(fired.map((f) => f.keys)).toEqual([['a']]);
    expect(fired[0]?.at).toBeGreaterThanOrEqual(start + 30 * SECOND);
    expect(fired[0]?.at).toBeLessThan(start + 32 * SECOND);
  });

  it('counts a drift just over 2 s as a jump', () => {
    const { clock, queue, jumps, start } = setup();
    queue.set('a', start + 30 * SECOND);
    clock.jump(2_100);
    clock.advance(MINUTE);
    expect(jumps).toEqual([2_100]);
    expect(queue.isPaused).toBe(true);
  });

  it('checkClock() reports a jump to its caller without waiting for a timer', () => {
    const { clock, queue, jumps } = setup();
    expect(queue.checkClock()).toBe(false);
    clock.sleep(5 * MINUTE);
    expect(queue.checkClock()).toBe(true);
    expect(jumps).toEqual([5 * MINUTE]);
    expect(queue.isPaused).toBe(true);
  });

  it('pause() holds every deadline and resume() fires what came due meanwhile', () => {
    const { clock, queue, fired, start } = setup();
    queue.set('a', start + 5 * SECOND);
    queue.set('b', start + 2 * MINUTE);
    queue.pause();
    expect(queue.isPaused).toBe(true);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(MINUTE);
    expect(fired).toEqual([]);
    // deadlines set while paused wait too
    queue.set('c', start + 30 * SECOND);
    clock.advance(SECOND);
    expect(fired).toEqual([]);
    queue.resume();
    expect(fired).toEqual([{ keys: ['a', 'c'], at: start + MINUTE + SECOND }]);
    clock.advance(MINUTE);
    expect(fired[1]).toEqual({ keys: ['b'], at: start + 2 * MINUTE });
  });

  it('resume() with nothing due re-arms, so later deadlines still fire on time', () => {
    const { clock, queue, fired, start } = setup();
    queue.set('a', start + 90 * SECOND);
    queue.pause();
    clock.advance(10 * SECOND);
    queue.resume();
    expect(fired).toEqual([]);
    clock.advance(80 * SECOND - 1);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([{ keys: ['a'], at: start + 90 * SECOND }]);
  });

  it('a key set again from inside onDue fires at its new time', () => {
    const clock = new FakeClock();
    const start = clock.now();
    const fired: [string, number][] = [];
    const queue: DeadlineQueue = new DeadlineQueue({
      clock,
      onDue: (keys) => {
        for (const key of keys) {
          fired.push([key, clock.now()]);
          // a repeating deadline, as a stall's repeat is
          if (fired.length < 3) queue.set(key, clock.now() + 10 * MINUTE);
        }
      },
      onClockJump: () => {},
    });
    queue.set('repeat', start + 10 * MINUTE);
    clock.advance(HOUR);
    expect(fired).toEqual([
      ['repeat', start + 10 * MINUTE],
      ['repeat', start + 20 * MINUTE],
      ['repeat', start + 30 * MINUTE],
    ]);
  });

  it('keeps firing correctly after thousands of resets of the same keys', () => {
    const { clock, queue, fired, start } = setup();
    // a deterministic pseudo-random sequence
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const keys = Array.from({ length: 50 }, (_, i) => `run-${i}`);
    const expected = new Map<string, number>();
    for (let round = 0; round < 200; round++) {
      for (const key of keys) {
        // deadlines a few minutes out, moved back and forth; whole seconds, so no two tie
        const due = start + 10 * MINUTE + Math.floor(random() * 20 * MINUTE);
        queue.set(key, due);
        expected.set(key, due);
      }
    }
    // 10 000 resets; a few keys deleted at the end
    for (const key of keys.slice(0, 5)) {
      queue.delete(key);
      expected.delete(key);
    }
    expect(queue.size).toBe(45);
    clock.advance(10 * MINUTE - 1);
    expect(fired).toEqual([]);
    clock.advance(30 * MINUTE);
    const firedAt = new Map<string, number>();
    for (const firing of fired) for (const key of firing.keys) firedAt.set(key, firing.at);
    expect(fired.flatMap((f) => f.keys)).toHaveLength(45);
    expect(firedAt).toEqual(expected);
    // in due order
    const times = fired.map((f) => f.at);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(queue.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps firing on time while keys are re-set constantly as time passes', () => {
    const { clock, queue, fired, start } = setup();
    // A running run's stall deadline moves on every progress: it must never fire while progress
    // keeps coming, and fire stall_after after the last progress.
    const stallAfter = 30 * SECOND;
    for (let i = 0; i < 5_000; i++) {
      for (const key of ['a', 'b', 'c']) queue.set(key, clock.now() + stallAfter);
      clock.advance(100);
    }
    expect(fired).toEqual([]);
    const lastProgress = clock.now() - 100;
    clock.advance(stallAfter);
    // the three share one due time: one callback, in any order
    expect(fired).toHaveLength(1);
    expect(fired[0]?.at).toBe(lastProgress + stallAfter);
    expect([...(fired[0]?.keys ?? [])].sort()).toEqual(['a', 'b', 'c']);
    expect(lastProgress).toBe(start + 4_999 * 100);
  });

  it('keeps a single timer when resume() is called on a queue that is not paused', () => {
    const { clock, queue, fired, start } = setup();
    queue.set('a', start + HOUR);
    expect(clock.pendingTimers).toBe(1);
    // e.g. a source_up and a clock-jump re-read both resuming
    queue.resume();
    queue.resume();
    expect(clock.pendingTimers).toBe(1);
    clock.advance(30 * MINUTE);
    // one wake-up a minute, not one per stray resume()
    expect(clock.pendingTimers).toBe(1);
    queue.dispose();
    // nothing left to wake the process once the queue is gone
    expect(clock.pendingTimers).toBe(0);
    expect(fired).toEqual([]);
  });

  it('fires nothing after dispose()', () => {
    const { clock, queue, fired, start } = setup();
    queue.set('a', start + SECOND);
    queue.dispose();
    clock.advance(MINUTE);
    queue.resume();
    expect(fired).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });
});
