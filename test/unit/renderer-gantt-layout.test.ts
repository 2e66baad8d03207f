import { describe, expect, it } from 'vitest';
import type { StepView } from '../../shared/api.ts';
import { ganttLayout, MIN_WIDTH, tickStep } from '../../renderer/src/views/gantt-layout.ts';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1_000).toISOString();

function step(
  id: string,
  status: string,
  from: number | null,
  to: number | null,
  duration: number | null = from !== null && to !== null ? to - from : null,
): StepView {
  return {
    step_id: id,
    name: id,
    status,
    started_at: from === null ? null : at(from),
    finished_at: to === null ? null : at(to),
    duration_s: duration,
  };
}

describe('ganttLayout', () => {
  it('places steps on one axis from the run start to its end, as percentages', () => {
    const layout = ganttLayout({
      steps: [step('extract', 'succeeded', 0, 25), step('load', 'failed', 25, 100)],
      started_at: at(0),
      finished_at: at(100),
      stalls: [],
      active: false,
      now: T0 + 500_000,
    });
    expect(layout.start).toBe(T0);
    expect(layout.end).toBe(T0 + 100_000);
    const [a, b] = layout.bars;
    expect(a).toMatchObject({ placed: true, left: 0, width: 25, duration_ms: 25_000, open: false });
    expect(b).toMatchObject({ placed: true, left: 25, width: 75, duration_ms: 75_000 });
  });

  it('stretches the axis to steps that start before or end after the run times say', () => {
    const layout = ganttLayout({
      steps: [step('a', 'succeeded', -10, 5), step('b', 'succeeded', 5, 30)],
      started_at: at(0),
      finished_at: at(20),
      stalls: [],
      active: false,
      now: T0,
    });
    expect(layout.start).toBe(T0 - 10_000);
    expect(layout.end).toBe(T0 + 30_000);
    expect(layout.bars[1]?.left).toBeCloseTo(37.5);
    expect(layout.bars[1]?.width).toBeCloseTo(62.5);
  });

  it('grows a running step to now while the run is active, and leaves pending steps unplaced', () => {
    const layout = ganttLayout({
      steps: [
        step('a', 'succeeded', 0, 30),
        step('b', 'running', 30, null),
        step('c', 'pending', null, null),
      ],
      started_at: at(0),
      finished_at: null,
      stalls: [],
      active: true,
      now: T0 + 60_000,
    });
    expect(layout.end).toBe(T0 + 60_000);
    expect(layout.bars[1]).toMatchObject({ placed: true, open: true, left: 50, width: 50 });
    expect(layout.bars[1]?.duration_ms).toBe(30_000);
    expect(layout.bars[2]).toMatchObject({ placed: false, duration_ms: null });
  });

  it('gives an instant step a minimum width that stays inside the axis', () => {
    const layout = ganttLayout({
      steps: [step('a', 'succeeded', 0, 100), step('b', 'skipped', 100, 100)],
      started_at: at(0),
      finished_at: at(100),
      stalls: [],
      active: false,
      now: T0,
    });
    const last = layout.bars[1];
    expect(last?.width).toBe(MIN_WIDTH);
    expect((last?.left ?? 0) + (last?.width ?? 0)).toBeLessThanOrEqual(100);
  });

  it('uses the step duration when a finished step lacks its end time', () => {
    const layout = ganttLayout({
      steps: [step('a', 'succeeded', 0, null, 40), step('b', 'succeeded', 40, 80)],
      started_at: at(0),
      finished_at: at(80),
      stalls: [],
      active: false,
      now: T0 + 999_000,
    });
    expect(layout.bars[0]).toMatchObject({ placed: true, left: 0, width: 50, open: false });
  });

  it('draws stalls as bands; one still open ends at now', () => {
    const layout = ganttLayout({
      steps: [step('a', 'running', 0, null)],
      started_at: at(0),
      finished_at: null,
      stalls: [
        { started_at: at(20), ended_at: at(40), idle_s: 30 },
        { started_at: at(60), ended_at: null, idle_s: 25 },
      ],
      active: true,
      now: T0 + 80_000,
    });
    expect(layout.stalls).toEqual([
      { left: 25, width: 25, open: false, idle_s: 30 },
      { left: 75, width: 25, open: true, idle_s: 25 },
    ]);
  });

  it('has no axis when nothing has a time yet', () => {
    const layout = ganttLayout({
      steps: [step('a', 'pending', null, null)],
      started_at: null,
      finished_at: null,
      stalls: [],
      active: true,
      now: T0,
    });
    expect(layout.start).toBeNull();
    expect(layout.ticks).toEqual([]);
    expect(layout.bars[0]?.placed).toBe(false);
  });

  it('puts round ticks along the axis, labelled by time since its start', () => {
    const layout = ganttLayout({
      steps: [step('a', 'succeeded', 0, 150)],
      started_at: at(0),
      finished_at: at(150),
      stalls: [],
      active: false,
      now: T0,
    });
    expect(layout.ticks.map((tick) => tick.label)).toEqual([
      '0',
      '30s',
      '1m',
      '1m 30s',
      '2m',
      '2m 30s',
    ]);
    expect(layout.ticks[1]?.at).toBeCloseTo(20);
  });

  it('picks tick steps that keep the count small', () => {
    expect(tickStep(5_000)).toBe(1_000);
    expect(tickStep(45_000)).toBe(10_000);
    expect(tickStep(3 * 3_600_000)).toBe(1_800_000);
    expect(tickStep(40 * 86_400_000)).toBe(7 * 86_400_000);
  });
});
