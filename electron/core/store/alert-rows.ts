import type Database from 'better-sqlite3';
import type { Severity } from '../../../shared/severity.ts';
import type { StoredMember } from './outbox-members.ts';
import { recordedEvent } from './recorded-event.ts';

export type AlertState = 'firing' | 'resolved' | 'fired';

export interface AlertRow {
  rule: string;
  dedupKey: string;
  state: AlertState;
  severity: Severity;
  /** The recorded event that fired it. */
  eventId: number;
  firedAt: number;
  resolvedAt: number | null;
  notified: boolean;
  /** The channels a firing (or repeat) of this episode was sent to: its resolve goes there. */
  notifiedChannels: string[];
  lastSentAt: number | null;
  repeatAt: number | null;
}

interface AlertDb {
  rule: string;
  dedup_key: string;
  state: AlertState;
  severity: Severity;
  event_id: number;
  fired_at: number;
  resolved_at: number | null;
  notified: number;
  notified_channels: string;
  last_sent_at: number | null;
  repeat_at: number | null;
}

function alertFromDb(row: AlertDb): AlertRow {
  return {
    rule: row.rule,
    dedupKey: row.dedup_key,
    state: row.state,
    severity: row.severity,
    eventId: row.event_id,
    firedAt: row.fired_at,
    resolvedAt: row.resolved_at,
    notified: row.notified === 1,
    notifiedChannels: JSON.parse(row.notified_channels) as string[],
    lastSentAt: row.last_sent_at,
    repeatAt: row.repeat_at,
  };
}

/**
 * The alert state machine in state.db: one row per (rule, dedup key), its repeats, and the open
 * conditions that hold it firing.
 */
export class AlertRows {
  private readonly sql;

  constructor(db: Database.Database) {
    this.sql = {
      getAlert: db.prepare('SELECT * FROM alerts WHERE rule = ? AND dedup_key = ?'),
      alertStates: db.prepare(
        `SELECT a.rule, a.dedup_key AS dedupKey, a.state, a.fired_at AS firedAt
           FROM json_each(?) k
           JOIN alerts a ON a.rule = json_extract(k.value, '$[0]')
                        AND a.dedup_key = json_extract(k.value, '$[1]')`,
      ),
      putAlert: db.prepare(
        `INSERT INTO alerts (rule, dedup_key, state, severity, event_id, fired_at, resolved_at,
           notified, notified_channels, last_sent_at, repeat_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (rule, dedup_key) DO UPDATE SET state = excluded.state,
           severity = excluded.severity, event_id = excluded.event_id, fired_at = excluded.fired_at,
           resolved_at = excluded.resolved_at, notified = excluded.notified,
           notified_channels = excluded.notified_channels,
           last_sent_at = excluded.last_sent_at, repeat_at = excluded.repeat_at,
           updated_at = excluded.updated_at`,
      ),
      markNotified: db.prepare(
        `UPDATE alerts SET notified = 1,
           notified_channels = json_insert(notified_channels, '$[#]', @channel)
         WHERE rule = @rule AND dedup_key = @key AND fired_at = @fired
           AND state IN ('firing', 'fired')
           AND NOT EXISTS (SELECT 1 FROM json_each(notified_channels) WHERE value = @channel)`,
      ),
      markSent: db.prepare(
        `UPDATE alerts SET last_sent_at = @now, notified = 1,
           repeat_at = CASE WHEN repeat_at IS NULL THEN NULL ELSE @now + @repeat END
         WHERE rule = @rule AND dedup_key = @key AND fired_at = @fired AND state = 'firing'`,
      ),
      setRepeatAt: db.prepare('UPDATE alerts SET repeat_at = ? WHERE rule = ? AND dedup_key = ?'),
      dueRepeats: db.prepare(
        `SELECT a.*, e.body FROM alerts a LEFT JOIN events e ON e.id = a.event_id
          WHERE a.state = 'firing' AND a.repeat_at <= ?
          ORDER BY a.repeat_at, a.rule, a.dedup_key LIMIT 1000`,
      ),
      nextRepeat: db.prepare(`SELECT min(repeat_at) FROM alerts WHERE state = 'firing'`).pluck(),
      firingCount: db.prepare(`SELECT count(*) FROM alerts WHERE state = 'firing'`).pluck(),
      addCondition: db.prepare(
        'INSERT OR IGNORE INTO alert_conditions (subject, type, rule, dedup_key) VALUES (?, ?, ?, ?)',
      ),
      conditionsOf: db.prepare(
        'SELECT type, rule, dedup_key AS dedupKey FROM alert_conditions WHERE subject = ?',
      ),
      removeCondition: db.prepare(
        'DELETE FROM alert_conditions WHERE subject = ? AND type = ? AND rule = ? AND dedup_key = ?',
      ),
      conditionCount: db
        .prepare('SELECT count(*) FROM alert_conditions WHERE rule = ? AND dedup_key = ?')
        .pluck(),
      prune: db.prepare(
        `DELETE FROM alerts WHERE (rule, dedup_key) IN (
           SELECT a.rule, a.dedup_key FROM alerts a WHERE a.state != 'firing' AND a.updated_at < ?
              AND NOT EXISTS (SELECT 1 FROM alert_conditions c
                               WHERE c.rule = a.rule AND c.dedup_key = a.dedup_key)
            LIMIT 2000)`,
      ),
    };
  }

