/**
 * What became of a delivery, in words for the Alerts table: sent (and how fast), retrying (and
 * when next), failed (and why), or expired, dropped or merged.
 */
import { countdownText } from '../format/time-text.ts';
import { matchesText } from '../state/filters.ts';
import { formatDuration } from '../../../shared/duration.ts';
import type { DeliveryView } from '../../../shared/api.ts';
import type { Tone } from '../components/tone.ts';

export interface DeliveryStatus {
  tone: Tone;
  /** The badge word: sent, retrying, pending, failed, expired, dropped, merged. */
  label: string;
  /** What follows it, when the status has more to say (the countdown excepted). */
  detail: string | null;
  /** While pending: when the next attempt is due (a countdown is drawn to it). */
  next_at: string | null;
}

function lastAttempt(delivery: DeliveryView) {
  return delivery.attempts.at(-1) ?? null;
}

/** Why an attempt failed, in one line. */
export function attemptError(attempt: {
  ok: boolean;
  status: number | null;
  error: string | null;
}): string | null {
  if (attempt.ok) return null;
  if (attempt.error !== null && attempt.error !== '') return attempt.error;
  return attempt.status !== null ? `HTTP ${attempt.status}` : 'no answer';
}

export function deliveryStatus(delivery: DeliveryView): DeliveryStatus {
  const last = lastAttempt(delivery);
  switch (delivery.state) {
    case 'sent': {
      const ok = [...delivery.attempts].reverse().find((attempt) => attempt.ok);
      const tries = delivery.attempts.length;
      const parts = [
        ok ? `in ${formatDuration(ok.latency_ms)}` : null,
        tries > 1 ? `after ${tries} attempts` : null,
      ].filter((part) => part !== null);
      return { tone: 'sent', label: 'sent', detail: parts.join(', ') || null, next_at: null };
    }
    case 'pending':
      if (delivery.attempts.length > 0) {
        const why = last ? attemptError(last) : null;
        return {
          tone: 'retrying',
          label: 'retrying',
          detail: why === null ? null : `last: ${why}`,
          next_at: delivery.next_attempt_at,
        };
      }
      return { tone: 'pending', label: 'pending', detail: null, next_at: delivery.next_attempt_at };
    case 'failed':
      return {
        tone: 'failed',
        label: 'failed',
        detail: last ? attemptError(last) : null,
        next_at: null,
      };
    case 'expired':
      return {
        tone: 'expired',
        label: 'expired',
        detail:
          delivery.attempts.length > 0
            ? `undelivered after ${delivery.attempts.length} attempt${delivery.attempts.length === 1 ? '' : 's'}`
            : 'never sent',
        next_at: null,
      };
    case 'dropped':
      return { tone: 'dropped', label: 'dropped', detail: 'no longer needed', next_at: null };
    case 'merged':
      return {
        tone: 'merged',
        label: 'merged',
        detail: 'sent in a grouped message',
        next_at: null,
      };
  }
}

/** What the next attempt's countdown reads for a retrying or pending delivery. */
export function nextAttemptText(status: DeliveryStatus, nowMs: number): string | null {
  if (status.next_at === null) return null;
  const at = Date.parse(status.next_at);
  if (Number.isNaN(at)) return null;
  const when = countdownText(at, nowMs);
  const what = status.label === 'retrying' ? 'next attempt' : 'sends';
  return when === 'now' ? `${what} now` : `${what} ${when}`;
}

/** The whole status as one line: `retrying, next attempt in 12s`, `failed: HTTP 500`. */
export function statusLine(delivery: DeliveryView, nowMs: number): string {
  const status = deliveryStatus(delivery);
  const next = nextAttemptText(status, nowMs);
  if (next !== null) return `${status.label}, ${next}`;
  if (status.detail === null) return status.label;
  const joint = status.label === 'sent' ? ' ' : status.label === 'failed' ? ': ' : ', ';
  return `${status.label}${joint}${status.detail}`;
}

/** Whether a delivery matches the text typed in the search box. */
export function deliveryMatches(delivery: DeliveryView, search: string): boolean {
  return matchesText(
    search,
    delivery.title ?? '',
    delivery.kind,
    delivery.channel,
    delivery.severity,
    delivery.state,
    delivery.source,
    ...delivery.rules,
    delivery.run_id ?? '',
    delivery.pipeline ?? '',
  );
}

export interface DeliveryRun {
  source: string;
  run_id: string;
  pipeline: string | null;
  /** The attempt the alerts are about, when the delivery names one. */
  attempt: number | null;
}

/** The run a delivery is about, when every alert in it is about the same one. */
export function deliveryRun(delivery: DeliveryView): DeliveryRun | null {
  if (delivery.run_id === null || delivery.run_id === '') return null;
  return {
    source: delivery.source,
    run_id: delivery.run_id,
    pipeline: delivery.pipeline,
    attempt: delivery.attempt,
  };
}
