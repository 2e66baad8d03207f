// The global styles first: each view's own stylesheet may then refine them.
import './styles.css';
import { connectApi } from './api/connect-api.ts';
import { createDashboardStore, feedStore } from './state/dashboard-feed.ts';
import { parseRoute } from './state/route.ts';

// The first snapshot is asked for before React is loaded: the core gathers it meanwhile.
const { api, onConnection } = connectApi();
const store = createDashboardStore(parseRoute(location.hash));
feedStore(store, api, onConnection);

const { mountDashboard } = await import('./app/mount.tsx');
mountDashboard(store, api);
