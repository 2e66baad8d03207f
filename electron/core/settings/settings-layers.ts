import type { Settings, SettingsMonitor } from '../../../shared/settings.ts';
import { compileQuietHours, type AlertLayer } from '../alerts/alert-config.ts';
import { quietHoursSchema } from '../alerts/alert-config-schema.ts';
import type { ChannelConfig } from '../alerts/channel-config.ts';
import type { RetentionPolicy } from '../archive/retention.ts';
import type {
  GlobalKey,
  MonitorGlobals,
  PipelineOverride,
  SettingsLayer,
} from '../monitor/monitor-settings.ts';

/** Each monitor global and its key in settings (the same as alerts.yaml's `monitor:`). */
export const GLOBAL_KEYS = {
  poll: 'poll',
  stallAfter: 'stall_after',
  sourceGrace: 'source_grace',
  settle: 'settle',
  staleAfter: 'stale_after',
  maxAlertAge: 'max_alert_age',
  keepHistory: 'keep_history',
} as const satisfies Record<GlobalKey, keyof SettingsMonitor>;

const GB = 1024 ** 3;

/** What the settings window contributes to the rest of Runwatch. */
export interface SettingsLayers {
  /** Layered over alerts.yaml by `parseConfig(text, file, { layer })`. */
  alerts: AlertLayer;
  /** The `settings` layer of `resolveMonitorSettings`. */
  monitor: SettingsLayer;
  archive: { enabled: boolean; retention: RetentionPolicy };
}

export function settingsLayers(settings: Settings): SettingsLayers {
  const globals: Partial<MonitorGlobals> = {};
  for (const key of Object.keys(GLOBAL_KEYS) as GlobalKey[]) {
    const value = settings.monitor[GLOBAL_KEYS[key]];
    if (value !== undefined) globals[key] = value;
  }
  const pipelines: PipelineOverride[] = settings.monitor.pipelines.map((override) => ({
    pattern: override.pattern,
    ...(override.stall_after !== undefined ? { stallAfter: override.stall_after } : {}),
    ...(override.max_duration !== undefined ? { maxDuration: override.max_duration } : {}),
  }));
  // Typed as the file's channels: the settings schema must stay assignable to them.
  const channels: Record<string, ChannelConfig> = { ...settings.channels };
  return {
    alerts: {
      channels,
      // No quiet hours in settings leaves the file's, if any, in force.
      ...(settings.quiet_hours
        ? { quietHours: compileQuietHours(quietHoursSchema.parse(settings.quiet_hours)) }
        : {}),
    },
    monitor: { globals, pipelines },
    archive: {
      enabled: settings.archive.enabled,
      retention: {
        keepDays: settings.archive.keep_days ?? null,
        maxBytes: settings.archive.max_gb === undefined ? null : settings.archive.max_gb * GB,
      },
    },
  };
}
