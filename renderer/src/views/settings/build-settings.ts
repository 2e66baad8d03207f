/**
 * The form back as settings (`buildSettings`, for `saveSettings`) and a channel alone (for
 * `testChannel`), with the problems found on the way: text that is not a duration, a number, a
 * name. Kept secrets go as `SECRET_KEPT`.
 */
import { SECRET_KEPT } from '../../../../shared/api.ts';
import { headerNameProblem } from '../../../../shared/http-header.ts';
import { fieldKey, type FieldKey } from './field-keys.ts';
import { listItems, readDuration, readNumber, type Read } from './form-values.ts';
import {
  ARCHIVE_NUMBERS,
  isServerUrl,
  MONITOR_KEYS,
  rootLines,
  type ChannelForm,
  type SecretField,
  type SettingsForm,
  type SourceRow,
} from './settings-form.ts';

/** A row's schema as settings.json keeps it; absent when recognised. */
export function rowSchema(row: SourceRow): { schema?: string } {
  if (row.schemaKind === '') return {};
  return { schema: row.schemaKind === 'file' ? row.schemaFile.trim() : row.schemaKind };
}

/** Problems found while reading the form's text, by field. */
export type FieldErrors = Map<FieldKey, string>;

type Json = Record<string, unknown>;

/** Reads one field into `target[name]`, or records why it cannot be read. */
function put<T>(target: Json, name: string, read: Read<T>, key: FieldKey, errors: FieldErrors) {
  if (!read.ok) errors.set(key, read.message);
  else if (read.value !== undefined) target[name] = read.value;
}

/** What a secret field sends: the stored value's stand-in, or what was typed. */
function secretValue(field: SecretField): string {
  return field.kept ? SECRET_KEPT : field.value;
}

/**
 * A server source's password as saved: kept, typed, or none. A kept one stays with the name the
 * source was saved under.
 */
function sourcePassword(source: SourceRow, errors: FieldErrors): { password?: string } {
  const password = source.password;
  if (!isServerUrl(source.db) || (!password.kept && password.value === '')) return {};
  if (password.kept && source.savedName !== source.name) {
    errors.set(
      fieldKey.source(source.id, 'password'),
      `the saved password stays with the name “${source.savedName}”: enter it again, or change the name back`,
    );
  }
  return { password: secretValue(password) };
}

/** Whether a kept secret can still be kept: stored secrets stay with the name they were saved under. */
export function keptSecretProblem(channel: ChannelForm): string | null {
  if (channel.savedName === null) return null;
  if (channel.name !== channel.savedName) {
    return `the saved value stays with the name “${channel.savedName}”: enter it again, or change the name back`;
  }
  if (channel.type !== channel.savedType) return 'enter it again for the new type';
  return null;
}

