/**
 * The composition root of the tray app: one `SourceSession` per watched source (the demo on a
 * first start), one `ApiService` over them carried to the windows over IPC, the tray, desktop
 * notifications and a clean quit. Everything with logic lives in core; this file only wires
 * Electron's objects to it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  shell,
  Tray,
} from 'electron';
import type { RequestName, RequestParams } from '../../shared/api.ts';
import { errorMessage } from '../../shared/error-message.ts';
import type { Settings } from '../../shared/settings.ts';
import { ApiService } from '../core/api/api-service.ts';
import { APP_SCHEME } from '../core/desktop/app-url.ts';
import { desktopFiles } from '../core/desktop/desktop-files.ts';
import { launchCommand } from '../core/desktop/launch-command.ts';
import { readPausedUntil, writePausedUntil } from '../core/desktop/pause-file.ts';
import { safeStorageCipher } from '../core/desktop/safe-storage-cipher.ts';
import { needsDashboardAtStart } from '../core/desktop/tray-fallback.ts';
import { runTrayAction, type TrayCommands } from '../core/desktop/tray-commands.ts';
import { traySources } from '../core/desktop/tray-sources.ts';
import { dashboardFolder } from '../core/desktop/ui-folder.ts';
import { userDataDir } from '../core/desktop/user-data-dir.ts';
import { firstStartSettings, watchPlan } from '../core/desktop/watch-plan.ts';
import { WatchedSources } from '../core/desktop/watched-sources.ts';
import { streamLogger } from '../core/log.ts';
import { settingsLayers } from '../core/settings/settings-layers.ts';
import { SettingsStore } from '../core/settings/settings-store.ts';
import { systemClock } from '../core/time/clock.ts';
import { NotificationPause } from '../core/tray/notification-pause.ts';
import { prepareSession } from './app-session.ts';
import { ElectronNotifier } from './desktop-notifier.ts';
import { IpcTransport } from './ipc-transport.ts';
import { installQuitSequence } from './quit-sequence.ts';
import { startAtLogin } from './start-at-login.ts';
import { TrayService } from './tray-service.ts';
import { AppWindows } from './windows.ts';
import { chooseDatabase } from './choose-database.ts';

/** The appId of electron-builder.yml: Windows shows notifications only for a declared id. */
const APP_ID = 'dev.runwatch.app';

const bundleDir = path.dirname(fileURLToPath(import.meta.url));
const log = streamLogger((line) => process.stderr.write(line));

// Before `ready`: the scheme of the app's pages, the folder everything is kept in (the
// single-instance lock lives there too) and, on Windows, the id notifications are shown under.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
app.setPath('userData', userDataDir(process.argv, app.getPath('appData')));
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

let windows: AppWindows<BrowserWindow> | null = null;
let dashboardAsked = false;
/** What a quit waits for; set once everything has started. */
let stopAll: () => Promise<void> = () => Promise.resolve();

/** Opens the dashboard now, or as soon as there is one. */
function askForDashboard(): void {
  if (windows) windows.openDashboard();
  else dashboardAsked = true;
}

/** The user sees this when something goes wrong that only the log would otherwise say. */
function tell(message: string, detail?: string): void {
  void dialog.showMessageBox({
    type: 'warning',
    title: 'Runwatch',
    message,
    ...(detail === undefined ? {} : { detail }),
  });
}

