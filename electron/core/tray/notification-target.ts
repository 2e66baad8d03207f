import type { AlertMessage } from '../model/alert-message.ts';

/** Where a click on a desktop notification leads in the dashboard. */
export type DashboardTarget = { view: 'run'; source: string; run_id: string } | { view: 'home' };

function runOf(event: Record<string, unknown>): { source: string; run_id: string } | null {
  const { source, run_id: runId } = event;
  return typeof source === 'string' && typeof runId === 'string' && runId !== ''
    ? { source, run_id: runId }
    : null;
}

/**
 * A notification about one run opens that run; a test, a notice about a source or about
 * deliveries, and a message that groups several runs open the dashboard's home, where all of
 * them show.
 */
export function notificationTarget(
  message: Pick<AlertMessage, 'test' | 'members'>,
): DashboardTarget {
  if (message.test) return { view: 'home' };
  const runs = message.members.map((member) => runOf(member.event));
  const [first] = runs;
  if (!first) return { view: 'home' };
  const one = runs.every(
    (run) => run !== null && run.source === first.source && run.run_id === first.run_id,
  );
  return one ? { view: 'run', ...first } : { view: 'home' };
}
