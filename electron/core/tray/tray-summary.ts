import type { AttentionKind } from '../../../shared/attention.ts';
import type { SourceView } from './source-view.ts';
import { unheardSources } from './unheard-alerts.ts';

/** Unreachable sources named one by one up to this many; more are counted. */
const NAMED_SOURCES = 2;

const KINDS: readonly AttentionKind[] = ['failed', 'stalled', 'overdue'];

function attentionPart(sources: readonly SourceView[]): string {
  const counts = new Map<AttentionKind, number>();
  for (const item of sources.flatMap((source) => source.attention)) {
    counts.set(item.kind, (counts.get(item.kind) ?? 0) + 1);
  }
  return KINDS.filter((kind) => counts.has(kind))
    .map((kind) => `${counts.get(kind)} ${kind}`)
    .join(', ');
}

function unreachablePart(sources: readonly SourceView[]): string {
  const down = sources.filter((source) => !source.reachable).map((source) => source.name);
  if (down.length === 0) return '';
  if (down.length > NAMED_SOURCES) return `${down.length} sources unreachable`;
  return `${down.join(', ')} unreachable`;
}

/**
 * One line for the top of the menu and the tooltip: what needs attention, which sources are
 * unreachable, whether alerts reach nobody, how many runs are active —
 * `2 failed, 1 stalled · 5 running`, `All good · 3 running`, `orchestration unreachable`,
 * `Alerts reach nobody · 3 running`. Alerts that reach nobody are never "all good".
 */
export function summaryLine(sources: readonly SourceView[]): string {
  if (sources.length === 0) return 'No sources watched';
  const attention = attentionPart(sources);
  const unreachable = unreachablePart(sources);
  const active = sources.reduce((sum, source) => sum + source.runs.length, 0);
  const parts = [attention, unreachable].filter((part) => part !== '');
  if (unheardSources(sources).length > 0) {
    parts.push(parts.length === 0 ? 'Alerts reach nobody' : 'alerts reach nobody');
  }
  if (parts.length === 0) parts.push('All good');
  if (active > 0) parts.push(`${active} running`);
  return parts.join(' · ');
}
