import { errorMessage } from '../../../shared/error-message.ts';
import type { AlertLayer } from '../alerts/alert-config.ts';
import { AlertReach } from '../alerts/alert-reach.ts';
import { AlertService } from '../alerts/alert-service.ts';
import type { ChannelDeps } from '../alerts/channels/channel-factory.ts';
import type { RunwatchConfig } from '../alerts/config-file.ts';
import { EventBus } from '../events/event-bus.ts';
import { JobRunner } from '../jobs/job-runner.ts';
import type { Logger } from '../log.ts';
import type { SchemaChoice } from '../source/profile/source-profile.ts';
import { isPostgresUrl } from '../source/pg/pg-location.ts';
import { Monitor } from '../monitor/monitor.ts';
import type { MonitorSettings } from '../monitor/monitor-settings.ts';
import {
  artifactPolicy,
  NO_ARTIFACT_RULES,
  type ArtifactRules,
} from '../archive/artifact-policy.ts';
import type { RetentionPolicy } from '../archive/retention.ts';
import { acquireDataDirLock, type DataDirLock } from '../store/data-dir-lock.ts';
import { HistoryRetention } from '../store/history-retention.ts';
import { StateStore } from '../store/state-store.ts';
import { systemClock, type Clock } from '../time/clock.ts';

export interface SourceSessionOptions {
  /** The source's name in events and in the UI. */
  name: string;
  dbPath: string;
  /** The profile to read the database with (`--schema`); null or absent recognises it. */
  schema?: SchemaChoice;
  dataDir: string;
  /** Loaded with `alertLayer` over the file. */
  config: RunwatchConfig;
  /** Re-reads the config file with a layer over it, for hot reload; null: no file to watch. */
  reload: ((layer: AlertLayer) => RunwatchConfig) | null;
  /** The settings window's channels and quiet hours; `alerts.useAlertLayer` replaces it. */
  alertLayer?: AlertLayer;
  settings: MonitorSettings;
  channels: ChannelDeps;
  log: Logger;
  clock?: Clock;
  backfill?: boolean;
  /** False: finished runs get their report and no zip. Default true. */
  archiving?: boolean;
  retention?: RetentionPolicy;
  /** Folders allowed besides the database's, and the caps per archive. */
  artifacts?: ArtifactRules;
}

/**
 * Everything that watches one source (ARCHITECTURE.md §2): the data dir's lock, its state.db, the
 * monitor, the archive and report jobs, and the alert engine, on one event bus. `runwatch watch`
 * runs one; the app runs one per source; each stops cleanly and resumes its work next start.
 */
export class SourceSession {
  readonly name: string;
  readonly dataDir: string;
  readonly store: StateStore;
  readonly bus: EventBus;
  readonly monitor: Monitor;
  readonly jobs: JobRunner;
  readonly alerts: AlertService;
  /** The monitoring settings it was started with, and where each comes from. */
  readonly settings: MonitorSettings;
  /** The config file it was started with. */
  readonly configFile: string;
  readonly retention: HistoryRetention;
  /** How many alerts fired since the start, and how many reached anyone. */
  readonly reach: AlertReach;
  private readonly lock: DataDirLock;
  private stopped = false;

  private constructor(options: SourceSessionOptions, lock: DataDirLock, store: StateStore) {
    const { log } = options;
    this.name = options.name;
    this.dataDir = options.dataDir;
    this.settings = options.settings;
    this.configFile = options.config.file;
    this.lock = lock;
    this.store = store;
    this.bus = new EventBus((error, event) =>
      log.error(`a handler failed on ${event.type}: ${errorMessage(error)}`),
    );
    this.monitor = new Monitor({
      dbPath: options.dbPath,
      schema: options.schema ?? null,
      sourceName: options.name,
      store,
      bus: this.bus,
      settings: options.settings,
      log,
      ...(options.clock ? { clock: options.clock } : {}),
      backfill: options.backfill ?? false,
    });
    this.jobs = new JobRunner({
      store,
      bus: this.bus,
      dataDir: options.dataDir,
      artifactPolicy: artifactPolicy(
        isPostgresUrl(options.dbPath) ? null : options.dbPath,
        options.dataDir,
        options.artifacts ?? NO_ARTIFACT_RULES,
        () => this.monitor.schemaArtifacts,
      ),
      log,
      archiving: options.archiving ?? true,
      ...(options.retention ? { retention: options.retention } : {}),
    });
    this.bus.on('run_completed', () => this.jobs.wake());
    this.alerts = new AlertService({
      store,
      bus: this.bus,
      config: options.config,
      reload: options.reload,
      ...(options.alertLayer ? { layer: options.alertLayer } : {}),
      channels: options.channels,
      clock: options.clock ?? systemClock,
      log,
      source: options.name,
      stallAfterFor: (pipeline) => options.settings.thresholds(pipeline).stallAfter,
      healthy: () => this.monitor.healthy,
      keepHistory: options.settings.keepHistory,
    });
    this.retention = new HistoryRetention({
      store,
      clock: options.clock ?? systemClock,
      log,
      keepMs: options.settings.keepHistory,
    });
    this.reach = new AlertReach(
      () => store.alertHistory,
      (options.clock ?? systemClock).now(),
      store.alerts.transitions.lastLogId(),
    );
    this.bus.on('alert_sent', (event) => this.reach.sent(event.delivery_id));
  }

  /** Takes the data dir (a second watcher fails here, naming the holder) and opens state.db. */
  static open(options: SourceSessionOptions): SourceSession {
    const lock = acquireDataDirLock(options.dataDir, { db: options.dbPath, source: options.name });
    try {
      return new SourceSession(options, lock, StateStore.open(options.dataDir));
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Starts delivering alerts and running jobs; the monitor starts with `start` or `runOnce`. */
  startServices(): void {
    this.alerts.start();
    this.jobs.start();
    this.retention.start();
  }

  start(): void {
    this.startServices();
    this.monitor.start();
  }

  /** One monitor cycle, then the jobs and the deliveries it caused; false if it failed. */
  async runOnce(): Promise<boolean> {
    const ok = await this.monitor.runOnce();
    await this.jobs.idle();
    await this.alerts.flush();
    return ok;
  }

  /** Stops in order; what is in flight is finished or left to resume at the next start. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      await this.monitor.stop();
      await this.jobs.stop();
      await this.alerts.stop();
      await this.retention.stop();
    } finally {
      this.store.close();
      this.lock.release();
    }
  }
}
