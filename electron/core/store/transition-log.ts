import type Database from 'better-sqlite3';
import type { Severity } from '../../../shared/severity.ts';

/** The log of every alert transition in state.db, oldest first. */
export class TransitionLog {
  private readonly sql;

  constructor(db: Database.Database) {
    this.sql = {
      log: db.prepare(
        `INSERT INTO alert_log (at, rule, dedup_key, transition, severity, event_id, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      // Transitions are logged in time order: the oldest are the first rows, so a chunk never
      // reads past them.
      prune: db.prepare(
        `DELETE FROM alert_log
          WHERE id IN (SELECT id FROM alert_log ORDER BY id LIMIT 2000) AND at < ?`,
      ),
      lastLogId: db.prepare('SELECT max(id) FROM alert_log').pluck(),
      firedSince: db.prepare(
        `SELECT l.id, l.rule, l.severity,
                (SELECT e.body FROM events e WHERE e.id = l.event_id) AS body
           FROM alert_log l WHERE l.id > ? AND l.transition = 'fired' ORDER BY l.id LIMIT ?`,
      ),
    };
  }

  log(
    at: number,
    alert: { rule: string; dedupKey: string; severity: Severity },
    transition: string,
    eventId: number | null,
    detail: string | null,
  ): void {
    this.sql.log.run(at, alert.rule, alert.dedupKey, transition, alert.severity, eventId, detail);
  }

  /** Deletes one chunk of transitions older than `before`; returns how many went. */
  prune(before: number): number {
    return this.sql.prune.run(before).changes;
  }

  /** The id of the latest transition logged; 0 before any. */
  lastLogId(): number {
    return (this.sql.lastLogId.get() as number | null) ?? 0;
  }

  /** Alerts that fired after the transition `afterId`, oldest first, with their events. */
  firedSince(
    afterId: number,
    limit: number,
  ): { id: number; rule: string; severity: Severity; event: Record<string, unknown> | null }[] {
    return (
      this.sql.firedSince.all(afterId, limit) as {
        id: number;
        rule: string;
        severity: Severity;
        body: string | null;
      }[]
    ).map((row) => ({
      id: row.id,
      rule: row.rule,
      severity: row.severity,
      event: row.body === null ? null : (JSON.parse(row.body) as Record<string, unknown>),
    }));
  }
}
