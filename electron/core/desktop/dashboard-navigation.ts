import type { PushMessage } from '../../../shared/api.ts';
import type { DashboardTarget } from '../tray/notification-target.ts';

/**
 * What the dashboard is told when something opens it at `target` (a notification clicked, a
 * run chosen in the tray menu): a run opens that run; the home view needs no message, as the
 * dashboard opens on it.
 */
export function navigateMessage(target: DashboardTarget): PushMessage | null {
  return target.view === 'run'
    ? { type: 'navigate', source: target.source, run_id: target.run_id }
    : null;
}
