import { describe, expect, it } from 'vitest';
import { navigateMessage } from '../../electron/core/desktop/dashboard-navigation.ts';
import { runTrayAction, type TrayCommands } from '../../electron/core/desktop/tray-commands.ts';
import { actionOf } from '../../electron/core/tray/menu-actions.ts';
import { trayMenu } from '../../electron/core/tray/tray-menu.ts';

/** Alerts that reach someone: a channel can send. */
const HEARD = { fired: 0, delivered: 0, channelActive: true };

function recorder() {
  const calls: unknown[][] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
    };
  const commands: TrayCommands = {
    openDashboard: record('openDashboard'),
    acknowledgeAll: record('acknowledgeAll'),
    openArchiveFolder: record('openArchiveFolder'),
    pauseNotifications: record('pauseNotifications'),
    openSettings: record('openSettings'),
    toggleStartAtLogin: record('toggleStartAtLogin'),
    quit: record('quit'),
  };
  return { calls, commands };
}

describe('runTrayAction', () => {
  it('opens the dashboard at a run chosen in the menu', () => {
    const { calls, commands } = recorder();
    runTrayAction({ kind: 'open-run', source: 'etl', run_id: 'run-7' }, commands);
    expect(calls).toEqual([['openDashboard', { view: 'run', source: 'etl', run_id: 'run-7' }]]);
  });

  it('leads from alerts that reach nobody to the channel settings', () => {
    const { calls, commands } = recorder();
    runTrayAction({ kind: 'alert-channels', source: 'etl' }, commands);
    expect(calls).toEqual([['openSettings']]);
  });

  it('carries out every item of the menu', () => {
    const { calls, commands } = recorder();
    const menu = trayMenu({
      sources: [{ name: 'etl', reachable: true, runs: [], attention: [], alerts: HEARD }],
      pausedUntil: null,
      startAtLogin: false,
      now: Date.UTC(2026, 10, 25, 12),
    });
    const ids = menu.flatMap((item) => [item.id, ...(item.submenu ?? []).map((sub) => sub.id)]);
    for (const id of ids) {
      const action = actionOf(id);
      if (action) runTrayAction(action, commands);
    }
    expect(calls).toEqual([
      ['openDashboard', { view: 'home' }],
      ['acknowledgeAll'],
      ['openArchiveFolder', 'etl'],
      ['pauseNotifications', 'hour'],
      ['pauseNotifications', 'tomorrow'],
      ['pauseNotifications', 'resume'],
      ['openSettings'],
      ['toggleStartAtLogin'],
      ['quit'],
    ]);
  });
});

describe('navigateMessage', () => {
  it('tells the dashboard to open the run a notice is about; the home view needs no message', () => {
    expect(navigateMessage({ view: 'run', source: 'etl', run_id: 'run-7' })).toEqual({
      type: 'navigate',
      source: 'etl',
      run_id: 'run-7',
    });
    expect(navigateMessage({ view: 'home' })).toBeNull();
  });
});
