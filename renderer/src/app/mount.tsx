import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { RunwatchApi } from '../../../shared/api.ts';
import type { DashboardStore } from '../state/dashboard-feed.ts';
import { ApiContext, StoreContext } from '../state/dashboard-store.ts';
import { App } from './app.tsx';

/** Draws the dashboard into `#root`, from a store already being fed. */
export function mountDashboard(store: DashboardStore, api: RunwatchApi): void {
  const root = document.getElementById('root');
  if (root === null) throw new Error('the page has no #root');
  createRoot(root).render(
    <StrictMode>
      <ApiContext value={api}>
        <StoreContext value={store}>
          <App />
        </StoreContext>
      </ApiContext>
    </StrictMode>,
  );
}
