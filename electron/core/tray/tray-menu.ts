import { untilText } from '../time/local-time.ts';
import { actionId, type TrayAction } from './menu-actions.ts';
import type { MenuItemModel } from './menu-model.ts';
import { menuRuns } from './menu-runs.ts';
import { tomorrowMorning } from './notification-pause.ts';
import { runLabel } from './run-label.ts';
import type { SourceView } from './source-view.ts';
import { trayState } from './tray-state.ts';
import { unheardSources, unheardText } from './unheard-alerts.ts';

/** Runs listed in the menu; the dashboard has the rest. */
export const MENU_RUNS_MAX = 10;

export interface TrayMenuInput {
  sources: readonly SourceView[];
  /** When desktop notifications resume, or null when they are not paused. */
  pausedUntil: number | null;
  startAtLogin: boolean;
  now: number;
}

function item(
  action: TrayAction,
  label: string,
  extra: Partial<MenuItemModel> = {},
): MenuItemModel {
  return { id: actionId(action), label, type: 'normal', ...extra };
}

function separator(name: string): MenuItemModel {
  return { id: `separator-${name}`, label: '', type: 'separator' };
}

function runItems({ sources, now }: TrayMenuInput): MenuItemModel[] {
  const runs = menuRuns(sources);
  const withSource = sources.length > 1;
  const items = runs
    .slice(0, MENU_RUNS_MAX)
    .map((run) =>
      item(
        { kind: 'open-run', source: run.source, run_id: run.run_id },
        runLabel(run, now, withSource),
      ),
    );
  if (runs.length > MENU_RUNS_MAX) {
    items.push(item({ kind: 'show-all-runs' }, `Show all ${runs.length} in the dashboard…`));
  }
  return items;
}

/** One item per source whose alerts reach nobody, each opening the channel settings. */
function unheardItems(sources: readonly SourceView[]): MenuItemModel[] {
  const named = sources.length > 1;
  return unheardSources(sources).map((source) =>
    item({ kind: 'alert-channels', source: source.name }, `⚠ ${unheardText(source, named)}…`),
  );
}

/** One source opens its folder; several choose theirs in a submenu. */
function archiveItem(sources: readonly SourceView[]): MenuItemModel {
  const label = 'Open archive folder';
  const [only] = sources;
  if (sources.length === 1 && only) return item({ kind: 'open-archive', source: only.name }, label);
  return {
    id: 'open-archive',
    label,
    type: 'submenu',
    enabled: sources.length > 0,
    submenu: sources.map((source) =>
      item({ kind: 'open-archive', source: source.name }, source.name),
    ),
  };
}

function pauseItem({ pausedUntil, now }: TrayMenuInput): MenuItemModel {
  const paused = pausedUntil !== null && pausedUntil > now;
  return {
    id: 'pause',
    label: paused
      ? `Notifications paused until ${untilText(pausedUntil, now)}`
      : 'Pause notifications',
    type: 'submenu',
    submenu: [
      item({ kind: 'pause-hour' }, 'For 1 hour'),
      item({ kind: 'pause-tomorrow' }, `Until ${untilText(tomorrowMorning(now), now)}`),
      separator('pause'),
      item({ kind: 'resume' }, 'Resume notifications', { enabled: paused }),
    ],
  };
}

/**
 * The tray's context menu: the summary, alerts that reach nobody (each leads to the channel
 * settings), the runs that matter most (each opens the run), then the app's commands. Rebuilt
 * from scratch on each change; `menusDiffer` tells whether the new one needs setting.
 */
export function trayMenu(input: TrayMenuInput): MenuItemModel[] {
  const state = trayState(input.sources);
  const runs = runItems(input);
  return [
    { id: 'summary', label: state.summary, type: 'normal', enabled: false },
    ...unheardItems(input.sources),
    separator('summary'),
    ...(runs.length > 0 ? [...runs, separator('runs')] : []),
    item({ kind: 'open-dashboard' }, 'Open dashboard'),
    item(
      { kind: 'acknowledge-all' },
      state.count > 0 ? `Acknowledge all (${state.count})` : 'Acknowledge all',
      { enabled: state.count > 0 },
    ),
    archiveItem(input.sources),
    separator('commands'),
    pauseItem(input),
    item({ kind: 'settings' }, 'Settings…'),
    item({ kind: 'toggle-start-at-login' }, 'Start at login', {
      type: 'checkbox',
      checked: input.startAtLogin,
    }),
    separator('app'),
    item({ kind: 'quit' }, 'Quit Runwatch'),
  ];
}
