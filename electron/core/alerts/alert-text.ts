import { formatBytes } from '../../../shared/bytes.ts';
import { formatDuration } from '../../../shared/duration.ts';
import { maxSeverity } from '../../../shared/severity.ts';
import type { AlertMember, AlertMessage, MessageKind } from '../model/alert-message.ts';

type Fields = Record<string, unknown>;

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

function seconds(value: unknown): string {
  return typeof value === 'number' ? formatDuration(value * 1_000) : '?';
}

function runName(event: Fields): string {
  const attempt =
    typeof event.attempt === 'number' && event.attempt > 1 ? ` (attempt ${event.attempt})` : '';
  return `${text(event.pipeline)} run ${text(event.run_id)}${attempt}`;
}

/** What an event says, in a few words: `etl run 42 failed (3 of 10 steps failed)`. */
export function describeEvent(event: Fields): string {
  const run = runName(event);
  switch (event.type) {
    case 'run_completed': {
      const outcome = text(event.outcome);
      if (outcome === 'failed') {
        const failed = typeof event.steps_failed === 'number' ? event.steps_failed : 0;
        return `${run} failed${failed > 0 ? ` (${failed} of ${text(event.steps_total)} steps failed)` : ''}`;
      }
      return `${run} ${outcome}${event.duration_s != null ? ` in ${seconds(event.duration_s)}` : ''}`;
    }
    case 'run_stalled':
      return `${run} stalled: no progress for ${seconds(event.idle_s)}`;
    case 'run_overdue':
      return `${run} overdue: running for ${seconds(event.running_for_s)}`;
    case 'run_recovered':
      return `${run} recovered after ${seconds(event.stalled_for_s)} stalled`;
    case 'run_started':
      return `${run} started`;
    case 'step_failed':
      return `${run}: step ${text(event.step_name) || text(event.step_id)} failed`;
    case 'run_removed':
      return `${run} was removed from the database`;
    case 'run_archived':
      return `${run} archived: ${text(event.files)} files, ${typeof event.bytes === 'number' ? formatBytes(event.bytes) : '?'}`;
    case 'archive_failed':
      return `${run} could not be archived: ${text(event.reason)}`;
    case 'report_written':
      return `${run}: report written`;
    case 'source_down':
      return `source ${text(event.source)} is down: ${text(event.reason)}`;
    case 'source_up':
      return `source ${text(event.source)} is readable again`;
    case 'config_error': {
      const errors = Array.isArray(event.errors) ? event.errors.map(text) : [];
      const more = errors.length > 1 ? ` (+${errors.length - 1} more)` : '';
      return `config ${text(event.file)} is invalid, the last good one stays: ${errors[0] ?? ''}${more}`;
    }
    case 'test':
      return text(event.note) || 'test alert';
    case 'delivery_failing':
      return `alerts to ${text(event.channel)} are failing: ${text(event.reason)}`;
    default:
      return `${text(event.type)} ${run}`;
  }
}

/** One member as a line of a message. */
export function memberLine(member: AlertMember): string {
  const what = describeEvent(member.event);
  return member.status === 'resolved' ? `resolved: ${what}` : what;
}

const STILL: Record<string, string> = {
  run_stalled: 'stalled',
  run_overdue: 'overdue',
  source_down: 'down',
};

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function titleOf(
  kind: MessageKind,
  members: AlertMember[],
  lines: string[],
  channel: string,
): string {
  const first = lines[0] ?? '';
  const more = members.length > 1 ? ` (+${members.length - 1} more)` : '';
  switch (kind) {
    case 'alert':
      return first;
    case 'group':
      return members.length === 1 ? first : `${plural(members.length, 'alert')}: ${first}${more}`;
    case 'repeat': {
      const states = new Set(members.map((member) => STILL[text(member.event.type)] ?? 'firing'));
      const state = states.size === 1 ? [...states][0] : 'firing';
      const runs = members.every((member) => member.event.run_id !== undefined);
      return `still ${state}: ${plural(members.length, runs ? 'run' : 'alert')}`;
    }
    case 'digest':
      return `${plural(members.length, 'alert')} held back by the rate limit of ${channel}: ${first}${more}`;
    case 'away':
      return `while Runwatch was away: ${plural(members.length, 'alert')}`;
    case 'test':
      return `test alert from Runwatch (${channel})`;
    case 'failing':
      return first;
  }
}

/** Builds what a message says from its members; the channel renders it. */
export function composeMessage(input: {
  idempotencyKey: string;
  kind: MessageKind;
  channel: string;
  members: AlertMember[];
  test?: boolean;
}): AlertMessage {
  const lines = input.members.map(memberLine);
  return {
    idempotencyKey: input.idempotencyKey,
    kind: input.kind,
    status: input.members.some((member) => member.status === 'firing') ? 'firing' : 'resolved',
    test: input.test ?? false,
    severity: maxSeverity(input.members.map((member) => member.severity)),
    title: titleOf(input.kind, input.members, lines, input.channel),
    lines,
    members: input.members,
  };
}
