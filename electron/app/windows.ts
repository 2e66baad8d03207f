import type { PushMessage } from '../../shared/api.ts';
import { APP_ORIGIN, DASHBOARD_URL, SETTINGS_URL, isAppUrl } from '../core/desktop/app-url.ts';
import { navigateMessage } from '../core/desktop/dashboard-navigation.ts';
import {
  secureWebPreferences,
  type SecureWebPreferences,
} from '../core/desktop/web-preferences.ts';
import type { Logger } from '../core/log.ts';
import type { DashboardTarget } from '../core/tray/notification-target.ts';
import type { PushTarget } from './ipc-transport.ts';

export interface NavigationEvent {
  preventDefault(): void;
}

/** What the windows need of a window's `webContents`. */
export interface WindowContents extends PushTarget {
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: NavigationEvent, url: string) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: NavigationEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  isLoading(): boolean;
  once(event: 'did-finish-load' | 'destroyed', listener: () => void): unknown;
}

/** What the windows need of a `BrowserWindow`. */
export interface AppWindow<Contents extends WindowContents = WindowContents> {
  readonly webContents: Contents;
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
}

/** The `BrowserWindow` options the app's windows are created with. */
export interface WindowOptions {
  title: string;
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: false;
  autoHideMenuBar: true;
  webPreferences: SecureWebPreferences;
}

/** Where pushes and the dashboard's `navigate` go: the IPC transport. */
export interface WindowPushes {
  attach(contents: PushTarget): void;
  send(contents: PushTarget, message: PushMessage): void;
}

/**
 * Keeps a window's page on the app: navigation and redirects anywhere else are refused, new
 * windows (`window.open`, links with a target) are always refused, and `<webview>` is never
 * attached. Links out are not opened in the browser either: the dashboard has none, and a URL
 * that came from a watched database must never reach the OS's URL handlers.
 */
export function hardenContents(
  contents: Pick<WindowContents, 'on' | 'setWindowOpenHandler'>,
  log: Logger,
  appOrigin: string = APP_ORIGIN,
): void {
  const keepOnApp = (event: NavigationEvent, url: string) => {
    if (isAppUrl(url, appOrigin)) return;
    event.preventDefault();
    log.warn(`refused to leave the app for ${url.slice(0, 200)}`);
  };
  contents.on('will-navigate', keepOnApp);
  contents.on('will-redirect', keepOnApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    log.warn(`refused to open a window for ${url.slice(0, 200)}`);
    return { action: 'deny' };
  });
}

export interface AppWindowsOptions<W extends AppWindow> {
  createWindow(options: WindowOptions): W;
  preload: string;
  pushes: WindowPushes;
  log: Logger;
  appOrigin?: string;
}

type Kind = 'dashboard' | 'settings';

const SIZES: Record<Kind, Pick<WindowOptions, 'width' | 'height' | 'minWidth' | 'minHeight'>> = {
  dashboard: { width: 1200, height: 780, minWidth: 640, minHeight: 420 },
  settings: { width: 760, height: 680, minWidth: 520, minHeight: 420 },
};

/**
 * The dashboard and settings windows: one of each at most, brought to the front when asked for
 * again; each with the secure web preferences, kept on the app's pages and sent the API's
 * pushes until it closes.
 */
export class AppWindows<W extends AppWindow> {
  private readonly options: AppWindowsOptions<W>;
  private readonly open = new Map<Kind, W>();

  constructor(options: AppWindowsOptions<W>) {
    this.options = options;
  }

  /** Shows the dashboard (opening it if needed) at `target`. */
  openDashboard(target: DashboardTarget = { view: 'home' }): void {
    const window = this.reveal('dashboard');
    const message = navigateMessage(target);
    if (message === null) return;
    const contents = window.webContents;
    // A page still loading has no listener yet: it is told once it has loaded.
    if (contents.isLoading()) {
      contents.once('did-finish-load', () => this.options.pushes.send(contents, message));
    } else {
      this.options.pushes.send(contents, message);
    }
  }

  openSettings(): void {
    this.reveal('settings');
  }

  private reveal(kind: Kind): W {
    const existing = this.open.get(kind);
    if (existing && !existing.isDestroyed()) {
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      return existing;
    }
    return this.create(kind);
  }

  private create(kind: Kind): W {
    const { log } = this.options;
    const window = this.options.createWindow({
      title: kind === 'dashboard' ? 'Runwatch' : 'Runwatch settings',
      ...SIZES[kind],
      show: false,
      autoHideMenuBar: true,
      webPreferences: secureWebPreferences(this.options.preload),
    });
    this.open.set(kind, window);
    window.on('closed', () => {
      if (this.open.get(kind) === window) this.open.delete(kind);
    });
    hardenContents(window.webContents, log, this.options.appOrigin);
    this.options.pushes.attach(window.webContents);
    window.once('ready-to-show', () => {
      window.show();
      window.focus();
    });
    const url = kind === 'dashboard' ? DASHBOARD_URL : SETTINGS_URL;
    window.loadURL(url).catch((error: unknown) => {
      log.error(`the ${kind} window could not load ${url}: ${String(error)}`);
    });
    return window;
  }
}
