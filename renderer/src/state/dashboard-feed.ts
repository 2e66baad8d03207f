/**
 * The dashboard's state (zustand): the snapshot kept current by pushed patches, the connection,
 * the route and filters, and the alerts pushed since the page opened. Free of the UI framework,
 * so the page asks for its first snapshot while that is still loading; components read slices of
 * it with `useDashboard(selector)` (dashboard-store.ts).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { PushMessage, RunwatchApi, Snapshot } from '../../../shared/api.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import { FIRST_SCREEN_RUNS } from '../../../shared/first-screen.ts';
import type { Connection } from '../api/socket-api-client.ts';
import { NO_FILTERS, type Filters } from './filters.ts';
import { parseRoute, routeHash, type Route } from './route.ts';
import { runKey } from './apply-patch.ts';
import { SnapshotSync } from './snapshot-sync.ts';

export type AlertPush = Extract<PushMessage, { type: 'alert' }> & { received_at: string };

/** Pushed alerts kept for the page, newest first. */
const RECENT_ALERTS = 50;

export interface Notice {
  text: string;
  tone: 'ok' | 'error';
}

export interface DashboardState {
  snapshot: Snapshot | null;
  connection: Connection;
  /** Why the runs could not be loaded, until they are. */
  problem: string | null;
  recentAlerts: AlertPush[];
  /** Bumped when runs leave the active list: the finished list has news. */
  finishedVersion: number;
  /** Bumped when an alert fires or a delivery changes: the alert history has news. */
  alertsVersion: number;
  route: Route;
  filters: Filters;
  /** The last action's outcome, shown until the next. */
  notice: Notice | null;
  navigate(route: Route): void;
  setFilters(change: Partial<Filters>): void;
  say(notice: Notice | null): void;
}

export type DashboardStore = StoreApi<DashboardState>;

export function createDashboardStore(initialRoute: Route = { view: 'overview' }): DashboardStore {
  return createStore<DashboardState>()((set) => ({
    snapshot: null,
    connection: { state: 'connecting' },
    problem: null,
    recentAlerts: [],
    finishedVersion: 0,
    alertsVersion: 0,
    route: initialRoute,
    filters: NO_FILTERS,
    notice: null,
    navigate(route) {
      set({ route });
      const hash = routeHash(route);
      if (typeof location !== 'undefined' && location.hash !== hash) location.hash = hash;
    },
    setFilters(change) {
      set((state) => ({ filters: { ...state.filters, ...change } }));
    },
    say(notice) {
      set({ notice });
    },
  }));
}

/**
 * Feeds the store from the API: the snapshot and its patches, pushed alerts, and `navigate`
 * (a notification or tray item clicked). A `firstScreen` fetched apart from the API is shown
 * until the API's own snapshot comes. Returns the stop.
 */
export function feedStore(
  store: DashboardStore,
  api: RunwatchApi,
  onConnection: (listener: (connection: Connection) => void) => () => void,
  firstScreen: Promise<Snapshot | null> = Promise.resolve(null),
): () => void {
  const sync = new SnapshotSync(
    api,
    {
      state(snapshot) {
        const previous = store.getState().snapshot;
        // A first screen holds only some of the runs: none left, they are still to come.
        const runsLeft =
          previous !== null &&
          previous.more === undefined &&
          snapshot.more === undefined &&
          previous.runs !== snapshot.runs &&
          runsRemoved(previous, snapshot);
        const alertsChanged = previous !== null && previous.alerts !== snapshot.alerts;
        store.setState((state) => ({
          snapshot,
          problem: null,
          finishedVersion: state.finishedVersion + (runsLeft ? 1 : 0),
          alertsVersion: state.alertsVersion + (alertsChanged ? 1 : 0),
        }));
      },
      error(error) {
        store.setState({ problem: `Could not load the runs: ${errorMessage(error)}` });
      },
      push(message) {
        if (message.type === 'alert') {
          const alert: AlertPush = { ...message, received_at: new Date().toISOString() };
          store.setState((state) => ({
            recentAlerts: [alert, ...state.recentAlerts].slice(0, RECENT_ALERTS),
            alertsVersion: state.alertsVersion + 1,
          }));
        } else if (message.type === 'navigate') {
          store
            .getState()
            .navigate(
              message.run_id === null
                ? { view: 'overview' }
                : { view: 'run', source: message.source, run_id: message.run_id },
            );
        }
      },
    },
    { first: FIRST_SCREEN_RUNS },
  );
  const stopConnection = onConnection((connection) => {
    store.setState({ connection });
    if (connection.state === 'open') void sync.resync();
  });
  sync.start();
  void firstScreen.then((snapshot) => {
    if (snapshot !== null) sync.preview(snapshot);
  });
  const onHash = () => store.setState({ route: parseRoute(location.hash) });
  window.addEventListener('hashchange', onHash);
  return () => {
    stopConnection();
    sync.stop();
    window.removeEventListener('hashchange', onHash);
  };
}

/** Fewer runs, or the same count with one replaced: some run left the active list. */
function runsRemoved(before: Snapshot, after: Snapshot): boolean {
  if (after.runs.length < before.runs.length) return true;
  const now = new Set(after.runs.map(runKey));
  return before.runs.some((run) => !now.has(runKey(run)));
}
