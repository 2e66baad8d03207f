/** Alerts that reach nobody, in words: a source none of whose channels can send. */
import type { AlertsView } from '../../../shared/api.ts';

export interface UnheardSource {
  source: string;
  fired: number;
  delivered: number;
  /** When counting began. */
  since: string;
  /** Its channels, each with why it cannot send; none when no channel is set up at all. */
  inactive: { channel: string; why: string }[];
}

/** The sources whose alerts reach nobody, by name. */
export function unheardSources(alerts: Readonly<Record<string, AlertsView>>): UnheardSource[] {
  return Object.entries(alerts)
    .filter(([, view]) => !view.reach.channel_active)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([source, view]) => ({
      source,
      fired: view.reach.fired,
      delivered: view.reach.delivered,
      since: view.reach.since,
      inactive: view.inactive_channels.map(({ channel, why }) => ({ channel, why })),
    }));
}

/** `5 alerts fired, 0 delivered: no active channel`. */
export function unheardHeadline(entry: UnheardSource): string {
  const alerts = `${entry.fired.toLocaleString()} alert${entry.fired === 1 ? '' : 's'}`;
  return `${alerts} fired, ${entry.delivered.toLocaleString()} delivered: no active channel`;
}

/** Why none can send: `desktop: no notification service; slack: SLACK_WEBHOOK_URL is not set`. */
export function unheardWhy(entry: UnheardSource): string {
  if (entry.inactive.length === 0) return 'no channel is set up';
  return entry.inactive.map(({ channel, why }) => `${channel}: ${why}`).join('; ');
}
