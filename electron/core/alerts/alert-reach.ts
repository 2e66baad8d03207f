import type { AlertHistory } from '../store/alert-history.ts';

export interface AlertReachCounts {
  /** When counting began: the session's start. */
  since: number;
  /** Alerts that fired since then (each firing once, however many channels it was meant for). */
  fired: number;
  /** Those of them delivered through at least one channel. */
  delivered: number;
}

/**
 * How many alerts fired and how many of them reached anyone, since the session started: what
 * tells a user that alerts go nowhere (no active channel), rather than that all is quiet. Firings
 * are counted from the transition log, a few rows further each time; a delivery's firings are
 * read once, when it is sent, and each firing counts once however many channels it reached.
 */
export class AlertReach {
  private readonly history: () => AlertHistory;
  private readonly since: number;
  private lastLogId: number;
  private fired = 0;
  private readonly delivered = new Set<string>();

  /** `lastLogId`: the transition log's last row when the session started. */
  constructor(history: () => AlertHistory, since: number, lastLogId: number) {
    this.history = history;
    this.since = since;
    this.lastLogId = lastLogId;
  }

  /** A delivery was sent: every firing in it since the start has reached someone. */
  sent(deliveryId: number): void {
    for (const firing of this.history().firingsOf(deliveryId)) {
      if (firing.firedAt >= this.since) {
        this.delivered.add(`${firing.rule}\u0000${firing.dedupKey}\u0000${firing.firedAt}`);
      }
    }
  }

  counts(): AlertReachCounts {
    const { fired, lastId } = this.history().firedAfter(this.lastLogId);
    this.fired += fired;
    this.lastLogId = lastId ?? this.lastLogId;
    return { since: this.since, fired: this.fired, delivered: this.delivered.size };
  }
}
