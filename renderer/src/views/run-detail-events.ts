/** A run's events as the run detail lists them: a name and a line of detail each. */
import { formatBytes } from '../../../shared/bytes.ts';
import { formatDuration } from '../../../shared/duration.ts';
import type { RunwatchEvent } from '../../../shared/events.ts';
import type { Tone } from '../components/tone.ts';

const seconds = (s: number | null) => (s === null ? 'an unknown time' : formatDuration(s * 1_000));

export function eventTitle(event: RunwatchEvent): string {
  switch (event.type) {
    case 'run_started':
      return event.attempt > 1 ? `Attempt ${event.attempt} started` : 'Run started';
    case 'step_failed':
      return 'Step failed';
    case 'run_completed':
      return `Run ${event.outcome}`;
    case 'run_stalled':
      return 'Stalled';
    case 'run_recovered':
      return 'Recovered';
    case 'run_overdue':
      return 'Overdue';
    case 'run_removed':
      return 'Removed from the database';
    case 'run_archived':
      return 'Archived';
    case 'archive_failed':
      return 'Archive failed';
    case 'report_written':
      return 'Report written';
    case 'source_down':
      return 'Source down';
    case 'source_up':
      return 'Source up';
    case 'config_error':
      return 'Config error';
    case 'alert_sent':
      return 'Alert sent';
    case 'alert_failed':
      return 'Alert failed';
  }
}

/** The badge an event is listed with. */
export function eventTone(event: RunwatchEvent): Tone {
  switch (event.type) {
    case 'run_started':
      return 'running';
    case 'run_completed':
      return event.outcome;
    case 'step_failed':
    case 'archive_failed':
    case 'source_down':
    case 'config_error':
    case 'alert_failed':
      return 'failed';
    case 'run_stalled':
      return 'stalled';
    case 'run_overdue':
      return 'overdue';
    case 'run_recovered':
    case 'run_archived':
    case 'source_up':
    case 'alert_sent':
      return 'succeeded';
    default:
      return 'muted';
  }
}

export function eventDetail(event: RunwatchEvent): string {
  switch (event.type) {
    case 'run_started':
      return `status ${event.status}`;
    case 'step_failed':
      return event.step_name && event.step_name !== event.step_id
        ? `${event.step_name} (${event.step_id})`
        : event.step_id;
    case 'run_completed': {
      const counts = [
        `${event.steps_succeeded}/${event.steps_total} steps succeeded`,
        event.steps_failed > 0 ? `${event.steps_failed} failed` : null,
        event.steps_skipped > 0 ? `${event.steps_skipped} skipped` : null,
        event.steps_cancelled > 0 ? `${event.steps_cancelled} cancelled` : null,
      ].filter((part) => part !== null);
      return `after ${seconds(event.duration_s)}; ${counts.join(', ')}`;
    }
    case 'run_stalled':
      return `no progress for ${seconds(event.idle_s)}`;
    case 'run_recovered':
      return `progress again after ${seconds(event.stalled_for_s)} stalled`;
    case 'run_overdue':
      return `running for ${seconds(event.running_for_s)}`;
    case 'run_removed':
      return 'the run is no longer in the orchestration database';
    case 'run_archived':
      return `${event.files} file${event.files === 1 ? '' : 's'}, ${formatBytes(event.bytes)} unzipped → ${event.path}`;
    case 'archive_failed':
      return event.reason;
    case 'report_written':
      return event.path;
    case 'source_down':
    case 'source_up':
      return event.reason;
    case 'config_error':
      return event.errors.join('; ');
    case 'alert_sent':
      return `${event.rule} → ${event.channel}`;
    case 'alert_failed':
      return `${event.rule} → ${event.channel}: ${event.reason}`;
  }
}

/** When it happened: by the database's clock where the event has it, else when it was seen. */
export function eventTime(event: RunwatchEvent): string {
  return 'occurred_at' in event && event.occurred_at ? event.occurred_at : event.at;
}
