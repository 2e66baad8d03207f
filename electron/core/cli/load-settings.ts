import { DEFAULT_CONFIG_FILE, loadConfigFile, type RunwatchConfig } from '../alerts/config-file.ts';
import { resolveMonitorSettings, type MonitorSettings } from '../monitor/monitor-settings.ts';
import { withDemoThresholds } from '../demo/demo-thresholds.ts';
import type { SettingsLayers } from '../settings/settings-layers.ts';

/**
 * The config file (`--config`, else the shipped one) and the monitoring settings it yields, with
 * the settings window's layers over it where there are any (`serve`).
 */
export function loadSettings(
  options: {
    config?: string;
    poll?: number;
    stallAfter?: number;
    demo?: boolean;
  },
  layers?: Pick<SettingsLayers, 'alerts' | 'monitor'>,
): { config: RunwatchConfig; settings: MonitorSettings } {
  const config = loadConfigFile(
    options.config ?? DEFAULT_CONFIG_FILE,
    layers ? { layer: layers.alerts } : {},
  );
  const fromWindow = layers?.monitor ?? {};
  const settings = resolveMonitorSettings({
    flags: {
      ...(options.poll !== undefined ? { poll: options.poll } : {}),
      ...(options.stallAfter !== undefined ? { stallAfter: options.stallAfter } : {}),
    },
    settings: options.demo ? withDemoThresholds(fromWindow) : fromWindow,
    config: { globals: config.monitor, pipelines: config.pipelines },
  });
  return { config, settings };
}
