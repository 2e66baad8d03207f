import type Database from 'better-sqlite3';
import type { Severity } from '../../../shared/severity.ts';
import type { AlertMember, AlertMessage, MessageKind } from '../alerts/alert-message.ts';

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

export type OutboxState = 'pending' | 'sent' | 'failed' | 'expired' | 'dropped' | 'merged';
export type HeldBy = 'group' | 'silence' | 'quiet_hours' | 'rate_limit' | 'away' | null;

export interface OutboxRow {
  id: number;
  channel: string;
  kind: MessageKind;
  state: OutboxState;
  heldBy: HeldBy;
  sendAfter: number;
  nextAt: number;
  attempts: number;
  severity: Severity;
  message: AlertMessage | null;
  body: string | null;
  lastError: string | null;
  createdAt: number;
  expiresAt: number;
  endedAt: number | null;
}

export interface StoredMember {
  seq: number;
  outboxId: number;
  rule: string;
  dedupKey: string;
  status: 'firing' | 'resolved';
  severity: Severity;
  firedAt: number;
  runId: string | null;
  event: Record<string, unknown>;
}

/** A member of a row not yet frozen: what the engine needs to withdraw it. */
export interface UnsentMember {
  seq: number;
  outboxId: number;
  channel: string;
  rule: string;
  dedupKey: string;
  status: 'firing' | 'resolved';
  severity: Severity;
  firedAt: number;
  /** The type of the event it is for. */
  type: string;
}

