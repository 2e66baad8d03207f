import type { DeliveryView } from '../../../shared/api.ts';
import type { Delivery } from '../store/alert-history.ts';
import { toIso } from '../time/timestamp.ts';

/** One outbox row with every attempt, as the Alerts view lists it. */
export function deliveryView(source: string, row: Delivery): DeliveryView {
  return {
    source,
    id: row.id,
    channel: row.channel,
    kind: row.kind,
    run_id: row.about.runId,
    pipeline: row.about.pipeline,
    attempt: row.about.attempt,
    state: row.state,
    severity: row.severity,
    title: row.title,
    rules: row.rules,
    alerts: row.members,
    created_at: toIso(row.createdAt),
    ended_at: row.endedAt === null ? null : toIso(row.endedAt),
    next_attempt_at: row.state === 'pending' ? toIso(row.nextAt) : null,
    attempts: row.attemptLog.map((attempt) => ({
      attempt: attempt.attempt,
      at: toIso(attempt.at),
      ok: attempt.ok,
      status: attempt.status,
      latency_ms: attempt.latencyMs,
      error: attempt.error,
    })),
  };
}
