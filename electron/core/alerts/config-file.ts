import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { globProblem } from '../../../shared/pipeline-glob.ts';
import { didYouMean } from '../config/did-you-mean.ts';
import { duration } from '../config/duration-schema.ts';
import { substituteEnv } from '../config/env-substitute.ts';
import {
  ConfigError,
  parseAndValidate,
  readConfigText,
  type Path,
  type Prepared,
} from '../config/yaml-validate.ts';
import type { MonitorGlobals, PipelineOverride } from '../monitor/monitor-settings.ts';
import { alertKnownKeys, alertSectionsShape } from './alert-config-schema.ts';
import {
  channelSecrets,
  someNames,
  compileHeartbeat,
  compileQuietHours,
  compileRule,
  compileSilence,
  type AlertConfig,
  type AlertLayer,
  type ChannelEntry,
} from './alert-config.ts';

/** The shipped default: `config/alerts.yaml` of the installation. */
export const DEFAULT_CONFIG_FILE = fileURLToPath(
  new URL('../../../config/alerts.yaml', import.meta.url),
);

const MONITOR_KEYS = {
  stall_after: 'stallAfter',
  source_grace: 'sourceGrace',
  settle: 'settle',
  stale_after: 'staleAfter',
  max_alert_age: 'maxAlertAge',
  keep_history: 'keepHistory',
} as const satisfies Record<string, keyof MonitorGlobals>;

const monitorSchema = z.strictObject({
  stall_after: duration.optional(),
  source_grace: duration.optional(),
  settle: duration.optional(),
  stale_after: duration.optional(),
  max_alert_age: duration.optional(),
  keep_history: duration
    .refine((ms) => ms >= 3_600_000, { error: 'keep at least 1h of history' })
    .optional(),
});

const pipelineSchema = z.strictObject({
  stall_after: duration.optional(),
  max_duration: duration.optional(),
});

/** The whole file: who to tell (ARCHITECTURE.md §7) and the optional monitoring settings. */
export const configSchema = z.strictObject({
  ...alertSectionsShape,
  monitor: monitorSchema.nullish(),
  pipelines: z.record(z.string(), pipelineSchema.nullable()).nullish(),
});

const TOP_KEYS = Object.keys(configSchema.shape);

function knownKeys(at: Path, root: unknown): readonly string[] {
  if (at.length === 0) return TOP_KEYS;
  if (at.length === 1 && at[0] === 'monitor') return Object.keys(monitorSchema.shape);
  if (at.length === 2 && at[0] === 'pipelines') return Object.keys(pipelineSchema.shape);
  return alertKnownKeys(at, root) ?? [];
}

type Raw = Record<string, unknown>;

function asRecord(value: unknown): Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : {};
}

/** Unknown names given a "did you mean" from every channel; the rest are only named. */
const GUESSED_NAMES = 100;

/**
 * Checks what the schema cannot see alone: every channel a rule or quiet hours name exists
 * (in the file or the settings layer), and rule names are unique. Linear in the file: a "did you
 * mean" weighs every channel, so only the first unknown names get one.
 */
function checkReferences(raw: Raw, layerChannels: readonly string[]): Prepared['problems'] {
  const problems: Prepared['problems'] = [];
  const known = [...new Set([...Object.keys(asRecord(raw.channels)), ...layerChannels])];
  const knownSet = new Set(known);
  const guesses = new Map<string, string | null>();
  const checkNames = (names: unknown, path: Path) => {
    if (!Array.isArray(names)) return;
    names.forEach((name, index) => {
      if (typeof name !== 'string' || knownSet.has(name)) return;
      let guess = guesses.get(name);
      if (guess === undefined) {
        guess = guesses.size < GUESSED_NAMES ? didYouMean(name, known) : null;
        guesses.set(name, guess);
      }
      problems.push({
        path: [...path, index],
        message: `unknown channel ${JSON.stringify(name)}${guess ? ` (did you mean ${guess}?)` : known.length ? ` (channels: ${someNames(known)})` : ' (no channels are defined)'}`,
      });
    });
  };
  const seen = new Set<string>();
  const rules: unknown[] = Array.isArray(raw.rules) ? raw.rules : [];
  rules.forEach((rule, index) => {
    const { name, channels } = asRecord(rule);
    checkNames(channels, ['rules', index, 'channels']);
    if (typeof name !== 'string') return;
    if (seen.has(name)) {
      problems.push({ path: ['rules', index, 'name'], message: `a second rule named ${name}` });
    }
    seen.add(name);
  });
  checkNames(asRecord(raw.quiet_hours).channels, ['quiet_hours', 'channels']);
  return problems;
}

/** Every `pipelines:` key that is not a glob Runwatch can use, at the key. */
function checkPipelineGlobs(raw: Raw): Prepared['problems'] {
  return Object.keys(asRecord(raw.pipelines)).flatMap((pattern) => {
    const problem = globProblem(pattern);
    return problem
      ? [{ path: ['pipelines'], key: pattern, message: `${JSON.stringify(pattern)}: ${problem}` }]
      : [];
  });
}

