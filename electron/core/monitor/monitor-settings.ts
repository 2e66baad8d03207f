import { globToRegExp } from '../../../shared/pipeline-glob.ts';
import type { PipelineThresholds } from './run-detector.ts';

/** Global monitoring settings (ARCHITECTURE.md §7 `monitor:`), in milliseconds. */
export interface MonitorGlobals {
  poll: number;
  stallAfter: number;
  sourceGrace: number;
  settle: number;
  staleAfter: number;
  maxAlertAge: number;
  /** How long state.db keeps history: events, finished runs, alert deliveries. */
  keepHistory: number;
}

export type GlobalKey = keyof MonitorGlobals;

/** Per-pipeline overrides, keyed by a glob (shared/pipeline-glob.ts). */
export interface PipelineOverride {
  pattern: string;
  stallAfter?: number;
  maxDuration?: number;
}

export interface SettingsLayer {
  globals?: Partial<MonitorGlobals>;
  pipelines?: PipelineOverride[];
  /** A demo source's short thresholds: under what the user saved, over the config file. */
  demo?: Partial<MonitorGlobals>;
}

export type SettingOrigin = 'flag' | 'settings' | 'demo' | 'config' | 'default';

/** A per-pipeline override in force, and which layer it is from. */
export interface ResolvedOverride extends PipelineOverride {
  origin: 'settings' | 'config';
}

export const DEFAULT_GLOBALS: MonitorGlobals = {
  poll: 100,
  stallAfter: 30 * 60_000,
  sourceGrace: 60_000,
  settle: 0,
  staleAfter: 24 * 3_600_000,
  maxAlertAge: 6 * 3_600_000,
  keepHistory: 30 * 86_400_000,
};

export interface MonitorSettings extends MonitorGlobals {
  /** Where each value in force comes from. */
  origin: Record<GlobalKey, SettingOrigin>;
  /** Each value as every layer that sets it has it, the default included. */
  layers: Record<GlobalKey, Partial<Record<SettingOrigin, number>>>;
  /** Per-pipeline overrides in the order they are tried; each beats the global values. */
  pipelines: readonly ResolvedOverride[];
  thresholds(pipeline: string): PipelineThresholds;
}

/**
 * Precedence: a per-pipeline value beats a global one. Per pipeline, the settings window's
 * overrides, then the config file's `pipelines:` in file order (each field from the first
 * matching key that sets it). Globally: flag > settings window > the demo's > config `monitor:` >
 * default.
 */
export function resolveMonitorSettings(layers: {
  flags?: Partial<MonitorGlobals>;
  settings?: SettingsLayer;
  config?: SettingsLayer;
}): MonitorSettings {
  const keys = Object.keys(DEFAULT_GLOBALS) as GlobalKey[];
  const globals = { ...DEFAULT_GLOBALS };
  const origin = Object.fromEntries(keys.map((key) => [key, 'default'])) as Record<
    GlobalKey,
    SettingOrigin
  >;
  const byLayer = Object.fromEntries(
    keys.map((key) => [key, { default: DEFAULT_GLOBALS[key] }]),
  ) as MonitorSettings['layers'];
  const ordered: [SettingOrigin, Partial<MonitorGlobals> | undefined][] = [
    ['config', layers.config?.globals],
    ['demo', layers.settings?.demo],
    ['settings', layers.settings?.globals],
    ['flag', layers.flags],
  ];
  for (const [layer, values] of ordered) {
    for (const key of keys) {
      const value = values?.[key];
      if (value === undefined) continue;
      globals[key] = value;
      origin[key] = layer;
      byLayer[key][layer] = value;
    }
  }
  const overrides = [
    ...(layers.settings?.pipelines ?? []).map((o) => ({ ...o, origin: 'settings' as const })),
    ...(layers.config?.pipelines ?? []).map((o) => ({ ...o, origin: 'config' as const })),
  ].map((override) => ({ ...override, regexp: globToRegExp(override.pattern) }));
  const cache = new Map<string, PipelineThresholds>();
  return {
    ...globals,
    origin,
    layers: byLayer,
    pipelines: overrides.map(({ regexp: _regexp, ...override }) => override),
    thresholds(pipeline: string): PipelineThresholds {
      let found = cache.get(pipeline);
      if (!found) {
        const matching = overrides.filter((override) => override.regexp.test(pipeline));
        found = {
          stallAfter:
            matching.find((o) => o.stallAfter !== undefined)?.stallAfter ?? globals.stallAfter,
          maxDuration: matching.find((o) => o.maxDuration !== undefined)?.maxDuration ?? null,
        };
        if (cache.size > 10_000) cache.clear();
        cache.set(pipeline, found);
      }
      return found;
    },
  };
}
