import { errorMessage } from '../../../shared/error-message.ts';
import type { ApiSource } from '../api/source-views.ts';
import type { AlertLayer } from '../alerts/alert-config.ts';
import type { DesktopNotifier } from '../alerts/channels/desktop-channel.ts';
import { DEFAULT_CONFIG_FILE, loadConfigFile, type RunwatchConfig } from '../alerts/config-file.ts';
import { DemoPipeline } from '../demo/demo-pipeline.ts';
import type { Logger } from '../log.ts';
import { resolveMonitorSettings } from '../monitor/monitor-settings.ts';
import { SourceSession } from '../session/source-session.ts';
import { schemaChoice } from '../source/builtin-profiles.ts';
import type { Clock } from '../time/clock.ts';
import type { WatchPlan } from './watch-plan.ts';

export interface WatchedSourcesOptions {
  plan: WatchPlan;
  desktop: DesktopNotifier;
  log: Logger;
  clock?: Clock;
}

/** A source that could not be watched, and why (its data dir is held by a `watch`, say). */
export interface SourceProblem {
  source: string;
  message: string;
}

/**
 * The alerts.yaml the settings name, with the settings window's channels and quiet hours layered
 * over it. A file that cannot be used is reported and the shipped one is used instead, so the
 * app still watches and alerts while the user fixes it.
 */
function loadAlertsConfig(plan: WatchPlan, log: Logger): { config: RunwatchConfig; file: string } {
  const options = { layer: plan.alerts };
  if (plan.alertsConfig !== null) {
    try {
      return { config: loadConfigFile(plan.alertsConfig, options), file: plan.alertsConfig };
    } catch (error) {
      log.error(`${errorMessage(error)}\nusing the shipped alerts.yaml instead`);
    }
  }
  return { config: loadConfigFile(DEFAULT_CONFIG_FILE, options), file: DEFAULT_CONFIG_FILE };
}

/**
 * Every source the app watches (ARCHITECTURE.md §2: in effect several `watch`es in one process), each
 * a `SourceSession` with its data dir under userData, and the demo pipeline where the demo is
 * watched. A source that cannot be opened is reported and the others are watched.
 */
export class WatchedSources {
  readonly sources: ApiSource[] = [];
  readonly problems: SourceProblem[] = [];
  private readonly demos: DemoPipeline[] = [];
  private readonly log: Logger;
  private demoRuns: Promise<void>[] = [];
  private stopping: Promise<void> | null = null;

  private constructor(log: Logger) {
    this.log = log;
  }

  static open(options: WatchedSourcesOptions): WatchedSources {
    const { plan, log } = options;
    const { config, file } = loadAlertsConfig(plan, log);
    const watched = new WatchedSources(log);
    const { sources, problems, demos } = watched;
    for (const source of plan.sources) {
      try {
        const session = SourceSession.open({
          name: source.name,
          dbPath: source.db,
          schema: source.schema === null ? null : schemaChoice(source.schema),
          dataDir: source.dataDir,
          config,
          reload: (layer) => loadConfigFile(file, { layer }),
          alertLayer: plan.alerts,
          settings: resolveMonitorSettings({
            settings: source.monitor,
            config: { globals: config.monitor, pipelines: config.pipelines },
          }),
          channels: { desktop: options.desktop },
          log,
          ...(options.clock ? { clock: options.clock } : {}),
          archiving: plan.archiving,
          retention: plan.retention,
          artifacts: plan.artifacts,
        });
        sources.push({ name: source.name, db: source.db, demo: source.demo, session });
      } catch (error) {
        const message = errorMessage(error);
        log.error(`cannot watch source "${source.name}": ${message}`);
        problems.push({ source: source.name, message });
        continue;
      }
      if (!source.demo) continue;
      try {
        demos.push(new DemoPipeline({ dbPath: source.db, runs: 0, speed: 1, log }));
      } catch (error) {
        log.error(`the demo pipeline cannot run: ${errorMessage(error)}`);
      }
    }
    return watched;
  }

  /** Starts every monitor, its jobs and its alerts, and the demo pipeline. */
  start(): void {
    for (const source of this.sources) source.session.start();
    this.demoRuns = this.demos.map((demo) =>
      demo.run().catch((error: unknown) => {
        this.log.error(`demo pipeline stopped: ${errorMessage(error)}`);
      }),
    );
  }

  /** Saved settings' channels and quiet hours take effect at once; the rest at the next start. */
  useAlertLayer(layer: AlertLayer): void {
    for (const source of this.sources) source.session.alerts.useAlertLayer(layer);
  }

  /** Checks every source now (after the machine woke up, say). */
  wake(): void {
    for (const source of this.sources) source.session.monitor.wake();
  }

  /**
   * Stops the demo, then every session: in-flight work is finished or left to resume at the
   * next start, and each data dir's lock is released. Safe to call more than once.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const demo of this.demos) demo.stop();
      const stopped = await Promise.allSettled(this.sources.map((source) => source.session.stop()));
      stopped.forEach((result, index) => {
        if (result.status === 'rejected') {
          const name = this.sources[index]?.name ?? '?';
          this.log.error(`stopping source "${name}" failed: ${errorMessage(result.reason)}`);
        }
      });
      await Promise.all(this.demoRuns);
    })();
    return this.stopping;
  }
}
