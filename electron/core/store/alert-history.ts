import type Database from 'better-sqlite3';
import type { Severity } from '../../../shared/severity.ts';
import type { MessageKind } from '../model/alert-message.ts';
import type { HeldBy, OutboxState } from './alert-outbox.ts';
import { FAILING_CHANNELS } from './channel-state.ts';
import type { DeliveryAttempt } from './delivery-log.ts';
import { openStateDbReadonly } from './state-schema.ts';

export interface FiringAlert {
  rule: string;
  dedupKey: string;
  severity: Severity;
  firedAt: number;
  notified: boolean;
  lastSentAt: number | null;
  repeatAt: number | null;
}

export interface Transition {
  id: number;
  at: number;
  rule: string;
  dedupKey: string;
  transition: string;
  severity: Severity;
  eventId: number | null;
  detail: string | null;
}

export interface Delivery {
  id: number;
  channel: string;
  kind: MessageKind;
  state: OutboxState;
  heldBy: HeldBy;
  severity: Severity;
  sendAfter: number;
  /** While pending: when it is next due. */
  nextAt: number;
  attempts: number;
  lastError: string | null;
  mergedInto: number | null;
  createdAt: number;
  endedAt: number | null;
  /** The title of the message as frozen at the first attempt; null before it. */
  title: string | null;
  members: number;
  rules: string[];
  attemptLog: DeliveryAttempt[];
  /** What its alerts are about, where they agree. */
  about: DeliveryAbout;
}

/** The run, pipeline and attempt every alert of a delivery is about; null where they differ. */
export interface DeliveryAbout {
  runId: string | null;
  pipeline: string | null;
  attempt: number | null;
}

/** One distinct (run, pipeline, attempt) among a delivery's alerts. */
interface MemberRun {
  outboxId: number;
  runId: string | null;
  pipeline: string | null;
  attempt: number | null;
}

/** The value every member shares, else null (also when there are none). */
function shared<T>(values: readonly T[]): T | null {
  const first = values[0];
  return first !== undefined && values.every((value) => value === first) ? first : null;
}

/** A digest over several runs names none; one over runs of one pipeline still names it. */
function aboutOf(members: readonly MemberRun[]): DeliveryAbout {
  const runId = shared(members.map((member) => member.runId));
  return {
    runId,
    pipeline: shared(members.map((member) => member.pipeline)),
    attempt: runId === null ? null : shared(members.map((member) => member.attempt)),
  };
}

export interface FailingChannel {
  channel: string;
  since: number | null;
  error: string | null;
}

interface DeliveryDb {
  id: number;
  channel: string;
  kind: MessageKind;
  state: OutboxState;
  held_by: HeldBy;
  severity: Severity;
  send_after: number;
  next_at: number;
  attempts: number;
  last_error: string | null;
  merged_into: number | null;
  created_at: number;
  ended_at: number | null;
  title: string | null;
  members: number;
  rules: string | null;
}

/**
 * The alert history in a state.db, read-only: firing alerts, the transition log, deliveries with
 * every attempt, and channels whose delivery is failing. `runwatch alerts` opens it on its own
 * read-only connection (`open`), so it reads while a `watch` writes and never takes the data dir's
 * lock; the API reads it on its StateStore's connection, which `close` then leaves open.
 */
/** A LIMIT for `limit` rows, where 0 or less is all of them: -1 is SQLite's "no limit". */
function noLimit(limit: number): number {
  return limit > 0 ? limit : -1;
}

export class AlertHistory {
  private readonly db: Database.Database;
  /** Whether `close` closes the connection: only one this opened itself. */
  private readonly ownsDb: boolean;
  private readonly sql;

  constructor(db: Database.Database, ownsDb = false) {
    this.db = db;
    this.ownsDb = ownsDb;
    this.sql = {
      firing: db.prepare(
        `SELECT rule, dedup_key AS dedupKey, severity, fired_at AS firedAt, notified,
                last_sent_at AS lastSentAt, repeat_at AS repeatAt
           FROM alerts WHERE state = 'firing' ORDER BY fired_at, rule, dedup_key`,
      ),
      transitions: db.prepare(
        `SELECT * FROM (
           SELECT id, at, rule, dedup_key AS dedupKey, transition, severity, event_id AS eventId,
                  detail
             FROM alert_log ORDER BY id DESC LIMIT ?)
          ORDER BY id`,
      ),
      deliveries: db.prepare(
        `SELECT * FROM (
           SELECT o.id, o.channel, o.kind, o.state, o.held_by, o.severity, o.send_after,
                  o.next_at, o.attempts, o.last_error, o.merged_into, o.created_at, o.ended_at,
                  json_extract(o.message, '$.title') AS title,
                  (SELECT count(*) FROM outbox_members m WHERE m.outbox_id = o.id) AS members,
                  (SELECT group_concat(rule, char(10)) FROM
                     (SELECT DISTINCT rule FROM outbox_members m WHERE m.outbox_id = o.id
                       ORDER BY rule)) AS rules
             FROM outbox o WHERE o.id < ? ORDER BY o.id DESC LIMIT ?)
          ORDER BY id`,
      ),
      attempts: db.prepare(
        `SELECT outbox_id AS outboxId, attempt, at, ok, status, latency_ms AS latencyMs, error
           FROM delivery_attempts WHERE outbox_id IN (SELECT value FROM json_each(?))
          ORDER BY outbox_id, attempt, id`,
      ),
      // A member's event is the recorded one it points at, or its own frozen copy.
      memberRuns: db.prepare(
        `SELECT outbox_id AS outboxId, run_id AS runId, pipeline, attempt FROM (
           SELECT m.outbox_id, m.run_id,
                  json_extract(coalesce(e.body, m.event), '$.pipeline') AS pipeline,
                  json_extract(coalesce(e.body, m.event), '$.attempt') AS attempt
             FROM outbox_members m LEFT JOIN events e ON e.id = m.event_id
            WHERE m.outbox_id IN (SELECT value FROM json_each(?)))
          GROUP BY outbox_id, run_id, pipeline, attempt`,
      ),
      failing: db.prepare(FAILING_CHANNELS),
      firedAfter: db.prepare(
        `SELECT coalesce(sum(transition = 'fired'), 0) AS fired, max(id) AS lastId
           FROM alert_log WHERE id > ?`,
      ),
      firingsOf: db.prepare(
        `SELECT rule, dedup_key AS dedupKey, fired_at AS firedAt FROM outbox_members
          WHERE outbox_id = ? AND status = 'firing'`,
      ),
    };
  }

