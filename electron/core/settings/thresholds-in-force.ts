import type { ThresholdKey, ThresholdsInForce } from '../../../shared/api.ts';
import type { GlobalKey, MonitorSettings } from '../monitor/monitor-settings.ts';
import { GLOBAL_KEYS } from './settings-layers.ts';

/**
 * A source's monitoring settings as the settings window shows them: each threshold in force by
 * its settings key, where it comes from and what each layer holds, and the per-pipeline
 * overrides in the order they are tried. The one resolution `watch` logs at start, not another.
 */
export function thresholdsInForce(
  source: string,
  configFile: string,
  settings: MonitorSettings,
): ThresholdsInForce {
  const thresholds = {} as ThresholdsInForce['thresholds'];
  for (const [key, name] of Object.entries(GLOBAL_KEYS) as [GlobalKey, ThresholdKey][]) {
    thresholds[name] = {
      value_ms: settings[key],
      origin: settings.origin[key],
      layers: { ...settings.layers[key] },
    };
  }
  return {
    source,
    config_file: configFile,
    thresholds,
    pipelines: settings.pipelines.map((override) => ({
      pattern: override.pattern,
      stall_after_ms: override.stallAfter ?? null,
      max_duration_ms: override.maxDuration ?? null,
      origin: override.origin,
    })),
  };
}
