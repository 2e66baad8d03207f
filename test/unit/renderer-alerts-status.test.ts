import { describe, expect, it } from 'vitest';
import type { DeliveryAttemptView, DeliveryView } from '../../shared/api.ts';
import { countdownText } from '../../renderer/src/format/time-text.ts';
import {
  deliveryMatches,
  deliveryRun,
  deliveryStatus,
  statusLine,
} from '../../renderer/src/views/alerts-status.ts';

const NOW = Date.parse('2026-03-01T10:00:00.000Z');

function attempt(
  n: number,
  ok: boolean,
  extra: Partial<DeliveryAttemptView> = {},
): DeliveryAttemptView {
  return {
    attempt: n,
    at: new Date(NOW - 60_000 + n * 1_000).toISOString(),
    ok,
    status: ok ? 200 : 500,
    latency_ms: 230,
    error: ok ? null : 'HTTP 500 from hooks.slack.com',
    ...extra,
  };
}

function delivery(extra: Partial<DeliveryView>): DeliveryView {
  return {
    source: 'demo',
    id: 7,
    channel: 'slack',
    kind: 'alert',
    run_id: null,
    pipeline: null,
    attempt: null,
    state: 'sent',
    severity: 'critical',
    title: 'etl-daily-0002 failed',
    rules: ['run-failed'],
    alerts: 1,
    created_at: new Date(NOW - 60_000).toISOString(),
    ended_at: null,
    next_attempt_at: null,
    attempts: [],
    ...extra,
  };
}

describe('deliveryStatus', () => {
  it('says how fast a sent delivery went, and after how many attempts', () => {
    const sent = delivery({ attempts: [attempt(1, true, { latency_ms: 231 })] });
    expect(deliveryStatus(sent)).toMatchObject({ tone: 'sent', label: 'sent', detail: 'in 231ms' });
    expect(statusLine(sent, NOW)).toBe('sent in 231ms');
    const retried = delivery({
      attempts: [attempt(1, false), attempt(2, true, { latency_ms: 1_500 })],
    });
    expect(statusLine(retried, NOW)).toBe('sent in 1s, after 2 attempts');
  });

  it('counts down to the next attempt of a delivery being retried', () => {
    const retrying = delivery({
      state: 'pending',
      attempts: [attempt(1, false)],
      next_attempt_at: new Date(NOW + 12_000).toISOString(),
    });
    expect(deliveryStatus(retrying)).toMatchObject({
      tone: 'retrying',
      label: 'retrying',
      detail: 'last: HTTP 500 from hooks.slack.com',
    });
    expect(statusLine(retrying, NOW)).toBe('retrying, next attempt in 12s');
    expect(statusLine(retrying, NOW + 11_500)).toBe('retrying, next attempt in 1s');
    expect(statusLine(retrying, NOW + 13_000)).toBe('retrying, next attempt now');
  });

  it('calls a delivery not yet attempted pending', () => {
    const pending = delivery({
      state: 'pending',
      next_attempt_at: new Date(NOW + 8_000).toISOString(),
    });
    expect(deliveryStatus(pending).tone).toBe('pending');
    expect(statusLine(pending, NOW)).toBe('pending, sends in 8s');
  });

  it('gives the error of a failed delivery, or the HTTP status without one', () => {
    const failed = delivery({ state: 'failed', attempts: [attempt(1, false), attempt(2, false)] });
    expect(statusLine(failed, NOW)).toBe('failed: HTTP 500 from hooks.slack.com');
    const bare = delivery({
      state: 'failed',
      attempts: [attempt(1, false, { error: null, status: 503 })],
    });
    expect(statusLine(bare, NOW)).toBe('failed: HTTP 503');
    const silent = delivery({
      state: 'failed',
      attempts: [attempt(1, false, { error: null, status: null })],
    });
    expect(statusLine(silent, NOW)).toBe('failed: no answer');
  });

  it('names expired, dropped and merged deliveries', () => {
    expect(statusLine(delivery({ state: 'expired', attempts: [attempt(1, false)] }), NOW)).toBe(
      'expired, undelivered after 1 attempt',
    );
    expect(statusLine(delivery({ state: 'expired' }), NOW)).toBe('expired, never sent');
    expect(deliveryStatus(delivery({ state: 'dropped' })).tone).toBe('dropped');
    expect(deliveryStatus(delivery({ state: 'merged' }))).toMatchObject({
      tone: 'merged',
      label: 'merged',
    });
  });
});

describe('countdownText', () => {
  it('rounds up to whole seconds and says now once due', () => {
    expect(countdownText(NOW + 12_000, NOW)).toBe('in 12s');
    expect(countdownText(NOW + 11_200, NOW)).toBe('in 12s');
    expect(countdownText(NOW + 185_000, NOW)).toBe('in 3m 5s');
    expect(countdownText(NOW + 500, NOW)).toBe('in 1s');
    expect(countdownText(NOW, NOW)).toBe('now');
    expect(countdownText(NOW - 5_000, NOW)).toBe('now');
  });
});

describe('deliveryMatches', () => {
  const d = delivery({ rules: ['run-failed', 'run-stalled'], channel: 'ops-hook' });
  it('matches title, rules, channel and state, case-insensitively', () => {
    expect(deliveryMatches(d, '')).toBe(true);
    expect(deliveryMatches(d, 'ETL-DAILY')).toBe(true);
    expect(deliveryMatches(d, 'stalled')).toBe(true);
    expect(deliveryMatches(d, 'ops')).toBe(true);
    expect(deliveryMatches(d, 'sent')).toBe(true);
    expect(deliveryMatches(d, 'email')).toBe(false);
  });

  it('matches the run and the pipeline the delivery is about', () => {
    const about = delivery({ title: 'still stalled: 1 run', run_id: 'r-17', pipeline: 'ingest' });
    expect(deliveryMatches(about, 'r-17')).toBe(true);
    expect(deliveryMatches(about, 'INGEST')).toBe(true);
    expect(deliveryMatches(about, 'r-18')).toBe(false);
  });
});

describe('deliveryRun', () => {
  it('is null while the delivery names no run, and the run once it does', () => {
    expect(deliveryRun(delivery({}))).toBeNull();
    expect(deliveryRun(delivery({ pipeline: 'etl-daily' }))).toBeNull();
    const withRun = delivery({ run_id: 'etl-daily-0002', pipeline: 'etl-daily', attempt: 2 });
    expect(deliveryRun(withRun)).toEqual({
      source: 'demo',
      run_id: 'etl-daily-0002',
      pipeline: 'etl-daily',
      attempt: 2,
    });
  });
});
