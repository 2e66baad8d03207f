import type { AlertConfig } from '../alerts/alert-config.ts';
import { activateChannels } from '../alerts/channel-senders.ts';
import type { ChannelSender } from '../alerts/channels/channel.ts';
import { nodeNotifier } from '../alerts/channels/desktop-channel.ts';
import type { RunwatchConfig } from '../alerts/config-file.ts';

/**
 * The alert config as it stands on this machine, as `watch` would run it: a desktop channel
 * without a notification service is inactive, with why.
 */
export function activeAlerts(config: RunwatchConfig): {
  alerts: AlertConfig;
  senders: Map<string, ChannelSender>;
} {
  const { config: alerts, senders } = activateChannels(config.alerts, { desktop: nodeNotifier() });
  return { alerts, senders };
}
