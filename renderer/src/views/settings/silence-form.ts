/**
 * Silences as the settings page lists and adds them: a match shown as words, the time left, and
 * the "add a silence" form read into `addSilence`'s parameters.
 */
import type { RequestParams } from '../../../../shared/api.ts';
import { formatDuration } from '../../../../shared/duration.ts';
import { EVENT_FIELDS } from '../../../../shared/events.ts';
import { readDuration } from './form-values.ts';

/** The fields a silence is most often about first, then every other event field. */
export const SILENCE_FIELDS: readonly string[] = [
  'pipeline',
  'type',
  'run_id',
  'step_name',
  'outcome',
  ...EVENT_FIELDS.filter(
    (field) => !['pipeline', 'type', 'run_id', 'step_name', 'outcome', 'source'].includes(field),
  ),
];

export interface ConditionRow {
  id: string;
  field: string;
  mode: 'is' | 'regex';
  value: string;
}

export interface SilenceForm {
  source: string;
  conditions: ConditionRow[];
  /** How long, as a duration ("2h"). */
  duration: string;
  comment: string;
}

export type SilenceErrors = Map<string, string>;

/** Keys of the add-a-silence form's errors. */
export const silenceKey = {
  condition: (id: string) => `silence.${id}.value`,
  duration: 'silence.duration',
  source: 'silence.source',
} as const;

const MAX_SILENCE_MS = 366 * 86_400_000;

/** The form as `addSilence` parameters, or what is wrong with it, by field. */
export function buildSilence(
  form: SilenceForm,
  nowMs: number,
): { ok: true; params: RequestParams<'addSilence'> } | { ok: false; errors: SilenceErrors } {
  const errors: SilenceErrors = new Map();
  const match: Record<string, unknown> = {};
  if (form.source === '') errors.set(silenceKey.source, 'choose a source');
  for (const condition of form.conditions) {
    const key = silenceKey.condition(condition.id);
    if (condition.value.trim() === '') {
      errors.set(key, 'enter a value');
      continue;
    }
    if (Object.hasOwn(match, condition.field)) {
      errors.set(key, `${condition.field} is already matched above`);
      continue;
    }
    if (condition.mode === 'regex') {
      try {
        new RegExp(`^(?:${condition.value})$`, 'u');
      } catch (error) {
        errors.set(key, `not a valid regex: ${(error as Error).message.replace(/^.*: /, '')}`);
        continue;
      }
    }
    Object.defineProperty(match, condition.field, {
      value: condition.mode === 'regex' ? { regex: condition.value } : condition.value.trim(),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const duration = readDuration(form.duration);
  if (!duration.ok) errors.set(silenceKey.duration, duration.message);
  else if (duration.value === undefined) errors.set(silenceKey.duration, 'how long, like 2h or 1d');
  else if (duration.value < 60_000) errors.set(silenceKey.duration, 'at least 1m');
  else if (duration.value > MAX_SILENCE_MS) errors.set(silenceKey.duration, 'at most 366d');
  if (errors.size > 0 || !duration.ok || duration.value === undefined) return { ok: false, errors };
  const comment = form.comment.trim();
  return {
    ok: true,
    params: {
      source: form.source,
      match,
      until: new Date(nowMs + duration.value).toISOString(),
      ...(comment !== '' ? { comment } : {}),
    },
  };
}

function valueText(value: unknown): string {
  if (Array.isArray(value)) return `one of ${value.map(valueText).join(', ')}`;
  if (value !== null && typeof value === 'object') {
    if ('regex' in value) return `matches /${String((value as { regex: unknown }).regex)}/`;
    if ('not' in value) return `not ${valueText((value as { not: unknown }).not)}`;
  }
  return typeof value === 'string' ? `“${value}”` : String(value);
}

/** A silence's match in words: `pipeline “etl” · type matches /run_.*\/`. */
export function matchText(match: Record<string, unknown>): string {
  const parts = Object.entries(match).map(([field, value]) => {
    const text = valueText(value);
    return /^(one of|matches|not) /.test(text) ? `${field} ${text}` : `${field} = ${text}`;
  });
  return parts.length === 0 ? 'everything' : parts.join(' · ');
}

/** The time left until `untilMs`: "2h 5m left", "ending". */
export function timeLeftText(untilMs: number, nowMs: number): string {
  const left = untilMs - nowMs;
  if (left <= 0) return 'ended';
  if (left < 60_000) return 'less than 1m left';
  return `${formatDuration(Math.floor(left / 60_000) * 60_000)} left`;
}
