/**
 * Stand-ins for the Electron objects the app's classes take, shaped as the app's own small
 * interfaces: tests never load Electron. Each records what was done to it and lets the test act
 * as Electron would (emit an event, click an item, send an IPC message).
 */
import type { PushMessage } from '../../shared/api.ts';
import type { NavigationEvent, WindowContents, WindowOptions } from '../../electron/app/windows.ts';
import type { MenuTemplateItem, TrayImage, TrayLike } from '../../electron/app/tray-service.ts';
import type {
  NotificationFactory,
  NotificationLike,
  NotificationOptions,
} from '../../electron/app/desktop-notifier.ts';
import type { InvokeEvent, IpcMainLike } from '../../electron/app/ipc-transport.ts';
import type { SessionLike } from '../../electron/app/app-session.ts';
import type { ResponseHeaders } from '../../electron/core/desktop/content-security-policy.ts';

type Listener = (...args: never[]) => unknown;

/** A tiny event emitter: `emit` calls what `on` and `once` registered, once-listeners once. */
class Events {
  private readonly listeners = new Map<string, { listener: Listener; once: boolean }[]>();

  on(event: string, listener: Listener): this {
    this.add(event, listener, false);
    return this;
  }

  once(event: string, listener: Listener): this {
    this.add(event, listener, true);
    return this;
  }

