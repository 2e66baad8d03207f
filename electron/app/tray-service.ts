import { actionOf, type TrayAction } from '../core/tray/menu-actions.ts';
import { menusDiffer } from '../core/tray/menu-diff.ts';
import type { MenuItemModel } from '../core/tray/menu-model.ts';
import { throttle, type Throttle, type ThrottleClock } from '../core/tray/throttle.ts';
import { trayIcon, trayTemplateIcon, type IconRepresentation } from '../core/tray/tray-icon.ts';
import { trayMenu, type TrayMenuInput } from '../core/tray/tray-menu.ts';
import { trayState, type TrayState } from '../core/tray/tray-state.ts';
import type { TimerHandle } from '../core/time/clock.ts';

/** What the service needs of a `nativeImage`. */
export interface TrayImage {
  addRepresentation(options: {
    scaleFactor: number;
    width: number;
    height: number;
    buffer: Buffer;
  }): void;
  setTemplateImage(template: boolean): void;
}

/** A menu item as `Menu.buildFromTemplate` takes it. */
export interface MenuTemplateItem {
  id: string;
  label: string;
  type: MenuItemModel['type'];
  enabled: boolean;
  checked?: boolean;
  submenu?: MenuTemplateItem[];
  click?: () => void;
}

/** What the service needs of Electron's `Tray`. */
export interface TrayLike<Image, Menu> {
  setImage(image: Image): void;
  setToolTip(text: string): void;
  setTitle(title: string): void;
  setContextMenu(menu: Menu): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface TrayServiceOptions<Image extends TrayImage, Menu> {
  platform: NodeJS.Platform;
  /** Creates the tray with its first picture; throws where the desktop has none. */
  createTray(image: Image): TrayLike<Image, Menu>;
  /** `nativeImage.createEmpty()`. */
  createImage(): Image;
  /** `Menu.buildFromTemplate`. */
  buildMenu(template: MenuTemplateItem[]): Menu;
  /** What the tray shows now: read on each refresh. */
  read(): TrayMenuInput;
  onAction(action: TrayAction): void;
  clock: ThrottleClock;
  /** A burst of changes redraws the tray once per this (default 500 ms). */
  throttleMs?: number;
  /** Redrawn this often even without changes, for the menu's minutes and a pause that ends. */
  tickMs?: number;
}

function template(
  items: readonly MenuItemModel[],
  click: (id: string) => void,
): MenuTemplateItem[] {
  return items.map((item) => ({
    id: item.id,
    label: item.label,
    type: item.type,
    enabled: item.enabled ?? true,
    ...(item.type === 'checkbox' ? { checked: item.checked ?? false } : {}),
    ...(item.submenu ? { submenu: template(item.submenu, click) } : {}),
    ...(item.type === 'normal' || item.type === 'checkbox' ? { click: () => click(item.id) } : {}),
  }));
}

/**
 * The tray icon, drawn from core's tray state, icon and menu model: the status picture at 1×
 * and 2× (on macOS the template picture, with the count as the title beside it), the tooltip,
 * and the context menu, set again only when it changed. Redraws are throttled, so a burst of
 * events redraws once.
 */
export class TrayService<Image extends TrayImage, Menu> {
  private readonly options: TrayServiceOptions<Image, Menu>;
  private readonly tray: TrayLike<Image, Menu>;
  private readonly mac: boolean;
  private readonly redraw: Throttle<void>;
  private iconKey: string;
  private tooltip: string | null = null;
  private title: string | null = null;
  private menu: MenuItemModel[] | null = null;
  private tick: TimerHandle | null = null;
  private disposed = false;

  constructor(options: TrayServiceOptions<Image, Menu>) {
    this.options = options;
    this.mac = options.platform === 'darwin';
    const state = trayState(options.read().sources);
    this.iconKey = this.iconKeyOf(state);
    this.tray = options.createTray(this.image(state));
    if (options.platform === 'win32') {
      // Windows users expect a left click on a tray icon to open its window.
      this.tray.on('click', () => options.onAction({ kind: 'open-dashboard' }));
    }
    this.redraw = throttle(() => this.render(), options.throttleMs ?? 500, options.clock);
    this.redraw.push();
    this.scheduleTick();
  }

  /** Something changed: redraw (at once, or at the end of the throttle's interval). */
  refresh(): void {
    if (!this.disposed) this.redraw.push();
  }

  dispose(): void {
    this.disposed = true;
    this.redraw.cancel();
    if (this.tick !== null) this.options.clock.clearTimeout(this.tick);
    this.tick = null;
    this.tray.destroy();
  }

  private scheduleTick(): void {
    this.tick = this.options.clock.setTimeout(() => {
      this.refresh();
      this.scheduleTick();
    }, this.options.tickMs ?? 60_000);
  }

  private render(): void {
    if (this.disposed) return;
    const input = this.options.read();
    const state = trayState(input.sources);
    const iconKey = this.iconKeyOf(state);
    if (iconKey !== this.iconKey) {
      this.iconKey = iconKey;
      this.tray.setImage(this.image(state));
    }
    if (state.tooltip !== this.tooltip) {
      this.tooltip = state.tooltip;
      this.tray.setToolTip(state.tooltip);
    }
    if (this.mac && state.macTitle !== this.title) {
      this.title = state.macTitle;
      this.tray.setTitle(state.macTitle);
    }
    const menu = trayMenu(input);
    if (menusDiffer(this.menu, menu)) {
      this.menu = menu;
      this.tray.setContextMenu(this.options.buildMenu(template(menu, (id) => this.clicked(id))));
    }
  }

  private clicked(id: string): void {
    const action = actionOf(id);
    if (action !== null) this.options.onAction(action);
  }

  /** The macOS picture carries no count: the title beside it does. */
  private iconKeyOf(state: TrayState): string {
    return this.mac ? state.status : `${state.status}:${state.count}`;
  }

  private image(state: TrayState): Image {
    const representations: IconRepresentation[] = this.mac
      ? trayTemplateIcon(state.status)
      : trayIcon(state.status, state.count);
    const image = this.options.createImage();
    for (const representation of representations) {
      image.addRepresentation({
        scaleFactor: representation.scaleFactor,
        width: representation.size,
        height: representation.size,
        buffer: representation.png,
      });
    }
    if (this.mac) image.setTemplateImage(true);
    return image;
  }
}
