/** Messages between the WAL checkpointer and its worker thread. */
export type CheckpointRequest = 'checkpoint' | 'close';

export type CheckpointReply =
  /** Checkpoints ran until the WAL stopped changing. */
  { ok: true; checkpoints: number } | { ok: false; error: string };
