// The global styles first: each view's own stylesheet may then refine them.
import './styles.css';
import { connectApi } from './api/connect-api.ts';
import { createDashboardStore, feedStore } from './state/dashboard-feed.ts';
import { parseRoute } from './state/route.ts';

// The first snapshot is asked for before the UI framework is loaded: the core gathers it
// meanwhile (in a browser, the page's response had it preloaded already).
const { api, onConnection, firstScreen } = connectApi();
const store = createDashboardStore(parseRoute(location.hash));
feedStore(store, api, onConnection, firstScreen);

const dashboard = import('./app/mount.tsx');
void dashboard.then(({ mountDashboard }) => mountDashboard(store, api));
