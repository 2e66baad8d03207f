import type Database from 'better-sqlite3';
import type { Severity } from '../../../shared/severity.ts';
import type { AlertMember } from '../model/alert-message.ts';
import { recordedEvent } from './recorded-event.ts';

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
 * The alerts each outbox row carries, in state.db. Only `AlertOutbox` changes them, as it
 * changes their rows.
 */
export class OutboxMembers {
  private readonly sql;

  constructor(db: Database.Database) {
    this.sql = {
      add: db.prepare(
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
      close: db.prepare('UPDATE outbox_members SET open = NULL WHERE outbox_id = ? AND open = 1'),
      delete: db.prepare('DELETE FROM outbox_members WHERE seq = ?'),
      any: db.prepare('SELECT 1 FROM outbox_members WHERE outbox_id = ? LIMIT 1').pluck(),
      move: db.prepare('UPDATE outbox_members SET outbox_id = ? WHERE outbox_id = ?'),
      seqAt: db
        .prepare('SELECT seq FROM outbox_members WHERE outbox_id = ? ORDER BY seq LIMIT 1 OFFSET ?')
        .pluck(),
      moveFrom: db.prepare(
        'UPDATE outbox_members SET outbox_id = ? WHERE outbox_id = ? AND seq >= ?',
      ),
      deleteOf: db.prepare('DELETE FROM outbox_members WHERE outbox_id = ?'),
    };
  }

  add(outboxId: number, member: Omit<StoredMember, 'seq' | 'outboxId'>): void {
    const recorded = typeof member.event.id === 'number';
    this.sql.add.run(
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
  }

  /** The members of one outbox row, in the order they joined it. */
  ofRow(outboxId: number): StoredMember[] {
    return (this.sql.members.all(outboxId) as MemberDb[]).map(memberFromDb);
  }

  unsentMembersOfRun(runId: string): UnsentMember[] {
    return this.sql.unsentMembersOfRun.all(runId) as UnsentMember[];
  }

  unsentMembersOfAlert(rule: string, dedupKey: string): UnsentMember[] {
    return this.sql.unsentMembersOfAlert.all(rule, dedupKey) as UnsentMember[];
  }

  /** Channels where a message carrying this alert waits to be sent (held, grouped, due). */
  pendingChannelsOf(rule: string, dedupKey: string): Set<string> {
    return new Set(this.sql.pendingChannelsOf.all(rule, dedupKey) as string[]);
  }

  /** The row's message is frozen or ended: its members are no longer unsent. */
  close(outboxId: number): void {
    this.sql.close.run(outboxId);
  }

  delete(seq: number): void {
    this.sql.delete.run(seq);
  }

  any(outboxId: number): boolean {
    return this.sql.any.get(outboxId) !== undefined;
  }

  /** Moves every member of row `from` to row `to`. */
  move(to: number, from: number): void {
    this.sql.move.run(to, from);
  }

  /** The seq of the row's member at `offset`, in order, if it has that many. */
  seqAt(outboxId: number, offset: number): number | undefined {
    return this.sql.seqAt.get(outboxId, offset) as number | undefined;
  }

  /** Moves the members of row `from` from `seq` on to row `to`. */
  moveFrom(to: number, from: number, seq: number): void {
    this.sql.moveFrom.run(to, from, seq);
  }

  deleteOf(outboxId: number): void {
    this.sql.deleteOf.run(outboxId);
  }
}
