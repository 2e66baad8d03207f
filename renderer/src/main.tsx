// The global styles first: each view's own stylesheet may then refine them.
import './styles.css';
import { connectApi } from './api/connect-api.ts';
import { prepareTimeFormats } from './format/time-text.ts';
import { createDashboardStore, feedStore } from './state/dashboard-feed.ts';
import { parseRoute } from './state/route.ts';

// The first snapshot is asked for before React is loaded: the core gathers it meanwhile.
const { api, onConnection } = connectApi();
const store = createDashboardStore(parseRoute(location.hash));
feedStore(store, api, onConnection);

const dashboard = import('./app/mount.tsx');
// The locale's data loads while the snapshot and the dashboard's code are on their way.
prepareTimeFormats();
void dashboard.then(({ mountDashboard }) => mountDashboard(store, api));
