import type Database from 'better-sqlite3';
import type { Severity } from '../../../shared/severity.ts';
import type { AlertMessage, MessageKind } from '../alerts/alert-message.ts';
import { AlertOutbox, type HeldBy, type OutboxRow, type OutboxState } from './alert-outbox.ts';
import { AlertRows, type AlertRow, type AlertState } from './alert-rows.ts';
import { ChannelState } from './channel-state.ts';
import { DeliveryLog, type DeliveryAttempt } from './delivery-log.ts';
import { OutboxMembers, type StoredMember, type UnsentMember } from './outbox-members.ts';
import { SilenceTable } from './silence-table.ts';
import { TransitionLog } from './transition-log.ts';

/**
 * The alert engine's tables in state.db (ARCHITECTURE.md §7) as one object for the engine, the
 * dispatcher, the API and the commands, which each use several. Every method is one part's; only
 * what spans parts lives here: dropping a batch's caches, and pruning.
 */
export class AlertTable {
  private readonly alerts: AlertRows;
  private readonly transitions: TransitionLog;
  private readonly outbox: AlertOutbox;
  private readonly outboxMembers: OutboxMembers;
  private readonly channels: ChannelState;
  private readonly attempts: DeliveryLog;
  private readonly silences: SilenceTable;

  constructor(db: Database.Database) {
    this.alerts = new AlertRows(db);
    this.transitions = new TransitionLog(db);
    this.outboxMembers = new OutboxMembers(db);
    this.outbox = new AlertOutbox(db, this.outboxMembers);
    this.channels = new ChannelState(db);
    this.attempts = new DeliveryLog(db);
    this.silences = new SilenceTable(db);
  }

  /** Drops what was looked up: other code may have changed rows since. */
  forget(): void {
    this.channels.forget();
    this.outbox.forget();
  }

  /**
   * Deletes one chunk of history older than `before`: ended deliveries with their members and
   * attempts, transitions, and alerts no longer firing. Returns how many rows went, so the caller
   * repeats in short transactions until nothing is left.
   */
  pruneChunk(before: number): number {
    const rows = this.outbox.endedBefore(before);
    for (const id of rows) {
      this.attempts.deleteOf(id);
      this.outbox.delete(id);
    }
    return rows.length + this.transitions.prune(before) + this.alerts.prune(before);
  }

  getAlert(rule: string, dedupKey: string): AlertRow | null {
    return this.alerts.getAlert(rule, dedupKey);
  }

  alertStates(
    keys: readonly [string, string][],
  ): Map<string, { state: AlertState; firedAt: number }> {
    return this.alerts.alertStates(keys);
  }

  putAlert(alert: AlertRow, now: number): void {
    this.alerts.putAlert(alert, now);
  }

  markNotified(rule: string, dedupKey: string, firedAt: number, channel: string): void {
    this.alerts.markNotified(rule, dedupKey, firedAt, channel);
  }

  markSent(member: StoredMember, now: number, repeatEvery: number): void {
    this.alerts.markSent(member, now, repeatEvery);
  }

  setRepeatAt(rule: string, dedupKey: string, at: number | null): void {
    this.alerts.setRepeatAt(rule, dedupKey, at);
  }

  dueRepeats(now: number): (AlertRow & { event: Record<string, unknown> })[] {
    return this.alerts.dueRepeats(now);
  }

  nextRepeat(): number | null {
    return this.alerts.nextRepeat();
  }

  firingCount(): number {
    return this.alerts.firingCount();
  }

  addCondition(subject: string, type: string, rule: string, dedupKey: string): void {
    this.alerts.addCondition(subject, type, rule, dedupKey);
  }

  conditionsOf(subject: string): { type: string; rule: string; dedupKey: string }[] {
    return this.alerts.conditionsOf(subject);
  }

  removeCondition(subject: string, type: string, rule: string, dedupKey: string): void {
    this.alerts.removeCondition(subject, type, rule, dedupKey);
  }

  conditionCount(rule: string, dedupKey: string): number {
    return this.alerts.conditionCount(rule, dedupKey);
  }

