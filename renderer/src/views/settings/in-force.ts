/**
 * The thresholds each watched source runs with now, as `getSettings` gives them, in words:
 * "20 s — from the demo", "30 min — built-in default", per source where sources differ.
 */
import type {
  OverrideInForce,
  ThresholdKey,
  ThresholdOrigin,
  ThresholdsInForce,
} from '../../../../shared/api.ts';
import { formatDuration } from '../../../../shared/duration.ts';

const UNITS: Record<string, string> = { ms: 'ms', s: 's', m: 'min', h: 'h', d: 'd' };

/** A duration as a sentence has it: `20 s`, `30 min`, `1 h 30 min`. */
export function durationWords(ms: number): string {
  return formatDuration(ms).replace(/(\d+)(ms|s|m|h|d)\b/g, (_, n: string, unit: string) => {
    return `${n} ${UNITS[unit] ?? unit}`;
  });
}

const FLAGS: Partial<Record<ThresholdKey, string>> = {
  poll: '--poll',
  stall_after: '--stall-after',
};

function fileName(file: string): string {
  return file.split(/[\\/]/).at(-1) ?? file;
}

/** Where a value in force comes from, in words. */
export function originText(origin: ThresholdOrigin, key: ThresholdKey, configFile: string): string {
  switch (origin) {
    case 'default':
      return 'built-in default';
    case 'config':
      return `from ${fileName(configFile)}`;
    case 'demo':
      return 'from the demo';
    case 'settings':
      return 'saved here';
    case 'flag':
      return `from ${FLAGS[key] ?? 'a command-line flag'}`;
  }
}

/**
 * A threshold in force, one line for all sources when they agree, else one per source:
 * `20 s — from the demo`, or `demo: 20 s — from the demo` and `etl: 30 min — built-in default`.
 */
export function inForceLines(key: ThresholdKey, sources: readonly ThresholdsInForce[]): string[] {
  const lines = sources.map((source) => {
    const threshold = source.thresholds[key];
    return `${durationWords(threshold.value_ms)} — ${originText(threshold.origin, key, source.config_file)}`;
  });
  if (new Set(lines).size <= 1) return lines.slice(0, 1);
  return lines.map((line, index) => `${sources[index]?.source ?? ''}: ${line}`);
}

/** What an empty field means: the value under the settings window's, if all sources agree. */
export function emptyFieldValue(
  key: ThresholdKey,
  sources: readonly ThresholdsInForce[],
): string | undefined {
  const values = new Set(
    sources.map(({ thresholds }) => {
      const layers = thresholds[key].layers;
      return layers.demo ?? layers.config ?? layers.default;
    }),
  );
  const [value] = values;
  return values.size === 1 && value !== undefined ? formatDuration(value) : undefined;
}

function overrideValues(override: OverrideInForce): string {
  const values = [
    override.stall_after_ms === null
      ? null
      : `stalled after ${durationWords(override.stall_after_ms)}`,
    override.max_duration_ms === null
      ? null
      : `overdue after ${durationWords(override.max_duration_ms)}`,
  ].filter((value): value is string => value !== null);
  return values.join(', ') || 'nothing set';
}

/** The per-pipeline overrides in force, in the order they are tried, each once. */
export function overridesInForce(sources: readonly ThresholdsInForce[]): string[] {
  const lines = sources.flatMap((source) =>
    source.pipelines.map(
      (override) =>
        `${override.pattern}: ${overrideValues(override)} — ${override.origin === 'config' ? `from ${fileName(source.config_file)}` : 'saved here'}`,
    ),
  );
  return [...new Set(lines)];
}
