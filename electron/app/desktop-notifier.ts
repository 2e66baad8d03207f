import type { Severity } from '../../shared/severity.ts';
import type { DesktopNotice, DesktopNotifier } from '../core/alerts/channels/desktop-channel.ts';
import type { DashboardTarget } from '../core/tray/notification-target.ts';

/** What the notifier needs of an Electron `Notification`. */
export interface NotificationLike {
  on(event: 'click' | 'close', listener: () => void): unknown;
  show(): void;
}

/** The options it is created with, a subset of Electron's. */
export interface NotificationOptions {
  title: string;
  body: string;
  /** Linux only. */
  urgency: 'low' | 'normal' | 'critical';
  /** Windows: a critical notice stays until it is dismissed. */
  timeoutType: 'default' | 'never';
}

/** Electron's `Notification` class, as the notifier uses it. */
export interface NotificationFactory {
  isSupported(): boolean;
  create(options: NotificationOptions): NotificationLike;
}

export interface ElectronNotifierOptions {
  notifications: NotificationFactory;
  /** The tray's pause: while it lasts, desktop notices are not shown. */
  isPaused(now: number): boolean;
  now(): number;
  /** A click on a notice opens the dashboard where it leads. */
  open(target: DashboardTarget): void;
}

const URGENCY: Record<Severity, NotificationOptions['urgency']> = {
  info: 'low',
  warning: 'normal',
  error: 'normal',
  critical: 'critical',
};

/**
 * Electron notifications hold their click handler only while the JavaScript object lives: the
 * latest ones are kept so a click on a notice still on screen opens its run.
 */
const KEPT = 50;

/**
 * The desktop channel's notifier in the app: Electron's `Notification`. It is unavailable where
 * the OS has no notification service. While the tray's "Pause notifications" lasts, notices are
 * dropped, not held: the other channels keep going, and the dashboard lists every alert.
 */
export class ElectronNotifier implements DesktopNotifier {
  readonly unavailable: string | null;
  private readonly options: ElectronNotifierOptions;
  private readonly shown = new Set<NotificationLike>();

  constructor(options: ElectronNotifierOptions) {
    this.options = options;
    this.unavailable = options.notifications.isSupported()
      ? null
      : 'desktop notifications are not supported on this system';
  }

  notify(notice: DesktopNotice): Promise<void> {
    if (this.unavailable !== null) return Promise.reject(new Error(this.unavailable));
    if (this.options.isPaused(this.options.now())) return Promise.resolve();
    const notification = this.options.notifications.create({
      title: notice.title,
      body: notice.body,
      urgency: URGENCY[notice.severity],
      timeoutType: notice.severity === 'critical' ? 'never' : 'default',
    });
    const forget = () => this.shown.delete(notification);
    notification.on('click', () => {
      forget();
      this.options.open(notice.target);
    });
    notification.on('close', forget);
    this.shown.add(notification);
    for (const old of this.shown) {
      if (this.shown.size <= KEPT) break;
      this.shown.delete(old);
    }
    notification.show();
    return Promise.resolve();
  }
}
