import type Database from 'better-sqlite3';
import type { Severity } from '../../../shared/severity.ts';
import type { AlertMessage, MessageKind } from '../model/alert-message.ts';
import type { OutboxMembers, StoredMember } from './outbox-members.ts';

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

function outboxFromDb(row: OutboxDb): OutboxRow {
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

/**
 * The outbox in state.db: one row per message to a channel, pending until sent, failed, expired,
 * dropped or merged (ARCHITECTURE.md §2: deliveries are rows, resumed at the next start). Rows
 * and their members change together, so the members go through here.
 */
export class AlertOutbox {
  private readonly sql;
  /**
   * Open rows looked up while handling one batch of events: the engine asks for the same few
   * again and again. Cleared by `forget()` before each batch and whenever a row may have ended.
   */
  private readonly openRows = new Map<string, number>();
  private readonly severities = new Map<number, Severity>();
  private readonly members: OutboxMembers;

  constructor(db: Database.Database, members: OutboxMembers) {
    this.members = members;
    this.sql = {
      pendingCount: db.prepare(`SELECT count(*) FROM outbox WHERE state = 'pending'`).pluck(),
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
      continuationRow: db.prepare(
        `INSERT INTO outbox (channel, kind, state, held_by, send_after, next_at, severity,
           created_at, expires_at)
         SELECT channel, kind, 'pending', NULL, @now, @now, severity, @now, expires_at
           FROM outbox WHERE id = @id`,
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
      endedBefore: db
        .prepare(
          `SELECT id FROM outbox WHERE state != 'pending' AND ended_at < ? ORDER BY id LIMIT 500`,
        )
        .pluck(),
      deleteRow: db.prepare('DELETE FROM outbox WHERE id = ?'),
    };
  }

  /** Deliveries not yet made: due, retrying, grouped or held. */
  pendingCount(): number {
    return this.sql.pendingCount.get() as number;
  }

  /** Drops what was looked up: other code may have changed rows since. */
  forget(): void {
    this.openRows.clear();
    this.severities.clear();
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
    this.members.add(outboxId, member);
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

  /** Removes a member from a row not yet sent; a row left empty is dropped. */
  deleteMember(member: { seq: number; outboxId: number }, now: number): void {
    this.members.delete(member.seq);
    if (!this.members.any(member.outboxId)) {
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
      this.members.move(id, other.id);
      this.sql.endRow.run({ state: 'merged', now, error: null, mergedInto: id, id: other.id });
    }
    return others.length;
  }

  /**
   * Keeps the first `max` members of a row not yet frozen and moves the rest to a new row of the
   * same channel and kind, due now: it goes out right after, as the channel sends in order.
   */
  splitRow(id: number, max: number, now: number): void {
    const first = this.members.seqAt(id, max);
    if (first === undefined) return;
    const next = Number(this.sql.continuationRow.run({ id, now }).lastInsertRowid);
    this.members.moveFrom(next, id, first);
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
    this.members.close(id);
  }

  hold(id: number, heldBy: HeldBy, until: number): void {
    this.sql.hold.run(heldBy, until, until, until, id);
  }

  freeze(id: number, message: AlertMessage, body: string): void {
    this.sql.freeze.run(JSON.stringify(message), body, message.kind, message.severity, id);
    this.members.close(id);
  }

  recordAttempt(id: number, nextAt: number, error: string | null): void {
    this.sql.attempted.run({ id, nextAt, error });
  }

  /** One chunk of rows that ended before `before`, for pruning. */
  endedBefore(before: number): number[] {
    return this.sql.endedBefore.all(before) as number[];
  }

  /** Deletes a row and its members. */
  delete(id: number): void {
    this.members.deleteOf(id);
    this.sql.deleteRow.run(id);
  }
}