  /** Alerts that fired after the transition `afterId`, and the last transition's id (if any). */
  firedAfter(afterId: number): { fired: number; lastId: number | null } {
    return this.sql.firedAfter.get(afterId) as { fired: number; lastId: number | null };
  }

  /** The firings a delivery carried (not its resolves). */
  firingsOf(deliveryId: number): { rule: string; dedupKey: string; firedAt: number }[] {
    return this.sql.firingsOf.all(deliveryId) as {
      rule: string;
      dedupKey: string;
      firedAt: number;
    }[];
  }

  /** Opens a data dir's state.db read-only; it must exist and have this Runwatch's schema. */
  static open(dataDir: string): AlertHistory {
    return new AlertHistory(openStateDbReadonly(dataDir), true);
  }

  /** Closes the connection if this opened it; a shared one stays with its owner. */
  close(): void {
    if (this.ownsDb) this.db.close();
  }

  /**
   * Reads everything in one transaction, so the parts agree with each other. Deliveries are the
   * latest `limit` before the row id `before`, oldest first.
   */
  read(
    limit: number,
    before = Number.MAX_SAFE_INTEGER,
  ): {
    firing: FiringAlert[];
    transitions: Transition[];
    deliveries: Delivery[];
    failing: FailingChannel[];
  } {
    return this.db.transaction(() => {
      const deliveries = this.readDeliveries(limit, before);
      return {
        firing: (
          this.sql.firing.all() as (Omit<FiringAlert, 'notified'> & { notified: number })[]
        ).map((row) => ({ ...row, notified: row.notified === 1 })),
        transitions: this.sql.transitions.all(noLimit(limit)) as Transition[],
        deliveries,
        failing: this.sql.failing.all() as FailingChannel[],
      };
    })();
  }

  /**
   * The latest `limit` deliveries before the row id `before`, oldest first, with their attempts
   * and runs, in one transaction; none of `read`'s other parts.
   */
  deliveries(limit: number, before = Number.MAX_SAFE_INTEGER): Delivery[] {
    return this.db.transaction(() => this.readDeliveries(limit, before))();
  }

  /** `deliveries`, inside the caller's transaction. */
  private readDeliveries(limit: number, before: number): Delivery[] {
    const rows = this.sql.deliveries.all(before, noLimit(limit)) as DeliveryDb[];
    const ids = JSON.stringify(rows.map((row) => row.id));
    // Every attempt and every run of the rows shown, a query each, grouped by row.
    const runsOf = new Map<number, MemberRun[]>();
    for (const run of this.sql.memberRuns.all(ids) as MemberRun[]) {
      const list = runsOf.get(run.outboxId) ?? [];
      list.push(run);
      runsOf.set(run.outboxId, list);
    }
    const attemptsOf = new Map<number, DeliveryAttempt[]>();
    const attempts = this.sql.attempts.all(ids) as (Omit<DeliveryAttempt, 'ok'> & {
      ok: number;
    })[];
    for (const attempt of attempts) {
      const list = attemptsOf.get(attempt.outboxId) ?? [];
      list.push({ ...attempt, ok: attempt.ok === 1 });
      attemptsOf.set(attempt.outboxId, list);
    }
    return rows.map((row) => ({
      id: row.id,
      channel: row.channel,
      kind: row.kind,
      state: row.state,
      heldBy: row.held_by,
      severity: row.severity,
      sendAfter: row.send_after,
      nextAt: row.next_at,
      attempts: row.attempts,
      lastError: row.last_error,
      mergedInto: row.merged_into,
      createdAt: row.created_at,
      endedAt: row.ended_at,
      title: row.title,
      members: row.members,
      rules: row.rules === null ? [] : row.rules.split('\n'),
      attemptLog: attemptsOf.get(row.id) ?? [],
      about: aboutOf(runsOf.get(row.id) ?? []),
    }));
  }
}
