import type { AlertConfig, ChannelEntry } from './alert-config.ts';
import type { ChannelSender } from './channels/channel.ts';
import { createChannelSender, type ChannelDeps } from './channels/channel-factory.ts';

/**
 * Makes a sender for every channel that can deliver here, and marks the rest inactive with the
 * reason (a desktop with no notification service): startup, `status` and `route` then say so.
 */
export function activateChannels(
  config: AlertConfig,
  deps: ChannelDeps,
): { config: AlertConfig; senders: Map<string, ChannelSender> } {
  const senders = new Map<string, ChannelSender>();
  const channels = new Map<string, ChannelEntry>();
  for (const [name, entry] of config.channels) {
    if (entry.inactive !== null) {
      channels.set(name, entry);
      continue;
    }
    const setup = createChannelSender(entry.config, deps);
    if ('inactive' in setup) {
      channels.set(name, { ...entry, inactive: setup.inactive });
    } else {
      channels.set(name, entry);
      senders.set(name, setup.sender);
    }
  }
  return { config: { ...config, channels }, senders };
}
