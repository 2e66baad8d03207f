import type { AlertsView, SourceView } from '../../../shared/api.ts';
import { inactiveChannels, rulesWithoutActiveChannel } from '../alerts/alert-config.ts';
import type { SourceSession } from '../session/source-session.ts';
import { shownLocation } from '../source/pg/pg-location.ts';
import { toIso } from '../time/timestamp.ts';

/** One watched source as the API serves it. */
export interface ApiSource {
  readonly name: string;
  readonly db: string;
  /** Runs the built-in demo pipeline. */
  readonly demo: boolean;
  readonly session: SourceSession;
}

export function sourceView(source: ApiSource): SourceView {
  const { session } = source;
  const down = session.store.getMeta<{ since: number; reason?: string }>('source_down');
  const state = session.monitor.healthy ? 'up' : down ? 'down' : 'starting';
  return {
    name: source.name,
    db: shownLocation(source.db),
    state,
    error: state === 'down' ? (down?.reason ?? 'the database cannot be read') : null,
    down_since: state === 'down' && down ? toIso(down.since) : null,
    demo: source.demo,
    schema: session.monitor.schema,
  };
}

export function alertsView(source: ApiSource): AlertsView {
  const { store, alerts, reach } = source.session;
  const config = alerts.config;
  const counts = reach.counts();
  return {
    firing: store.alerts.rows.firingCount(),
    pending_deliveries: store.alerts.outbox.pendingCount(),
    failing: store.alerts.channels.failingChannels().map((row) => ({
      channel: row.channel,
      since: toIso(row.since),
      error: row.error,
    })),
    inactive_channels: inactiveChannels(config),
    rules_without_channel: rulesWithoutActiveChannel(config).map((rule) => rule.name),
    reach: {
      since: toIso(counts.since),
      fired: counts.fired,
      delivered: counts.delivered,
      channel_active: [...config.channels.values()].some((channel) => channel.inactive === null),
    },
  };
}
