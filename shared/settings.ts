/**
 * The app's settings as the settings window edits them and `settings.json` stores them: the
 * sources watched, monitoring thresholds, archiving, and the channels and quiet hours layered over
 * alerts.yaml (ARCHITECTURE.md §2, §6, §7). Durations are milliseconds. The window checks a value with
 * the same schema as the store, so what one accepts the other does.
 */
import { z } from 'zod';
import { BUILTIN_SCHEMAS } from './builtin-schemas.ts';
import { httpUrl } from './http-url.ts';
import { formatDuration } from './duration.ts';
import { globProblem } from './pipeline-glob.ts';
import { headerNameProblem, headerValueProblem, repeatedHeaderNames } from './http-header.ts';
import { SEVERITIES } from './severity.ts';

const SECOND = 1_000;

/** How a value of the wrong kind is described, by what was expected. */
const KINDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

/** A value in a message. Text is never echoed: it may be a URL or password in the wrong field. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** An object that names its known keys when it meets one it does not know. */
function strictObject<T extends z.core.$ZodShape>(shape: T) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.map((key) => JSON.stringify(key)).join(', ')} (known keys: ${known})`
        : undefined,
  });
}

/** A refinement from a check that says what is wrong, or null. */
function problemOf(check: (value: string) => string | null) {
  return (value: string, ctx: z.RefinementCtx) => {
    const problem = check(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  };
}

/** A whole number from `min` to `max`, with one message for whatever else it is given. */
function wholeNumber(message: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  const error = { error: message };
  return z.number(error).int(error).min(min, error).max(max, error);
}

/** A duration in milliseconds, a whole number of at least `min`. */
function milliseconds(min: number) {
  return wholeNumber(
    min === 0
      ? 'expected a duration in milliseconds, a whole number of 0 or more'
      : `expected a duration in milliseconds, a whole number of at least ${min} (${formatDuration(min)})`,
    min,
  );
}

/** Settings outlive the folder the app was started from, so every path is absolute. */
/** Absolute on some OS: `/srv/x`, `C:\x` or `C:/x`, `\\server\x`. */
const ABSOLUTE_PATH = /^(\/|[A-Za-z]:[\\/]|\\\\)/;

const absolutePath = z.string().refine((value) => ABSOLUTE_PATH.test(value), {
  error: 'expected an absolute path',
});

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;

/**
 * A source's database: an SQLite file's absolute path, or a PostgreSQL URL. Such a URL holds no
 * password here, since settings.json keeps sources in clear: libpq's `~/.pgpass` (or
 * `PGPASSWORD`) gives it, as it does to `psql`.
 */
const sourceLocation = z.string().superRefine((value, ctx) => {
  if (!POSTGRES_URL.test(value)) {
    if (!ABSOLUTE_PATH.test(value))
      ctx.addIssue({ code: 'custom', message: 'expected an absolute path' });
    return;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: 'not a PostgreSQL URL (postgresql://user@host:5432/db)',
    });
    return;
  }
  if (url.password !== '' || /[?&](?:ssl)?password=/i.test(url.search)) {
    ctx.addIssue({
      code: 'custom',
      message:
        'a PostgreSQL URL here holds no password: give it in the password field (kept sealed with the other secrets) or in ~/.pgpass',
    });
  }
});

/** Names Windows keeps for devices, with or without an extension. */
const DEVICE_NAME = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;
/** Characters Windows forbids in a folder name (besides the separators). */
const FORBIDDEN = '<>:"|?*';
const NAME_MAX = 64;

/** Why a source name cannot be its folder `<userData>/sources/<name>/` on every OS, or null. */
function sourceNameProblem(name: string): string | null {
  if (name === '') return 'a source needs a name';
  if (name === '.' || name === '..') return `${JSON.stringify(name)} cannot name a folder`;
  if (name.includes('/') || name.includes('\\')) return 'a name cannot contain / or \\';
  const bad = [...name].find((ch) => ch < ' ' || FORBIDDEN.includes(ch));
  if (bad !== undefined) return `a name cannot contain ${JSON.stringify(bad)}`;
  if (name.trim() !== name) return 'a name cannot start or end with a space';
  if (name.endsWith('.')) return 'a name cannot end with a dot (Windows drops it)';
  if (DEVICE_NAME.test(name)) return `${JSON.stringify(name)} is a device name on Windows`;
  if (name.length > NAME_MAX) return `a name has at most ${NAME_MAX} characters`;
  return null;
}

const sourceSchema = strictObject({
  name: z.string().superRefine((name, ctx) => {
    const problem = sourceNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  /** The orchestrator's SQLite file, or its PostgreSQL database's URL; read-only. */
  db: sourceLocation,
  /** A PostgreSQL URL's password: a secret, sealed in settings.json like a channel's. */
  password: z.string().optional(),
  /** How to read it: a built-in profile or a mapping file; absent, recognised from its tables. */
  schema: z
    .string()
    .refine(
      (value) =>
        (BUILTIN_SCHEMAS as readonly string[]).includes(value) || ABSOLUTE_PATH.test(value),
      {
        error: `a built-in schema (${BUILTIN_SCHEMAS.join(', ')}) or the full path of a mapping file`,
      },
    )
    .optional(),
}).superRefine((source, ctx) => {
  if (source.password && !POSTGRES_URL.test(source.db)) {
    ctx.addIssue({
      code: 'custom',
      path: ['password'],
      message: 'a password goes only with a PostgreSQL URL',
    });
  }
});

/** The key two names share when they would be the same folder on macOS or Windows. */
const folderKey = (name: string) => name.normalize('NFC').toLowerCase();

const sourcesSchema = z
  .array(sourceSchema)
  .min(1, { error: 'at least one source is needed' })
  .superRefine(
    (sources, ctx) => {
      const seen = new Map<string, { name: string; index: number }>();
      (sources as unknown[]).forEach((source, index) => {
        const name = (source as { name?: unknown } | null)?.name;
        if (typeof name !== 'string') return;
        const first = seen.get(folderKey(name));
        if (first === undefined) {
          seen.set(folderKey(name), { name, index });
          return;
        }
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message:
            first.name === name
              ? `sources[${first.index}] has the same name`
              : `differs from sources[${first.index}].name ${JSON.stringify(first.name)} only in case, and would share its folder`,
        });
      });
    },
    // Also when another source has a problem: every problem is reported at once.
    { when: (payload) => Array.isArray(payload.value) },
  );

const pipelineOverrideSchema = strictObject({
  /** A glob over pipeline names (pipeline-glob.ts). */
  pattern: z
    .string()
    .min(1, { error: 'a pattern is needed, like "train-*"' })
    .superRefine((pattern, ctx) => {
      const problem = globProblem(pattern);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  stall_after: milliseconds(SECOND).optional(),
  max_duration: milliseconds(SECOND).optional(),
});

/** The `monitor:` keys of alerts.yaml, and its `pipelines:` as a list in the order they apply. */
const monitorSchema = strictObject({
  poll: milliseconds(10).optional(),
  stall_after: milliseconds(SECOND).optional(),
  source_grace: milliseconds(0).optional(),
  settle: milliseconds(0).optional(),
  stale_after: milliseconds(SECOND).optional(),
  max_alert_age: milliseconds(SECOND).optional(),
  keep_history: milliseconds(3_600 * SECOND).optional(),
  pipelines: z.array(pipelineOverrideSchema).default([]),
});

const GB_ABOVE_0 = { error: 'expected a number of GB above 0' };

/**
 * Like `--archive-keep-days` and `--archive-max-gb` (both off unless set), `--artifact-root` and
 * the caps per archive (the built-in ones unless set).
 */
const archiveSchema = strictObject({
  enabled: z.boolean().default(true),
  keep_days: wholeNumber('expected a whole number of days, 0 or more', 0).optional(),
  max_gb: z.number(GB_ABOVE_0).positive(GB_ABOVE_0).optional(),
  /** Folders artifacts may be archived from besides each database's own folder. */
  artifact_roots: z.array(absolutePath).optional(),
  max_files_per_run: wholeNumber('expected a whole number of files, 1 or more', 1).optional(),
  max_gb_per_run: z.number(GB_ABOVE_0).positive(GB_ABOVE_0).optional(),
});

const severitySchema = z.enum(SEVERITIES, {
  error: (issue) => `expected one of ${SEVERITIES.join(', ')}; got ${describeValue(issue.input)}`,
});

const clockTime = z
  .string()
  .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, { error: 'expected a local time like "22:00"' });

/** As alerts.yaml's `quiet_hours`: local times, `from` after `to` spans midnight. */
const quietHoursSchema = strictObject({
  from: clockTime,
  to: clockTime,
  /** Absent: every channel. */
  channels: z.array(z.string().min(1)).optional(),
  /** This severity and above are never held. */
  except: severitySchema.optional(),
});

const TO = 'expected an address or a list of addresses';
const RATE_LIMIT = 'expected a whole number of messages per minute, at least 1';

const required = (what: string) => z.string().min(1, { error: `${what} is required` });

const common = {
  min_severity: severitySchema.default('info'),
  /** Messages per minute; the overflow goes out as one digest. */
  rate_limit: wholeNumber(RATE_LIMIT, 1).default(20),
};

/** The channels of alerts.yaml the settings window edits, with the same fields. */
export const SETTINGS_CHANNEL_SCHEMAS = {
  slack: strictObject({ type: z.literal('slack'), webhook_url: httpUrl, ...common }),
  webhook: strictObject({
    type: z.literal('webhook'),
    url: httpUrl,
    headers: z
      .record(
        z.string().superRefine(problemOf(headerNameProblem)),
        z.string().superRefine(problemOf(headerValueProblem)),
      )
      .superRefine(
        (headers, ctx) => {
          for (const name of repeatedHeaderNames(Object.keys(headers))) {
            ctx.addIssue({ code: 'custom', path: [name], message: 'another header has this name' });
          }
        },
        // Also beside a bad name or value: every problem is reported at once.
        { when: (payload) => payload.value !== null && typeof payload.value === 'object' },
      )
      .default({}),
    /** Signs the body: `X-Runwatch-Signature: sha256=<hex HMAC>`. */
    secret: z.string().default(''),
    ...common,
  }),
  email: strictObject({
    type: z.literal('email'),
    host: required('the SMTP host'),
    port: wholeNumber('expected a port number, 1 to 65535', 1, 65_535).default(587),
    user: z.string().default(''),
    password: z.string().default(''),
    from: required('the sender address'),
    to: z
      .union(
        [
          z.string().min(1, { error: TO }),
          z.array(z.string().min(1, { error: 'an address is needed' })).min(1, { error: TO }),
        ],
        { error: TO },
      )
      .transform((value) => (typeof value === 'string' ? [value] : value)),
    ...common,
  }),
} as const;

const CHANNEL_TYPES = Object.keys(SETTINGS_CHANNEL_SCHEMAS);

/** One channel as the settings window edits it (and tests it before saving). */
export const settingsChannelSchema = z.discriminatedUnion(
  'type',
  [
    SETTINGS_CHANNEL_SCHEMAS.slack,
    SETTINGS_CHANNEL_SCHEMAS.webhook,
    SETTINGS_CHANNEL_SCHEMAS.email,
  ],
  {
    error: (issue) => {
      if (issue.code !== 'invalid_union') return undefined;
      const type = (issue.input as { type?: unknown } | undefined)?.type;
      return type === undefined
        ? `required; one of ${CHANNEL_TYPES.join(', ')}`
        : `unknown channel type ${typeof type === 'string' ? JSON.stringify(type) : describeValue(type)}; one of ${CHANNEL_TYPES.join(', ')}`;
    },
  },
);

export const settingsSchema = strictObject({
  sources: sourcesSchema,
  monitor: monitorSchema.prefault({}),
  archive: archiveSchema.prefault({}),
  /** The alerts.yaml to use; null: the shipped one. */
  alerts_config: absolutePath.nullable().default(null),
  /** Null: none from the settings window (the file's, if it has any, apply). */
  quiet_hours: quietHoursSchema.nullable().default(null),
  start_at_login: z.boolean().default(false),
  /** By name; a channel here replaces the file's channel of the same name. */
  channels: z
    .record(z.string().min(1, { error: 'a channel needs a name' }), settingsChannelSchema)
    .default({}),
});

export type Settings = z.output<typeof settingsSchema>;
/** Settings as they may be written: defaults left out, `to` a single address. */
export type SettingsInput = z.input<typeof settingsSchema>;
export type SettingsSource = Settings['sources'][number];
export type SettingsMonitor = Settings['monitor'];

/** One problem with settings: where (`['sources', 1, 'name']`) and what. */
export interface SettingsIssue {
  path: PropertyKey[];
  message: string;
  /** The problem is the name at the end of `path` (a channel's, a header's), not its value. */
  key?: true;
}

/** Messages for what the schema leaves to zod: missing values and values of the wrong kind. */
function genericMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'required';
  return `expected ${KINDS[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`;
}

function issuesOf(error: z.ZodError): SettingsIssue[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'invalid_key'
      ? issue.issues.map((inner) => ({
          path: issue.path,
          message: `bad name: ${inner.message}`,
          key: true as const,
        }))
      : [{ path: issue.path, message: issue.message }],
  );
}

/** Validates settings, with defaults filled in, or every problem at once. */
export function checkSettings(
  input: unknown,
): { ok: true; settings: Settings } | { ok: false; issues: SettingsIssue[] } {
  const result = settingsSchema.safeParse(input, { error: genericMessage });
  return result.success
    ? { ok: true, settings: result.data }
    : { ok: false, issues: issuesOf(result.error) };
}

/** A field's path as people read it: `sources[1].name`, `channels.ops-hook.url`. */
export function formatSettingsPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => {
      if (typeof part === 'number') return `[${part}]`;
      const key = String(part);
      if (/^[A-Za-z_][\w-]*$/.test(key)) return index === 0 ? key : `.${key}`;
      return `[${JSON.stringify(key)}]`;
    })
    .join('');
}

/** Settings with every default, watching `sources`. */
export function defaultSettings(sources: SettingsSource[]): Settings {
  return settingsSchema.parse({ sources });
}
