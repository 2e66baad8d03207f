import { DEFAULT_CONFIG_FILE, loadConfigFile, type RunwatchConfig } from '../config/config-file.ts';
import { resolveMonitorSettings, type MonitorSettings } from '../monitor/monitor-settings.ts';

/** What `--demo` means for thresholds (DESIGN.md §6): a stall shows within a minute. */
const DEMO_STALL_AFTER = 20_000;

/** The config file (`--config`, else the shipped one) and the monitoring settings it yields. */
export function loadSettings(options: {
  config?: string;
  poll?: number;
  stallAfter?: number;
  demo?: boolean;
}): { config: RunwatchConfig; settings: MonitorSettings } {
  const config = loadConfigFile(options.config ?? DEFAULT_CONFIG_FILE);
  const settings = resolveMonitorSettings({
    flags: {
      ...(options.poll !== undefined ? { poll: options.poll } : {}),
      ...(options.stallAfter !== undefined ? { stallAfter: options.stallAfter } : {}),
    },
    ...(options.demo ? { settings: { globals: { stallAfter: DEMO_STALL_AFTER } } } : {}),
    config: { globals: config.monitor, pipelines: config.pipelines },
  });
  return { config, settings };
}
