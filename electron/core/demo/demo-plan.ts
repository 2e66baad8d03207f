/**
 * What the demo pipeline does, run by run: mostly successes, with a failure, a stall that
 * recovers, a cancellation and one failed run retried in place, early enough that a new user
 * sees each within a minute or two.
 */

export type StepFate = 'succeed' | 'fail' | 'stall' | 'cancel';

export interface DemoRunPlan {
  pipeline: string;
  steps: readonly string[];
  /** Index of the step where something other than success happens, if anything does. */
  at: number | null;
  fate: StepFate;
  /** A failed run is set running again, in place, and then succeeds. */
  retry: boolean;
}

/** Why a step fails, as the demo's orchestrator writes it in `steps.message`. */
const FAILURES: Record<string, string> = {
  render: 'template weekly.html not found in templates/ (render needs it for the PDF)',
  load: 'connection to warehouse.internal:5432 refused after 3 tries',
  evaluate: 'validation accuracy 0.61 is below the required 0.75',
};

export function failureMessage(step: string): string {
  return FAILURES[step] ?? `${step} exited with status 1`;
}

export const DEMO_PIPELINES: Record<string, readonly string[]> = {
  'etl-daily': ['extract', 'validate', 'transform', 'load', 'publish'],
  'report-weekly': ['query', 'render', 'send'],
  'train-model': ['prepare-data', 'featurize', 'train', 'evaluate', 'export'],
};

const CYCLE: readonly Omit<DemoRunPlan, 'steps'>[] = [
  { pipeline: 'etl-daily', at: null, fate: 'succeed', retry: false },
  { pipeline: 'etl-daily', at: 2, fate: 'stall', retry: false },
  { pipeline: 'report-weekly', at: 1, fate: 'fail', retry: false },
  { pipeline: 'train-model', at: null, fate: 'succeed', retry: false },
  { pipeline: 'etl-daily', at: 3, fate: 'fail', retry: true },
  { pipeline: 'report-weekly', at: null, fate: 'succeed', retry: false },
  { pipeline: 'etl-daily', at: 2, fate: 'cancel', retry: false },
  { pipeline: 'train-model', at: 3, fate: 'fail', retry: false },
  { pipeline: 'etl-daily', at: 3, fate: 'stall', retry: false },
  { pipeline: 'report-weekly', at: 2, fate: 'cancel', retry: false },
];

/** The plan of the n-th run (0-based); the cycle repeats for endless demos. */
export function demoRunPlan(index: number): DemoRunPlan {
  const plan = CYCLE[index % CYCLE.length] as Omit<DemoRunPlan, 'steps'>;
  return { ...plan, steps: DEMO_PIPELINES[plan.pipeline] as readonly string[] };
}