export interface DeliveryAttempt {
  outboxId: number;
  attempt: number;
  at: number;
  ok: boolean;
  status: number | null;
  latencyMs: number;
  error: string | null;
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

interface OutboxDb {
  id: number;
  channel: string;
  kind: MessageKind;
  state: OutboxState;
  held_by: HeldBy;
  send_after: number;
  next_at: number;
  attempts: number;
  severity: Severity;
  message: string | null;
  body: string | null;
  last_error: string | null;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
}

interface MemberDb {
  seq: number;
  outbox_id: number;
  rule: string;
  dedup_key: string;
  status: 'firing' | 'resolved';
  severity: Severity;
  fired_at: number;
  run_id: string | null;
  event_id: number | null;
  event: string | null;
  body: string | null;
}

/**
 * An event as the bus carries it, from its row in `events`. Alerts and outbox members point at
 * the recorded event rather than copying it: a burst of alerts then writes a few bytes each.
 */
function recordedEvent(id: number, body: string | null): Record<string, unknown> {
  if (body === null) return { id };
  const { type, ...rest } = JSON.parse(body) as Record<string, unknown>;
  return { type, id, ...rest };
}

/**
 * Unsent members with their row's channel and their event's type, without parsing the event.
 * A member is `open` exactly while its row is pending and not yet frozen: `endRow` and `freeze`
 * close a row's members, and a merge moves them to a row still open. Subqueries rather than
 * joins: through better-sqlite3 the joined form cost about 8 µs a call, these about 1.5.
 */
const UNSENT_MEMBERS = `SELECT m.seq, m.outbox_id AS outboxId,
    (SELECT channel FROM outbox WHERE id = m.outbox_id) AS channel, m.rule,
    m.dedup_key AS dedupKey, m.status, m.severity, m.fired_at AS firedAt,
    coalesce((SELECT type FROM events WHERE id = m.event_id), json_extract(m.event, '$.type')) AS type
  FROM outbox_members m`;

/** Channels whose "delivery failing" notice is raised, for the engine and for history. */
export const FAILING_CHANNELS = `SELECT channel, failing_since AS since, failing_error AS error
  FROM channel_state WHERE failing_notice = 1 ORDER BY channel`;

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

export function outboxFromDb(row: OutboxDb): OutboxRow {
  return {
    id: row.id,
    channel: row.channel,
    kind: row.kind,
    state: row.state,
    heldBy: row.held_by,
    sendAfter: row.send_after,
    nextAt: row.next_at,
    attempts: row.attempts,
    severity: row.severity,
    message: row.message === null ? null : (JSON.parse(row.message) as AlertMessage),
    body: row.body,
    lastError: row.last_error,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    endedAt: row.ended_at,
  };
}

function memberFromDb(row: MemberDb): StoredMember {
  return {
    seq: row.seq,
    outboxId: row.outbox_id,
    rule: row.rule,
    dedupKey: row.dedup_key,
    status: row.status,
    severity: row.severity,
    firedAt: row.fired_at,
    runId: row.run_id,
    event:
      row.event_id === null
        ? (JSON.parse(row.event ?? '{}') as Record<string, unknown>)
        : recordedEvent(row.event_id, row.body),
  };
}

export function toMember(member: StoredMember): AlertMember {
  return {
    rule: member.rule,
    severity: member.severity,
    dedup_key: member.dedupKey,
    fired_at: new Date(member.firedAt).toISOString(),
    status: member.status,
    event: member.event,
  };
}

/**
 * The alert engine's tables in state.db: one state machine row per (rule, dedup key), the open
 * conditions holding them, the transition log, the outbox with its members, and every attempt.
 */
export class AlertTable {
  private readonly sql;
  /**
   * Group windows and open rows looked up while handling one batch of events: the engine asks
   * for the same few again and again. Cleared by `forget()` before each batch and whenever a row
   * may have ended.
   */
  private readonly windows = new Map<string, number | null>();
  private readonly openRows = new Map<string, number>();
  private readonly severities = new Map<number, Severity>();

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
      pendingCount: db.prepare(`SELECT count(*) FROM outbox WHERE state = 'pending'`).pluck(),
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
      log: db.prepare(
        `INSERT INTO alert_log (at, rule, dedup_key, transition, severity, event_id, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      windowUntil: db.prepare('SELECT window_until FROM channel_state WHERE channel = ?').pluck(),
      setWindow: db.prepare(
        `INSERT INTO channel_state (channel, window_until) VALUES (?, ?)
         ON CONFLICT (channel) DO UPDATE SET window_until = excluded.window_until`,
      ),
      openRow: db.prepare(
        `SELECT id, severity FROM outbox WHERE channel = ? AND kind = ? AND held_by IS ? AND send_after = ?
           AND state = 'pending' AND attempts = 0 AND message IS NULL ORDER BY id DESC LIMIT 1`,
      ),
      openRowAnyTime: db.prepare(
        `SELECT id, severity FROM outbox WHERE channel = ? AND kind = ? AND held_by IS ?
           AND state = 'pending' AND attempts = 0 AND message IS NULL ORDER BY id DESC LIMIT 1`,
      ),
      insertRow: db.prepare(
        `INSERT INTO outbox (channel, kind, state, held_by, send_after, next_at, severity, created_at,
           expires_at)
         VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?)`,
      ),
      raiseSeverity: db.prepare('UPDATE outbox SET severity = ? WHERE id = ?'),
      rowSeverity: db.prepare('SELECT severity FROM outbox WHERE id = ?').pluck(),
      addMember: db.prepare(
        `INSERT INTO outbox_members (outbox_id, rule, dedup_key, status, severity, fired_at, run_id,
           event_id, event)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      members: db.prepare(
        `SELECT m.*, e.body FROM outbox_members m LEFT JOIN events e ON e.id = m.event_id
          WHERE m.outbox_id = ? ORDER BY m.seq`,
      ),
      // Members are looked up only while their row is not yet frozen (`open`): two small partial
      // indexes, while the ever-growing members table keeps only its row's index.
      unsentMembersOfRun: db.prepare(`${UNSENT_MEMBERS} WHERE m.open = 1 AND m.run_id = ?`),
      unsentMembersOfAlert: db.prepare(
        `${UNSENT_MEMBERS} WHERE m.open = 1 AND m.rule = ? AND m.dedup_key = ?`,
      ),
      pendingChannelsOf: db
        .prepare(
          `SELECT DISTINCT (SELECT channel FROM outbox WHERE id = m.outbox_id)
             FROM outbox_members m WHERE m.open = 1 AND m.rule = ? AND m.dedup_key = ?`,
        )
        .pluck(),
      closeMembers: db.prepare(
        'UPDATE outbox_members SET open = NULL WHERE outbox_id = ? AND open = 1',
      ),
      deleteMember: db.prepare('DELETE FROM outbox_members WHERE seq = ?'),
      hasMembers: db.prepare('SELECT 1 FROM outbox_members WHERE outbox_id = ? LIMIT 1').pluck(),
      moveMembers: db.prepare('UPDATE outbox_members SET outbox_id = ? WHERE outbox_id = ?'),
      memberAt: db
        .prepare('SELECT seq FROM outbox_members WHERE outbox_id = ? ORDER BY seq LIMIT 1 OFFSET ?')
        .pluck(),
      continuationRow: db.prepare(
        `INSERT INTO outbox (channel, kind, state, held_by, send_after, next_at, severity,
           created_at, expires_at)
         SELECT channel, kind, 'pending', NULL, @now, @now, severity, @now, expires_at
           FROM outbox WHERE id = @id`,
      ),
      moveMembersFrom: db.prepare(
        'UPDATE outbox_members SET outbox_id = ? WHERE outbox_id = ? AND seq >= ?',
      ),
      getRow: db.prepare('SELECT * FROM outbox WHERE id = ?'),
      dueRows: db.prepare(
        `SELECT * FROM outbox WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT 200`,
      ),
      expired: db.prepare(
        `SELECT * FROM outbox WHERE state = 'pending' AND expires_at <= ? ORDER BY id LIMIT 200`,
      ),
      // A channel with an attempted message pending is due when that message is.
      nextDue: db
        .prepare(
          `SELECT min(coalesce(
             (SELECT f.next_at FROM outbox f WHERE f.channel = o.channel AND f.state = 'pending'
                AND f.message IS NOT NULL ORDER BY f.id LIMIT 1),
             o.next_at))
             FROM outbox o WHERE o.state = 'pending'
              AND o.channel NOT IN (SELECT value FROM json_each(?))`,
        )
        .pluck(),
      oldestFrozen: db.prepare(
        `SELECT channel, min(id) AS id FROM outbox
          WHERE state = 'pending' AND message IS NOT NULL GROUP BY channel`,
      ),
      rateLimited: db.prepare(
        `SELECT id FROM outbox WHERE channel = ? AND held_by = 'rate_limit' AND state = 'pending'
           AND message IS NULL AND id != ? ORDER BY id`,
      ),
      recheckHolds: db.prepare(
        `UPDATE outbox SET next_at = @now
          WHERE state = 'pending' AND held_by IN ('silence', 'quiet_hours') AND message IS NULL
            AND next_at > @now`,
      ),
      flushGroups: db.prepare(
        `UPDATE outbox SET send_after = @now, next_at = @now
          WHERE state = 'pending' AND held_by IN ('group', 'away') AND message IS NULL
            AND next_at > @now`,
      ),
      endRow: db.prepare(
        `UPDATE outbox SET state = @state, ended_at = @now, last_error = coalesce(@error, last_error),
           merged_into = @mergedInto WHERE id = @id`,
      ),
      hold: db.prepare(
        `UPDATE outbox SET held_by = ?, send_after = ?, next_at = ?,
           expires_at = max(expires_at, ? + (expires_at - created_at))
         WHERE id = ? AND message IS NULL`,
      ),
      freeze: db.prepare(
        'UPDATE outbox SET message = ?, body = ?, kind = ?, severity = ? WHERE id = ?',
      ),
      attempted: db.prepare(
        `UPDATE outbox SET attempts = attempts + 1, next_at = @nextAt, last_error = @error
          WHERE id = @id`,
      ),
      recordAttempt: db.prepare(
        `INSERT INTO delivery_attempts (outbox_id, attempt, at, ok, status, latency_ms, error)
         VALUES (@outboxId, @attempt, @at, @ok, @status, @latencyMs, @error)`,
      ),
      failing: db.prepare(
        'SELECT failing_since, failing_error, failing_notice FROM channel_state WHERE channel = ?',
      ),
      setFailing: db.prepare(
        `INSERT INTO channel_state (channel, failing_since, failing_error, failing_notice)
         VALUES (@channel, @since, @error, @notice)
         ON CONFLICT (channel) DO UPDATE SET failing_since = excluded.failing_since,
           failing_error = excluded.failing_error, failing_notice = excluded.failing_notice`,
      ),
      failingChannels: db.prepare(FAILING_CHANNELS),
      oldRows: db
        .prepare(
          `SELECT id FROM outbox WHERE state != 'pending' AND ended_at < ? ORDER BY id LIMIT 500`,
        )
        .pluck(),
      deleteAttempts: db.prepare('DELETE FROM delivery_attempts WHERE outbox_id = ?'),
      deleteMembers: db.prepare('DELETE FROM outbox_members WHERE outbox_id = ?'),
      deleteRow: db.prepare('DELETE FROM outbox WHERE id = ?'),
      // Transitions are logged in time order: the oldest are the first rows, so a chunk never
      // reads past them.
      pruneLog: db.prepare(
        `DELETE FROM alert_log
          WHERE id IN (SELECT id FROM alert_log ORDER BY id LIMIT 2000) AND at < ?`,
      ),
      pruneAlerts: db.prepare(
        `DELETE FROM alerts WHERE (rule, dedup_key) IN (
           SELECT a.rule, a.dedup_key FROM alerts a WHERE a.state != 'firing' AND a.updated_at < ?
              AND NOT EXISTS (SELECT 1 FROM alert_conditions c
                               WHERE c.rule = a.rule AND c.dedup_key = a.dedup_key)
            LIMIT 2000)`,
      ),
      lastLogId: db.prepare('SELECT max(id) FROM alert_log').pluck(),
      firedSince: db.prepare(
        `SELECT l.id, l.rule, l.severity,
                (SELECT e.body FROM events e WHERE e.id = l.event_id) AS body
           FROM alert_log l WHERE l.id > ? AND l.transition = 'fired' ORDER BY l.id LIMIT ?`,
      ),
      storedSilences: db.prepare('SELECT id, match, until, comment FROM silences WHERE until > ?'),
      addSilence: db.prepare(
        'INSERT INTO silences (match, until, comment, created_at) VALUES (?, ?, ?, ?)',
      ),
      removeSilence: db.prepare('DELETE FROM silences WHERE id = ?'),
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