/** One channel as `saveSettings` and `testChannel` take it, and what could not be read. */
export function buildChannel(channel: ChannelForm, errors: FieldErrors = new Map()): Json {
  const key = (field: string) => fieldKey.channel(channel.id, field);
  const out: Json = { type: channel.type, min_severity: channel.min_severity };
  put(out, 'rate_limit', readNumber(channel.rate_limit), key('rate_limit'), errors);
  switch (channel.type) {
    case 'slack':
      out.webhook_url = secretValue(channel.webhook_url);
      break;
    case 'webhook': {
      out.url = secretValue(channel.url);
      out.secret = secretValue(channel.secret);
      const headers: Json = {};
      const seen = new Set<string>();
      for (const header of channel.headers) {
        const name = header.name.trim();
        const nameKey = fieldKey.header(channel.id, header.id, 'name');
        const problem = headerNameProblem(name);
        if (problem) {
          errors.set(nameKey, problem);
          continue;
        }
        if (seen.has(name.toLowerCase())) {
          errors.set(nameKey, 'another header has this name');
          continue;
        }
        seen.add(name.toLowerCase());
        Object.defineProperty(headers, name, {
          value: secretValue(header.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      out.headers = headers;
      break;
    }
    case 'email':
      out.host = channel.host.trim();
      put(out, 'port', readNumber(channel.port), key('port'), errors);
      out.user = channel.user;
      out.password = secretValue(channel.password);
      out.from = channel.from.trim();
      out.to = listItems(channel.to);
      break;
  }
  return out;
}

/** A secret the form would send as kept: its field, what to call it, and where it is in the channel. */
export interface KeptSecret {
  key: FieldKey;
  label: string;
  /** Its place in the channel as `buildChannel` writes it: `['url']`, `['headers', 'Authorization']`. */
  path: readonly string[];
  headerId?: string;
}

/** Every secret of a channel the form would send as kept. */
export function keptSecrets(channel: ChannelForm): KeptSecret[] {
  const kept: KeptSecret[] = [];
  const add = (field: string, label: string, secret: SecretField) => {
    if (secret.kept) kept.push({ key: fieldKey.channel(channel.id, field), label, path: [field] });
  };
  switch (channel.type) {
    case 'slack':
      add('webhook_url', 'the webhook URL', channel.webhook_url);
      break;
    case 'webhook':
      add('url', 'the URL', channel.url);
      add('secret', 'the signing secret', channel.secret);
      for (const header of channel.headers) {
        if (header.value.kept) {
          kept.push({
            key: fieldKey.header(channel.id, header.id, 'value'),
            label: `the ${header.name || 'header'} header`,
            path: ['headers', header.name.trim()],
            headerId: header.id,
          });
        }
      }
      break;
    case 'email':
      add('password', 'the password', channel.password);
      break;
  }
  return kept;
}

export interface Built {
  /** What `saveSettings` is sent: kept secrets as `SECRET_KEPT`. */
  value: Json;
  /** Fields whose text could not be read; the schema has not judged anything yet. */
  errors: FieldErrors;
}

/**
 * The form as settings, for `saveSettings`. What the form hides (start at login in `serve`) goes
 * back as it was loaded.
 */
export function buildSettings(form: SettingsForm): Built {
  const errors: FieldErrors = new Map();

  const monitor: Json = {};
  for (const key of MONITOR_KEYS) {
    put(monitor, key, readDuration(form.monitor[key]), fieldKey.monitor(key), errors);
  }
  monitor.pipelines = form.overrides.map((row) => {
    const override: Json = { pattern: row.pattern.trim() };
    for (const field of ['stall_after', 'max_duration'] as const) {
      put(override, field, readDuration(row[field]), fieldKey.override(row.id, field), errors);
    }
    return override;
  });

  const archive: Json = { enabled: form.archive.enabled };
  const roots = rootLines(form.archive.artifact_roots);
  if (roots.length > 0) archive.artifact_roots = roots;
  for (const field of ARCHIVE_NUMBERS) {
    put(archive, field, readNumber(form.archive[field]), fieldKey.archive(field), errors);
  }

  const quiet = form.quiet;
  const channelsList = listItems(quiet.channels);
  const quietHours = quiet.enabled
    ? {
        from: quiet.from.trim(),
        to: quiet.to.trim(),
        ...(channelsList.length > 0 ? { channels: channelsList } : {}),
        ...(quiet.except !== '' ? { except: quiet.except } : {}),
      }
    : null;

  const channels: Json = {};
  const names = new Map<string, string>();
  for (const channel of form.channels) {
    const name = channel.name.trim();
    const nameKey = fieldKey.channel(channel.id, 'name');
    const built = buildChannel(channel, errors);
    if (name === '') {
      errors.set(nameKey, 'a channel needs a name');
      continue;
    }
    if (names.has(name)) {
      errors.set(nameKey, 'another channel has this name');
      continue;
    }
    names.set(name, channel.id);
    Object.defineProperty(channels, name, {
      value: built,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }

  const alertsConfig = form.alerts_config.trim();
  return {
    value: {
      sources: form.sources.map((source) => ({
        name: source.name,
        db: source.db.trim(),
        ...rowSchema(source),
        ...sourcePassword(source, errors),
      })),
      monitor,
      archive,
      alerts_config: alertsConfig === '' ? null : alertsConfig,
      quiet_hours: quietHours,
      start_at_login: form.start_at_login,
      channels,
    },
    errors,
  };
}
