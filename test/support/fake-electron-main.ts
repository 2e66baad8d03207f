/**
 * The `electron` module as the bundled main process sees it, for running that bundle under
 * plain Node (see fake-electron-hooks.ts). It acts out what the app asks of Electron and tells
 * the test on stdout, one JSON object a line; the test drives it on stdin the same way:
 * `{"invoke": request, "sender": url}` sends an IPC request from a frame at that URL,
 * `{"tray": id}` clicks a tray menu item, `{"quit": true}` quits as the OS would.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import readline from 'node:readline';

function tell(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

type Handler = (...args: unknown[]) => unknown;
type MenuItem = { id?: string; label?: string; click?: () => void; submenu?: MenuItem[] };

const paths = new Map<string, string>([
  ['appData', process.env.FAKE_APP_DATA ?? path.join(process.cwd(), 'app-data')],
]);

class FakeApp extends EventEmitter {
  isPackaged = false;

  getPath(name: string): string {
    const value = paths.get(name);
    if (value === undefined) throw new Error(`no path ${name}`);
    return value;
  }

  setPath(name: string, value: string): void {
    paths.set(name, value);
  }

  setAppUserModelId(): void {}

  requestSingleInstanceLock(): boolean {
    return true;
  }

  whenReady(): Promise<void> {
    return Promise.resolve();
  }

  setLoginItemSettings(settings: unknown): void {
    tell({ event: 'login-item', settings });
  }

  quit(): void {
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    tell({ event: 'quit' });
    process.exit(0);
  }

  exit(code: number): void {
    tell({ event: 'exit', code });
    process.exit(code);
  }
}

export const app = new FakeApp();

export const protocol = {
  registerSchemesAsPrivileged(schemes: unknown): void {
    tell({ event: 'schemes', schemes });
  },
};

const protocols = new Map<string, (request: Request) => Promise<Response>>();

export const session = {
  defaultSession: {
    protocol: {
      handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
        protocols.set(scheme, handler);
      },
    },
    webRequest: { onHeadersReceived(): void {} },
    setPermissionRequestHandler(): void {},
    setPermissionCheckHandler(): void {},
  },
};

export const safeStorage = {
  isEncryptionAvailable: () => true,
  encryptString: (plain: string) => Buffer.from(plain, 'utf8').reverse(),
  decryptString: (encrypted: Buffer) => Buffer.from(encrypted).reverse().toString('utf8'),
  getSelectedStorageBackend: () => 'basic_text',
};

export const dialog = {
  showMessageBox(options: { message: string; detail?: string }): Promise<{ response: number }> {
    tell({ event: 'dialog', message: options.message, detail: options.detail });
    return Promise.resolve({ response: 0 });
  },
  showErrorBox(title: string, content: string): void {
    tell({ event: 'error-box', title, content });
  },
};

const handlers = new Map<string, Handler>();

export const ipcMain = {
  handle(channel: string, handler: Handler): void {
    handlers.set(channel, handler);
  },
  removeHandler(channel: string): void {
    handlers.delete(channel);
  },
};

class FakeWebContents extends EventEmitter {
  url = '';
  loading = true;
  destroyed = false;

  send(channel: string, message: unknown): void {
    tell({ event: 'push', channel, message });
  }

  getURL(): string {
    return this.url;
  }

  isLoading(): boolean {
    return this.loading;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  setWindowOpenHandler(): void {}
}

const windows: BrowserWindow[] = [];

export class BrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  readonly options: { webPreferences?: { preload?: string } };

  constructor(options: { webPreferences?: { preload?: string } }) {
    super();
    this.options = options;
    windows.push(this);
  }

  static getAllWindows(): BrowserWindow[] {
    return windows;
  }

  /** Loads through the app's protocol handler, as Chromium would. */
  async loadURL(url: string): Promise<void> {
    const scheme = url.slice(0, url.indexOf(':'));
    const handler = protocols.get(scheme);
    const response = handler ? await handler(new Request(url)) : null;
    tell({
      event: 'window',
      url,
      status: response?.status ?? null,
      type: response?.headers.get('content-type') ?? null,
      csp: response?.headers.get('content-security-policy') ?? null,
      preload: this.options.webPreferences?.preload ?? null,
    });
    this.webContents.url = url;
    this.webContents.loading = false;
    this.webContents.emit('did-finish-load');
    this.emit('ready-to-show');
  }

  show(): void {}
  focus(): void {}
  restore(): void {}
  isMinimized(): boolean {
    return false;
  }
  isDestroyed(): boolean {
    return false;
  }
}

let trayMenu: MenuItem[] = [];

export class Tray extends EventEmitter {
  setImage(): void {}
  setToolTip(text: string): void {
    tell({ event: 'tray-tooltip', text });
  }
  setTitle(): void {}
  setContextMenu(menu: MenuItem[]): void {
    trayMenu = menu;
    tell({ event: 'tray-menu', labels: menu.map((item) => item.label ?? '') });
  }
  destroy(): void {}
}

export const Menu = {
  buildFromTemplate: (template: MenuItem[]) => template,
};

export const nativeImage = {
  createEmpty: () => ({ addRepresentation(): void {}, setTemplateImage(): void {} }),
};

export class Notification extends EventEmitter {
  static isSupported(): boolean {
    return true;
  }
  readonly options: { title: string };
  constructor(options: { title: string }) {
    super();
    this.options = options;
  }
  show(): void {
    tell({ event: 'notification', title: this.options.title });
  }
}

export const powerMonitor = new EventEmitter();

export const shell = {
  openPath: (folder: string) => {
    tell({ event: 'open-path', folder });
    return Promise.resolve('');
  },
  showItemInFolder: (file: string) => tell({ event: 'show-item', file }),
};

function click(items: MenuItem[], id: string): boolean {
  for (const item of items) {
    if (item.id === id && item.click) {
      item.click();
      return true;
    }
    if (item.submenu && click(item.submenu, id)) return true;
  }
  return false;
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as {
    invoke?: unknown;
    sender?: string | null;
    tray?: string;
    quit?: boolean;
  };
  if (command.quit) app.quit();
  if (command.tray !== undefined)
    tell({ event: 'tray-click', clicked: click(trayMenu, command.tray) });
  if (command.invoke !== undefined) {
    const handler = handlers.get('runwatch:request');
    const event = { senderFrame: command.sender ? { url: command.sender } : null };
    void Promise.resolve(handler?.(event, command.invoke)).then((reply) =>
      tell({ event: 'reply', reply }),
    );
  }
});
