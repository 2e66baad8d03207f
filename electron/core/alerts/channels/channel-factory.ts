import type { ConnectionOptions } from 'node:tls';
import type { ChannelConfig } from '../channel-config.ts';
import type { ChannelSender } from './channel.ts';
import { desktopChannel, type DesktopNotifier } from './desktop-channel.ts';
import { emailChannel } from './email-channel.ts';
import { slackChannel } from './slack-channel.ts';
import { webhookChannel } from './webhook-channel.ts';

export interface ChannelDeps {
  desktop: DesktopNotifier;
  /** Extra TLS options for SMTP, e.g. `{ ca }` for a private certificate authority. */
  tls?: ConnectionOptions;
}

/** A sender, or why the channel cannot deliver here (listed at startup, not an error). */
export type ChannelSetup = { sender: ChannelSender } | { inactive: string };

export function createChannelSender(config: ChannelConfig, deps: ChannelDeps): ChannelSetup {
  switch (config.type) {
    case 'desktop':
      return deps.desktop.unavailable === null
        ? { sender: desktopChannel(deps.desktop) }
        : { inactive: deps.desktop.unavailable };
    case 'slack':
      return { sender: slackChannel(config) };
    case 'email':
      return { sender: emailChannel(config, deps.tls ? { tls: deps.tls } : {}) };
    case 'webhook':
      return { sender: webhookChannel(config) };
  }
}
