import { formatDuration } from '../../../shared/duration.ts';
import type { RunwatchEvent } from '../../../shared/events.ts';
import { formatBytes } from '../../../shared/bytes.ts';

function clock(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function seconds(s: number | null): string {
  return s === null ? '?' : formatDuration(s * 1_000);
}

/** One event as a terminal line for `watch` without `--json` (local time, like a log tail). */
export function eventLine(event: RunwatchEvent): string {
  const time = clock(event.at);
  if (event.type === 'source_down') return `${time}  SOURCE DOWN  ${event.source}: ${event.reason}`;
  if (event.type === 'source_up') return `${time}  source up    ${event.source}: ${event.reason}`;
  if (event.type === 'config_error') {
    return `${time}  CONFIG ERROR ${event.source}: ${event.file} is invalid, the last good config stays: ${event.errors.join('; ')}`;
  }
  if (event.type === 'alert_sent') {
    const what = event.alerts > 1 ? `${event.alerts} alerts` : event.rule;
    return `${time}  alert sent   ${event.source}: ${what} -> ${event.channel}`;
  }
  if (event.type === 'alert_failed') {
    const what = event.alerts > 1 ? `${event.alerts} alerts` : event.rule;
    return `${time}  ALERT FAILED ${event.source}: ${what} -> ${event.channel}: ${event.reason}`;
  }
  const run = `${event.pipeline} ${event.run_id}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`;
  const late = event.late ? `  [happened ${clock(event.occurred_at)}]` : '';
  switch (event.type) {
    case 'run_started':
      return `${time}  started      ${run} (${event.status})${late}`;
    case 'step_failed':
      return `${time}  step failed  ${run}: ${event.step_name || event.step_id}${late}`;
    case 'run_completed': {
      const label = event.outcome === 'succeeded' ? 'succeeded' : event.outcome.toUpperCase();
      const steps = `${event.steps_succeeded}/${event.steps_total} steps ok`;
      const failed = event.steps_failed > 0 ? `, ${event.steps_failed} failed` : '';
      return `${time}  ${label.padEnd(11)}  ${run} in ${seconds(event.duration_s)} (${steps}${failed})${late}`;
    }
    case 'run_stalled':
      return `${time}  STALLED      ${run}: no progress for ${seconds(event.idle_s)}${late}`;
    case 'run_recovered':
      return `${time}  recovered    ${run} after ${seconds(event.stalled_for_s)} stalled${late}`;
    case 'run_overdue':
      return `${time}  OVERDUE      ${run}: running for ${seconds(event.running_for_s)}${late}`;
    case 'run_removed':
      return `${time}  removed      ${run}`;
    case 'run_archived':
      return `${time}  archived     ${run}: ${event.files} files, ${formatBytes(event.bytes)} -> ${event.path}`;
    case 'archive_failed':
      return `${time}  NO ARCHIVE   ${run}: ${event.reason}`;
    case 'report_written':
      return `${time}  report       ${run}: ${event.path}`;
  }
}
