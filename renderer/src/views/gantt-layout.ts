/**
 * Where each step of a run sits on one shared time axis (the run detail's timeline): bars and
 * stall bands as percentages of the axis, and round tick marks along it. Times come from the API
 * as ISO-8601 with a zone, so `Date.parse` reads them right.
 */
import { formatDuration } from '../../../shared/duration.ts';
import type { StepView } from '../../../shared/api.ts';

export interface GanttInput {
  steps: readonly StepView[];
  /** The run's own start and end, where known (an active run has no end). */
  started_at: string | null;
  finished_at: string | null;
  stalls: readonly { started_at: string; ended_at: string | null; idle_s: number }[];
  /** Whether the run is still going: open bars and stalls then end at `now`. */
  active: boolean;
  now: number;
}

export interface GanttBar {
  step: StepView;
  /** False for a step that has not started (no bar is drawn). */
  placed: boolean;
  left: number;
  width: number;
  /** Still running: its bar grows to now. */
  open: boolean;
  /** The step's duration in ms, where known. */
  duration_ms: number | null;
}

export interface GanttBand {
  left: number;
  width: number;
  open: boolean;
  idle_s: number;
}

export interface GanttTick {
  /** Percent along the axis. */
  at: number;
  /** Time since the axis start: `0`, `30s`, `1m 30s`. */
  label: string;
}

export interface GanttLayout {
  /** The axis in epoch ms; null when nothing has a time yet. */
  start: number | null;
  end: number | null;
  bars: GanttBar[];
  stalls: GanttBand[];
  ticks: GanttTick[];
}

/** A bar this thin (in percent) is still seen and hovered. */
export const MIN_WIDTH = 0.6;

const TICK_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400,
].map((seconds) => seconds * 1_000);

function time(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** A round interval that puts at most `most` ticks on `span` ms. */
export function tickStep(span: number, most = 6): number {
  return (
    TICK_STEPS.find((step) => span / step <= most) ??
    Math.ceil(span / most / 86_400_000) * 86_400_000
  );
}

/** A step with no place on the axis: not started, or a run with no known time at all. */
function unplaced(step: StepView): GanttBar {
  return {
    step,
    placed: false,
    left: 0,
    width: 0,
    open: false,
    duration_ms: step.duration_s === null ? null : step.duration_s * 1_000,
  };
}

export function ganttLayout(input: GanttInput): GanttLayout {
  const { now } = input;
  const spans = input.steps.map((step) => {
    const start = time(step.started_at);
    const finish = time(step.finished_at);
    const open = start !== null && finish === null && step.status.toLowerCase() === 'running';
    const end =
      start === null
        ? null
        : (finish ??
          (open && input.active
            ? Math.max(now, start)
            : step.duration_s !== null
              ? start + step.duration_s * 1_000
              : start));
    return { step, start, end, open };
  });
  const stallSpans = input.stalls.map((stall) => {
    const start = time(stall.started_at);
    const ended = time(stall.ended_at);
    return { stall, start, end: ended ?? (input.active ? now : start), open: ended === null };
  });

  const starts = [
    time(input.started_at),
    ...spans.map((s) => s.start),
    ...stallSpans.map((s) => s.start),
  ];
  const ends = [
    time(input.finished_at),
    input.active ? now : null,
    ...spans.map((s) => s.end),
    ...stallSpans.map((s) => s.end),
  ];
  const known = (values: (number | null)[]) => values.filter((v): v is number => v !== null);
  const startsKnown = known(starts);
  if (startsKnown.length === 0) {
    return {
      start: null,
      end: null,
      bars: spans.map(({ step }) => unplaced(step)),
      stalls: [],
      ticks: [],
    };
  }
  const start = Math.min(...startsKnown);
  const end = Math.max(start, ...known(ends));
  const span = Math.max(end - start, 1_000);
  const percent = (ms: number) => Math.min(100, Math.max(0, ((ms - start) / span) * 100));
  const place = (from: number, to: number) => {
    const left = percent(from);
    const width = Math.max(MIN_WIDTH, percent(Math.max(from, to)) - left);
    return { left: Math.min(left, 100 - width), width };
  };

  const bars: GanttBar[] = spans.map(({ step, start: from, end: to, open }) => {
    if (from === null || to === null) return unplaced(step);
    return {
      step,
      placed: true,
      ...place(from, to),
      open,
      duration_ms: step.duration_s !== null && !open ? step.duration_s * 1_000 : to - from,
    };
  });
  const stalls: GanttBand[] = stallSpans
    .filter(
      (s): s is typeof s & { start: number; end: number } => s.start !== null && s.end !== null,
    )
    .map(({ stall, start: from, end: to, open }) => ({
      ...place(from, to),
      open: open && input.active,
      idle_s: stall.idle_s,
    }));

  const step = tickStep(span);
  const ticks: GanttTick[] = [];
  for (let offset = 0; offset <= span; offset += step) {
    ticks.push({ at: (offset / span) * 100, label: offset === 0 ? '0' : formatDuration(offset) });
  }
  return { start, end, bars, stalls, ticks };
}