/** The saved settings (the first start's while there are none), or null when unreadable. */
async function loadSettings(store: SettingsStore): Promise<Settings | null> {
  try {
    return await store.load();
  } catch (error) {
    log.error(errorMessage(error));
    tell(
      'settings.json has problems: Runwatch watches the demo until they are fixed.',
      errorMessage(error),
    );
    return null;
  }
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  prepareSession(session.defaultSession, dashboardFolder(), log);

  const settingsStore = new SettingsStore({
    file: path.join(userData, 'settings.json'),
    cipher: safeStorageCipher(safeStorage),
    defaults: firstStartSettings(userData),
  });
  const loaded = await loadSettings(settingsStore);
  // Settings that could not be read are never overwritten from here: the settings window is
  // where the user starts over.
  const settingsWritable = loaded !== null;
  let settings = loaded ?? firstStartSettings(userData);

  const pauseFile = path.join(userData, 'notifications-paused.json');
  const pause = new NotificationPause(await readPausedUntil(pauseFile));
  let pauseWrite: Promise<void> = Promise.resolve();

  const notifier = new ElectronNotifier({
    notifications: {
      isSupported: () => Notification.isSupported(),
      create: (options) => new Notification(options),
    },
    isPaused: (now) => pause.isPaused(now),
    now: () => Date.now(),
    open: (target) => windows?.openDashboard(target),
  });

  const plan = watchPlan(settings, userData);
  const watched = WatchedSources.open({ plan, desktop: notifier, log });
  for (const problem of watched.problems) {
    tell(`Runwatch cannot watch "${problem.source}".`, problem.message);
  }
  const setStartAtLogin = startAtLogin(
    process.platform,
    app,
    launchCommand({
      isPackaged: app.isPackaged,
      execPath: process.execPath,
      appImage: process.env.APPIMAGE,
      mainScript: fileURLToPath(import.meta.url),
    }),
  );
  // The command may have changed since it was set (an AppImage moved, an update). Not awaited:
  // the tray need not wait for a file to be synced.
  if (settings.start_at_login) {
    setStartAtLogin(true).catch((error: unknown) => log.error(errorMessage(error)));
  }

  let tray: TrayService<Electron.NativeImage, Electron.Menu> | null = null;
  const api = new ApiService({
    sources: watched.sources,
    transport: 'ipc',
    files: desktopFiles(
      shell,
      () => watched.sources.map((source) => source.session.dataDir),
      chooseDatabase,
    ),
    channels: { desktop: notifier },
    settings: {
      store: settingsStore,
      sourcesReadOnly: false,
      // Channels, quiet hours and start at login apply at once; sources and thresholds at the
      // next start.
      appliesAtOnce: ['channels', 'quiet_hours', 'start_at_login'],
      applied: async (saved) => {
        watched.useAlertLayer(settingsLayers(saved).alerts);
        if (saved.start_at_login !== settings.start_at_login) {
          await setStartAtLogin(saved.start_at_login);
        }
        // The tray redraws with the patch the save pushes.
        settings = saved;
      },
    },
    clock: systemClock,
    log,
    notificationsPausedUntil: () => pause.pausedUntil(Date.now()),
  });
  const transport = new IpcTransport({ ipcMain, endpoint: api, log });
  transport.start();
  windows = new AppWindows({
    createWindow: (options) => new BrowserWindow(options),
    preload: path.join(bundleDir, 'preload.cjs'),
    pushes: transport,
    log,
  });

  /** A request on the user's behalf; what goes wrong is told, as the dashboard would. */
  const request = async <K extends RequestName>(name: K, params: RequestParams<K>) => {
    const reply = await api.handle({ name, params });
    if (!reply.ok) tell('Runwatch could not do that.', reply.error.message);
  };

  const commands: TrayCommands = {
    openDashboard: (target) => windows?.openDashboard(target),
    acknowledgeAll: () => void request('acknowledge', { target: { all: true } }),
    openArchiveFolder: (source) => void request('openArchiveFolder', { source }),
    pauseNotifications: (how) => {
      const now = Date.now();
      if (how === 'hour') pause.pauseForAnHour(now);
      else if (how === 'tomorrow') pause.pauseUntilTomorrow(now);
      else pause.resume();
      // Chained, so writes land in the order asked, and awaited at quit, so the last one lands.
      pauseWrite = pauseWrite
        .then(() => writePausedUntil(pauseFile, pause.pausedUntil(now)))
        .catch((error: unknown) =>
          log.error(`the pause could not be kept for the next start: ${errorMessage(error)}`),
        );
      // Pushed with the next patch, which the tray redraws from too.
      api.notificationsPauseChanged();
    },
    openSettings: () => windows?.openSettings(),
    toggleStartAtLogin: () => {
      const enabled = !settings.start_at_login;
      void (async () => {
        try {
          await setStartAtLogin(enabled);
          settings = { ...settings, start_at_login: enabled };
          if (settingsWritable) await settingsStore.save(settings);
        } catch (error) {
          tell('Start at login could not be changed.', errorMessage(error));
        }
        tray?.refresh();
      })();
    },
    quit: () => app.quit(),
  };

  let trayFailed = false;
  try {
    tray = new TrayService<Electron.NativeImage, Electron.Menu>({
      platform: process.platform,
      createTray: (image) => new Tray(image),
      createImage: () => nativeImage.createEmpty(),
      buildMenu: (template) => Menu.buildFromTemplate(template),
      read: () => {
        const now = Date.now();
        return {
          sources: traySources(watched.sources, now),
          pausedUntil: pause.pausedUntil(now),
          startAtLogin: settings.start_at_login,
          now,
        };
      },
      onAction: (action) => runTrayAction(action, commands),
      clock: systemClock,
    });
  } catch (error) {
    trayFailed = true;
    log.error(`no tray icon: ${errorMessage(error)}`);
  }
  api.subscribe(() => tray?.refresh());

  stopAll = async () => {
    tray?.dispose();
    transport.stop();
    api.close();
    await watched.stop();
    await pauseWrite;
  };
  powerMonitor.on('resume', () => watched.wake());

  watched.start();
  const showDashboard =
    dashboardAsked ||
    plan.demoBanner ||
    needsDashboardAtStart({
      platform: process.platform,
      currentDesktop: process.env.XDG_CURRENT_DESKTOP,
      trayFailed,
    });
  if (showDashboard) windows.openDashboard();
}

if (!app.requestSingleInstanceLock()) {
  // Another Runwatch runs with this folder: it opens its dashboard (below), this one leaves.
  app.quit();
} else {
  app.on('second-instance', askForDashboard);
  app.on('activate', askForDashboard);
  // A tray app keeps watching with every window closed: quitting is the tray's (or the OS's).
  app.on('window-all-closed', () => {});
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  installQuitSequence({ app, clock: systemClock, log, stop: () => stopAll() });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      log.error(`cannot start: ${errorMessage(error)}`);
      dialog.showErrorBox('Runwatch cannot start', errorMessage(error));
      app.exit(1);
    });
}
