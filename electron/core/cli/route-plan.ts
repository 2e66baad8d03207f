import { ALERT_EVENT_TYPES } from '../../../shared/events.ts';
import { findRule, type AlertConfig, type EventFields, type Rule } from '../alerts/alert-config.ts';
import {
  channelVerdict,
  failureChannels,
  fireVerdict,
  isCondition,
  matchRules,
  resolvesOf,
  type AlertRowView,
  type ChannelVerdict,
  type FireVerdict,
} from '../alerts/alert-plan.ts';
import type { AlertRow } from '../store/alert-rows.ts';

/** What the engine would read from state.db; empty when there is none. */
export interface RouteState {
  alert(rule: string, dedupKey: string): AlertRow | null;
  windowUntil(channel: string): number | null;
  silences: readonly { matches: (event: EventFields) => boolean; until: number }[];
  conditionsOf(subject: string): { type: string; rule: string; dedupKey: string }[];
  conditionCount(rule: string, dedupKey: string): number;
}

export const EMPTY_STATE: RouteState = {
  alert: () => null,
  windowUntil: () => null,
  silences: [],
  conditionsOf: () => [],
  conditionCount: () => 0,
};

/** A channel's verdict, or a resolved notice withheld where the run's failure was told. */
export interface RouteChannel {
  channel: string;
  verdict: ChannelVerdict | { kind: 'inhibited' };
}

export interface RuleRoute {
  rule: Rule;
  dedupKey: string;
  condition: boolean;
  /** The stored state machine row of (rule, key), as the firing would find it. */
  stored: AlertRowView | null;
  verdict: FireVerdict;
  channels: RouteChannel[];
}

export interface ResolvedAlert {
  rule: string;
  dedupKey: string;
  type: string;
  firedAt: number;
  /** Whether a resolved notice goes out, and to which channels, or why not. */
  notice: { channels: RouteChannel[] } | { none: string };
}

export interface RoutePlan {
  /** `alert_sent` / `alert_failed`: no rule ever matches them. */
  alertEvent: boolean;
  matched: RuleRoute[];
  /** Rules after the first match without `continue`: never tried. */
  notTried: string[];
  resolves: { subject: string; types: string[]; alerts: ResolvedAlert[] } | null;
}

/** Mirrors AlertEngine.resolve: which firing alerts the event ends, and what is sent for each. */
function planResolves(
  event: EventFields,
  config: AlertConfig,
  state: RouteState,
  channels: (rule: Rule, severity: AlertRow['severity']) => RouteChannel[],
  failureChannels: ReadonlySet<string>,
): RoutePlan['resolves'] {
  const resolves = resolvesOf(event);
  if (!resolves) return null;
  const ended = state
    .conditionsOf(resolves.subject)
    .filter((condition) => resolves.types.includes(condition.type));
  const alerts: ResolvedAlert[] = [];
  const seen = new Set<string>();
  for (const condition of ended) {
    const id = `${condition.rule}\n${condition.dedupKey}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const ending = ended.filter(
      (c) => c.rule === condition.rule && c.dedupKey === condition.dedupKey,
    );
    // Another subject still holds the key open: it stays firing.
    if (state.conditionCount(condition.rule, condition.dedupKey) > ending.length) continue;
    const alert = state.alert(condition.rule, condition.dedupKey);
    if (!alert || alert.state !== 'firing') continue;
    const rule = findRule(config, alert.rule);
    const notice = !alert.notified
      ? { none: 'its firing was never sent, so neither is this' }
      : !rule
        ? { none: 'its rule is gone from the config' }
        : !rule.sendResolved
          ? { none: 'send_resolved is off' }
          : {
              // As the engine does: a resolve goes only where the firing went.
              channels: channels(rule, alert.severity)
                .filter((route) => alert.notifiedChannels.includes(route.channel))
                .map((route) =>
                  failureChannels.has(route.channel)
                    ? { channel: route.channel, verdict: { kind: 'inhibited' as const } }
                    : route,
                ),
            };
    alerts.push({
      rule: alert.rule,
      dedupKey: alert.dedupKey,
      type: condition.type,
      firedAt: alert.firedAt,
      notice,
    });
  }
  return { subject: resolves.subject, types: resolves.types, alerts };
}

/**
 * What the alert engine would do with one event now, without doing it: the rules it matches in
 * order, each one's state machine verdict against the stored row, where each channel's delivery
 * would go, and which firing conditions the event resolves.
 */
export function planRoute(
  event: EventFields,
  config: AlertConfig,
  state: RouteState,
  now: number,
  stallAfterFor: (pipeline: string) => number,
): RoutePlan {
  if (ALERT_EVENT_TYPES.includes(event.type as never)) {
    return { alertEvent: true, matched: [], notTried: [], resolves: null };
  }
  const context = {
    config,
    now,
    storedSilences: state.silences,
    windowUntil: (channel: string) => state.windowUntil(channel),
  };
  const channels = (rule: Rule, severity: AlertRow['severity']): RouteChannel[] =>
    rule.channels.map((channel) => ({
      channel,
      verdict: channelVerdict(channel, severity, event, context),
    }));
  const matched = matchRules(config.rules, event);
  const told = failureChannels(event, matched, context);
  const resolves = planResolves(event, config, state, channels, told);
  const last = matched.at(-1);
  const notTried =
    last && !last.rule.continue
      ? config.rules.slice(config.rules.indexOf(last.rule) + 1).map((rule) => rule.name)
      : [];
  return {
    alertEvent: false,
    matched: matched.map(({ rule, dedupKey }) => {
      const row = state.alert(rule.name, dedupKey);
      // The engine resolves before it fires: a key this event resolves is seen resolved.
      const resolvedNow = resolves?.alerts.some(
        (alert) => alert.rule === rule.name && alert.dedupKey === dedupKey,
      );
      const stored: AlertRowView | null = row
        ? resolvedNow
          ? { state: 'resolved', firedAt: row.firedAt, resolvedAt: now }
          : { state: row.state, firedAt: row.firedAt, resolvedAt: row.resolvedAt }
        : null;
      const stallAfter = event.type === 'run_stalled' ? stallAfterFor(String(event.pipeline)) : 0;
      return {
        rule,
        dedupKey,
        condition: isCondition(event.type),
        stored,
        verdict: fireVerdict(stored, rule, event, now, stallAfter),
        channels: channels(rule, rule.severity),
      };
    }),
    notTried,
    resolves,
  };
}
