import type { SettingsLayer } from '../monitor/monitor-settings.ts';

/** What `--demo` means for thresholds (ARCHITECTURE.md §6): the demo's stall shows within a minute. */
export const DEMO_STALL_AFTER = 20_000;

/**
 * The settings layer of a demo source, in `serve --demo` and in the app alike: what the user
 * saved in the settings window beats the demo's short threshold, which beats the config file's
 * and the built-in defaults (a flag still beats them all), and says it is the demo's.
 */
export function withDemoThresholds(saved: SettingsLayer = {}): SettingsLayer {
  return { ...saved, demo: { stallAfter: DEMO_STALL_AFTER } };
}
