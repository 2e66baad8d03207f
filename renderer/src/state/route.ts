/**
 * Where the dashboard is, kept in the URL's hash so a reload, the back button and a link from a
 * notification all land on the same view: `#/active`, `#/run/<source>/<run id>/<attempt>`.
 */
export type Route =
  | { view: 'overview' }
  | { view: 'active' }
  | { view: 'stalls' }
  | { view: 'alerts' }
  | { view: 'finished' }
  | { view: 'pipelines'; source?: string; pipeline?: string }
  | { view: 'run'; source: string; run_id: string; attempt?: number }
  /** `section`: the part of the settings to show first (`channels`). */
  | { view: 'settings'; section?: string };

export type ViewName = Route['view'];

const SIMPLE: ViewName[] = ['overview', 'active', 'stalls', 'alerts', 'finished'];

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  const [view, a, b, c] = parts;
  if (view === 'run' && a && b) {
    const attempt = Number(c);
    return Number.isInteger(attempt) && attempt >= 1
      ? { view: 'run', source: a, run_id: b, attempt }
      : { view: 'run', source: a, run_id: b };
  }
  if (view === 'pipelines') {
    return a && b ? { view: 'pipelines', source: a, pipeline: b } : { view: 'pipelines' };
  }
  if (view === 'settings') return a ? { view: 'settings', section: a } : { view: 'settings' };
  const simple = SIMPLE.find((name) => name === view);
  return simple ? ({ view: simple } as Route) : { view: 'overview' };
}

export function routeHash(route: Route): string {
  const path = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;
  switch (route.view) {
    case 'run':
      return route.attempt === undefined
        ? path('run', route.source, route.run_id)
        : path('run', route.source, route.run_id, String(route.attempt));
    case 'pipelines':
      return route.source && route.pipeline
        ? path('pipelines', route.source, route.pipeline)
        : path('pipelines');
    case 'settings':
      return route.section ? path('settings', route.section) : path('settings');
    default:
      return path(route.view);
  }
}
