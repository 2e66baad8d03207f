import type { EventDraft, RunwatchEvent } from '../../../shared/events.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import { formatDuration } from '../../../shared/duration.ts';
import { severityRank } from '../../../shared/severity.ts';
import type { Logger } from '../log.ts';
import type { OutboxRow } from '../store/alert-outbox.ts';
import type { AlertTable } from '../store/alert-table.ts';
import { toMember, type StoredMember } from '../store/outbox-members.ts';
import type { Clock, TimerHandle } from '../time/clock.ts';
import { findRule } from './alert-config.ts';
import type { AlertEngine } from './alert-engine.ts';
import { channelVerdict, isCondition } from './alert-plan.ts';
import { composeMessage } from './alert-text.ts';
import type { ChannelSender } from './channels/channel.ts';
import { retryDelay } from './retry-schedule.ts';
import { TokenBucket } from './token-bucket.ts';

/** Three failed attempts, or this long pending, raise the "delivery failing" notice. */
const FAILING_ATTEMPTS = 3;
const FAILING_AFTER = 5 * 60_000;
/** Timers are re-armed at most this far ahead, so a clock jump is noticed. */
const MAX_TIMER = 60_000;
/**
 * Alerts one message carries at most: a larger group goes out as several messages in a row.
 * Composing 1,000 took 25–45 ms of the main thread and made a 0.44 MB webhook body; 10,000 in
 * one message took 400 ms and 4.4 MB, more than many receivers accept.
 */
export const MAX_MESSAGE_MEMBERS = 500;

export interface AlertDispatcherOptions {
  table: AlertTable;
  engine: AlertEngine;
  /** Runs writes in one state.db transaction. */
  transaction: <T>(write: () => T) => T;
  /** Records events (alert_sent, alert_failed) inside the current transaction. */
  record: (drafts: EventDraft[]) => RunwatchEvent[];
  /** Publishes recorded events, once their transaction has committed. */
  publish: (events: RunwatchEvent[]) => void;
  senders: () => ReadonlyMap<string, ChannelSender>;
  clock: Clock;
  /** The first half of every Idempotency-Key. */
  storeId: string;
  source: string;
  redact: (text: string) => string;
  log: Logger;
  random?: () => number;
}

interface Prepared {
  row: OutboxRow;
  body: string;
  members: StoredMember[];
  sender: ChannelSender;
}

/**
 * Delivers outbox rows: freezes each at its first attempt (members filtered, body rendered),
 * applies the rate limit, sends one row per channel at a time, retries with backoff, and
 * records every attempt. Everything it decides is committed before the next step.
 */
export class AlertDispatcher {
  private readonly options: AlertDispatcherOptions;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly busy = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private timer: TimerHandle | null = null;
  /** Events recorded in the transaction under way, published once it commits. */
  private recorded: RunwatchEvent[] = [];
  /** After a pass failed (a full disk, say), the next one waits: no hot loop of errors. */
  private errorBackoff = 0;
  private running = false;
  private passing = false;
  private again = false;
  private idleWaiters: (() => void)[] = [];

  constructor(options: AlertDispatcherOptions) {
    this.options = options;
  }

  start(): void {
    this.running = true;
    this.wake();
  }

  /** Something may be due: check now. */
  wake(): void {
    if (!this.running) return;
    if (this.passing) {
      this.again = true;
      return;
    }
    this.passing = true;
    try {
      do {
        this.again = false;
        this.pass();
      } while (this.again);
      this.errorBackoff = 0;
    } catch (error) {
      this.errorBackoff = Math.min(MAX_TIMER, Math.max(1_000, this.errorBackoff * 2));
      this.options.log.error(
        `alert delivery: ${this.options.redact(errorMessage(error))}; trying again in ${formatDuration(this.errorBackoff)}`,
      );
    } finally {
      this.passing = false;
    }
    this.arm();
    this.settle();
  }

  /**
   * Sends grouped follow-ups and the "while Runwatch was away" digest now rather than at the end
   * of their window: `watch --once` exits when it has reported.
   */
  flushGroups(): void {
    this.options.table.outbox.flushGroups(this.options.clock.now());
    this.wake();
  }

