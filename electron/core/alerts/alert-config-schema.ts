import { z } from 'zod';
import { ALERT_EVENT_TYPES, EVENT_FIELDS, EVENT_TYPES } from '../../../shared/events.ts';
import { SEVERITIES } from '../../../shared/severity.ts';
import { didYouMean } from '../config/did-you-mean.ts';
import { duration } from '../config/duration-schema.ts';
import { httpUrl } from '../../../shared/http-url.ts';
import { CHANNEL_SCHEMAS } from './channel-config.ts';
import { compileRegex, type MatchSpec } from './event-matcher.ts';

/** A duration of at least `min` ms: zero would repeat, retry or ping in a tight loop. */
function atLeast<S extends z.ZodType<number>>(schema: S, min: number) {
  return schema.refine((ms: number) => ms >= min, {
    message: `must be at least ${min >= 1_000 ? `${min / 1_000}s` : `${min}ms`}`,
  });
}

const severity = z.enum(SEVERITIES, {
  error: (issue) =>
    issue.input === undefined
      ? `required; one of ${SEVERITIES.join(', ')}`
      : `unknown severity ${JSON.stringify(issue.input)}${hint(issue.input, SEVERITIES)}; one of ${SEVERITIES.join(', ')}`,
});

function hint(input: unknown, known: readonly string[]): string {
  const guess = typeof input === 'string' ? didYouMean(input, known) : null;
  return guess ? ` (did you mean ${guess}?)` : '';
}

export const channelSchema = z.discriminatedUnion('type', [
  CHANNEL_SCHEMAS.desktop,
  CHANNEL_SCHEMAS.slack,
  CHANNEL_SCHEMAS.email,
  CHANNEL_SCHEMAS.webhook,
]);

type Path = (string | number)[];

const MATCHABLE_TYPES = EVENT_TYPES.filter((type) => !ALERT_EVENT_TYPES.includes(type));
const TEMPLATE_FIELDS = ['rule', 'severity', ...EVENT_FIELDS];
const TEMPLATE_FIELD = /\{([^{}]*)\}/g;

/** A problem in a match, at a path inside it. */
export interface MatchProblem {
  path: Path;
  message: string;
}

function checkMatchValue(value: unknown, field: string, path: Path, out: MatchProblem[]): void {
  if (Array.isArray(value)) {
    if (value.length === 0) out.push({ path, message: 'an empty list matches nothing' });
    value.forEach((item, index) => checkMatchValue(item, field, [...path, index], out));
    return;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length !== 1 || (keys[0] !== 'regex' && keys[0] !== 'not')) {
      out.push({
        path,
        message: `expected a value, a list, { regex: … } or { not: … }; got keys ${keys.join(', ') || '(none)'}${hint(keys[0], ['regex', 'not'])}`,
      });
      return;
    }
    const inner = (value as Record<string, unknown>)[keys[0] as string];
    if (keys[0] === 'not') {
      checkMatchValue(inner, field, [...path, 'not'], out);
      return;
    }
    if (typeof inner !== 'string') {
      out.push({ path: [...path, 'regex'], message: 'a regex is a string' });
      return;
    }
    try {
      compileRegex(inner);
    } catch (error) {
      out.push({
        path: [...path, 'regex'],
        message: `bad regex ${JSON.stringify(inner)}: ${(error as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /, '')}`,
      });
    }
    return;
  }
  if (field === 'type' && typeof value === 'string' && !MATCHABLE_TYPES.includes(value as never)) {
    out.push({
      path,
      message: ALERT_EVENT_TYPES.includes(value as never)
        ? `rules never match ${value}: an alert about an alert would feed itself`
        : `unknown event type ${JSON.stringify(value)}${hint(value, MATCHABLE_TYPES)}`,
    });
  }
}

/**
 * What is wrong with a match, each at its path: a field no event has, a regex that does not
 * compile, an event type that does not exist. The config file's rules and silences and the
 * silences added from the UI are checked alike.
 */
export function matchProblems(spec: Readonly<Record<string, unknown>>): MatchProblem[] {
  const out: MatchProblem[] = [];
  for (const [field, value] of Object.entries(spec)) {
    if (!(EVENT_FIELDS as readonly string[]).includes(field)) {
      out.push({
        path: [field],
        message: `no event has a field ${JSON.stringify(field)}${hint(field, EVENT_FIELDS)}`,
      });
      continue;
    }
    checkMatchValue(value, field, [field], out);
  }
  return out;
}

const matchSchema = z
  .record(z.string(), z.unknown(), {
    error: 'expected a mapping of event fields, like { type: run_completed }',
  })
  .superRefine((spec, ctx) => {
    for (const problem of matchProblems(spec)) ctx.addIssue({ code: 'custom', ...problem });
  })
  .transform((spec) => spec as MatchSpec);

