import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useDashboard } from '../state/dashboard-store.ts';
import type { Route } from '../state/route.ts';
import { ActiveRunsView } from '../views/active-runs.tsx';
import { AlertsView } from '../views/alerts.tsx';
import { FinishedView } from '../views/finished.tsx';
import { OverviewView } from '../views/overview.tsx';
import { StallsView } from '../views/stalls.tsx';
import { Banners } from './banners.tsx';
import { Nav } from './nav.tsx';
import { NoticeLine } from './notice-line.tsx';
import { ShortcutSheet } from './shortcut-sheet.tsx';

// Loaded when first shown: the first screen does not wait for charts, timelines and forms.
const PipelinesView = lazy(() =>
  import('../views/pipelines.tsx').then((module) => ({ default: module.PipelinesView })),
);
const RunDetailView = lazy(() =>
  import('../views/run-detail.tsx').then((module) => ({ default: module.RunDetailView })),
);
const SettingsView = lazy(() =>
  import('../views/settings.tsx').then((module) => ({ default: module.SettingsView })),
);

/** The dashboard: views on the left, what needs saying on top, the current view below. */
export function App() {
  const route = useDashboard((state) => state.route);
  const connection = useDashboard((state) => state.connection);
  const loaded = useDashboard((state) => state.snapshot !== null);
  const [shortcuts, setShortcuts] = useState(false);
  const showShortcuts = useCallback(() => setShortcuts(true), []);
  useKeyboard(showShortcuts);

  return (
    <div className="app">
      <header className="app-header">
        <h1 className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Runwatch
        </h1>
        <span className={`live live--${connection.state}`} role="status">
          {connection.state === 'open'
            ? 'Live'
            : connection.state === 'connecting'
              ? 'Connecting…'
              : 'Offline'}
        </span>
      </header>
      <Nav onShortcuts={showShortcuts} />
      <ShortcutSheet open={shortcuts} onClose={() => setShortcuts(false)} />
      <main className="main" aria-busy={!loaded}>
        <Banners />
        <NoticeLine />
        {!loaded ? (
          <p className="loading" role="status">
            Loading runs…
          </p>
        ) : (
          // Keyed by view: leaving a view whose code is still on its way shows the next one at
          // once, rather than the wait until that code arrives.
          <Suspense
            key={route.view}
            fallback={
              <p className="loading" role="status">
                Loading…
              </p>
            }
          >
            <CurrentView route={route} />
          </Suspense>
        )}
      </main>
    </div>
  );
}

function CurrentView({ route }: { route: Route }) {
  return route.view === 'overview' ? (
    <OverviewView />
  ) : route.view === 'active' ? (
    <ActiveRunsView />
  ) : route.view === 'stalls' ? (
    <StallsView />
  ) : route.view === 'alerts' ? (
    <AlertsView />
  ) : route.view === 'finished' ? (
    <FinishedView />
  ) : route.view === 'pipelines' ? (
    <PipelinesView route={route} />
  ) : route.view === 'run' ? (
    <RunDetailView route={route} />
  ) : (
    <SettingsView />
  );
}

/**
 * `/` focuses the search box; `g` then a view's first letter goes there, as in GitHub; `?` shows
 * every shortcut.
 */
function useKeyboard(showShortcuts: () => void): void {
  const navigate = useDashboard((state) => state.navigate);
  useEffect(() => {
    let leader = false;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === '?') {
        event.preventDefault();
        leader = false;
        showShortcuts();
        return;
      }
      if (event.key === '/') {
        const search = document.getElementById('search');
        if (search) {
          event.preventDefault();
          search.focus();
        }
        return;
      }
      if (leader) {
        leader = false;
        const views = {
          o: 'overview',
          a: 'active',
          s: 'stalls',
          l: 'alerts',
          f: 'finished',
          p: 'pipelines',
          ',': 'settings',
        } as const;
        const view = views[event.key as keyof typeof views];
        if (view) navigate({ view });
        return;
      }
      leader = event.key === 'g';
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate, showShortcuts]);
}