  getAlert(rule: string, dedupKey: string): AlertRow | null {
    const row = this.sql.getAlert.get(rule, dedupKey) as AlertDb | undefined;
    return row ? alertFromDb(row) : null;
  }

  /** State and episode of many alerts at once, keyed `rule\ndedup key`. */
  alertStates(
    keys: readonly [string, string][],
  ): Map<string, { state: AlertState; firedAt: number }> {
    const states = new Map<string, { state: AlertState; firedAt: number }>();
    if (keys.length === 0) return states;
    const rows = this.sql.alertStates.all(JSON.stringify(keys)) as {
      rule: string;
      dedupKey: string;
      state: AlertState;
      firedAt: number;
    }[];
    for (const row of rows) {
      states.set(`${row.rule}\n${row.dedupKey}`, { state: row.state, firedAt: row.firedAt });
    }
    return states;
  }

  putAlert(alert: AlertRow, now: number): void {
    // Positional: binding by name costs a lookup per parameter, on the engine's hottest write.
    this.sql.putAlert.run(
      alert.rule,
      alert.dedupKey,
      alert.state,
      alert.severity,
      alert.eventId,
      alert.firedAt,
      alert.resolvedAt,
      alert.notified ? 1 : 0,
      JSON.stringify(alert.notifiedChannels),
      alert.lastSentAt,
      alert.repeatAt,
      now,
    );
  }

  /** A firing of this episode is frozen for sending to `channel`: its resolve will go there too. */
  markNotified(rule: string, dedupKey: string, firedAt: number, channel: string): void {
    this.sql.markNotified.run({ rule, key: dedupKey, fired: firedAt, channel });
  }

  /** A firing or repeat was delivered: repeats count from now. */
  markSent(member: StoredMember, now: number, repeatEvery: number): void {
    this.sql.markSent.run({
      now,
      repeat: repeatEvery,
      rule: member.rule,
      key: member.dedupKey,
      fired: member.firedAt,
    });
  }

  setRepeatAt(rule: string, dedupKey: string, at: number | null): void {
    this.sql.setRepeatAt.run(at, rule, dedupKey);
  }

  /** Firing alerts whose repeat is due, with the event that fired each. */
  dueRepeats(now: number): (AlertRow & { event: Record<string, unknown> })[] {
    return (this.sql.dueRepeats.all(now) as (AlertDb & { body: string | null })[]).map((row) => ({
      ...alertFromDb(row),
      event: recordedEvent(row.event_id, row.body),
    }));
  }

  nextRepeat(): number | null {
    return (this.sql.nextRepeat.get() as number | null) ?? null;
  }

  firingCount(): number {
    return this.sql.firingCount.get() as number;
  }

  addCondition(subject: string, type: string, rule: string, dedupKey: string): void {
    this.sql.addCondition.run(subject, type, rule, dedupKey);
  }

  conditionsOf(subject: string): { type: string; rule: string; dedupKey: string }[] {
    return this.sql.conditionsOf.all(subject) as { type: string; rule: string; dedupKey: string }[];
  }

  removeCondition(subject: string, type: string, rule: string, dedupKey: string): void {
    this.sql.removeCondition.run(subject, type, rule, dedupKey);
  }

  conditionCount(rule: string, dedupKey: string): number {
    return this.sql.conditionCount.get(rule, dedupKey) as number;
  }

  /** Deletes one chunk of alerts no longer firing, untouched since `before` and held by nothing. */
  prune(before: number): number {
    return this.sql.prune.run(before).changes;
  }
}
