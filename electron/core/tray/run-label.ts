import { formatDuration } from '../../../shared/duration.ts';
import type { MenuRun } from './menu-runs.ts';

/** Longest run name in a menu line before it is cut: menus do not wrap. */
const NAME_MAX = 48;

/**
 * Whole minutes (`12m`, `2h 5m`, `3d 4h`), `<1m` below: the menu is rebuilt on changes, not every
 * second, so it never shows seconds going stale.
 */
function span(seconds: number): string {
  const minutes = Math.floor(Math.max(0, seconds) / 60);
  return minutes === 0 ? '<1m' : formatDuration(minutes * 60_000);
}

/** `pipeline run-id`, or just the run id when it already starts with the pipeline's name. */
function runName(run: MenuRun): string {
  const name =
    run.pipeline === '' || run.run_id.startsWith(run.pipeline)
      ? run.run_id
      : `${run.pipeline} ${run.run_id}`;
  return name.length <= NAME_MAX ? name : `${name.slice(0, NAME_MAX - 1)}…`;
}

function activeState(run: NonNullable<MenuRun['active']>): string {
  if (run.stalled_since) return `stalled, idle ${span(run.idle_s)}`;
  if (run.overdue_since) return `overdue, running ${span(run.elapsed_s ?? 0)}`;
  if (run.stale) return `stale, idle ${span(run.idle_s)}`;
  if (run.status.toLowerCase() === 'pending') return 'pending';
  const elapsed = run.elapsed_s === null ? 'running' : `running ${span(run.elapsed_s)}`;
  return run.steps_total > 0 ? `${elapsed}, step ${run.steps_done}/${run.steps_total}` : elapsed;
}

function state(run: MenuRun, now: number): string {
  const { attention, active } = run;
  if (!active) {
    return attention
      ? `${attention.kind} ${span((now - Date.parse(attention.since)) / 1_000)} ago`
      : '';
  }
  // A failed run retried in place: the failure still needs attention, the retry is running.
  return attention?.kind === 'failed'
    ? `failed, retry ${activeState(active)}`
    : activeState(active);
}

/**
 * A run as one menu line: `etl run-42 — stalled, idle 42m`, `train-7 — running 2h 5m, step
 * 3/7`, `etl run-41 — failed 25m ago`; with several sources, the source comes first.
 */
export function runLabel(run: MenuRun, now: number, withSource: boolean): string {
  const name = `${withSource ? `${run.source}: ` : ''}${runName(run)}`;
  const what = state(run, now);
  return what === '' ? name : `${name} — ${what}`;
}
