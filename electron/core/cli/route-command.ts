import path from 'node:path';
import { formatDuration } from '../../../shared/duration.ts';
import { ALERT_EVENT_TYPES, EVENT_TYPES } from '../../../shared/events.ts';
import type { AlertConfig, EventFields } from '../alerts/alert-config.ts';
import { describeEvent } from '../alerts/alert-text.ts';
import { compileStoredSilences } from '../alerts/event-matcher.ts';
import { makeRedactor } from '../alerts/redact.ts';
import { verdictText } from '../alerts/verdict-text.ts';
import { didYouMean } from '../config/did-you-mean.ts';
import { STATE_DB } from '../store/state-schema.ts';
import { StateStore } from '../store/state-store.ts';
import { activeAlerts } from './active-alerts.ts';
import { EXIT_OK, InputError } from './cli-errors.ts';
import { loadSettings } from './load-settings.ts';
import { localTime } from '../time/local-time.ts';
import { EMPTY_STATE, planRoute, type RouteChannel, type RoutePlan } from './route-plan.ts';
import { resolveSourcePaths } from './source-paths.ts';

export interface RouteOptions {
  event: string;
  config?: string;
  db?: string;
  dataDir?: string;
  json?: boolean;
}

function parseEvent(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`--event is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError('--event must be a JSON object, like {"type":"run_completed"}');
  }
  const event = value as Record<string, unknown>;
  if (typeof event.type !== 'string' || event.type === '') {
    throw new InputError(
      `--event needs a "type" (one of ${EVENT_TYPES.join(', ')}), like {"type":"run_completed","outcome":"failed"}`,
    );
  }
  if (!(EVENT_TYPES as readonly string[]).includes(event.type)) {
    const guess = didYouMean(event.type, EVENT_TYPES);
    throw new InputError(
      `no event has type ${JSON.stringify(event.type)}${guess ? ` (did you mean ${guess}?)` : ` (types: ${EVENT_TYPES.join(', ')})`}`,
    );
  }
  return event;
}

function routeText(route: RouteChannel): string {
  return route.verdict.kind === 'inhibited'
    ? 'inhibited: told of the run failure instead'
    : verdictText(route.verdict, localTime);
}

function channelLines(routes: RouteChannel[], groupWindow: number): string[] {
  const width = Math.max(...routes.map((route) => route.channel.length));
  return routes.map((route) => {
    const window =
      route.verdict.kind === 'group' ? ` (group_window ${formatDuration(groupWindow)})` : '';
    return `    ${route.channel.padEnd(width)}  ${routeText(route)}${window}`;
  });
}

function renderPlan(
  plan: RoutePlan,
  event: EventFields,
  config: AlertConfig,
  stateNote: string,
): string {
  const window = config.defaults.group_window;
  const what = plan.alertEvent ? '' : `: ${describeEvent(event)}`;
  const out = [`event ${String(event.type)}${what}`, stateNote, ''];
  if (plan.alertEvent) {
    out.push(
      `rules never match alert events (${ALERT_EVENT_TYPES.join(', ')}): an alert about an alert would feed itself`,
    );
    return out.join('\n');
  }
  if (plan.matched.length === 0) out.push('no rule matches this event: nothing is sent');
  for (const route of plan.matched) {
    const { rule } = route;
    out.push(
      `rule ${rule.name} matches (${rule.severity}, ${route.condition ? 'condition: fires, and resolves later' : 'one-shot'}, throttle ${formatDuration(rule.throttle)}${rule.continue ? ', continue' : ''})`,
    );
    out.push(`  dedup key  ${route.dedupKey}`);
    const stored = !route.stored
      ? 'nothing stored for this key'
      : route.stored.state === 'resolved'
        ? `stored: fired ${localTime(route.stored.firedAt)}, resolved ${route.stored.resolvedAt === null ? '' : localTime(route.stored.resolvedAt)}`
        : `stored: ${route.stored.state} ${route.stored.state === 'firing' ? 'since' : 'at'} ${localTime(route.stored.firedAt)}`;
    const verdict =
      route.verdict.kind === 'fire'
        ? `fires (${stored})`
        : `${route.verdict.kind === 'collapse' ? 'collapses' : 'reopens'}: ${route.verdict.why} (${stored}); no message is sent`;
    out.push(`  state      ${verdict}`);
    out.push(`  channels${route.verdict.kind === 'fire' ? '' : ' (had it fired)'}:`);
    out.push(...channelLines(route.channels, window));
  }
  if (plan.notTried.length > 0) {
    const last = plan.matched.at(-1)?.rule.name ?? '';
    out.push(`first match wins (${last} has no continue): not tried ${plan.notTried.join(', ')}`);
  }
  if (plan.resolves) {
    out.push('');
    const what = `${plan.resolves.types.join(' and ')} of ${plan.resolves.subject}`;
    if (plan.resolves.alerts.length === 0) {
      out.push(`resolves ${what}: none is firing`);
    }
    for (const alert of plan.resolves.alerts) {
      out.push(
        `resolves ${alert.rule} ${alert.dedupKey} (${alert.type}, firing since ${localTime(alert.firedAt)})`,
      );
      if ('none' in alert.notice) out.push(`  no resolved notice: ${alert.notice.none}`);
      else {
        out.push('  resolved notice:');
        out.push(...channelLines(alert.notice.channels, window));
      }
    }
  }
  return out.join('\n');
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function channelJson(routes: RouteChannel[]) {
  return routes.map((route) => {
    const verdict = route.verdict;
    return {
      channel: route.channel,
      verdict: verdict.kind,
      ...('why' in verdict ? { why: verdict.why } : {}),
      ...('minSeverity' in verdict ? { min_severity: verdict.minSeverity } : {}),
      ...('until' in verdict ? { until: iso(verdict.until) } : {}),
      text: routeText(route),
    };
  });
}

function planJson(
  plan: RoutePlan,
  event: EventFields,
  config: AlertConfig,
  state: { file: string | null; note: string },
) {
  return {
    event,
    state,
    alert_event: plan.alertEvent,
    group_window_ms: config.defaults.group_window,
    rules: plan.matched.map((route) => ({
      rule: route.rule.name,
      severity: route.rule.severity,
      kind: route.condition ? 'condition' : 'one-shot',
      continue: route.rule.continue,
      dedup_key: route.dedupKey,
      stored: route.stored && {
        state: route.stored.state,
        fired_at: iso(route.stored.firedAt),
        resolved_at: iso(route.stored.resolvedAt),
      },
      state_machine: route.verdict,
      channels: channelJson(route.channels),
    })),
    not_tried: plan.notTried,
    resolves: plan.resolves && {
      subject: plan.resolves.subject,
      types: plan.resolves.types,
      alerts: plan.resolves.alerts.map((alert) => ({
        rule: alert.rule,
        dedup_key: alert.dedupKey,
        type: alert.type,
        fired_at: iso(alert.firedAt),
        ...('none' in alert.notice
          ? { notice: null, why: alert.notice.none }
          : { notice: channelJson(alert.notice.channels) }),
      })),
    },
  };
}

/** The data dir whose state.db informs the plan, if the user named one. */
function dataDirOf(options: RouteOptions): { dataDir: string; source: string | null } | null {
  if (options.db) {
    const paths = resolveSourcePaths(options);
    return { dataDir: paths.dataDir, source: paths.sourceName };
  }
  return options.dataDir ? { dataDir: path.resolve(options.dataDir), source: null } : null;
}

/**
 * `runwatch route --event JSON`: a dry run of the alert rules, like Alertmanager's
 * `amtool config routes test`. Reads state.db (read-only) when there is one, so throttling,
 * reopening, open group windows, stored silences and resolves show as `watch` would apply them.
 */
export function routeCommand(options: RouteOptions): number {
  const event: Record<string, unknown> = parseEvent(options.event);
  const { config, settings } = loadSettings(options);
  const { alerts } = activeAlerts(config);
  const where = dataDirOf(options);
  if (where?.source && event.source === undefined) event.source = where.source;
  const store =
    where && StateStore.exists(where.dataDir) ? StateStore.open(where.dataDir, 'readonly') : null;
  const now = Date.now();
  try {
    const state = store
      ? {
          alert: (rule: string, key: string) => store.alerts.rows.getAlert(rule, key),
          windowUntil: (channel: string) => store.alerts.channels.windowUntil(channel),
          silences: compileStoredSilences(store.alerts.silences.storedSilences(now)),
          conditionsOf: (subject: string) => store.alerts.rows.conditionsOf(subject),
          conditionCount: (rule: string, key: string) =>
            store.alerts.rows.conditionCount(rule, key),
        }
      : EMPTY_STATE;
    const stateInfo = store
      ? { file: store.file, note: `state: ${store.file} (read-only)` }
      : {
          file: null,
          note: where
            ? `state: none (no ${path.join(where.dataDir, STATE_DB)}): assuming nothing has fired yet`
            : 'state: none given (--db or --data-dir): assuming nothing has fired yet',
        };
    const plan = planRoute(
      event,
      alerts,
      state,
      now,
      (pipeline) => settings.thresholds(pipeline).stallAfter,
    );
    const text = options.json
      ? JSON.stringify(planJson(plan, event, alerts, stateInfo), null, 2)
      : renderPlan(plan, event, alerts, stateInfo.note);
    process.stdout.write(`${makeRedactor(alerts.secrets)(text)}\n`);
    return EXIT_OK;
  } finally {
    store?.close();
  }
}
