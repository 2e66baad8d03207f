import type { AttentionItem, AttentionKind } from '../../../shared/attention.ts';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import type { SourceView } from './source-view.ts';

/** One run the tray menu lists: something that needs attention, an active run, or both. */
export interface MenuRun {
  source: string;
  pipeline: string;
  run_id: string;
  attention: AttentionItem | null;
  /** Its live state while active; null for a run that has finished (a failure). */
  active: ActiveRunStatus | null;
}

const ATTENTION_RANK: Record<AttentionKind, number> = { failed: 0, stalled: 1, overdue: 2 };

/**
 * Attention first, worst kind first; then stalls already acknowledged; then the rest; stale runs
 * (long abandoned, never alerted) last.
 */
function rank(run: MenuRun): number {
  if (run.attention) return ATTENTION_RANK[run.attention.kind];
  if (run.active?.stalled_since || run.active?.overdue_since) return 3;
  return run.active?.stale ? 5 : 4;
}

/** Within a rank: the newest trouble first, then the longest-running run first. */
function compare(a: MenuRun, b: MenuRun): number {
  const since = (run: MenuRun) => (run.attention ? Date.parse(run.attention.since) : 0);
  const elapsed = (run: MenuRun) => run.active?.elapsed_s ?? -1;
  return rank(a) - rank(b) || since(b) - since(a) || elapsed(b) - elapsed(a);
}

/**
 * Every run of every source the menu could list, in the order it lists them. A run is listed
 * once, by source and run id, even when it needs attention and is active again (a retry).
 */
export function menuRuns(sources: readonly SourceView[]): MenuRun[] {
  const runs = new Map<string, MenuRun>();
  const entry = (source: string, pipeline: string, runId: string): MenuRun => {
    const key = JSON.stringify([source, runId]);
    let run = runs.get(key);
    if (!run) {
      run = { source, pipeline, run_id: runId, attention: null, active: null };
      runs.set(key, run);
    }
    return run;
  };
  for (const source of sources) {
    for (const item of source.attention) {
      const run = entry(source.name, item.pipeline, item.run_id);
      if (!run.attention || ATTENTION_RANK[item.kind] < ATTENTION_RANK[run.attention.kind]) {
        run.attention = item;
      }
    }
    for (const active of source.runs) {
      entry(source.name, active.pipeline, active.run_id).active = active;
    }
  }
  return [...runs.values()].sort(compare);
}
