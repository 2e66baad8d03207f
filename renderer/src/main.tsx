// The global styles first: each view's own stylesheet may then refine them.
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectApi } from './api/connect-api.ts';
import { App } from './app/app.tsx';
import {
  ApiContext,
  StoreContext,
  createDashboardStore,
  feedStore,
} from './state/dashboard-store.ts';
import { parseRoute } from './state/route.ts';

const { api, onConnection } = connectApi();
const store = createDashboardStore(parseRoute(location.hash));
feedStore(store, api, onConnection);

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
