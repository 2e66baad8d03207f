import type { Patch, Snapshot } from '../../../shared/api.ts';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';

/** A run's identity across sources: the same run id may exist in two databases. */
export function runKey(run: { source: string; run_id: string }): string {
  return `${run.source}\u0000${run.run_id}`;
}

/**
 * The snapshot after `patch`, as a new object. Runs the patch does not name keep their object
 * (and their place), so a list row drawn from one is not drawn again.
 */
export function applyPatch(snapshot: Snapshot, patch: Patch): Snapshot {
  const next: Snapshot = { ...snapshot, seq: patch.seq, at: patch.at };
  if (patch.sources) next.sources = patch.sources;
  if (patch.attention) next.attention = patch.attention;
  if (patch.alerts) next.alerts = patch.alerts;
  if (patch.notifications_paused_until !== undefined) {
    next.notifications_paused_until = patch.notifications_paused_until;
  }
  if (patch.runs) next.runs = patchRuns(snapshot.runs, patch.runs);
  return next;
}

function patchRuns(runs: ActiveRunStatus[], change: NonNullable<Patch['runs']>): ActiveRunStatus[] {
  const upserts = new Map(change.upsert.map((run) => [runKey(run), run]));
  const removed = new Set(change.remove.map(runKey));
  const next: ActiveRunStatus[] = [];
  for (const run of runs) {
    const key = runKey(run);
    if (removed.has(key) && !upserts.has(key)) continue;
    const updated = upserts.get(key);
    if (updated) upserts.delete(key);
    next.push(updated ?? run);
  }
  for (const added of upserts.values()) next.push(added);
  return next;
}
