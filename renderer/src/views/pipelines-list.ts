/** The pipelines the Pipelines view lists: every one seen running now or among the finished runs. */
import type { FinishedRunView } from '../../../shared/api.ts';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';

export interface PipelineEntry {
  source: string;
  pipeline: string;
  /** Runs of it active now. */
  active: number;
  /** When it last finished a run (ISO), where known. */
  last_finished_at: string | null;
}

export function pipelineKey(entry: { source: string; pipeline: string }): string {
  return `${entry.source}\u0000${entry.pipeline}`;
}

/** Sorted by pipeline name, then source. */
export function listPipelines(
  active: readonly ActiveRunStatus[],
  finished: readonly Pick<FinishedRunView, 'source' | 'pipeline' | 'finished_at'>[],
): PipelineEntry[] {
  const byKey = new Map<string, PipelineEntry>();
  const entry = (source: string, pipeline: string) => {
    const key = pipelineKey({ source, pipeline });
    let found = byKey.get(key);
    if (!found) {
      found = { source, pipeline, active: 0, last_finished_at: null };
      byKey.set(key, found);
    }
    return found;
  };
  for (const run of active) entry(run.source, run.pipeline).active += 1;
  for (const run of finished) {
    const found = entry(run.source, run.pipeline);
    if (
      run.finished_at !== null &&
      (found.last_finished_at === null || run.finished_at > found.last_finished_at)
    ) {
      found.last_finished_at = run.finished_at;
    }
  }
  return [...byKey.values()].sort(
    (a, b) => a.pipeline.localeCompare(b.pipeline) || a.source.localeCompare(b.source),
  );
}
