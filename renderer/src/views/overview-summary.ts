import type { AlertsView, SourceView } from '../../../shared/api.ts';
import type { AttentionItem, AttentionKind } from '../../../shared/attention.ts';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import { isStuck } from '../state/filters.ts';

export interface RunCounts {
  /** Every active run, pending ones included. */
  active: number;
  pending: number;
  stalled: number;
  overdue: number;
}

/** Counted once per list of runs, however many views and the nav ask: a patch makes a new list. */
const counted = new WeakMap<readonly ActiveRunStatus[], RunCounts>();
const stuckCounted = new WeakMap<readonly ActiveRunStatus[], number>();

/** Active runs by state, in one pass (a run both stalled and overdue counts in both). */
export function countRuns(runs: readonly ActiveRunStatus[]): RunCounts {
  const known = counted.get(runs);
  if (known) return known;
  const counts: RunCounts = { active: runs.length, pending: 0, stalled: 0, overdue: 0 };
  for (const run of runs) {
    if (run.status.toLowerCase() === 'pending') counts.pending += 1;
    if (run.stalled_since !== null) counts.stalled += 1;
    if (run.overdue_since !== null) counts.overdue += 1;
  }
  counted.set(runs, counts);
  return counts;
}

/** Runs stalled or overdue (or both): what the Stalls view lists. */
export function countStuck(runs: readonly ActiveRunStatus[]): number {
  let stuck = stuckCounted.get(runs);
  if (stuck === undefined) {
    stuck = runs.reduce((n, run) => n + (isStuck(run) ? 1 : 0), 0);
    stuckCounted.set(runs, stuck);
  }
  return stuck;
}

export function countAttention(items: readonly AttentionItem[]): Record<AttentionKind, number> {
  const counts: Record<AttentionKind, number> = { failed: 0, stalled: 0, overdue: 0 };
  for (const item of items) counts[item.kind] += 1;
  return counts;
}

export interface SourceCounts {
  up: number;
  down: number;
  starting: number;
}

export function countSources(sources: readonly SourceView[]): SourceCounts {
  const counts: SourceCounts = { up: 0, down: 0, starting: 0 };
  for (const source of sources) counts[source.state] += 1;
  return counts;
}

const KIND_RANK: Record<AttentionKind, number> = { failed: 0, stalled: 1, overdue: 2 };

function ms(iso: string): number {
  const value = Date.parse(iso);
  return Number.isNaN(value) ? 0 : value;
}

/**
 * What needs attention in the order DESIGN.md §3 gives: failed, then stalled, then overdue;
 * within a kind the newest first.
 */
export function orderAttention(items: readonly AttentionItem[]): AttentionItem[] {
  return [...items].sort(
    (a, b) =>
      KIND_RANK[a.kind] - KIND_RANK[b.kind] ||
      ms(b.since) - ms(a.since) ||
      (a.run_id < b.run_id ? -1 : a.run_id > b.run_id ? 1 : 0),
  );
}

export interface HealthDetail {
  /** A channel's or a rule's name. */
  name: string;
  text: string;
  /** More about it, for a tooltip. */
  hint?: string;
}

export interface HealthProblem {
  tone: 'error' | 'warning';
  text: string;
  details: HealthDetail[];
}

export interface SourceAlertHealth {
  source: string;
  firing: number;
  pending: number;
  problems: HealthProblem[];
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * Each source's alerting in plain words: what fires and waits for delivery, and what keeps an
 * alert from reaching anyone (a failing or inactive channel, a rule that sends nowhere).
 */
export function alertHealth(alerts: Readonly<Record<string, AlertsView>>): SourceAlertHealth[] {
  return Object.entries(alerts)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([source, view]) => {
      const problems: HealthProblem[] = [];
      if (view.failing.length > 0) {
        problems.push({
          tone: 'error',
          text: `Deliveries failing on ${plural(view.failing.length, 'channel', 'channels')}; they are kept and retried`,
          details: view.failing.map((failing) => ({ name: failing.channel, text: failing.error })),
        });
      }
      if (view.inactive_channels.length > 0) {
        problems.push({
          tone: 'warning',
          text: `${plural(view.inactive_channels.length, 'channel is', 'channels are')} inactive`,
          details: view.inactive_channels.map((inactive) => ({
            name: inactive.channel,
            text: inactive.why,
            ...(inactive.rules.length > 0 && { hint: `Used by ${inactive.rules.join(', ')}` }),
          })),
        });
      }
      if (view.rules_without_channel.length > 0) {
        const count = view.rules_without_channel.length;
        problems.push({
          tone: 'warning',
          text: `${plural(count, 'rule reaches', 'rules reach')} no active channel: ${count === 1 ? 'its' : 'their'} alerts go nowhere`,
          details: [{ name: 'Rules', text: view.rules_without_channel.join(', ') }],
        });
      }
      return { source, firing: view.firing, pending: view.pending_deliveries, problems };
    });
}
