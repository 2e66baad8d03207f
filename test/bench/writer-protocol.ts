/** Messages between the benchmark and its writer child (Node IPC). */

export interface WriterArgs {
  dbPath: string;
  changes: number;
  gapMs: [number, number];
  seed: number;
  /** Ids of runs the writer inserts, unique per scenario. */
  newRunPrefix: string;
  stepsPerRun: number;
  /** `iso`: milliseconds (`toISOString`); `seconds`: whole seconds, as `CURRENT_TIMESTAMP`. */
  stamp: 'iso' | 'seconds';
}

export type ChangeKind = 'run_started' | 'run_completed';

export type WriterMessage =
  | { type: 'ready'; candidates: number }
  | {
      type: 'commit';
      kind: ChangeKind;
      runId: string;
      /** The machine's monotonic clock (`machineNow`) right after COMMIT. */
      commitAt: number;
    }
  | { type: 'done' };

export type ParentMessage = { type: 'go' };

/** The key under which a commit and its event meet. */
export function changeKey(kind: ChangeKind, runId: string): string {
  return `${kind}\u0000${runId}`;
}
