/**
 * The colours a status takes, as StatusBadge draws them (`.badge--<tone>` in styles.css). A plain
 * module, so the pure helpers that pick a tone (and their unit tests) need no component.
 */
export type Tone =
  | 'failed'
  | 'stalled'
  | 'overdue'
  | 'running'
  | 'succeeded'
  | 'cancelled'
  | 'sent'
  | 'retrying'
  | 'pending'
  | 'expired'
  | 'dropped'
  | 'merged'
  | 'critical'
  | 'error'
  | 'warning'
  | 'info'
  | 'muted';
