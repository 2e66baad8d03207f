import { ALERT_EVENT_TYPES, type RunwatchEvent } from '../../../shared/events.ts';
import { severityRank } from '../../../shared/severity.ts';
import type { MessageKind } from '../model/alert-message.ts';
import type { HeldBy } from '../store/alert-outbox.ts';
import type { AlertRow } from '../store/alert-rows.ts';
import type { AlertTable } from '../store/alert-table.ts';
import type { StoredMember } from '../store/outbox-members.ts';
import { findRule, type AlertConfig, type EventFields, type Rule } from './alert-config.ts';
import {
  channelVerdict,
  conditionSubject,
  failureChannels,
  fireVerdict,
  INHIBITED_BY_FAILURE,
  isCondition,
  matchRules,
  resolvesOf,
  type ChannelContext,
  type ChannelVerdict,
} from './alert-plan.ts';
import { compileStoredSilences } from './event-matcher.ts';
import { verdictText } from './verdict-text.ts';

export interface AlertEngineOptions {
  table: AlertTable;
  config: AlertConfig;
  now: () => number;
  /** A pipeline's `stall_after`: a stall back within it of its recovery reopens silently. */
  stallAfterFor: (pipeline: string) => number;
}

type Member = Omit<StoredMember, 'seq' | 'outboxId'>;

const isoTime = (ms: number) => new Date(ms).toISOString();

function describeVerdict(channel: string, verdict: ChannelVerdict): string {
  return `${channel}: ${verdictText(verdict, isoTime)}`;
}

/**
 * The state machine per (rule, dedup key) of ARCHITECTURE.md §7 and the outbox rows it causes. Every
 * method runs inside the state.db transaction that records the events, so an alert is queued
 * exactly when its event is committed.
 */
export class AlertEngine {
  private readonly options: AlertEngineOptions;
  private config: AlertConfig;
  private storedSilences: { matches: (event: EventFields) => boolean; until: number }[] = [];
  private silencesLoadedAt = -Infinity;

  constructor(options: AlertEngineOptions) {
    this.options = options;
    this.config = options.config;
  }

  get currentConfig(): AlertConfig {
    return this.config;
  }

  setConfig(config: AlertConfig): void {
    this.config = config;
  }

  /** Silences added from the UI; re-read at most once a second. */
  private silences(now: number) {
    if (now - this.silencesLoadedAt >= 1_000) {
      this.storedSilences = compileStoredSilences(this.options.table.silences.storedSilences(now));
      this.silencesLoadedAt = now;
    }
    return this.storedSilences;
  }

  /** Forgets cached silences, after one is added. */
  silencesChanged(): void {
    this.silencesLoadedAt = -Infinity;
  }

  channelContext(now: number): ChannelContext {
    return {
      config: this.config,
      now,
      storedSilences: this.silences(now),
      windowUntil: (channel) => this.options.table.channels.windowUntil(channel),
    };
  }

  /** Runs committed events through the rules. Called inside the recording transaction. */
  handle(events: readonly RunwatchEvent[]): void {
    const now = this.options.now();
    this.options.table.forget();
    for (const event of events) {
      if (ALERT_EVENT_TYPES.includes(event.type)) continue;
      // Rules read an event's fields by name, whatever its type; an event type is an interface,
      // which TypeScript does not let pass for a record of fields without going through unknown.
      this.handleOne(event as unknown as EventFields & { id: number }, now);
    }
  }

  private handleOne(event: EventFields & { id: number }, now: number): void {
    const matched = matchRules(this.config.rules, event);
    const told = failureChannels(event, matched, this.channelContext(now));
    if (told.size > 0) this.inhibit(String(event.run_id), told, event.id, now);
    this.resolve(event, told, now);
    for (const { rule, dedupKey } of matched) this.fire(rule, dedupKey, event, now);
  }

  /** Unsent deliveries of a failed run's step failures and stalls, on channels told of the failure. */
  private inhibit(
    runId: string,
    channels: ReadonlySet<string>,
    eventId: number,
    now: number,
  ): void {
    const table = this.options.table;
    for (const member of table.members.unsentMembersOfRun(runId)) {
      if (!INHIBITED_BY_FAILURE.includes(member.type) || !channels.has(member.channel)) continue;
      table.outbox.deleteMember(member, now);
      table.transitions.log(now, member, 'inhibited', eventId, `${member.channel}: the run failed`);
    }
  }

