/**
 * What the demo pipeline writes, in one schema's own way: the plan (demo-pipeline.ts) says what
 * happens to each run; a writer records it as that schema's orchestrator would. Each call is a
 * short transaction of its own.
 */
export interface DemoWriter {
  /** A fresh run id for a run of `pipeline`. */
  nextRunId(pipeline: string): string;
  /** The run, queued, and its steps (those this schema creates up front). */
  queue(runId: string, pipeline: string, steps: readonly string[]): void;
  /** The run starts, or starts again in place: every step back to pending. */
  start(runId: string, again: boolean): void;
  startStep(runId: string, index: number, name: string): void;
  /** Signs of life while a step works (a heartbeat, a metric), if the schema has them. */
  beat(runId: string, index: number, name: string): void;
  endStep(
    runId: string,
    index: number,
    name: string,
    outcome: 'succeeded' | 'failed',
    message: string | null,
  ): void;
  /** The run ends; steps from `from` on get `rest` (skipped or cancelled). */
  end(
    runId: string,
    status: 'succeeded' | 'failed' | 'cancelled',
    steps: readonly string[],
    from: number,
  ): void;
  /** The run's artifacts folder, relative to the database's folder; null: the schema has none. */
  artifactsDir(runId: string): string | null;
  close(): void;
}
