import type { StepView } from '../../../shared/api.ts';
import { stepsOf } from '../model/finished-run.ts';
import type { RunSource } from '../source/run-source.ts';
import { SourceError } from '../source/source-error.ts';

/**
 * An active run's steps as the orchestration database holds them now. The monitor keeps no steps
 * in memory nor in state.db until a run finishes, so this is one short read by key on its
 * read-only connection, between its cycles. A database that cannot be read now shows no steps:
 * the monitor reports that condition itself.
 */
export async function liveSteps(source: RunSource, runId: string): Promise<StepView[]> {
  if (!source.isOpen) return [];
  try {
    const observed = (await source.readRuns([runId])).get(runId);
    return observed ? stepsOf(observed) : [];
  } catch (error) {
    if (error instanceof SourceError) return [];
    throw error;
  }
}