const dedupTemplate = z.string().superRefine((template, ctx) => {
  for (const [, field] of template.matchAll(TEMPLATE_FIELD)) {
    if (!TEMPLATE_FIELDS.includes(field as string)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown field {${field}} in the template${hint(field, TEMPLATE_FIELDS)}`,
      });
    }
  }
});

export const ruleSchema = z.strictObject({
  name: z.string().min(1, 'a rule needs a name'),
  match: matchSchema,
  severity,
  channels: z.array(z.string()).min(1, 'a rule needs at least one channel'),
  continue: z.boolean().default(false),
  throttle: duration.optional(),
  dedup_key: dedupTemplate.optional(),
  repeat_every: atLeast(duration, 1_000).optional(),
  send_resolved: z.boolean().optional(),
});

const DEFAULT_RETRY = { first: 10_000, factor: 2, max: 600_000 };

export const retrySchema = z.strictObject({
  first: atLeast(duration, 100).default(DEFAULT_RETRY.first),
  factor: z.number().min(1).max(10).default(DEFAULT_RETRY.factor),
  max: atLeast(duration, 100).default(DEFAULT_RETRY.max),
});

export const defaultsSchema = z.strictObject({
  throttle: duration.default(5 * 60_000),
  dedup_key: dedupTemplate.default('{rule}:{run_id}'),
  group_window: duration.default(10_000),
  send_resolved: z.boolean().default(true),
  retry: retrySchema.prefault({}),
  max_age: atLeast(duration, 60_000).default(24 * 3_600_000),
});

const clockTime = z
  .string()
  .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'expected a local time like "22:00"')
  .transform((text) => {
    const [hours, minutes] = text.split(':').map(Number) as [number, number];
    return hours * 60 + minutes;
  });

export const quietHoursSchema = z.strictObject({
  from: clockTime,
  to: clockTime,
  channels: z.array(z.string()).optional(),
  except: severity.optional(),
});

const instant = z.string().transform((text, ctx) => {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a date and time like "2026-12-01T09:00" (local) or "2026-12-01T08:00Z"; got ${JSON.stringify(text)}`,
    });
    return z.NEVER;
  }
  return ms;
});

export const silenceSchema = z.strictObject({
  match: matchSchema,
  until: instant,
  comment: z.string().optional(),
});

export const heartbeatSchema = z.strictObject({
  url: httpUrl,
  every: atLeast(duration, 1_000).default(5 * 60_000),
});

/** The alert sections of the config file (ARCHITECTURE.md §7); channel references are checked after. */
export const alertSectionsShape = {
  channels: z.record(z.string(), channelSchema).default({}),
  rules: z.array(ruleSchema).default([]),
  defaults: defaultsSchema.prefault({}),
  quiet_hours: quietHoursSchema.nullish(),
  silences: z.array(silenceSchema).default([]),
  heartbeat: heartbeatSchema.nullish(),
};

export type RuleInput = z.output<typeof ruleSchema>;
export type AlertDefaults = z.output<typeof defaultsSchema>;
export type RetrySchedule = z.output<typeof retrySchema>;
export type QuietHoursInput = z.output<typeof quietHoursSchema>;
export type SilenceInput = z.output<typeof silenceSchema>;
export type HeartbeatInput = z.output<typeof heartbeatSchema>;

/** Keys the schema knows at a place in the file, for "did you mean". */
export function alertKnownKeys(
  path: readonly PropertyKey[],
  root: unknown,
): readonly string[] | null {
  const [section, index, sub] = path;
  const keys = (schema: { shape: object }) => Object.keys(schema.shape);
  if (section === 'channels' && path.length === 2) {
    const type = (root as { channels?: Record<string, { type?: unknown }> })?.channels?.[
      String(index)
    ]?.type;
    const schema = CHANNEL_SCHEMAS[type as keyof typeof CHANNEL_SCHEMAS];
    return schema ? keys(schema) : [...new Set(Object.values(CHANNEL_SCHEMAS).flatMap(keys))];
  }
  if (section === 'rules' && path.length === 2) return keys(ruleSchema);
  if (section === 'defaults' && path.length === 1) return keys(defaultsSchema);
  if (section === 'defaults' && index === 'retry' && sub === undefined) return keys(retrySchema);
  if (section === 'quiet_hours' && path.length === 1) return keys(quietHoursSchema);
  if (section === 'silences' && path.length === 2) return keys(silenceSchema);
  if (section === 'heartbeat' && path.length === 1) return keys(heartbeatSchema);
  return null;
}
