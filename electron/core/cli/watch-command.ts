import { formatDuration } from '../../../shared/duration.ts';
import { AlertService } from '../alerts/alert-service.ts';
import { nodeNotifier } from '../alerts/channels/desktop-channel.ts';
import { loadConfigFile } from '../config/config-file.ts';
import { systemClock } from '../time/clock.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import { DemoPipeline } from '../demo/demo-pipeline.ts';
import { EventBus } from '../events/event-bus.ts';
import { JobRunner } from '../jobs/job-runner.ts';
import { streamLogger, type Logger } from '../log.ts';
import { releaseMemory } from '../release-memory.ts';
import { Monitor, type SourceDiagnostics } from '../monitor/monitor.ts';
import type { MonitorSettings } from '../monitor/monitor-settings.ts';
import { acquireDataDirLock } from '../store/data-dir-lock.ts';
import { StateStore } from '../store/state-store.ts';
import { EXIT_INPUT, EXIT_OK } from './cli-errors.ts';
import { eventLine } from './event-line.ts';
import { loadSettings } from './load-settings.ts';
import { resolveSourcePaths } from './source-paths.ts';

export interface WatchOptions {
  db?: string;
  dataDir?: string;
  config?: string;
  poll?: number;
  stallAfter?: number;
  json?: boolean;
  once?: boolean;
  backfill?: boolean;
  demo?: boolean;
  verbose?: boolean;
  archiveKeepDays?: number;
  archiveMaxGb?: number;
}

function describeSettings(settings: MonitorSettings): string {
  const item = (name: string, key: keyof MonitorSettings['origin']) =>
    `${name} ${formatDuration(settings[key])}${settings.origin[key] === 'default' ? '' : ` (${settings.origin[key]})`}`;
  return [
    item('poll', 'poll'),
    item('stall_after', 'stallAfter'),
    item('source_grace', 'sourceGrace'),
    item('stale_after', 'staleAfter'),
    item('max_alert_age', 'maxAlertAge'),
  ].join(', ');
}

function reportSource(d: SourceDiagnostics, log: Logger): void {
  const runs = `${d.active} active run${d.active === 1 ? '' : 's'}, ${d.finished} finished`;
  log.info(`journal mode ${d.journalMode}; schema ok; ${runs}`);
  if (d.missingIndexes.length === 0) {
    log.info('indexes ok');
    return;
  }
  const names = d.missingIndexes.map((index) => `${index.table}(${index.column})`).join(', ');
  log.warn(
    `missing indexes make change checks slower on a large database: ${names}. Add them with:`,
  );
  for (const index of d.missingIndexes) process.stderr.write(`    ${index.statement}\n`);
}

/** Resolves on SIGINT/SIGTERM; a second signal exits at once. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) process.exit(130);
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export async function watchCommand(options: WatchOptions): Promise<number> {
  const log = streamLogger((line) => process.stderr.write(line), {
    verbose: options.verbose ?? false,
  });
  const paths = resolveSourcePaths(options);
  const { config, settings } = loadSettings(options);

  const lock = acquireDataDirLock(paths.dataDir);
  const store = StateStore.open(paths.dataDir);
  const bus = new EventBus((error, event) =>
    log.error(`a handler failed on ${event.type}: ${errorMessage(error)}`),
  );
  const out = (line: string) => process.stdout.write(`${line}\n`);
  bus.onAny((event) => out(options.json ? JSON.stringify(event) : eventLine(event)));

  log.info(`watching ${paths.dbPath} (source "${paths.sourceName}")`);
  log.info(`data dir ${paths.dataDir}`);
  log.info(`config ${config.file}; ${describeSettings(settings)}`);

  const monitor = new Monitor({
    dbPath: paths.dbPath,
    sourceName: paths.sourceName,
    store,
    bus,
    settings,
    log,
    backfill: options.backfill ?? false,
  });
  const jobs = new JobRunner({
    store,
    bus,
    dataDir: paths.dataDir,
    log,
    retention: {
      keepDays: options.archiveKeepDays ?? null,
      maxBytes: options.archiveMaxGb === undefined ? null : options.archiveMaxGb * 1024 ** 3,
    },
  });
  bus.on('run_completed', () => jobs.wake());
  const alerts = new AlertService({
    store,
    bus,
    config,
    reload: () => loadConfigFile(config.file),
    channels: { desktop: nodeNotifier() },
    clock: systemClock,
    log,
    source: paths.sourceName,
    stallAfterFor: (pipeline) => settings.thresholds(pipeline).stallAfter,
    healthy: () => monitor.healthy,
  });
  monitor.onReady((diagnostics) => {
    releaseMemory();
    reportSource(diagnostics, log);
  });

  let demo: DemoPipeline | null = null;
  let demoDone: Promise<void> = Promise.resolve();
  if (options.demo) {
    demo = new DemoPipeline({
      dbPath: paths.dbPath,
      runs: 0,
      speed: 1,
      log: streamLogger((line) => process.stderr.write(line), {
        verbose: options.verbose ?? false,
        prefix: '',
      }),
    });
    demoDone = demo
      .run()
      .catch((error: unknown) => log.error(`demo pipeline stopped: ${String(error)}`));
    log.info(`demo pipeline writing to ${paths.dbPath}; stop with Ctrl-C`);
  }

  try {
    alerts.start();
    jobs.start();
    if (options.once) {
      const ok = await monitor.runOnce();
      await jobs.idle();
      await alerts.flush();
      return ok ? EXIT_OK : EXIT_INPUT;
    }
    let stopRequested: (reason: string) => void = () => {};
    const stopped = new Promise<string>((resolve) => (stopRequested = resolve));
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') stopRequested('EPIPE');
    });
    monitor.start();
    const reason = await Promise.race([untilSignal(), stopped]);
    log.info(`stopping (${reason})`);
    return EXIT_OK;
  } finally {
    demo?.stop();
    await monitor.stop();
    await jobs.stop();
    await alerts.stop();
    await demoDone;
    store.close();
    lock.release();
  }
}
