import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseDuration } from '../../../shared/duration.ts';
import type { MonitorGlobals, PipelineOverride } from '../monitor/monitor-settings.ts';
import { ConfigError, parseAndValidate } from './yaml-validate.ts';

/** The shipped default: `config/alerts.yaml` of the installation. */
export const DEFAULT_CONFIG_FILE = fileURLToPath(
  new URL('../../../config/alerts.yaml', import.meta.url),
);

const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = typeof value === 'string' ? parseDuration(value) : null;
  if (ms === null) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration with a unit, like 250ms, 10s, 30m, 1h or 7d; got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return ms;
});

const MONITOR_KEYS = {
  stall_after: 'stallAfter',
  source_grace: 'sourceGrace',
  settle: 'settle',
  stale_after: 'staleAfter',
  max_alert_age: 'maxAlertAge',
} as const satisfies Record<string, keyof MonitorGlobals>;

const monitorSchema = z.strictObject({
  stall_after: duration.optional(),
  source_grace: duration.optional(),
  settle: duration.optional(),
  stale_after: duration.optional(),
  max_alert_age: duration.optional(),
});

const pipelineSchema = z.strictObject({
  stall_after: duration.optional(),
  max_duration: duration.optional(),
});

/**
 * The whole file. The alert sections (channels, rules, defaults, quiet hours, silences,
 * heartbeat) belong to the alert engine, which validates them itself.
 */
const configSchema = z.strictObject({
  channels: z.unknown().optional(),
  rules: z.unknown().optional(),
  defaults: z.unknown().optional(),
  quiet_hours: z.unknown().optional(),
  silences: z.unknown().optional(),
  heartbeat: z.unknown().optional(),
  monitor: monitorSchema.nullish(),
  pipelines: z.record(z.string(), pipelineSchema.nullable()).nullish(),
});

const TOP_KEYS = Object.keys(configSchema.shape);

function knownKeys(at: readonly PropertyKey[]): readonly string[] {
  if (at.length === 0) return TOP_KEYS;
  if (at.length === 1 && at[0] === 'monitor') return Object.keys(monitorSchema.shape);
  if (at.length === 2 && at[0] === 'pipelines') return Object.keys(pipelineSchema.shape);
  return [];
}

export interface RunwatchConfig {
  file: string;
  monitor: Partial<MonitorGlobals>;
  pipelines: PipelineOverride[];
}

export function parseConfig(text: string, file: string): RunwatchConfig {
  const parsed = parseAndValidate(text, file, configSchema, knownKeys);
  if ('problems' in parsed) throw new ConfigError(file, parsed.problems);
  const monitor: Partial<MonitorGlobals> = {};
  for (const [key, field] of Object.entries(MONITOR_KEYS)) {
    const value = parsed.value.monitor?.[key as keyof typeof MONITOR_KEYS];
    if (value !== undefined) monitor[field] = value;
  }
  const pipelines: PipelineOverride[] = Object.entries(parsed.value.pipelines ?? {}).map(
    ([pattern, values]) => ({
      pattern,
      ...(values?.stall_after !== undefined ? { stallAfter: values.stall_after } : {}),
      ...(values?.max_duration !== undefined ? { maxDuration: values.max_duration } : {}),
    }),
  );
  return { file, monitor, pipelines };
}

/** Reads and validates a config file; throws ConfigError listing every problem. */
export function loadConfigFile(file: string): RunwatchConfig {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder' : String(error);
    throw new ConfigError(absolute, [{ file: absolute, line: null, col: null, message: why }]);
  }
  return parseConfig(text, absolute);
}
