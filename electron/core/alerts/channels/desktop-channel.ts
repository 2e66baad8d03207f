import { errorMessage } from '../../../../shared/error-message.ts';
import type { Severity } from '../../../../shared/severity.ts';
import { notificationTarget, type DashboardTarget } from '../../tray/notification-target.ts';
import type { AlertMessage } from '../../model/alert-message.ts';
import type { ChannelSender, SendResult } from './channel.ts';
import { notifierUnavailable } from './desktop-availability.ts';
import { cappedLines } from './message-text.ts';

export interface DesktopNotice {
  title: string;
  body: string;
  severity: Severity;
  test: boolean;
  /** What a click opens: the run the notice is about, else the dashboard's home. */
  target: DashboardTarget;
}

/** Shows notifications: node-notifier headless, Electron's `Notification` in the app. */
export interface DesktopNotifier {
  /** Why notifications cannot be shown here, or null when they can. */
  readonly unavailable: string | null;
  notify(notice: DesktopNotice): Promise<void>;
}

/** Lines in a notification body before `…and N more`; the OS cuts longer bodies anyway. */
const DESKTOP_MAX_LINES = 4;

export function desktopNotice(message: AlertMessage): DesktopNotice {
  return {
    title: `Runwatch: ${message.test ? '[TEST] ' : ''}${message.title}`,
    body: cappedLines(message.lines, DESKTOP_MAX_LINES).join('\n'),
    severity: message.severity,
    test: message.test,
    target: notificationTarget(message),
  };
}

function parseNotice(payload: string): DesktopNotice | null {
  try {
    const notice = JSON.parse(payload) as Partial<DesktopNotice>;
    if (typeof notice.title !== 'string' || typeof notice.body !== 'string') return null;
    // Notices queued by an older Runwatch have no target: they open the dashboard.
    return { ...(notice as DesktopNotice), target: notice.target ?? { view: 'home' } };
  } catch {
    return null;
  }
}

export function desktopChannel(desktop: DesktopNotifier): ChannelSender {
  return {
    render: (message) => JSON.stringify(desktopNotice(message)),
    async send(payload): Promise<SendResult> {
      const notice = parseNotice(payload);
      if (notice === null) {
        return { ok: false, retry: false, error: 'the stored notice is unreadable' };
      }
      try {
        await desktop.notify(notice);
        return { ok: true };
      } catch (error) {
        return {
          ok: false,
          retry: true,
          error: `desktop notification failed: ${errorMessage(error)}`,
        };
      }
    },
  };
}

const URGENCY: Record<Severity, string> = {
  info: 'low',
  warning: 'normal',
  error: 'normal',
  critical: 'critical',
};

/** notify-send bodies are markup on most Linux notification servers. */
function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Desktop notifications through node-notifier, for the headless daemon. */
export function nodeNotifier({
  platform = process.platform,
  env = process.env,
}: { platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv } = {}): DesktopNotifier {
  const notifySend = platform !== 'darwin' && platform !== 'win32';
  // Loaded with the first notice: a watch with nothing to show keeps it out of memory.
  const load = () => import('node-notifier');
  let loaded: ReturnType<typeof load> | null = null;
  return {
    unavailable: notifierUnavailable(platform, env),
    async notify(notice) {
      const { default: notifier } = await (loaded ??= load());
      const options = notifySend
        ? {
            title: notice.title,
            message: escapeMarkup(notice.body),
            urgency: URGENCY[notice.severity],
          }
        : { title: notice.title, message: notice.body };
      await new Promise<void>((resolve, reject) =>
        // notify-send's stderr arrives as a string "error" though the notice was shown.
        notifier.notify(options, (error) => (error instanceof Error ? reject(error) : resolve())),
      );
    },
  };
}