/** A valid stand-in for a value whose variable is unset, so the rest of its section is checked. */
function placeholderFor(path: Path, variables: string[]): unknown {
  const key = path.at(-1);
  if (key === 'url' || key === 'webhook_url') return 'https://variable-unset.invalid/';
  if (key === 'port') return 587;
  return `<${unsetMessage(variables)}>`;
}

function setAt(root: unknown, path: Path, value: unknown): void {
  const parent = path
    .slice(0, -1)
    .reduce<unknown>((node, part) => asRecord(node)[part as string], root);
  if (parent !== null && typeof parent === 'object') {
    (parent as Record<PropertyKey, unknown>)[path.at(-1) as PropertyKey] = value;
  }
}

function unsetMessage(variables: string[]): string {
  return `${variables.join(', ')} ${variables.length > 1 ? 'are' : 'is'} not set`;
}

export interface RunwatchConfig {
  file: string;
  monitor: Partial<MonitorGlobals>;
  pipelines: PipelineOverride[];
  alerts: AlertConfig;
}

export interface ParseOptions {
  /** Where `${VAR}` values come from. */
  env?: NodeJS.ProcessEnv;
  /** The settings window's channels and quiet hours, layered over the file. */
  layer?: AlertLayer;
}

export function parseConfig(
  text: string,
  file: string,
  options: ParseOptions = {},
): RunwatchConfig {
  const env = options.env ?? process.env;
  const layerChannels = Object.keys(options.layer?.channels ?? {});
  /** Channel name (or `heartbeat`) → variables it names that are unset. */
  const unsetBy = new Map<string, string[]>();
  const parsed = parseAndValidate(text, file, configSchema, {
    knownKeys,
    prepare: (raw) => {
      // Prepared again when a file read the fast way turns out to have a problem.
      unsetBy.clear();
      const substituted = substituteEnv(raw, env);
      const problems = [
        ...checkReferences(asRecord(substituted.value), layerChannels),
        ...checkPipelineGlobs(asRecord(substituted.value)),
      ];
      const skip: Path[] = [];
      for (const { path, variables } of substituted.unset) {
        const owner =
          path[0] === 'channels' && path.length > 2
            ? String(path[1])
            : path[0] === 'heartbeat'
              ? 'heartbeat'
              : null;
        if (owner === null) {
          problems.push({ path, message: unsetMessage(variables) });
          continue;
        }
        unsetBy.set(owner, [...(unsetBy.get(owner) ?? []), ...variables]);
        setAt(substituted.value, path, placeholderFor(path, variables));
        skip.push(path);
      }
      return { value: substituted.value, problems, skip };
    },
  });
  if ('problems' in parsed) throw new ConfigError(file, parsed.problems);
  const value = parsed.value;
  const monitor: Partial<MonitorGlobals> = {};
  for (const [key, field] of Object.entries(MONITOR_KEYS)) {
    const setting = value.monitor?.[key as keyof typeof MONITOR_KEYS];
    if (setting !== undefined) monitor[field] = setting;
  }
  const pipelines: PipelineOverride[] = Object.entries(value.pipelines ?? {}).map(
    ([pattern, values]) => ({
      pattern,
      ...(values?.stall_after !== undefined ? { stallAfter: values.stall_after } : {}),
      ...(values?.max_duration !== undefined ? { maxDuration: values.max_duration } : {}),
    }),
  );
  const channels = new Map<string, ChannelEntry>();
  for (const [name, config] of Object.entries(value.channels)) {
    const unset = unsetBy.get(name);
    channels.set(name, {
      name,
      type: config.type,
      config,
      inactive: unset ? unsetMessage([...new Set(unset)]) : null,
      origin: 'file',
    });
  }
  for (const [name, config] of Object.entries(options.layer?.channels ?? {})) {
    channels.set(name, { name, type: config.type, config, inactive: null, origin: 'settings' });
  }
  const secrets = [...channels.values()]
    .filter((channel) => channel.inactive === null)
    .flatMap((channel) => channelSecrets(channel.config));
  const heartbeat = value.heartbeat
    ? compileHeartbeat(value.heartbeat, [...new Set(unsetBy.get('heartbeat') ?? [])])
    : null;
  if (heartbeat && heartbeat.inactive === null) secrets.push(heartbeat.url);
  const layerQuiet = options.layer?.quietHours;
  const alerts: AlertConfig = {
    channels,
    rules: value.rules.map((rule) => compileRule(rule, value.defaults)),
    defaults: value.defaults,
    quietHours:
      layerQuiet !== undefined
        ? layerQuiet
        : value.quiet_hours
          ? compileQuietHours(value.quiet_hours)
          : null,
    silences: value.silences.map(compileSilence),
    heartbeat,
    secrets: [...new Set(secrets.filter((secret) => secret.length >= 4))],
  };
  return { file, monitor, pipelines, alerts };
}

/** Reads and validates a config file; throws ConfigError listing every problem. */
export function loadConfigFile(file: string, options: ParseOptions = {}): RunwatchConfig {
  const { absolute, text } = readConfigText(file);
  return parseConfig(text, absolute, options);
}