  private resolve(
    event: EventFields & { id: number },
    failureChannels: ReadonlySet<string>,
    now: number,
  ): void {
    const resolves = resolvesOf(event);
    if (!resolves) return;
    const table = this.options.table;
    for (const condition of table.rows.conditionsOf(resolves.subject)) {
      if (!resolves.types.includes(condition.type)) continue;
      table.rows.removeCondition(
        resolves.subject,
        condition.type,
        condition.rule,
        condition.dedupKey,
      );
      if (table.rows.conditionCount(condition.rule, condition.dedupKey) > 0) continue;
      const alert = table.rows.getAlert(condition.rule, condition.dedupKey);
      if (!alert || alert.state !== 'firing') continue;
      table.rows.putAlert({ ...alert, state: 'resolved', resolvedAt: now, repeatAt: null }, now);
      const rule = findRule(this.config, alert.rule);
      const details: string[] = [];
      const unsent = table.members.unsentMembersOfAlert(alert.rule, alert.dedupKey);
      if (!alert.notified) {
        for (const member of unsent) table.outbox.deleteMember(member, now);
        details.push('its firing was never sent, so neither is this');
      } else if (!rule) {
        details.push('its rule is gone from the config');
      } else if (!rule.sendResolved) {
        details.push('send_resolved is off');
      } else {
        const member: Member = {
          rule: alert.rule,
          dedupKey: alert.dedupKey,
          status: 'resolved',
          severity: alert.severity,
          firedAt: alert.firedAt,
          runId: typeof event.run_id === 'string' ? event.run_id : null,
          event,
        };
        // The resolve goes only where the firing went: a channel that never showed it (held,
        // below its severity then) is not told it ended.
        const channels = rule.channels.filter((channel) => {
          if (!alert.notifiedChannels.includes(channel)) return false;
          if (!failureChannels.has(channel)) return true;
          details.push(`${channel}: inhibited, the run failed`);
          return false;
        });
        for (const member of unsent) {
          if (member.status === 'firing' && member.firedAt === alert.firedAt) {
            table.outbox.deleteMember(member, now);
          }
        }
        details.push(...this.enqueue(member, channels, event, now));
      }
      table.transitions.log(now, alert, 'resolved', event.id, details.join('; ') || null);
    }
  }

  private fire(
    rule: Rule,
    dedupKey: string,
    event: EventFields & { id: number },
    now: number,
  ): void {
    const table = this.options.table;
    const row = table.rows.getAlert(rule.name, dedupKey);
    const condition = isCondition(event.type);
    const stallAfter =
      event.type === 'run_stalled' ? this.options.stallAfterFor(String(event.pipeline)) : 0;
    const verdict = fireVerdict(row, rule, event, now, stallAfter);
    const key = { rule: rule.name, dedupKey, severity: rule.severity };
    if (condition)
      table.rows.addCondition(conditionSubject(event), String(event.type), rule.name, dedupKey);
    // A collapse changes nothing, so it writes nothing: a burst of re-firings costs reads only.
    if (verdict.kind === 'collapse') return;
    if (verdict.kind === 'reopen' && row) {
      // Back soon after resolving: silent only when nobody was told it had ended — its resolve
      // was still unsent (withdrawn now: the flap is never seen) or is not sent at all. Once a
      // recovery was announced, or the firing itself never went out, it fires anew.
      const unsentResolves = table.members
        .unsentMembersOfAlert(rule.name, dedupKey)
        .filter((member) => member.status === 'resolved' && member.firedAt === row.firedAt);
      for (const member of unsentResolves) table.outbox.deleteMember(member, now);
      if (row.notified && (unsentResolves.length > 0 || !rule.sendResolved)) {
        table.rows.putAlert(
          {
            ...row,
            state: 'firing',
            resolvedAt: null,
            repeatAt: rule.repeatEvery === null ? null : now + rule.repeatEvery,
          },
          now,
        );
        table.transitions.log(now, key, 'reopened', event.id, verdict.why);
        return;
      }
    }
    const alert: AlertRow = {
      rule: rule.name,
      dedupKey,
      state: condition ? 'firing' : 'fired',
      severity: rule.severity,
      eventId: event.id,
      firedAt: now,
      resolvedAt: null,
      notified: false,
      notifiedChannels: [],
      lastSentAt: row?.lastSentAt ?? null,
      repeatAt: condition && rule.repeatEvery !== null ? now + rule.repeatEvery : null,
    };
    table.rows.putAlert(alert, now);
    const member: Member = {
      rule: rule.name,
      dedupKey,
      status: 'firing',
      severity: rule.severity,
      firedAt: now,
      runId: typeof event.run_id === 'string' ? event.run_id : null,
      event,
    };
    table.transitions.log(
      now,
      key,
      'fired',
      event.id,
      this.enqueue(member, rule.channels, event, now).join('; '),
    );
  }

