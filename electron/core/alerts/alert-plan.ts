import { atLeast, type Severity } from '../../../shared/severity.ts';
import type { AlertConfig, EventFields, Rule } from './alert-config.ts';
import { renderDedupKey } from './dedup-key.ts';
import { quietUntil } from './quiet-hours.ts';

/** Events that open a condition: they fire, and later resolve. Every other event is a one-shot. */
export const CONDITION_TYPES: readonly string[] = ['run_stalled', 'run_overdue', 'source_down'];

export function isCondition(type: unknown): boolean {
  return CONDITION_TYPES.includes(type as string);
}

/** Which open conditions an event ends, and of what. */
export function resolvesOf(event: EventFields): { subject: string; types: string[] } | null {
  switch (event.type) {
    case 'run_recovered':
      return { subject: `run:${String(event.run_id)}`, types: ['run_stalled'] };
    case 'run_completed':
    case 'run_removed':
      return { subject: `run:${String(event.run_id)}`, types: ['run_stalled', 'run_overdue'] };
    case 'source_up':
      return { subject: `source:${String(event.source)}`, types: ['source_down'] };
    default:
      return null;
  }
}

/** The thing a condition is about: a run, or the source. */
export function conditionSubject(event: EventFields): string {
  return event.type === 'source_down'
    ? `source:${String(event.source)}`
    : `run:${String(event.run_id)}`;
}

export interface MatchedRule {
  rule: Rule;
  dedupKey: string;
}

/** Rules in order: the first match wins unless it says `continue: true`. */
export function matchRules(rules: readonly Rule[], event: EventFields): MatchedRule[] {
  const matched: MatchedRule[] = [];
  const type = typeof event.type === 'string' ? event.type : null;
  for (const rule of rules) {
    if (type !== null && rule.types !== null && !rule.types.has(type)) continue;
    if (!rule.matches(event)) continue;
    matched.push({
      rule,
      dedupKey: renderDedupKey(rule.dedupKey, {
        ...event,
        rule: rule.name,
        severity: rule.severity,
      }),
    });
    if (!rule.continue) break;
  }
  return matched;
}

/** What the state machine does with a firing of (rule, key), given what it holds for that key. */
export type FireVerdict =
  { kind: 'fire' } | { kind: 'collapse'; why: string } | { kind: 'reopen'; why: string };

export interface AlertRowView {
  state: 'firing' | 'resolved' | 'fired';
  firedAt: number;
  resolvedAt: number | null;
}

export function fireVerdict(
  row: AlertRowView | null,
  rule: Rule,
  event: EventFields,
  now: number,
  stallAfter: number,
): FireVerdict {
  if (!row) return { kind: 'fire' };
  if (isCondition(event.type)) {
    if (row.state === 'firing') return { kind: 'collapse', why: 'already firing' };
    const window =
      event.type === 'run_stalled' ? Math.max(rule.throttle, stallAfter) : rule.throttle;
    if (row.state === 'resolved' && row.resolvedAt !== null && now - row.resolvedAt < window) {
      return { kind: 'reopen', why: 'came back soon after it resolved' };
    }
    return { kind: 'fire' };
  }
  if (row.state === 'firing') return { kind: 'collapse', why: 'the key is firing as a condition' };
  if (now - row.firedAt < rule.throttle) return { kind: 'collapse', why: 'throttled' };
  return { kind: 'fire' };
}

/** Where one delivery to one channel goes. */
export type ChannelVerdict =
  | { kind: 'unknown' }
  | { kind: 'inactive'; why: string }
  | { kind: 'below'; minSeverity: Severity }
  | { kind: 'away' }
  | { kind: 'silenced'; until: number }
  | { kind: 'quiet'; until: number }
  | { kind: 'group'; until: number }
  | { kind: 'now' };

export interface ChannelContext {
  config: AlertConfig;
  now: number;
  /** Silences from the UI, kept in state.db, beside the file's. */
  storedSilences: readonly { matches: (event: EventFields) => boolean; until: number }[];
  /** Until when a channel's leading-edge group window is open. */
  windowUntil: (channel: string) => number | null;
}

export function channelVerdict(
  channel: string,
  severity: Severity,
  event: EventFields,
  context: ChannelContext,
): ChannelVerdict {
  const entry = context.config.channels.get(channel);
  if (!entry) return { kind: 'unknown' };
  if (entry.inactive !== null) return { kind: 'inactive', why: entry.inactive };
  if (!atLeast(severity, entry.config.min_severity)) {
    return { kind: 'below', minSeverity: entry.config.min_severity };
  }
  const now = context.now;
  let silencedUntil = 0;
  for (const silence of [...context.config.silences, ...context.storedSilences]) {
    if (silence.until > now && silence.matches(event))
      silencedUntil = Math.max(silencedUntil, silence.until);
  }
  if (silencedUntil > 0) return { kind: 'silenced', until: silencedUntil };
  const quiet = quietUntil(context.config.quietHours, channel, severity, now);
  if (quiet !== null) return { kind: 'quiet', until: quiet };
  if (event.late === true) return { kind: 'away' };
  const window = context.windowUntil(channel);
  if (window !== null && window > now) return { kind: 'group', until: window };
  return { kind: 'now' };
}

/** Types whose alerts a failed run makes moot: its own step failures and stalls. */
export const INHIBITED_BY_FAILURE: readonly string[] = [
  'step_failed',
  'run_stalled',
  'run_overdue',
];

/**
 * The channels a run's failure is told to. There, the run's unsent step failures and stalls and
 * the resolved notice of its stall are inhibited: the failure says it all.
 */
export function failureChannels(
  event: EventFields,
  matched: readonly MatchedRule[],
  context: ChannelContext,
): Set<string> {
  const channels = new Set<string>();
  if (event.type !== 'run_completed' || event.outcome !== 'failed') return channels;
  for (const { rule } of matched) {
    for (const channel of rule.channels) {
      const verdict = channelVerdict(channel, rule.severity, event, context);
      if (verdict.kind !== 'unknown' && verdict.kind !== 'inactive' && verdict.kind !== 'below') {
        channels.add(channel);
      }
    }
  }
  return channels;
}
