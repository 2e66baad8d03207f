/**
 * What needs the user's attention (ARCHITECTURE.md §3): a stalled or overdue run, or a pipeline whose
 * latest finished run failed, until acknowledged or a later run of that pipeline succeeds. The
 * tray badge, the Overview and `runwatch status` all come from this one definition.
 */
export type AttentionKind = 'failed' | 'stalled' | 'overdue';

export interface AttentionItem {
  kind: AttentionKind;
  source: string;
  pipeline: string;
  run_id: string;
  attempt: number;
  /** ISO-8601 UTC: when the run failed, stalled or became overdue. */
  since: string;
}

export type AckTarget = { run: string } | { pipeline: string } | { all: true };
