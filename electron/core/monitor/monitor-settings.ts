import type { PipelineThresholds } from './run-detector.ts';

/** Global monitoring settings (DESIGN.md §7 `monitor:`), in milliseconds. */
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

/** Per-pipeline overrides, keyed by a glob with `*` and `?`. */
export interface PipelineOverride {
  pattern: string;
  stallAfter?: number;
  maxDuration?: number;
}

export interface SettingsLayer {
  globals?: Partial<MonitorGlobals>;
  pipelines?: PipelineOverride[];
}

export type SettingOrigin = 'flag' | 'settings' | 'config' | 'default';

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
  origin: Record<GlobalKey, SettingOrigin>;
  /** Per-pipeline overrides in the order they are tried; each beats the global values. */
  pipelines: readonly PipelineOverride[];
  thresholds(pipeline: string): PipelineThresholds;
}

function globToRegExp(glob: string): RegExp {
  const source = glob
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's');
}

/**
 * Precedence (DESIGN.md §6): a per-pipeline value beats a global one. Per pipeline, the settings
 * window's overrides, then the config file's `pipelines:` in file order (each field from the first
 * matching key that sets it). Globally: flag > settings window > config `monitor:` > default.
 */
export function resolveMonitorSettings(layers: {
  flags?: Partial<MonitorGlobals>;
  settings?: SettingsLayer;
  config?: SettingsLayer;
}): MonitorSettings {
  const globals = { ...DEFAULT_GLOBALS };
  const origin = Object.fromEntries(
    Object.keys(DEFAULT_GLOBALS).map((key) => [key, 'default']),
  ) as Record<GlobalKey, SettingOrigin>;
  const ordered: [SettingOrigin, Partial<MonitorGlobals> | undefined][] = [
    ['config', layers.config?.globals],
    ['settings', layers.settings?.globals],
    ['flag', layers.flags],
  ];
  for (const [layer, values] of ordered) {
    for (const key of Object.keys(DEFAULT_GLOBALS) as GlobalKey[]) {
      const value = values?.[key];
      if (value === undefined) continue;
      globals[key] = value;
      origin[key] = layer;
    }
  }
  const overrides = [
    ...(layers.settings?.pipelines ?? []),
    ...(layers.config?.pipelines ?? []),
  ].map((override) => ({ ...override, regexp: globToRegExp(override.pattern) }));
  const cache = new Map<string, PipelineThresholds>();
  return {
    ...globals,
    origin,
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
