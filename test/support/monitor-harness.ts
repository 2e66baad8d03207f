import type { RunwatchEvent } from '../../shared/events.ts';
import type { SchemaChoice } from '../../electron/core/source/profile/source-profile.ts';
import { artifactPolicy, NO_ARTIFACT_RULES } from '../../electron/core/archive/artifact-policy.ts';
import { EventBus } from '../../electron/core/events/event-bus.ts';
import { streamLogger } from '../../electron/core/log.ts';
import { JobRunner, type JobRunnerOptions } from '../../electron/core/jobs/job-runner.ts';
import { Monitor, type SourceDiagnostics } from '../../electron/core/monitor/monitor.ts';
import {
  resolveMonitorSettings,
  type SettingsLayer,
} from '../../electron/core/monitor/monitor-settings.ts';
import { isPostgresUrl } from '../../electron/core/source/pg/pg-location.ts';
import { StateStore } from '../../electron/core/store/state-store.ts';
import { tempDir } from './orchestration-db.ts';
import { waitFor } from './wait.ts';

export interface HarnessOptions {
  dataDir?: string;
  poll?: number;
  stallAfter?: number;
  sourceGrace?: number;
  config?: SettingsLayer;
  backfill?: boolean;
  sweepEveryMs?: number;
  folderHint?: boolean;
  /** Also run archive and report jobs, as `watch` does. */
  jobs?: Partial<Omit<JobRunnerOptions, 'store' | 'bus' | 'dataDir' | 'log'>>;
  /** The profile to read the database with (`--schema`); absent recognises it. */
  schema?: SchemaChoice;
}

/** The real Monitor on a real database file, collecting what it publishes and logs. */
export class MonitorHarness {
  readonly events: RunwatchEvent[] = [];
  readonly logs: string[] = [];
  readonly dataDir: string;
  readonly store: StateStore;
  readonly monitor: Monitor;
  readonly jobs: JobRunner | null;
  diagnostics: SourceDiagnostics | null = null;

  constructor(dbPath: string, options: HarnessOptions = {}) {
    this.dataDir = options.dataDir ?? tempDir();
    this.store = StateStore.open(this.dataDir);
    const bus = new EventBus((error) => this.logs.push(`listener error: ${String(error)}`));
    bus.onAny((event) => this.events.push(event));
    const settings = resolveMonitorSettings({
      flags: {
        poll: options.poll ?? 50,
        ...(options.stallAfter !== undefined ? { stallAfter: options.stallAfter } : {}),
        ...(options.sourceGrace !== undefined ? { sourceGrace: options.sourceGrace } : {}),
      },
      ...(options.config ? { config: options.config } : {}),
    });
    this.monitor = new Monitor({
      dbPath,
      sourceName: 'orch',
      store: this.store,
      bus,
      settings,
      log: streamLogger((line) => this.logs.push(line.trimEnd())),
      backfill: options.backfill ?? false,
      // A test that sets the sweeps' cadence keeps it, whatever a sweep costs.
      ...(options.sweepEveryMs !== undefined
        ? { sweepEveryMs: options.sweepEveryMs, sweepShare: 1 }
        : {}),
      ...(options.folderHint !== undefined ? { folderHint: options.folderHint } : {}),
      ...(options.schema !== undefined ? { schema: options.schema } : {}),
    });
    this.monitor.onReady((diagnostics) => (this.diagnostics = diagnostics));
    this.jobs = options.jobs
      ? new JobRunner({
          store: this.store,
          bus,
          dataDir: this.dataDir,
          artifactPolicy: artifactPolicy(
            isPostgresUrl(dbPath) ? null : dbPath,
            this.dataDir,
            NO_ARTIFACT_RULES,
            () => this.monitor.schemaArtifacts,
          ),
          log: streamLogger((line) => this.logs.push(line.trimEnd())),
          ...options.jobs,
        })
      : null;
    if (this.jobs) bus.on('run_completed', () => this.jobs?.wake());
  }

  start(): this {
    this.jobs?.start();
    this.monitor.start();
    return this;
  }

  async stop(): Promise<void> {
    await this.monitor.stop();
    await this.jobs?.stop();
    this.store.close();
  }

  of(type: RunwatchEvent['type'], runId?: string): RunwatchEvent[] {
    return this.events.filter(
      (event) =>
        event.type === type &&
        (runId === undefined || ('run_id' in event && event.run_id === runId)),
    );
  }

  waitFor(type: RunwatchEvent['type'], runId?: string, timeoutMs = 10_000): Promise<RunwatchEvent> {
    return waitFor(
      () => this.of(type, runId)[0],
      `${type}${runId ? ` of ${runId}` : ''}`,
      timeoutMs,
    );
  }

  waitForLog(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    return waitFor(
      () => this.logs.find((line) => pattern.test(line)),
      `a log line matching ${pattern}`,
      timeoutMs,
    );
  }
}
