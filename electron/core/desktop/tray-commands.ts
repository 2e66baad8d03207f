import type { TrayAction } from '../tray/menu-actions.ts';
import type { DashboardTarget } from '../tray/notification-target.ts';

/** What the app does for the tray menu. */
export interface TrayCommands {
  openDashboard(target: DashboardTarget): void;
  acknowledgeAll(): void;
  openArchiveFolder(source: string): void;
  pauseNotifications(how: 'hour' | 'tomorrow' | 'resume'): void;
  openSettings(): void;
  toggleStartAtLogin(): void;
  quit(): void;
}

/** Carries out a clicked tray item. */
export function runTrayAction(action: TrayAction, commands: TrayCommands): void {
  switch (action.kind) {
    case 'open-run':
      commands.openDashboard({ view: 'run', source: action.source, run_id: action.run_id });
      return;
    case 'show-all-runs':
    case 'open-dashboard':
      commands.openDashboard({ view: 'home' });
      return;
    case 'acknowledge-all':
      commands.acknowledgeAll();
      return;
    case 'open-archive':
      commands.openArchiveFolder(action.source);
      return;
    case 'pause-hour':
      commands.pauseNotifications('hour');
      return;
    case 'pause-tomorrow':
      commands.pauseNotifications('tomorrow');
      return;
    case 'resume':
      commands.pauseNotifications('resume');
      return;
    case 'settings':
    case 'alert-channels':
      commands.openSettings();
      return;
    case 'toggle-start-at-login':
      commands.toggleStartAtLogin();
      return;
    case 'quit':
      commands.quit();
      return;
  }
}