  emit(event: string, ...args: unknown[]): void {
    const registered = this.listeners.get(event) ?? [];
    this.listeners.set(
      event,
      registered.filter((entry) => !entry.once),
    );
    for (const { listener } of registered) (listener as (...a: unknown[]) => unknown)(...args);
  }

  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }

  private add(event: string, listener: Listener, once: boolean): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), { listener, once }]);
  }
}

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: InvokeEvent, ...args: unknown[]) => unknown>();

  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`a second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** What `ipcRenderer.invoke(channel, request)` from a frame at `senderUrl` would resolve to. */
  async invoke(channel: string, senderUrl: string | null, request: unknown): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler({ senderFrame: senderUrl === null ? null : { url: senderUrl } }, request);
  }
}

/** A navigation or attach event: records whether the app refused it. */
export class FakeNavigationEvent implements NavigationEvent {
  prevented = false;
  preventDefault(): void {
    this.prevented = true;
  }
}

export class FakeWebContents extends Events implements WindowContents {
  url = '';
  loading = true;
  destroyed = false;
  readonly sent: { channel: string; message: PushMessage }[] = [];
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;

  send(channel: string, message: PushMessage): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, message });
  }

  getURL(): string {
    return this.url;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  isLoading(): boolean {
    return this.loading;
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }

  /** The page at `url` finished loading. */
  finishLoad(url: string): void {
    this.url = url;
    this.loading = false;
    this.emit('did-finish-load');
  }

  /** The page asks to go to `url`: true when the app let it. */
  navigate(url: string, event: 'will-navigate' | 'will-redirect' = 'will-navigate'): boolean {
    const navigation = new FakeNavigationEvent();
    this.emit(event, navigation, url);
    return !navigation.prevented;
  }

  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export class FakeWindow extends Events {
  readonly webContents = new FakeWebContents();
  readonly options: WindowOptions;
  readonly loaded: string[] = [];
  shown = 0;
  focused = 0;
  minimized = false;
  destroyed = false;

  constructor(options: WindowOptions) {
    super();
    this.options = options;
  }

  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }

  show(): void {
    this.shown++;
  }

  focus(): void {
    this.focused++;
  }

  restore(): void {
    this.minimized = false;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  close(): void {
    this.destroyed = true;
    this.webContents.destroy();
    this.emit('closed');
  }
}

export class FakeImage implements TrayImage {
  readonly representations: {
    scaleFactor: number;
    width: number;
    height: number;
    buffer: Buffer;
  }[] = [];
  template = false;

  addRepresentation(options: {
    scaleFactor: number;
    width: number;
    height: number;
    buffer: Buffer;
  }): void {
    this.representations.push(options);
  }

  setTemplateImage(template: boolean): void {
    this.template = template;
  }
}

/** What `Menu.buildFromTemplate` made: the template, to read and click. */
export class FakeMenu {
  readonly items: MenuTemplateItem[];

  constructor(items: MenuTemplateItem[]) {
    this.items = items;
  }

  /** Clicks the item with `id`, in a submenu too. */
  click(id: string): void {
    const find = (items: MenuTemplateItem[]): MenuTemplateItem | undefined => {
      for (const item of items) {
        if (item.id === id) return item;
        const inner = item.submenu ? find(item.submenu) : undefined;
        if (inner) return inner;
      }
      return undefined;
    };
    const item = find(this.items);
    if (!item?.click) throw new Error(`no clickable item ${id}`);
    item.click();
  }

  labels(): string[] {
    return this.items.map((item) => item.label);
  }
}

export class FakeTray extends Events implements TrayLike<FakeImage, FakeMenu> {
  images: FakeImage[] = [];
  tooltips: string[] = [];
  titles: string[] = [];
  menus: FakeMenu[] = [];
  destroyed = false;

  constructor(image: FakeImage) {
    super();
    this.images.push(image);
  }

  setImage(image: FakeImage): void {
    this.images.push(image);
  }

  setToolTip(text: string): void {
    this.tooltips.push(text);
  }

  setTitle(title: string): void {
    this.titles.push(title);
  }

  setContextMenu(menu: FakeMenu): void {
    this.menus.push(menu);
  }

  destroy(): void {
    this.destroyed = true;
  }

  get menu(): FakeMenu {
    const menu = this.menus.at(-1);
    if (!menu) throw new Error('no menu was set');
    return menu;
  }
}

export class FakeNotification extends Events implements NotificationLike {
  readonly options: NotificationOptions;
  shown = false;

  constructor(options: NotificationOptions) {
    super();
    this.options = options;
  }

  show(): void {
    this.shown = true;
  }
}

export class FakeNotifications implements NotificationFactory {
  readonly created: FakeNotification[] = [];
  supported: boolean;

  constructor(supported = true) {
    this.supported = supported;
  }

  isSupported(): boolean {
    return this.supported;
  }

  create(options: NotificationOptions): FakeNotification {
    const notification = new FakeNotification(options);
    this.created.push(notification);
    return notification;
  }
}

/** The `app` as the quit sequence sees it: `quit()` emits `before-quit` as Electron's does. */
export class FakeApp extends Events {
  quits = 0;
  /** True once a quit went through without being held. */
  exited = false;

  quit(): void {
    this.quits++;
    const event = new FakeNavigationEvent();
    this.emit('before-quit', event);
    if (!event.prevented) this.exited = true;
  }
}

/** The session as the app prepares it: its handlers, to call as Chromium would. */
export class FakeSession implements SessionLike {
  readonly protocols = new Map<string, (request: Request) => Promise<Response>>();
  headersListener:
    | ((
        details: { responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders: ResponseHeaders }) => void,
      ) => void)
    | null = null;
  requestHandler:
    ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null =
    null;
  checkHandler: ((contents: unknown, permission: string) => boolean) | null = null;

  readonly webRequest = {
    onHeadersReceived: (listener: NonNullable<FakeSession['headersListener']>) => {
      this.headersListener = listener;
    },
  };

  readonly protocol = {
    handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
      this.protocols.set(scheme, handler);
    },
  };

  setPermissionRequestHandler(handler: NonNullable<FakeSession['requestHandler']>): void {
    this.requestHandler = handler;
  }

  setPermissionCheckHandler(handler: NonNullable<FakeSession['checkHandler']>): void {
    this.checkHandler = handler;
  }

  /** Whether a page's request for `permission` was granted. */
  ask(permission: string): boolean {
    let granted: boolean | null = null;
    this.requestHandler?.(null, permission, (answer) => (granted = answer));
    if (granted === null) throw new Error('the request was never answered');
    return granted;
  }

  /** The headers a response goes on with. */
  headers(responseHeaders: Record<string, string[]>): ResponseHeaders {
    let result: ResponseHeaders | null = null;
    this.headersListener?.({ responseHeaders }, (response) => (result = response.responseHeaders));
    if (result === null) throw new Error('the response was never let through');
    return result;
  }
}
