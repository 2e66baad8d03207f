import type Database from 'better-sqlite3';

export interface DeliveryAttempt {
  outboxId: number;
  attempt: number;
  at: number;
  ok: boolean;
  status: number | null;
  latencyMs: number;
  error: string | null;
}

/** Every attempt to deliver an outbox row, in state.db: what `runwatch alerts` shows of a send. */
export class DeliveryLog {
  private readonly sql;

  constructor(db: Database.Database) {
    this.sql = {
      recordAttempt: db.prepare(
        `INSERT INTO delivery_attempts (outbox_id, attempt, at, ok, status, latency_ms, error)
         VALUES (@outboxId, @attempt, @at, @ok, @status, @latencyMs, @error)`,
      ),
      deleteOf: db.prepare('DELETE FROM delivery_attempts WHERE outbox_id = ?'),
    };
  }

  recordAttempt(attempt: DeliveryAttempt): void {
    this.sql.recordAttempt.run({ ...attempt, ok: attempt.ok ? 1 : 0 });
  }

  /** Deletes the attempts of one outbox row, which is being pruned. */
  deleteOf(outboxId: number): void {
    this.sql.deleteOf.run(outboxId);
  }
}
