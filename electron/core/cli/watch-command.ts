import { formatDuration } from '../../../shared/duration.ts';
import { nodeNotifier } from '../alerts/channels/desktop-channel.ts';
import { loadConfigFile } from '../alerts/config-file.ts';
import { DemoPipeline } from '../demo/demo-pipeline.ts';
import { streamLogger, type Logger } from '../log.ts';
import { preferSmallHeap } from '../small-heap.ts';
import type { SourceDiagnostics } from '../monitor/monitor.ts';
import type { MonitorSettings } from '../monitor/monitor-settings.ts';
import { SourceSession } from '../session/source-session.ts';
import { schemaChoice } from '../source/builtin-profiles.ts';
import { settingsLayers } from '../settings/settings-layers.ts';
import { EXIT_INPUT, EXIT_OK } from './cli-errors.ts';
import { eventLine } from './event-line.ts';
import { loadSettings } from './load-settings.ts';
import type { ServeListen } from './serve-command.ts';
import { resolveSourcePaths } from './source-paths.ts';
import { overrideText } from './override-text.ts';
import { untilStopRequested } from './stop-request.ts';
import { artifactRulesOf, type ArtifactOptions } from './watch-options.ts';
import { unindexedNotice } from './index-notice.ts';

export interface WatchOptions extends ArtifactOptions {
  db?: string;
  schema?: string;
  dataDir?: string;
  config?: string;
  poll?: number;
  stallAfter?: number;
  json?: boolean;
  once?: boolean;
  backfill?: boolean;
  demo?: boolean;
  verbose?: boolean;
  /** False with `--no-archive`: reports without zips, whatever the settings say. */
  archive?: boolean;
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
    item('keep_history', 'keepHistory'),
  ].join(', ');
}

function reportSource(d: SourceDiagnostics, log: Logger): void {
  const runs = `${d.active} active run${d.active === 1 ? '' : 's'}, ${d.finished} finished`;
  const optional = d.optionalColumns
    .map((c) => `${c.table}.${c.column} (optional) ${c.present ? 'read' : 'not present'}`)
    .join(', ');
  const how = d.schema.detected ? 'recognised' : (d.schema.file ?? 'named');
  // A server's source says what it reads ("postgresql 16.2"), a file its journal mode.
  const engine = d.journalMode.startsWith('postgresql')
    ? d.journalMode
    : `journal mode ${d.journalMode}`;
  log.info(
    `${engine}; schema ok: ${d.schema.name} (${how})${optional ? `, ${optional}` : ''}; ${runs}`,
  );
  if (d.missingIndexes.length === 0) {
    log.info('indexes ok');
    return;
  }
  const names = d.missingIndexes.map((index) => `${index.table}(${index.column})`).join(', ');
  const statements = d.missingIndexes.flatMap((index) =>
    index.statement ? [index.statement] : [],
  );
  if (statements.length === 0) {
    // Another tool's database: Runwatch never changes it, and says only what it costs.
    log.warn(unindexedNotice(names, d.journalMode));
    return;
  }
  log.warn(
    `missing indexes make change checks slower on a large database: ${names}. Add them with:`,
  );
  for (const statement of statements) process.stderr.write(`    ${statement}\n`);
}

/**
 * `watch`, and with `serve` given, `runwatch serve`: the same watch, with the UI served and the
 * URL to open printed instead of the events.
 */
export async function watchCommand(options: WatchOptions, serve?: ServeListen): Promise<number> {
  const log = streamLogger((line) => process.stderr.write(line), {
    verbose: options.verbose ?? false,
  });
  const paths = resolveSourcePaths(options);
  // `serve` keeps what its settings window saves beside its state: channels and quiet hours
  // apply at once, thresholds and archiving at the next start.
  // Loaded only for `serve`: a plain watch keeps the HTTP and WebSocket server out of memory.
  const serving = serve ? await import('./serve-command.ts') : null;
  const windowSettings = serving ? await serving.loadServedSettings(paths) : null;
  const layers = windowSettings ? settingsLayers(windowSettings.settings) : undefined;
  const { config, settings } = loadSettings(options, layers);
  // After the config: a large one parses many times faster with V8's usual heap growth.
  preferSmallHeap();

  const schema = options.schema === undefined ? null : schemaChoice(options.schema);
  const channels = { desktop: nodeNotifier() };
  const session = SourceSession.open({
    name: paths.sourceName,
    dbPath: paths.dbPath,
    schema,
    dataDir: paths.dataDir,
    config,
    reload: (layer) => loadConfigFile(config.file, { layer }),
    ...(layers ? { alertLayer: layers.alerts } : {}),
    settings,
    channels,
    log,
    backfill: options.backfill ?? false,
    // The flag only turns archiving off: without it, the settings decide (`serve`).
    archiving: options.archive !== false && (layers?.archive.enabled ?? true),
    retention: {
      keepDays: options.archiveKeepDays ?? null,
      maxBytes: options.archiveMaxGb === undefined ? null : options.archiveMaxGb * 1024 ** 3,
    },
    artifacts: artifactRulesOf(options, layers?.archive.artifacts),
  });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (!serve) {
    session.bus.onAny((event) => out(options.json ? JSON.stringify(event) : eventLine(event)));
  }

  log.info(`watching ${paths.shown} (source "${paths.sourceName}")`);
  log.info(`data dir ${paths.dataDir}`);
  log.info(`config ${config.file}; ${describeSettings(settings)}`);
  if (settings.pipelines.length > 0) {
    log.info(`per pipeline, beating those: ${settings.pipelines.map(overrideText).join('; ')}`);
  }
  session.monitor.onReady((diagnostics) => reportSource(diagnostics, log));

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

  let served: { close(): Promise<void> } | null = null;
  try {
    if (options.once) {
      session.startServices();
      return (await session.runOnce()) ? EXIT_OK : EXIT_INPUT;
    }
    let stopRequested: (reason: string) => void = () => {};
    const stopped = new Promise<string>((resolve) => (stopRequested = resolve));
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') stopRequested('EPIPE');
    });
    session.start();
    if (serve && serving) {
      served = await serving.startServing(session, paths, serve, {
        demo: options.demo ?? false,
        channels,
        log,
        ...(windowSettings
          ? {
              settings: {
                store: windowSettings.store,
                sourcesReadOnly: true,
                appliesAtOnce: ['channels', 'quiet_hours'],
                applied: (saved) => session.alerts.useAlertLayer(settingsLayers(saved).alerts),
              },
            }
          : {}),
      });
    }
    const reason = await Promise.race([untilStopRequested(), stopped]);
    log.info(`stopping (${reason})`);
    return EXIT_OK;
  } finally {
    await served?.close();
    demo?.stop();
    await session.stop();
    await demoDone;
  }
}
