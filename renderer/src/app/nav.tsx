import type { Snapshot } from '../../../shared/api.ts';
import { useShallow } from 'zustand/react/shallow';
import { useDashboard } from '../state/dashboard-store.ts';
import type { Route } from '../state/route.ts';
import { runCounts } from '../views/overview-summary.ts';

interface Item {
  route: Exclude<Route, { view: 'run' }>;
  label: string;
  /** A count beside the label, where there is one worth showing. */
  count?: (snapshot: Snapshot) => number;
  urgent?: boolean;
}

const ITEMS: Item[] = [
  {
    route: { view: 'overview' },
    label: 'Overview',
    count: (s) => s.attention.length,
    urgent: true,
  },
  { route: { view: 'active' }, label: 'Active runs', count: (s) => runCounts(s).active },
  {
    route: { view: 'stalls' },
    label: 'Stalls',
    count: (s) => runCounts(s).stuck,
    urgent: true,
  },
  { route: { view: 'alerts' }, label: 'Alerts' },
  { route: { view: 'finished' }, label: 'Finished' },
  { route: { view: 'pipelines' }, label: 'Pipelines' },
  { route: { view: 'settings' }, label: 'Settings' },
];

/** The views, with the counts that tell where to look first. */
export function Nav() {
  const route = useDashboard((state) => state.route);
  const navigate = useDashboard((state) => state.navigate);
  // The counts alone: a patch that changes none of them does not redraw the nav.
  const counts = useDashboard(
    useShallow((state) => {
      const snapshot = state.snapshot;
      return ITEMS.map((item) => (snapshot && item.count ? item.count(snapshot) : 0));
    }),
  );
  const current = route.view === 'run' ? null : route.view;
  return (
    <nav className="nav" aria-label="Views">
      <ul>
        {ITEMS.map((item, index) => {
          const count = counts[index] ?? 0;
          const { view } = item.route;
          return (
            <li key={view}>
              <a
                href={`#/${view}`}
                aria-current={current === view ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(item.route);
                }}
              >
                <span>{item.label}</span>
                {count > 0 && (
                  <span
                    className={`count${item.urgent ? ' count--urgent' : ''}`}
                    aria-label={`${count}`}
                  >
                    {count}
                  </span>
                )}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
