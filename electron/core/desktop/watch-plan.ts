import path from 'node:path';
import { defaultSettings, type Settings, type SettingsSource } from '../../../shared/settings.ts';
import type { ArtifactRules } from '../archive/artifact-policy.ts';
import type { RetentionPolicy } from '../archive/retention.ts';
import type { AlertLayer } from '../alerts/alert-config.ts';
import type { SettingsLayer } from '../monitor/monitor-settings.ts';
import { settingsLayers } from '../settings/settings-layers.ts';
import { isPostgresUrl, withPassword } from '../source/pg/pg-location.ts';
import { withDemoThresholds } from '../demo/demo-thresholds.ts';

export const DEMO_SOURCE_NAME = 'demo';

/** One source's data dir in the app: `<userData>/sources/<name>/` (ARCHITECTURE.md §2). */
export function sourceDataDir(userData: string, name: string): string {
  return path.join(userData, 'sources', name);
}

/** The built-in demo, laid out as `--demo` lays it out: `<data dir>/demo/orchestration.db`. */
export function demoSource(userData: string): SettingsSource {
  const dataDir = sourceDataDir(userData, DEMO_SOURCE_NAME);
  return { name: DEMO_SOURCE_NAME, db: path.join(dataDir, 'demo', 'orchestration.db') };
}

/** What the app watches before the user has configured anything: the demo. */
export function firstStartSettings(userData: string): Settings {
  return defaultSettings([demoSource(userData)]);
}

export interface WatchedSource {
  name: string;
  db: string;
  dataDir: string;
  /** Runs the built-in demo pipeline, with the demo's short thresholds. */
  demo: boolean;
  /** A built-in schema's name or a mapping file; null: recognised from its tables. */
  schema: string | null;
  /** The `settings` layer of this source's monitoring settings. */
  monitor: SettingsLayer;
}

export interface WatchPlan {
  sources: WatchedSource[];
  /** The dashboard says it is showing the demo, and how to watch a real pipeline. */
  demoBanner: boolean;
  /** The alerts.yaml to load; null: the shipped one. */
  alertsConfig: string | null;
  alerts: AlertLayer;
  /** False: finished runs get their report and no zip (the settings' `archive.enabled`). */
  archiving: boolean;
  retention: RetentionPolicy;
  /** Folders artifacts may come from besides each database's own, and the caps per archive. */
  artifacts: ArtifactRules;
}

function isDemo(source: SettingsSource, userData: string): boolean {
  const demo = demoSource(userData);
  return source.name === demo.name && path.resolve(source.db) === path.resolve(demo.db);
}

/**
 * What to watch, from the settings: each of the user's sources with its data dir under
 * `userData`; the demo source when the settings are still the first start's, with the demo's
 * short thresholds under what the user saved.
 */
export function watchPlan(settings: Settings, userData: string): WatchPlan {
  const layers = settingsLayers(settings);
  const sources = settings.sources.map((source): WatchedSource => {
    const demo = isDemo(source, userData);
    const monitor: SettingsLayer = demo ? withDemoThresholds(layers.monitor) : layers.monitor;
    return {
      name: source.name,
      // A server's URL as given, with its sealed password; a file by its absolute path.
      db: isPostgresUrl(source.db)
        ? withPassword(source.db, source.password)
        : path.resolve(source.db),
      dataDir: sourceDataDir(userData, source.name),
      demo,
      schema: source.schema ?? null,
      monitor,
    };
  });
  return {
    sources,
    demoBanner: sources.some((source) => source.demo),
    alertsConfig: settings.alerts_config,
    alerts: layers.alerts,
    archiving: layers.archive.enabled,
    retention: layers.archive.retention,
    artifacts: layers.archive.artifacts,
  };
}
