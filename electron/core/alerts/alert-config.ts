import type { Severity } from '../../../shared/severity.ts';
import type {
  AlertDefaults,
  HeartbeatInput,
  QuietHoursInput,
  RuleInput,
  SilenceInput,
} from './alert-config-schema.ts';
import type { ChannelConfig, ChannelType } from './channel-config.ts';
import { compileMatch, exactStrings, type MatchSpec } from './event-matcher.ts';

export type EventFields = Readonly<Record<string, unknown>>;

export interface ChannelEntry {
  name: string;
  type: ChannelType;
  config: ChannelConfig;
  /** Why the channel sends nothing (an unset variable, no notification service), or null. */
  inactive: string | null;
  origin: 'file' | 'settings';
}

export interface Rule {
  name: string;
  match: MatchSpec;
  matches: (event: EventFields) => boolean;
  /** The event types its `type` matcher names exactly; null when it is not that simple. */
  types: ReadonlySet<string> | null;
  severity: Severity;
  channels: string[];
  continue: boolean;
  throttle: number;
  dedupKey: string;
  repeatEvery: number | null;
  sendResolved: boolean;
}

/** Minutes after local midnight; `from > to` spans midnight. */
export interface QuietHours {
  from: number;
  to: number;
  /** Null: every channel. */
  channels: string[] | null;
  /** This severity and above are never held. */
  except: Severity | null;
}

export interface Silence {
  match: MatchSpec;
  matches: (event: EventFields) => boolean;
  until: number;
  comment: string | null;
}

export interface Heartbeat {
  url: string;
  every: number;
  inactive: string | null;
}

export interface AlertConfig {
  channels: Map<string, ChannelEntry>;
  rules: Rule[];
  defaults: AlertDefaults;
  quietHours: QuietHours | null;
  silences: Silence[];
  heartbeat: Heartbeat | null;
  /** Values that must never appear in logs, errors or history. */
  secrets: string[];
}

/** What the settings window layers over the file: same-named channels replace the file's. */
export interface AlertLayer {
  channels?: Record<string, ChannelConfig>;
  quietHours?: QuietHours | null;
}

export function compileRule(input: RuleInput, defaults: AlertDefaults): Rule {
  return {
    name: input.name,
    match: input.match,
    matches: compileMatch(input.match),
    types: exactStrings(input.match.type),
    severity: input.severity,
    channels: input.channels,
    continue: input.continue,
    throttle: input.throttle ?? defaults.throttle,
    dedupKey: input.dedup_key ?? defaults.dedup_key,
    repeatEvery: input.repeat_every ?? null,
    sendResolved: input.send_resolved ?? defaults.send_resolved,
  };
}

export function compileSilence(input: SilenceInput): Silence {
  return {
    match: input.match,
    matches: compileMatch(input.match),
    until: input.until,
    comment: input.comment ?? null,
  };
}

export function compileQuietHours(input: QuietHoursInput): QuietHours {
  return {
    from: input.from,
    to: input.to,
    channels: input.channels ?? null,
    except: input.except ?? null,
  };
}

export function compileHeartbeat(input: HeartbeatInput, unset: string[]): Heartbeat {
  return {
    url: input.url,
    every: input.every,
    inactive: unset.length
      ? `${unset.join(', ')} ${unset.length > 1 ? 'are' : 'is'} not set`
      : null,
  };
}

function urlSecrets(value: string): string[] {
  try {
    const url = new URL(value);
    const rest = url.pathname + url.search;
    return [value, ...(rest.length > 1 ? [rest] : []), ...(url.password ? [url.password] : [])];
  } catch {
    return [value];
  }
}

/** A header value and its token: `Bearer abc…` may come back from a receiver as just `abc…`. */
function headerSecrets(value: string): string[] {
  const token = value.trim().split(/\s+/).at(-1) ?? '';
  return token.length >= 8 && token !== value ? [value, token] : [value];
}

/** Every value of a channel that grants access: URLs with their paths, passwords, secrets. */
export function channelSecrets(config: ChannelConfig): string[] {
  switch (config.type) {
    case 'desktop':
      return [];
    case 'slack':
      return urlSecrets(config.webhook_url);
    case 'email':
      return config.password ? [config.password] : [];
    case 'webhook':
      return [
        ...urlSecrets(config.url),
        ...(config.secret ? [config.secret] : []),
        ...Object.values(config.headers).flatMap(headerSecrets),
      ];
  }
}

/** Each config's rules by name, made on first use: a config may hold a great many rules. */
const rulesByName = new WeakMap<AlertConfig, Map<string, Rule>>();

/** The rule of that name, if the config (perhaps reloaded since) still has it. */
export function findRule(config: AlertConfig, name: string): Rule | undefined {
  let byName = rulesByName.get(config);
  if (!byName) {
    byName = new Map();
    // Names are unique in a valid config; the first wins anyway, as a search would find it.
    for (const rule of config.rules) if (!byName.has(rule.name)) byName.set(rule.name, rule);
    rulesByName.set(config, byName);
  }
  return byName.get(name);
}

/** Names as a line: all of them up to `max`, else the first few and how many more. */
export function someNames(names: readonly string[], max = 10): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** Channels that cannot send, why, and the rules that use them. */
export function inactiveChannels(
  config: AlertConfig,
): { channel: string; why: string; rules: string[] }[] {
  return [...config.channels.values()].flatMap((channel) =>
    channel.inactive === null
      ? []
      : [
          {
            channel: channel.name,
            why: channel.inactive,
            rules: config.rules
              .filter((rule) => rule.channels.includes(channel.name))
              .map((rule) => rule.name),
          },
        ],
  );
}

/** Rules none of whose channels can send: they would alert nobody. */
export function rulesWithoutActiveChannel(config: AlertConfig): Rule[] {
  return config.rules.filter((rule) =>
    rule.channels.every((name) => {
      const channel = config.channels.get(name);
      return !channel || channel.inactive !== null;
    }),
  );
}
