import { errorMessage } from '../../../shared/error-message.ts';
import path from 'node:path';
import { defaultSettings, type Settings } from '../../../shared/settings.ts';
import type { SettingsAccess } from '../api/api-options.ts';
import { ApiService } from '../api/api-service.ts';
import type { ChannelDeps } from '../alerts/channels/channel-factory.ts';
import type { Logger } from '../log.ts';
import { DownloadRegistry } from '../serve/download-registry.ts';
import { isPostgresUrl } from '../source/pg/pg-location.ts';
import { realPathOf } from '../store/data-dir.ts';
import { dashboardFolder, DashboardMissingError } from '../desktop/ui-folder.ts';
import { ServeServer } from '../serve/serve-server.ts';
import type { SourceSession } from '../session/source-session.ts';
import { plainCipher } from '../settings/secret-cipher.ts';
import { SettingsStore } from '../settings/settings-store.ts';
import { systemClock } from '../time/clock.ts';
import { InputError } from './cli-errors.ts';
import type { SourcePaths } from './source-paths.ts';

const SETTINGS_FILE = 'settings.json';

export interface ServeListen {
  host?: string;
  port?: number;
}

/**
 * The settings `serve`'s window edits, kept in the data dir as settings.json: readable only by
 * its owner, secrets not encrypted (there is no OS keyring to hand), its one source fixed.
 */
export async function loadServedSettings(
  paths: SourcePaths,
): Promise<{ store: SettingsStore; settings: Settings }> {
  const store = new SettingsStore({
    file: path.join(paths.dataDir, SETTINGS_FILE),
    cipher: plainCipher,
    // A server's URL is kept without its password, which settings.json must not hold in clear.
    defaults: defaultSettings([
      {
        name: paths.sourceName,
        db: isPostgresUrl(paths.dbPath) ? realPathOf(paths.dbPath) : path.resolve(paths.dbPath),
      },
    ]),
  });
  return { store, settings: await store.load() };
}

/** The dashboard's folder; a checkout installed without its scripts has to build it first. */
function builtDashboard(): string {
  try {
    return dashboardFolder();
  } catch (error) {
    if (error instanceof DashboardMissingError) throw new InputError(error.message);
    throw error;
  }
}

/**
 * `runwatch serve`: the API over one watched source, carried to a browser. It prints the one line
 * to open, `http://HOST:PORT/?token=T`; what the app would open in a folder becomes a download.
 */
export async function startServing(
  session: SourceSession,
  paths: SourcePaths,
  listen: ServeListen,
  options: { demo: boolean; channels: ChannelDeps; log: Logger; settings?: SettingsAccess },
): Promise<{ close(): Promise<void> }> {
  const { demo, channels, log, settings } = options;
  const root = builtDashboard();
  const downloads = new DownloadRegistry();
  const api = new ApiService({
    sources: [{ name: paths.sourceName, db: paths.dbPath, demo, session }],
    transport: 'serve',
    files: {
      openFolder: null,
      showFile: (file) => Promise.resolve({ download: downloads.register(file) }),
    },
    channels,
    ...(settings ? { settings } : {}),
    clock: systemClock,
    log,
  });
  const server = new ServeServer({
    endpoint: api,
    root,
    downloads,
    log,
    ...(listen.host !== undefined ? { host: listen.host } : {}),
    ...(listen.port !== undefined ? { port: listen.port } : {}),
  });
  try {
    const address = await server.start();
    process.stdout.write(`${address.url}\n`);
  } catch (error) {
    api.close();
    // The port is taken, or the address is not this machine's: the user's to choose again.
    throw new InputError(
      `${errorMessage(error).replace(/^serve: /, '')} (choose with --port and --host; --port 0 picks a free port)`,
    );
  }
  return {
    async close() {
      await server.close();
      api.close();
    },
  };
}