  /** Deliveries not yet made: due, retrying, grouped or held. */
  pendingCount(): number {
    return this.sql.pendingCount.get() as number;
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

  log(
    at: number,
    alert: { rule: string; dedupKey: string; severity: Severity },
    transition: string,
    eventId: number | null,
    detail: string | null,
  ): void {
    this.sql.log.run(at, alert.rule, alert.dedupKey, transition, alert.severity, eventId, detail);
  }

  /** Drops what was looked up: other code may have changed rows since. */
  forget(): void {
    this.windows.clear();
    this.openRows.clear();
    this.severities.clear();
  }

  windowUntil(channel: string): number | null {
    let until = this.windows.get(channel);
    if (until === undefined) {
      until = (this.sql.windowUntil.get(channel) as number | null | undefined) ?? null;
      this.windows.set(channel, until);
    }
    return until;
  }

  setWindow(channel: string, until: number | null): void {
    this.sql.setWindow.run(channel, until);
    this.windows.set(channel, until);
  }

  /**
   * The row a member joins: an open one (not yet frozen) of the same channel, kind and hold,
   * or a new one. `sendAfter` null joins any open row of that kind whatever its time.
   */
  rowFor(
    spec: { channel: string; kind: MessageKind; heldBy: HeldBy; sendAfter: number; join: boolean },
    severity: Severity,
    now: number,
    maxAge: number,
  ): number {
    const key = `${spec.channel}\n${spec.kind}\n${spec.heldBy}\n${spec.heldBy === 'away' ? '' : spec.sendAfter}`;
    if (spec.join) {
      const cached = this.openRows.get(key);
      if (cached !== undefined) return cached;
      const open = (
        spec.heldBy === 'away'
          ? this.sql.openRowAnyTime.get(spec.channel, spec.kind, spec.heldBy)
          : this.sql.openRow.get(spec.channel, spec.kind, spec.heldBy, spec.sendAfter)
      ) as { id: number; severity: Severity } | undefined;
      if (open) {
        this.openRows.set(key, open.id);
        this.severities.set(open.id, open.severity);
        return open.id;
      }
    }
    const id = Number(
      this.sql.insertRow.run(
        spec.channel,
        spec.kind,
        spec.heldBy,
        spec.sendAfter,
        spec.sendAfter,
        severity,
        now,
        Math.max(now, spec.sendAfter) + maxAge,
      ).lastInsertRowid,
    );
    if (spec.join) this.openRows.set(key, id);
    this.severities.set(id, severity);
    return id;
  }

  addMember(
    outboxId: number,
    member: Omit<StoredMember, 'seq' | 'outboxId'>,
    rank: (s: Severity) => number,
  ): void {
    const recorded = typeof member.event.id === 'number';
    this.sql.addMember.run(
      outboxId,
      member.rule,
      member.dedupKey,
      member.status,
      member.severity,
      member.firedAt,
      member.runId,
      recorded ? member.event.id : null,
      recorded ? null : JSON.stringify(member.event),
    );
    const current =
      this.severities.get(outboxId) ?? (this.sql.rowSeverity.get(outboxId) as Severity);
    if (rank(member.severity) > rank(current)) {
      this.sql.raiseSeverity.run(member.severity, outboxId);
    }
    this.severities.set(
      outboxId,
      rank(member.severity) > rank(current) ? member.severity : current,
    );
  }

  members(outboxId: number): StoredMember[] {
    return (this.sql.members.all(outboxId) as MemberDb[]).map(memberFromDb);
  }

  unsentMembersOfRun(runId: string): UnsentMember[] {
    return this.sql.unsentMembersOfRun.all(runId) as UnsentMember[];
  }

  unsentMembersOfAlert(rule: string, dedupKey: string): UnsentMember[] {
    return this.sql.unsentMembersOfAlert.all(rule, dedupKey) as UnsentMember[];
  }

  /** Removes a member from a row not yet sent; a row left empty is dropped. */
  deleteMember(member: { seq: number; outboxId: number }, now: number): void {
    this.sql.deleteMember.run(member.seq);
    if (this.sql.hasMembers.get(member.outboxId) === undefined) {
      this.endRow(member.outboxId, 'dropped', now, null);
      this.forgetRow(member.outboxId);
    }
  }

  /** A row ended: members must not join it from the cache. */
  private forgetRow(id: number): void {
    for (const [key, cached] of this.openRows) {
      if (cached === id) this.openRows.delete(key);
    }
    this.severities.delete(id);
  }

  getRow(id: number): OutboxRow | null {
    const row = this.sql.getRow.get(id) as OutboxDb | undefined;
    return row ? outboxFromDb(row) : null;
  }

  dueRows(now: number): OutboxRow[] {
    return (this.sql.dueRows.all(now) as OutboxDb[]).map(outboxFromDb);
  }

  /** Rows still undelivered at their `max_age`. */
  expiredRows(now: number): OutboxRow[] {
    return (this.sql.expired.all(now) as OutboxDb[]).map(outboxFromDb);
  }

  /** Channels where a message carrying this alert waits to be sent (held, grouped, due). */
  pendingChannelsOf(rule: string, dedupKey: string): Set<string> {
    return new Set(this.sql.pendingChannelsOf.all(rule, dedupKey) as string[]);
  }

  /** Per channel, its oldest attempted message still pending: it goes before anything newer. */
  oldestFrozen(): Map<string, number> {
    const rows = this.sql.oldestFrozen.all() as { channel: string; id: number }[];
    return new Map(rows.map((row) => [row.channel, row.id]));
  }

  /** When the next row falls due, leaving out channels that are busy sending. */
  nextDue(except: Iterable<string> = []): number | null {
    return (this.sql.nextDue.get(JSON.stringify([...except])) as number | null) ?? null;
  }

  /** Folds every other rate-limited row of the channel into `id`; returns how many. */
  mergeRateLimited(channel: string, id: number, now: number): number {
    const others = this.sql.rateLimited.all(channel, id) as { id: number }[];
    for (const other of others) {
      this.sql.moveMembers.run(id, other.id);
      this.sql.endRow.run({ state: 'merged', now, error: null, mergedInto: id, id: other.id });
    }
    return others.length;
  }

  /**
   * Keeps the first `max` members of a row not yet frozen and moves the rest to a new row of the
   * same channel and kind, due now: it goes out right after, as the channel sends in order.
   */
  splitRow(id: number, max: number, now: number): void {
    const first = this.sql.memberAt.get(id, max) as number | undefined;
    if (first === undefined) return;
    const next = Number(this.sql.continuationRow.run({ id, now }).lastInsertRowid);
    this.sql.moveMembersFrom.run(next, id, first);
  }

  /** Makes held rows due now; each is held again if its hold still applies. */
  recheckHolds(now: number): void {
    this.sql.recheckHolds.run({ now });
  }

  /** Makes grouped follow-ups and away digests due now. */
  flushGroups(now: number): void {
    this.sql.flushGroups.run({ now });
  }

  endRow(id: number, state: OutboxState, now: number, error: string | null): void {
    this.sql.endRow.run({ state, now, error, mergedInto: null, id });
    this.sql.closeMembers.run(id);
  }

  hold(id: number, heldBy: HeldBy, until: number): void {
    this.sql.hold.run(heldBy, until, until, until, id);
  }

  freeze(id: number, message: AlertMessage, body: string): void {
    this.sql.freeze.run(JSON.stringify(message), body, message.kind, message.severity, id);
    this.sql.closeMembers.run(id);
  }

  attempted(id: number, nextAt: number, error: string | null): void {
    this.sql.attempted.run({ id, nextAt, error });
  }

  recordAttempt(attempt: DeliveryAttempt): void {
    this.sql.recordAttempt.run({ ...attempt, ok: attempt.ok ? 1 : 0 });
  }

  failing(channel: string): { since: number | null; error: string | null; notice: boolean } {
    const row = this.sql.failing.get(channel) as
      | { failing_since: number | null; failing_error: string | null; failing_notice: number }
      | undefined;
    return {
      since: row?.failing_since ?? null,
      error: row?.failing_error ?? null,
      notice: row?.failing_notice === 1,
    };
  }

  setFailing(channel: string, since: number | null, error: string | null, notice: boolean): void {
    this.sql.setFailing.run({ channel, since, error, notice: notice ? 1 : 0 });
  }

  /** Channels whose "delivery failing" notice is raised. */
  failingChannels(): { channel: string; since: number; error: string }[] {
    return this.sql.failingChannels.all() as { channel: string; since: number; error: string }[];
  }

  /**
   * Deletes one chunk of history older than `before`: ended deliveries with their members and
   * attempts, transitions, and alerts no longer firing. Returns how many rows went, so the caller
   * repeats in short transactions until nothing is left.
   */
  pruneChunk(before: number): number {
    const rows = this.sql.oldRows.all(before) as number[];
    for (const id of rows) {
      this.sql.deleteAttempts.run(id);
      this.sql.deleteMembers.run(id);
      this.sql.deleteRow.run(id);
    }
    return (
      rows.length + this.sql.pruneLog.run(before).changes + this.sql.pruneAlerts.run(before).changes
    );
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

  storedSilences(
    now: number,
  ): { id: number; match: string; until: number; comment: string | null }[] {
    return this.sql.storedSilences.all(now) as {
      id: number;
      match: string;
      until: number;
      comment: string | null;
    }[];
  }

  addSilence(match: string, until: number, comment: string | null, now: number): number {
    return Number(this.sql.addSilence.run(match, until, comment, now).lastInsertRowid);
  }

  /** Whether there was such a silence. */
  removeSilence(id: number): boolean {
    return this.sql.removeSilence.run(id).changes > 0;
  }
}
