/**
 * The settings as the form edits them: every field as the text in its input, rows with ids that
 * stay put while names and order change, and secrets either kept (the stored value the window
 * never sees) or entered anew. build-settings.ts turns the form back into what `saveSettings`
 * takes.
 */
import { SECRET_KEPT } from '../../../../shared/api.ts';
import { BUILTIN_SCHEMAS, type BuiltinSchema } from '../../../../shared/builtin-schemas.ts';
import type { Settings } from '../../../../shared/settings.ts';
import type { Severity } from '../../../../shared/severity.ts';
import { rowId } from './form-rows.ts';
import { numberText, optionalDurationText } from './form-values.ts';

export type ChannelType = 'slack' | 'webhook' | 'email';

export const CHANNEL_TYPES: readonly ChannelType[] = ['slack', 'webhook', 'email'];

/** A secret: the stored one kept (`kept`), or `value` as typed. */
export interface SecretField {
  kept: boolean;
  value: string;
  /** One is stored: the user may go back to keeping it. */
  stored: boolean;
}

/** How a source is read: recognised from its tables, a built-in schema, or a mapping file. */
export type SchemaKind = '' | BuiltinSchema | 'file';

export interface SourceRow {
  id: string;
  name: string;
  db: string;
  schemaKind: SchemaKind;
  /** The mapping file's path, when `schemaKind` is `file`. */
  schemaFile: string;
  /** A PostgreSQL URL's password: stored ones stay with the source's saved name. */
  password: SecretField;
  /** As it was loaded: its name is a folder of history. */
  savedName: string | null;
}

/** Whether a source's database is a server's URL (then it may have a password). */
export function isServerUrl(db: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(db.trim());
}

function schemaKindOf(schema: string | undefined): SchemaKind {
  if (schema === undefined) return '';
  return (BUILTIN_SCHEMAS as readonly string[]).includes(schema) ? (schema as SchemaKind) : 'file';
}

export interface OverrideRow {
  id: string;
  pattern: string;
  stall_after: string;
  max_duration: string;
}

export interface HeaderRow {
  id: string;
  name: string;
  value: SecretField;
  /** The name its stored value is kept under, or null for a new header. */
  savedName: string | null;
}

export interface ChannelForm {
  id: string;
  /** The name and type it was loaded with: stored secrets are kept under them. Null when new. */
  savedName: string | null;
  savedType: ChannelType | null;
  name: string;
  type: ChannelType;
  min_severity: Severity;
  rate_limit: string;
  /** slack */
  webhook_url: SecretField;
  /** webhook */
  url: SecretField;
  secret: SecretField;
  headers: HeaderRow[];
  /** email */
  host: string;
  port: string;
  user: string;
  password: SecretField;
  from: string;
  to: string;
}

/** The monitor settings the form edits, in the order it shows them. */
export const MONITOR_KEYS = [
  'stall_after',
  'source_grace',
  'stale_after',
  'max_alert_age',
  'settle',
  'poll',
  'keep_history',
] as const;
export type MonitorKey = (typeof MONITOR_KEYS)[number];

export interface QuietForm {
  enabled: boolean;
  from: string;
  to: string;
  /** Channel names, comma-separated; empty: every channel. */
  channels: string;
  except: Severity | '';
}

export interface ArchiveForm {
  enabled: boolean;
  keep_days: string;
  max_gb: string;
  /** One folder per line. */
  artifact_roots: string;
  max_files_per_run: string;
  max_gb_per_run: string;
}

/** The archive fields typed as numbers. */
export const ARCHIVE_NUMBERS = [
  'keep_days',
  'max_gb',
  'max_files_per_run',
  'max_gb_per_run',
] as const;

/** The folders of the artifact roots field, one per line, blank lines left out. */
export function rootLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

export interface SettingsForm {
  sources: SourceRow[];
  monitor: Record<MonitorKey, string>;
  overrides: OverrideRow[];
  archive: ArchiveForm;
  alerts_config: string;
  quiet: QuietForm;
  start_at_login: boolean;
  channels: ChannelForm[];
}

export const NO_SECRET: SecretField = { kept: false, value: '', stored: false };

function secretField(value: string | undefined): SecretField {
  return value === SECRET_KEPT
    ? { kept: true, value: '', stored: true }
    : { ...NO_SECRET, value: value ?? '' };
}