  /** Places a member on each channel's row; returns what happened per channel, for the log. */
  private enqueue(
    member: Member,
    channels: readonly string[],
    event: EventFields,
    now: number,
  ): string[] {
    const context = this.channelContext(now);
    return channels.map((channel) => {
      const verdict = channelVerdict(channel, member.severity, event, context);
      this.place(member, channel, verdict, 'alert', now);
      return describeVerdict(channel, verdict);
    });
  }

  private place(
    member: Member,
    channel: string,
    verdict: ChannelVerdict,
    kind: MessageKind,
    now: number,
  ): void {
    const table = this.options.table;
    const window = this.config.defaults.group_window;
    let spec: { kind: MessageKind; heldBy: HeldBy; sendAfter: number; join: boolean };
    switch (verdict.kind) {
      case 'unknown':
      case 'inactive':
      case 'below':
        return;
      case 'away':
        spec = { kind: 'away', heldBy: 'away', sendAfter: now + window, join: true };
        break;
      case 'silenced':
        spec = { kind, heldBy: 'silence', sendAfter: verdict.until, join: true };
        break;
      case 'quiet':
        spec = { kind, heldBy: 'quiet_hours', sendAfter: verdict.until, join: true };
        break;
      case 'group':
        spec = { kind: 'group', heldBy: 'group', sendAfter: verdict.until, join: true };
        break;
      case 'now':
        spec = { kind, heldBy: null, sendAfter: now, join: false };
        if (window > 0 && kind === 'alert') table.channels.setWindow(channel, now + window);
        break;
    }
    const id = table.outbox.rowFor(
      { channel, ...spec },
      member.severity,
      now,
      this.config.defaults.max_age,
    );
    table.outbox.addMember(id, member, severityRank);
  }

  /** Due repeats of firing alerts, one "still stalled: N runs" message per channel. */
  queueRepeats(): void {
    const table = this.options.table;
    const now = this.options.now();
    table.forget();
    if (table.rows.dueRepeats(now).length === 0) return;
    // Repeats falling due within a group window of each other go out together, so alerts fired
    // in one burst keep repeating as one message.
    const due = table.rows.dueRepeats(now + this.config.defaults.group_window);
    const context = this.channelContext(now);
    const stuck = new Set(table.outbox.oldestFrozen().keys());
    const byChannel = new Map<string, { member: Member; verdict: ChannelVerdict }[]>();
    for (const alert of due) {
      const rule = findRule(this.config, alert.rule);
      if (!rule || rule.repeatEvery === null) {
        table.rows.setRepeatAt(alert.rule, alert.dedupKey, null);
        continue;
      }
      table.rows.setRepeatAt(alert.rule, alert.dedupKey, now + rule.repeatEvery);
      // A repeat reminds a channel of what it was told, and only once that went out: not while
      // the firing still waits (held, grouped) or the channel is failing to deliver.
      const waiting = table.members.pendingChannelsOf(alert.rule, alert.dedupKey);
      const channels = rule.channels.filter(
        (channel) =>
          alert.notifiedChannels.includes(channel) && !waiting.has(channel) && !stuck.has(channel),
      );
      if (channels.length === 0) continue;
      const member: Member = {
        rule: alert.rule,
        dedupKey: alert.dedupKey,
        status: 'firing',
        severity: alert.severity,
        firedAt: alert.firedAt,
        runId: typeof alert.event.run_id === 'string' ? alert.event.run_id : null,
        event: alert.event,
      };
      const details: string[] = [];
      for (const channel of channels) {
        const verdict = channelVerdict(channel, alert.severity, alert.event, context);
        details.push(describeVerdict(channel, verdict));
        const list = byChannel.get(channel) ?? [];
        list.push({ member, verdict: verdict.kind === 'group' ? { kind: 'now' } : verdict });
        byChannel.set(channel, list);
      }
      table.transitions.log(now, alert, 'repeat', null, details.join('; '));
    }
    for (const [channel, items] of byChannel) {
      let rowId: number | null = null;
      for (const { member, verdict } of items) {
        if (verdict.kind === 'now') {
          rowId ??= table.outbox.rowFor(
            { channel, kind: 'repeat', heldBy: null, sendAfter: now, join: false },
            member.severity,
            now,
            this.config.defaults.max_age,
          );
          table.outbox.addMember(rowId, member, severityRank);
        } else {
          this.place(member, channel, verdict, 'repeat', now);
        }
      }
    }
  }

  /** When the next repeat falls due. */
  nextRepeat(): number | null {
    return this.options.table.rows.nextRepeat();
  }
}
