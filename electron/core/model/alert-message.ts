import type { Severity } from '../../../shared/severity.ts';

/** An alert as one message carries it: the rule that fired, for which key, and its event. */
export interface AlertMember {
  rule: string;
  severity: Severity;
  dedup_key: string;
  /** When this firing began (ISO-8601 UTC). */
  fired_at: string;
  status: 'firing' | 'resolved';
  /** The event that fired or resolved it, as §4 defines it. */
  event: Record<string, unknown>;
}

/**
 * What a message says: one alert, a grouped follow-up, due repeats, a rate-limit digest, the
 * "while Runwatch was away" digest, a test, or the "delivery failing" notice.
 */
export type MessageKind = 'alert' | 'group' | 'repeat' | 'digest' | 'away' | 'test' | 'failing';

export interface AlertMessage {
  /** `<state.db id>:<outbox row id>`: the Idempotency-Key header and the email's Message-ID. */
  idempotencyKey: string;
  kind: MessageKind;
  /** `firing` when any member fires. */
  status: 'firing' | 'resolved';
  test: boolean;
  /** The highest severity among the members. */
  severity: Severity;
  /** One line that names what happened, e.g. `etl run 42 failed` or `still stalled: 3 runs`. */
  title: string;
  /** One readable line per member, in order. */
  lines: string[];
  members: AlertMember[];
}
