import { z } from 'zod';
import {
  headerNameProblem,
  headerValueProblem,
  repeatedHeaderNames,
} from '../../../shared/http-header.ts';
import { httpUrl } from '../../../shared/http-url.ts';
import { SEVERITIES } from '../../../shared/severity.ts';

const severity = z.enum(SEVERITIES, {
  error: (issue) =>
    `unknown severity ${JSON.stringify(issue.input)}; one of ${SEVERITIES.join(', ')}`,
});

const port = z.union([
  z.number().int().min(1).max(65_535),
  z
    .string()
    .regex(/^\d{1,5}$/, 'expected a port number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(65_535)),
]);

const common = {
  min_severity: severity.default('info'),
  /** Messages per minute; the overflow goes out as one digest. */
  rate_limit: z.number().int().positive().default(20),
};

export const desktopChannelSchema = z.strictObject({
  type: z.literal('desktop'),
  ...common,
});

export const slackChannelSchema = z.strictObject({
  type: z.literal('slack'),
  webhook_url: httpUrl,
  ...common,
});

export const emailChannelSchema = z.strictObject({
  type: z.literal('email'),
  host: z.string().min(1),
  port: port.default(587),
  user: z.string().default(''),
  password: z.string().default(''),
  from: z.string().min(1),
  to: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .transform((value) => (typeof value === 'string' ? [value] : value)),
  ...common,
});

/** A zod refinement from a check that says what is wrong, or null. */
function problemOf(check: (value: string) => string | null) {
  return (value: string, ctx: z.RefinementCtx) => {
    const problem = check(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  };
}

export const webhookChannelSchema = z.strictObject({
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
  secret: z.string().default(''),
  ...common,
});

export const CHANNEL_SCHEMAS = {
  desktop: desktopChannelSchema,
  slack: slackChannelSchema,
  email: emailChannelSchema,
  webhook: webhookChannelSchema,
} as const;

export type ChannelType = keyof typeof CHANNEL_SCHEMAS;

export type DesktopChannelConfig = z.output<typeof desktopChannelSchema>;
export type SlackChannelConfig = z.output<typeof slackChannelSchema>;
export type EmailChannelConfig = z.output<typeof emailChannelSchema>;
export type WebhookChannelConfig = z.output<typeof webhookChannelSchema>;
export type ChannelConfig =
  DesktopChannelConfig | SlackChannelConfig | EmailChannelConfig | WebhookChannelConfig;
