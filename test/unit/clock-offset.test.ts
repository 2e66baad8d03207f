import { describe, expect, it } from 'vitest';
import { ClockOffset } from '../../electron/core/monitor/clock-offset.ts';

const SECOND = 1_000;
const HOUR = 3_600_000;

describe('ClockOffset', () => {
  it('is 0 until three changes were seen', () => {
    const offset = new ClockOffset();
    expect(offset.value).toBe(0);
    offset.add(5 * SECOND);
    expect(offset.value).toBe(0);
    offset.add(5 * SECOND);
    expect(offset.value).toBe(0);
    offset.add(5 * SECOND);
    expect(offset.value).toBe(5 * SECOND);
  });

  it('is the median of the samples', () => {
    const offset = new ClockOffset();
    for (const sample of [300, 100, 200]) offset.add(sample);
    expect(offset.value).toBe(200);
    offset.add(1_000);
    // even count: the mean of the middle two
    expect(offset.value).toBe(250);
    offset.add(50);
    expect(offset.value).toBe(200);
  });

  it('learns a writer that stores naive Tokyo local time as −9 h', () => {
    // The writer stores 01:22:28 (Tokyo wall time) for 16:22:28 UTC; read as UTC, that is 9 h in
    // the future, so observation − updated_at is about −9 h (plus the few ms of detection).
    const offset = new ClockOffset();
    const observedAt = Date.UTC(2026, 10, 25, 16, 22, 28);
    for (const latency of [40, 120, 15, 80, 60]) {
      const updatedAt = observedAt + 9 * HOUR; // naive local time read as UTC
      offset.add(observedAt + latency - updatedAt);
    }
    expect(offset.value).toBe(-9 * HOUR + 60);
    // a DB progress time corrected by the offset lands on Runwatch's clock
    expect(Date.UTC(2026, 11, 1, 10, 0, 0) + offset.value).toBe(
      Date.UTC(2026, 11, 1, 1, 0, 0) + 60,
    );
  });

  it('is not moved by a few outliers (late commits, rows with odd timestamps)', () => {
    const offset = new ClockOffset();
    const samples = [
      -9 * HOUR + 50,
      -9 * HOUR + 70,
      30 * 24 * HOUR, // a row written a month ago, seen now
      -9 * HOUR + 40,
      -9 * HOUR + 90,
      -40 * HOUR, // a row dated far in the future
      -9 * HOUR + 60,
      5 * HOUR,
    ];
    for (const sample of samples) offset.add(sample);
    expect(offset.value).toBeGreaterThanOrEqual(-9 * HOUR + 40);
    expect(offset.value).toBeLessThanOrEqual(-9 * HOUR + 90);
  });

  it('keeps only the newest samples, so a writer whose clock was fixed is followed', () => {
    const offset = new ClockOffset([], 5);
    for (let i = 0; i < 5; i++) offset.add(-9 * HOUR);
    expect(offset.value).toBe(-9 * HOUR);
    for (let i = 0; i < 3; i++) offset.add(20);
    expect(offset.value).toBe(20);
    expect(offset.toJSON()).toEqual([-9 * HOUR, -9 * HOUR, 20, 20, 20]);
  });

  it('holds 63 samples by default', () => {
    const offset = new ClockOffset();
    for (let i = 0; i < 100; i++) offset.add(i);
    expect(offset.toJSON()).toHaveLength(63);
    expect(offset.toJSON()[0]).toBe(37);
    expect(offset.value).toBe(68);
  });

  it('ignores samples that are not finite numbers', () => {
    const offset = new ClockOffset();
    offset.add(Number.NaN);
    offset.add(Number.POSITIVE_INFINITY);
    offset.add(10);
    offset.add(20);
    expect(offset.value).toBe(0);
    offset.add(30);
    expect(offset.value).toBe(20);
    expect(offset.toJSON()).toEqual([10, 20, 30]);
  });

  it('comes back from its saved form (state.db) with the same value', () => {
    const offset = new ClockOffset();
    for (const sample of [-9 * HOUR, -9 * HOUR + 100, -9 * HOUR + 30, 12 * HOUR])
      offset.add(sample);
    const restored = new ClockOffset(JSON.parse(JSON.stringify(offset.toJSON())) as number[]);
    expect(restored.value).toBe(offset.value);
    expect(restored.toJSON()).toEqual(offset.toJSON());
  });

  it('drops non-finite and surplus saved samples when restored', () => {
    const restored = new ClockOffset([Number.NaN, 1, 2, 3, 4, 5, Number.POSITIVE_INFINITY], 3);
    expect(restored.toJSON()).toEqual([3, 4, 5]);
    expect(restored.value).toBe(4);
  });

  it('follows a change after samples were added post-read (no stale cached value)', () => {
    const offset = new ClockOffset();
    for (const sample of [10, 10, 10]) offset.add(sample);
    expect(offset.value).toBe(10);
    for (const sample of [500, 500, 500, 500]) offset.add(sample);
    expect(offset.value).toBe(500);
  });
});