  /** Rows held by a silence or quiet hours are looked at again now (a reload may end them). */
  recheckHolds(): void {
    this.options.table.outbox.recheckHolds(this.options.clock.now());
    this.wake();
  }

  /** Resolves when nothing is in flight and nothing is due now. */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.settle();
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  private emit(drafts: EventDraft[]): void {
    this.recorded.push(...this.options.record(drafts));
  }

  /** Runs `write` in one transaction, then publishes what it recorded; nothing if it failed. */
  private commit<T>(write: () => T): T {
    this.recorded = [];
    try {
      const result = this.options.transaction(write);
      const events = this.recorded;
      this.recorded = [];
      if (events.length > 0) this.options.publish(events);
      return result;
    } catch (error) {
      this.recorded = [];
      throw error;
    }
  }

  private settle(): void {
    if (this.inFlight.size > 0) return;
    const next = this.options.table.outbox.nextDue();
    if (next !== null && next <= this.options.clock.now() && this.running) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private arm(): void {
    if (!this.running) return;
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    const now = this.options.clock.now();
    // A busy channel's row waits for its send to end, which wakes the dispatcher anyway.
    const candidates = [
      this.options.table.outbox.nextDue(this.busy),
      this.options.engine.nextRepeat(),
    ].filter((at): at is number => at !== null);
    const next = candidates.length ? Math.min(...candidates) : now + MAX_TIMER;
    this.timer = this.options.clock.setTimeout(
      () => {
        this.timer = null;
        this.wake();
      },
      Math.min(MAX_TIMER, Math.max(this.errorBackoff, next - now)),
    );
  }

  private pass(): void {
    const { table, engine } = this.options;
    const now = this.options.clock.now();
    const prepared = this.commit(() => {
      const ready: Prepared[] = [];
      const claimed = new Set(this.busy);
      engine.queueRepeats();
      for (const row of table.outbox.expiredRows(now)) {
        if (!claimed.has(row.channel)) this.expire(row, now);
      }
      // A channel with a message already attempted sends it before anything newer, so a
      // recovery never arrives before the failure it resolves.
      const first = table.outbox.oldestFrozen();
      for (const row of table.outbox.dueRows(now)) {
        if (claimed.has(row.channel)) continue;
        const blocker = first.get(row.channel);
        if (blocker !== undefined && blocker !== row.id) continue;
        const one = this.prepare(row, now);
        if (one) {
          claimed.add(row.channel);
          ready.push(one);
        }
      }
      return ready;
    });
    for (const ready of prepared) {
      this.busy.add(ready.row.channel);
      const sending = this.send(ready)
        .catch((error: unknown) =>
          this.options.log.error(
            `alert to ${ready.row.channel}: the result could not be recorded: ${this.options.redact(errorMessage(error))}`,
          ),
        )
        .finally(() => {
          this.inFlight.delete(sending);
          this.busy.delete(ready.row.channel);
          this.wake();
        });
      this.inFlight.add(sending);
    }
  }

  private bucket(channel: string, perMinute: number, now: number): TokenBucket {
    let bucket = this.buckets.get(channel);
    if (!bucket || bucket.perMinute !== perMinute) {
      bucket = new TokenBucket(perMinute, now);
      this.buckets.set(channel, bucket);
    }
    return bucket;
  }

  /** Members whose alert has since resolved (or reopened) are dropped before the first attempt. */
  private current(members: StoredMember[], now: number): StoredMember[] {
    const { table } = this.options;
    // One query for a whole grouped message, however many members it has.
    const states = table.rows.alertStates(
      members
        .filter((member) => member.status !== 'firing' || isCondition(member.event.type))
        .map((member) => [member.rule, member.dedupKey]),
    );
    return members.filter((member) => {
      if (member.status === 'firing' && !isCondition(member.event.type)) return true;
      const alert = states.get(`${member.rule}\n${member.dedupKey}`);
      const state = member.status === 'firing' ? 'firing' : 'resolved';
      const keep = alert !== undefined && alert.state === state && alert.firedAt === member.firedAt;
      if (!keep) {
        table.outbox.deleteMember(member, now);
        table.transitions.log(
          now,
          member,
          'dropped',
          null,
          member.status === 'firing'
            ? 'resolved before it was sent'
            : 'firing again before it was sent',
        );
      }
      return keep;
    });
  }

  private prepare(row: OutboxRow, now: number): Prepared | null {
    const { table, engine } = this.options;
    const config = engine.currentConfig;
    const entry = config.channels.get(row.channel);
    const sender = this.options.senders().get(row.channel);
    if (!entry || entry.inactive !== null || !sender) {
      const why = !entry
        ? `channel ${row.channel} is no longer configured`
        : `channel ${row.channel} is inactive: ${entry.inactive ?? 'no sender'}`;
      this.fail(row, table.members.ofRow(row.id), why, now);
      return null;
    }
    if (row.message === null) table.outbox.splitRow(row.id, MAX_MESSAGE_MEMBERS, now);
    const stored = table.members.ofRow(row.id);
    if (row.message !== null && row.body !== null) {
      return { row, body: row.body, members: stored, sender };
    }
    if (row.heldBy === 'silence' || row.heldBy === 'quiet_hours' || row.heldBy === 'away') {
      const context = engine.channelContext(now);
      const holds = stored.map((member) =>
        channelVerdict(row.channel, member.severity, member.event, {
          ...context,
          windowUntil: () => null,
        }),
      );
      if (holds.every((verdict) => verdict.kind === 'silenced' || verdict.kind === 'quiet')) {
        const until = Math.max(
          ...holds.map((verdict) => ('until' in verdict ? verdict.until : now)),
        );
        table.outbox.hold(row.id, holds[0]?.kind === 'silenced' ? 'silence' : 'quiet_hours', until);
        return null;
      }
    }
    const bucket = this.bucket(row.channel, entry.config.rate_limit, now);
    if (bucket.nextAt(now) > now) {
      table.outbox.hold(row.id, 'rate_limit', bucket.nextAt(now));
      return null;
    }
    const merged =
      row.heldBy === 'rate_limit' ? table.outbox.mergeRateLimited(row.channel, row.id, now) : 0;
    if (merged > 0) table.outbox.splitRow(row.id, MAX_MESSAGE_MEMBERS, now);
    // A merge brings in other rows' members; otherwise the ones read above are all there is.
    const members = this.current(merged > 0 ? table.members.ofRow(row.id) : stored, now);
    if (members.length === 0) {
      if (table.outbox.getRow(row.id)?.state === 'pending')
        table.outbox.endRow(row.id, 'dropped', now, null);
      return null;
    }
    bucket.take(now);
    const kind = merged > 0 ? 'digest' : row.kind;
    const message = composeMessage({
      idempotencyKey: `${this.options.storeId}:${row.id}`,
      kind,
      channel: row.channel,
      members: members.map(toMember),
    });
    const body = sender.render(message);
    table.outbox.freeze(row.id, message, body);
    for (const member of members) {
      if (member.status === 'firing')
        table.rows.markNotified(member.rule, member.dedupKey, member.firedAt, row.channel);
    }
    if (row.kind === 'group')
      table.channels.setWindow(row.channel, now + config.defaults.group_window);
    return { row: { ...row, kind, message, body }, body, members, sender };
  }

  private async send(ready: Prepared): Promise<void> {
    const { clock, redact } = this.options;
    const started = clock.monotonic();
    let result;
    try {
      result = await ready.sender.send(ready.body, {
        idempotencyKey: `${this.options.storeId}:${ready.row.id}`,
        signal: this.abort.signal,
      });
    } catch (error) {
      result = { ok: false as const, retry: true, error: errorMessage(error) };
    }
    if (this.abort.signal.aborted && !result.ok) return;
    const latencyMs = Math.round(clock.monotonic() - started);
    const now = clock.now();
    const error = result.ok ? null : redact(result.error);
    this.commit(() => {
      const { table } = this.options;
      const attempt = ready.row.attempts + 1;
      table.attempts.recordAttempt({
        outboxId: ready.row.id,
        attempt,
        at: now,
        ok: result.ok,
        status: result.status ?? null,
        latencyMs,
        error,
      });
      if (result.ok) {
        table.outbox.recordAttempt(ready.row.id, now, null);
        table.outbox.endRow(ready.row.id, 'sent', now, null);
        this.sent(ready, attempt, now);
        return;
      }
      const reason = error as string;
      if (!result.retry) {
        table.outbox.recordAttempt(ready.row.id, now, reason);
        this.fail(ready.row, ready.members, reason, now);
        this.raiseFailing(ready.row.channel, reason, now);
        return;
      }
      const schedule = this.options.engine.currentConfig.defaults.retry;
      const delay = retryDelay(schedule, attempt, result.retryAfterMs, this.options.random);
      table.outbox.recordAttempt(ready.row.id, now + delay, reason);
      this.options.log.warn(
        `alert to ${ready.row.channel} failed (attempt ${attempt}): ${reason}; retrying in ${formatDuration(delay)}`,
      );
      if (attempt >= FAILING_ATTEMPTS || now - ready.row.createdAt >= FAILING_AFTER) {
        this.raiseFailing(ready.row.channel, reason, now);
      }
    });
  }

  private sent(ready: Prepared, attempts: number, now: number): void {
    const { table, engine } = this.options;
    for (const member of ready.members) {
      if (member.status !== 'firing') continue;
      const rule = findRule(engine.currentConfig, member.rule);
      if (rule?.repeatEvery) table.rows.markSent(member, now, rule.repeatEvery);
    }
    const failing = table.channels.failing(ready.row.channel);
    if (failing.since !== null || failing.notice) {
      table.channels.setFailing(ready.row.channel, null, null, false);
      this.options.log.info(`alerts to ${ready.row.channel} are delivered again`);
    }
    this.emit([this.deliveryEvent('alert_sent', ready.row, ready.members, now, { attempts })]);
  }

  private fail(row: OutboxRow, members: StoredMember[], reason: string, now: number): void {
    this.options.table.outbox.endRow(row.id, 'failed', now, reason);
    this.options.log.error(`alert to ${row.channel} not delivered: ${reason}`);
    this.emit([this.deliveryEvent('alert_failed', row, members, now, { reason })]);
  }

  private expire(row: OutboxRow, now: number): void {
    const members = this.options.table.members.ofRow(row.id);
    const age = formatDuration(now - row.createdAt);
    const reason = `not delivered within max_age (${age})${row.lastError ? `: ${row.lastError}` : ''}`;
    this.options.table.outbox.endRow(row.id, 'expired', now, reason);
    this.options.log.error(`alert to ${row.channel} expired: ${reason}`);
    this.raiseFailing(row.channel, reason, now);
    this.emit([this.deliveryEvent('alert_failed', row, members, now, { reason })]);
  }

  /** One "delivery failing" notice per failing spell of a channel, on the desktop. */
  private raiseFailing(channel: string, reason: string, now: number): void {
    const { table, engine } = this.options;
    const failing = table.channels.failing(channel);
    table.channels.setFailing(channel, failing.since ?? now, reason, true);
    if (failing.notice) return;
    const desktop = [...engine.currentConfig.channels.values()].find(
      (entry) => entry.type === 'desktop' && entry.inactive === null && entry.name !== channel,
    );
    if (!desktop) return;
    const id = table.outbox.rowFor(
      { channel: desktop.name, kind: 'failing', heldBy: null, sendAfter: now, join: false },
      'error',
      now,
      engine.currentConfig.defaults.max_age,
    );
    table.outbox.addMember(
      id,
      {
        rule: 'delivery-failing',
        dedupKey: channel,
        status: 'firing',
        severity: 'error',
        firedAt: now,
        runId: null,
        event: {
          type: 'delivery_failing',
          source: this.options.source,
          at: new Date(now).toISOString(),
          channel,
          reason,
        },
      },
      severityRank,
    );
  }

  private deliveryEvent(
    type: 'alert_sent' | 'alert_failed',
    row: OutboxRow,
    members: StoredMember[],
    now: number,
    extra: { attempts: number } | { reason: string },
  ): EventDraft {
    const rules = [...new Set(members.map((member) => member.rule))].join(', ');
    return {
      type,
      source: this.options.source,
      at: new Date(now).toISOString(),
      rule: rules,
      channel: row.channel,
      severity: row.severity,
      delivery_id: row.id,
      alerts: members.length,
      ...extra,
    } as EventDraft;
  }
}