  log(
    at: number,
    alert: { rule: string; dedupKey: string; severity: Severity },
    transition: string,
    eventId: number | null,
    detail: string | null,
  ): void {
    this.transitions.log(at, alert, transition, eventId, detail);
  }

  lastLogId(): number {
    return this.transitions.lastLogId();
  }

  firedSince(
    afterId: number,
    limit: number,
  ): { id: number; rule: string; severity: Severity; event: Record<string, unknown> | null }[] {
    return this.transitions.firedSince(afterId, limit);
  }

  pendingCount(): number {
    return this.outbox.pendingCount();
  }

  rowFor(
    spec: { channel: string; kind: MessageKind; heldBy: HeldBy; sendAfter: number; join: boolean },
    severity: Severity,
    now: number,
    maxAge: number,
  ): number {
    return this.outbox.rowFor(spec, severity, now, maxAge);
  }

  addMember(
    outboxId: number,
    member: Omit<StoredMember, 'seq' | 'outboxId'>,
    rank: (s: Severity) => number,
  ): void {
    this.outbox.addMember(outboxId, member, rank);
  }

  deleteMember(member: { seq: number; outboxId: number }, now: number): void {
    this.outbox.deleteMember(member, now);
  }

  getRow(id: number): OutboxRow | null {
    return this.outbox.getRow(id);
  }

  dueRows(now: number): OutboxRow[] {
    return this.outbox.dueRows(now);
  }

  expiredRows(now: number): OutboxRow[] {
    return this.outbox.expiredRows(now);
  }

  oldestFrozen(): Map<string, number> {
    return this.outbox.oldestFrozen();
  }

  nextDue(except: Iterable<string> = []): number | null {
    return this.outbox.nextDue(except);
  }

  mergeRateLimited(channel: string, id: number, now: number): number {
    return this.outbox.mergeRateLimited(channel, id, now);
  }

  splitRow(id: number, max: number, now: number): void {
    this.outbox.splitRow(id, max, now);
  }

  recheckHolds(now: number): void {
    this.outbox.recheckHolds(now);
  }

  flushGroups(now: number): void {
    this.outbox.flushGroups(now);
  }

  endRow(id: number, state: OutboxState, now: number, error: string | null): void {
    this.outbox.endRow(id, state, now, error);
  }

  hold(id: number, heldBy: HeldBy, until: number): void {
    this.outbox.hold(id, heldBy, until);
  }

  freeze(id: number, message: AlertMessage, body: string): void {
    this.outbox.freeze(id, message, body);
  }

  attempted(id: number, nextAt: number, error: string | null): void {
    this.outbox.attempted(id, nextAt, error);
  }

  members(outboxId: number): StoredMember[] {
    return this.outboxMembers.members(outboxId);
  }

  unsentMembersOfRun(runId: string): UnsentMember[] {
    return this.outboxMembers.unsentMembersOfRun(runId);
  }

  unsentMembersOfAlert(rule: string, dedupKey: string): UnsentMember[] {
    return this.outboxMembers.unsentMembersOfAlert(rule, dedupKey);
  }

  pendingChannelsOf(rule: string, dedupKey: string): Set<string> {
    return this.outboxMembers.pendingChannelsOf(rule, dedupKey);
  }

  windowUntil(channel: string): number | null {
    return this.channels.windowUntil(channel);
  }

  setWindow(channel: string, until: number | null): void {
    this.channels.setWindow(channel, until);
  }

  failing(channel: string): { since: number | null; error: string | null; notice: boolean } {
    return this.channels.failing(channel);
  }

  setFailing(channel: string, since: number | null, error: string | null, notice: boolean): void {
    this.channels.setFailing(channel, since, error, notice);
  }

  failingChannels(): { channel: string; since: number; error: string }[] {
    return this.channels.failingChannels();
  }

  recordAttempt(attempt: DeliveryAttempt): void {
    this.attempts.recordAttempt(attempt);
  }

  storedSilences(
    now: number,
  ): { id: number; match: string; until: number; comment: string | null }[] {
    return this.silences.storedSilences(now);
  }

  addSilence(match: string, until: number, comment: string | null, now: number): number {
    return this.silences.addSilence(match, until, comment, now);
  }

  removeSilence(id: number): boolean {
    return this.silences.removeSilence(id);
  }
}
