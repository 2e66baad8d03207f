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

/** A row that a change query returned: enough to tell whether it differs from the last look. */
export interface ChangedRow {
  table: 'runs' | 'steps';
  rowid: number | null;
  runId: string;
  /** `run_id` for runs, `run_id` + NUL + `step_id` for steps. */
  key: string;
  status: string;
  updatedAt: unknown;
  /** When the row was written (a timestamp or epoch ms): the writer's clock offset is learned from it. */
  writtenAt: unknown;
}

export function asText(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/** A row a change query returned (`run_id`, `step_id`, `status`, `updated_at`, `written_at`). */
export function changedRow(table: 'runs' | 'steps', row: Record<string, unknown>): ChangedRow {
  const runId = asText(row.run_id);
  return {
    table,
    rowid: typeof row.rowid === 'number' ? row.rowid : null,
    runId,
    key: table === 'runs' ? runId : `${runId}\u0000${asText(row.step_id)}`,
    status: asText(row.status),
    updatedAt: row.updated_at,
    writtenAt: row.written_at,
  };
}
