import type { AlertsView, Snapshot, SourceView } from '../../../shared/api.ts';
import type { AttentionItem, AttentionKind } from '../../../shared/attention.ts';
import { addRunCounts, countRuns, type RunCounts } from '../../../shared/run-counts.ts';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';

/** Counted once per list of runs, however many views and the nav ask: a patch makes a new list. */
const counted = new WeakMap<readonly ActiveRunStatus[], RunCounts>();

/**
 * Active runs by state: those loaded, and those of a snapshot still to come, which the core
 * counted — so the counts are whole from the first screen on.
 */
export function runCounts(snapshot: Pick<Snapshot, 'runs' | 'more'>): RunCounts {
  let loaded = counted.get(snapshot.runs);
  if (!loaded) {
    loaded = countRuns(snapshot.runs);
    counted.set(snapshot.runs, loaded);
  }
  return snapshot.more ? addRunCounts(loaded, snapshot.more.runs) : loaded;
}

/**
 * Stalled or overdue runs that still need attention: from the same list the Overview counts, so
 * acknowledging a stall takes it off both at once.
 */
export function openStalls(items: readonly AttentionItem[]): number {
  const runs = new Set<string>();
  for (const item of items) {
    if (item.kind !== 'failed') runs.add(`${item.source}\u0000${item.run_id}`);
  }
  return runs.size;
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
 * What needs attention in the order ARCHITECTURE.md §3 gives: failed, then stalled, then overdue;
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
