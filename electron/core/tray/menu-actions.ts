/** What a tray menu item does when clicked; the app carries it out. */
export type TrayAction =
  | { kind: 'open-run'; source: string; run_id: string }
  | { kind: 'show-all-runs' }
  | { kind: 'open-dashboard' }
  | { kind: 'acknowledge-all' }
  | { kind: 'open-archive'; source: string }
  /** A source's alerts reach nobody: to the channel settings. */
  | { kind: 'alert-channels'; source: string }
  | { kind: 'pause-hour' }
  | { kind: 'pause-tomorrow' }
  | { kind: 'resume' }
  | { kind: 'settings' }
  | { kind: 'toggle-start-at-login' }
  | { kind: 'quit' };

type PlainAction = Exclude<TrayAction, { kind: 'open-run' | 'open-archive' | 'alert-channels' }>;

const PLAIN: ReadonlySet<string> = new Set<PlainAction['kind']>([
  'show-all-runs',
  'open-dashboard',
  'acknowledge-all',
  'pause-hour',
  'pause-tomorrow',
  'resume',
  'settings',
  'toggle-start-at-login',
  'quit',
]);

/**
 * The menu item id for an action. Source names and run ids may hold any character, so they are
 * written as JSON after the kind.
 */
export function actionId(action: TrayAction): string {
  switch (action.kind) {
    case 'open-run':
      return `open-run:${JSON.stringify([action.source, action.run_id])}`;
    case 'open-archive':
    case 'alert-channels':
      return `${action.kind}:${JSON.stringify(action.source)}`;
    default:
      return action.kind;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The action of a clicked item, or null for items that do nothing (the summary, separators). */
export function actionOf(id: string): TrayAction | null {
  if (PLAIN.has(id)) return { kind: id } as PlainAction;
  const colon = id.indexOf(':');
  if (colon < 0) return null;
  const kind = id.slice(0, colon);
  const value = parseJson(id.slice(colon + 1));
  if (kind === 'open-run' && Array.isArray(value) && value.length === 2) {
    const [source, runId] = value as unknown[];
    if (typeof source === 'string' && typeof runId === 'string') {
      return { kind, source, run_id: runId };
    }
  }
  if ((kind === 'open-archive' || kind === 'alert-channels') && typeof value === 'string') {
    return { kind, source: value };
  }
  return null;
}
