/** Rows of the default orchestration schema (ARCHITECTURE.md §3) as read, values still raw. */

export interface RunRow {
  rowid: number | null;
  runId: string;
  pipeline: string;
  status: string;
  createdAt: unknown;
  startedAt: unknown;
  updatedAt: unknown;
  finishedAt: unknown;
  artifactsDir: string | null;
}

export interface StepRow {
  stepId: string;
  name: string;
  position: number;
  status: string;
  startedAt: unknown;
  updatedAt: unknown;
  finishedAt: unknown;
  /** Why it failed, from the optional `steps.message` column; null where there is none. */
  message: string | null;
}

export interface ObservedRun extends RunRow {
  steps: StepRow[];
}