/** A new channel card of `type`, named `name`. */
export function newChannel(type: ChannelType, name: string): ChannelForm {
  return {
    id: rowId('ch'),
    savedName: null,
    savedType: null,
    name,
    type,
    min_severity: 'info',
    rate_limit: '',
    webhook_url: NO_SECRET,
    url: NO_SECRET,
    secret: NO_SECRET,
    headers: [],
    host: '',
    port: '',
    user: '',
    password: NO_SECRET,
    from: '',
    to: '',
  };
}

function channelForm(name: string, channel: Settings['channels'][string]): ChannelForm {
  const form: ChannelForm = {
    ...newChannel(channel.type, name),
    savedName: name,
    savedType: channel.type,
    min_severity: channel.min_severity,
    rate_limit: channel.rate_limit === 20 ? '' : String(channel.rate_limit),
  };
  switch (channel.type) {
    case 'slack':
      return { ...form, webhook_url: secretField(channel.webhook_url) };
    case 'webhook':
      return {
        ...form,
        url: secretField(channel.url),
        secret: secretField(channel.secret),
        headers: Object.entries(channel.headers).map(([header, value]) => ({
          id: rowId('hd'),
          name: header,
          value: secretField(value),
          savedName: header,
        })),
      };
    case 'email':
      return {
        ...form,
        host: channel.host,
        port: channel.port === 587 ? '' : String(channel.port),
        user: channel.user,
        password: secretField(channel.password),
        from: channel.from,
        to: channel.to.join(', '),
      };
  }
}

/** "7:00" as a time input holds it: "07:00". */
export function clockText(time: string): string {
  return /^\d:/.test(time) ? `0${time}` : time;
}

/** Settings as `getSettings` gives them (secrets masked), as the form shows them. */
export function toForm(settings: Settings): SettingsForm {
  const monitor = Object.fromEntries(
    MONITOR_KEYS.map((key) => [key, optionalDurationText(settings.monitor[key])]),
  ) as Record<MonitorKey, string>;
  return {
    sources: settings.sources.map((source) => {
      const schemaKind = schemaKindOf(source.schema);
      return {
        id: rowId('src'),
        name: source.name,
        db: source.db,
        schemaKind,
        schemaFile: schemaKind === 'file' ? (source.schema ?? '') : '',
        password: secretField(source.password),
        savedName: source.name,
      };
    }),
    monitor,
    overrides: settings.monitor.pipelines.map((override) => ({
      id: rowId('ov'),
      pattern: override.pattern,
      stall_after: optionalDurationText(override.stall_after),
      max_duration: optionalDurationText(override.max_duration),
    })),
    archive: {
      enabled: settings.archive.enabled,
      keep_days: numberText(settings.archive.keep_days),
      max_gb: numberText(settings.archive.max_gb),
      artifact_roots: (settings.archive.artifact_roots ?? []).join('\n'),
      max_files_per_run: numberText(settings.archive.max_files_per_run),
      max_gb_per_run: numberText(settings.archive.max_gb_per_run),
    },
    alerts_config: settings.alerts_config ?? '',
    quiet: settings.quiet_hours
      ? {
          enabled: true,
          from: clockText(settings.quiet_hours.from),
          to: clockText(settings.quiet_hours.to),
          channels: (settings.quiet_hours.channels ?? []).join(', '),
          except: settings.quiet_hours.except ?? '',
        }
      : { enabled: false, from: '22:00', to: '07:00', channels: '', except: 'critical' },
    start_at_login: settings.start_at_login,
    channels: Object.entries(settings.channels).map(([name, channel]) =>
      channelForm(name, channel),
    ),
  };
}

/** A form with nothing loaded: the given sources and every default (settings.json unreadable). */
export function freshForm(sources: { name: string; db: string }[]): SettingsForm {
  return toForm({
    sources,
    monitor: { pipelines: [] },
    archive: { enabled: true },
    alerts_config: null,
    quiet_hours: null,
    start_at_login: false,
    channels: {},
  });
}

/** A name not yet taken by a channel: `base`, else `base-2`, `base-3`… */
export function freeChannelName(form: SettingsForm, base: string): string {
  const taken = new Set(form.channels.map((channel) => channel.name.trim()));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/**
 * A channel's type guessed from its name in alerts.yaml, for setting it up here; null when the
 * name does not tell (a desktop channel cannot be set here at all).
 */
export function guessChannelType(name: string): ChannelType | null {
  if (/slack/i.test(name)) return 'slack';
  if (/mail|smtp/i.test(name)) return 'email';
  if (/hook|http/i.test(name)) return 'webhook';
  return null;
}
