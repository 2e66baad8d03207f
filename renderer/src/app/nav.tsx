import type { Snapshot } from '../../../shared/api.ts';
import { useShallow } from 'zustand/react/shallow';
import { useDashboard } from '../state/dashboard-store.ts';
import type { Route } from '../state/route.ts';
import { openStalls, runCounts } from '../views/overview-summary.ts';

/** A count beside a view's name: red when something there needs attention. */
interface Badge {
  count: number;
  urgent: boolean;
}

interface Item {
  route: Exclude<Route, { view: 'run' }>;
  label: string;
  /** A count beside the label, where there is one worth showing. */
  badge?: (snapshot: Snapshot) => Badge;
}

const ITEMS: Item[] = [
  {
    route: { view: 'overview' },
    label: 'Overview',
    badge: (s) => ({ count: s.attention.length, urgent: true }),
  },
  {
    route: { view: 'active' },
    label: 'Active runs',
    badge: (s) => ({ count: runCounts(s).active, urgent: false }),
  },
  {
    // Red for the stalls that need attention, as the Overview counts them; once acknowledged,
    // the runs still stuck are counted in grey.
    route: { view: 'stalls' },
    label: 'Stalls',
    badge: (s) => {
      const open = openStalls(s.attention);
      return open > 0
        ? { count: open, urgent: true }
        : { count: runCounts(s).stuck, urgent: false };
    },
  },
  { route: { view: 'alerts' }, label: 'Alerts' },
  { route: { view: 'finished' }, label: 'Finished' },
  { route: { view: 'pipelines' }, label: 'Pipelines' },
  { route: { view: 'settings' }, label: 'Settings' },
];

/** The views, with the counts that tell where to look first. */
export function Nav({ onShortcuts }: { onShortcuts: () => void }) {
  const route = useDashboard((state) => state.route);
  const navigate = useDashboard((state) => state.navigate);
  // The counts alone, two numbers per item: a patch that changes none does not redraw the nav.
  const counts = useDashboard(
    useShallow((state) => {
      const snapshot = state.snapshot;
      return ITEMS.flatMap((item) => {
        const badge = snapshot && item.badge ? item.badge(snapshot) : null;
        return [badge?.count ?? 0, badge?.urgent ? 1 : 0];
      });
    }),
  );
  const current = route.view === 'run' ? null : route.view;
  return (
    <nav className="nav" aria-label="Views">
      <ul>
        {ITEMS.map((item, index) => {
          const count = counts[index * 2] ?? 0;
          const urgent = counts[index * 2 + 1] === 1;
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
                    className={`count${urgent ? ' count--urgent' : ''}`}
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
      <button type="button" className="quiet nav-shortcuts" onClick={onShortcuts}>
        Keyboard shortcuts <kbd>?</kbd>
      </button>
    </nav>
  );
}
