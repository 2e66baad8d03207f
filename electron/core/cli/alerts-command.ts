import path from 'node:path';
import { AlertHistory, type Delivery } from '../store/alert-history.ts';
import { STATE_DB } from '../store/state-schema.ts';
import { StateStore } from '../store/state-store.ts';
import { EXIT_OK, InputError, UsageError } from './cli-errors.ts';
import { localTime } from '../time/local-time.ts';
import { resolveSourcePaths } from './source-paths.ts';
import { indent, textTable } from './text-table.ts';

export interface AlertsOptions {
  db?: string;
  dataDir?: string;
  json?: boolean;
  /** Transitions and deliveries shown, newest; 0 for all. */
  limit: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

type History = ReturnType<AlertHistory['read']>;

/** The `--json` form: snake_case fields and ISO-8601 UTC times, like `status --json`. */
function toJson(history: History) {
  return {
    firing: history.firing.map((alert) => ({
      rule: alert.rule,
      dedup_key: alert.dedupKey,
      severity: alert.severity,
      fired_at: iso(alert.firedAt),
      notified: alert.notified,
      last_sent_at: iso(alert.lastSentAt),
      repeat_at: iso(alert.repeatAt),
    })),
    transitions: history.transitions.map((row) => ({
      id: row.id,
      at: iso(row.at),
      rule: row.rule,
      dedup_key: row.dedupKey,
      transition: row.transition,
      severity: row.severity,
      event_id: row.eventId,
      detail: row.detail,
    })),
    deliveries: history.deliveries.map((row) => ({
      id: row.id,
      channel: row.channel,
      kind: row.kind,
      state: row.state,
      held_by: row.heldBy,
      severity: row.severity,
      send_after: iso(row.sendAfter),
      title: row.title,
      rules: row.rules,
      members: row.members,
      last_error: row.lastError,
      merged_into: row.mergedInto,
      created_at: iso(row.createdAt),
      ended_at: iso(row.endedAt),
      attempts: row.attemptLog.map((attempt) => ({
        attempt: attempt.attempt,
        at: iso(attempt.at),
        ok: attempt.ok,
        status: attempt.status,
        latency_ms: attempt.latencyMs,
        error: attempt.error,
      })),
    })),
    failing: history.failing.map((row) => ({
      channel: row.channel,
      since: iso(row.since),
      error: row.error,
    })),
  };
}

function deliveryState(row: Delivery): string {
  if (row.state === 'merged' && row.mergedInto !== null) return `merged into ${row.mergedInto}`;
  return row.state === 'pending' && row.heldBy !== null ? `pending (${row.heldBy})` : row.state;
}

/** What a delivery said, or why it did not go. */
function deliveryNote(row: Delivery): string {
  if (row.state === 'pending') {
    const due = `due ${localTime(row.sendAfter)}`;
    return row.lastError ? `${due}; last error: ${row.lastError}` : due;
  }
  if (row.state === 'failed' || row.state === 'expired') return row.lastError ?? '';
  return row.title ?? '';
}

export function renderAlerts(history: History, file: string): string {
  const out: string[] = [`alert history in ${file}`, ''];
  const { firing, failing, transitions, deliveries } = history;
  if (firing.length === 0) out.push('nothing is firing');
  else {
    out.push(`firing (${firing.length}):`);
    out.push(
      indent(
        textTable(
          ['RULE', 'KEY', 'SEVERITY', 'SINCE', 'NOTIFIED', 'NEXT REPEAT'],
          firing.map((alert) => [
            alert.rule,
            alert.dedupKey,
            alert.severity,
            localTime(alert.firedAt),
            alert.notified ? 'yes' : 'no',
            alert.repeatAt === null ? '' : localTime(alert.repeatAt),
          ]),
        ),
      ),
    );
  }
  if (failing.length > 0) {
    out.push('', `channels failing (${failing.length}):`);
    out.push(
      indent(
        textTable(
          ['CHANNEL', 'SINCE', 'ERROR'],
          failing.map((row) => [
            row.channel,
            row.since === null ? '' : localTime(row.since),
            row.error ?? '',
          ]),
        ),
      ),
    );
  }
  out.push('');
  if (transitions.length === 0) out.push('no alert transitions yet');
  else {
    out.push(`transitions (${transitions.length}, oldest first):`);
    out.push(
      indent(
        textTable(
          ['TIME', 'RULE', 'KEY', 'TRANSITION', 'SEVERITY', 'DETAIL'],
          transitions.map((row) => [
            localTime(row.at),
            row.rule,
            row.dedupKey,
            row.transition,
            row.severity,
            row.detail ?? '',
          ]),
        ),
      ),
    );
  }
  out.push('');
  if (deliveries.length === 0) out.push('no deliveries yet');
  else {
    out.push(`deliveries (${deliveries.length}, oldest first):`);
    out.push(
      indent(
        textTable(
          ['ID', 'CHANNEL', 'KIND', 'STATE', 'ALERTS', 'TRIES', 'CREATED', 'ENDED', 'WHAT'],
          deliveries.map((row) => [
            String(row.id),
            row.channel,
            row.kind,
            deliveryState(row),
            String(row.members),
            String(row.attemptLog.length),
            localTime(row.createdAt),
            row.endedAt === null ? '' : localTime(row.endedAt),
            deliveryNote(row),
          ]),
        ),
      ),
    );
    const attempts = deliveries.flatMap((row) => row.attemptLog);
    if (attempts.length > 0) {
      out.push('', 'attempts:');
      out.push(
        indent(
          textTable(
            ['DELIVERY', '#', 'TIME', 'RESULT', 'LATENCY', 'ERROR'],
            attempts.map((attempt) => [
              String(attempt.outboxId),
              String(attempt.attempt),
              localTime(attempt.at),
              `${attempt.ok ? 'ok' : 'failed'}${attempt.status === null ? '' : ` ${attempt.status}`}`,
              `${attempt.latencyMs}ms`,
              attempt.error ?? '',
            ]),
          ),
        ),
      );
    }
  }
  return out.join('\n');
}

/** `runwatch alerts`: the alert and delivery history of a data dir, read-only. */
export function alertsCommand(options: AlertsOptions): number {
  if (!options.db && !options.dataDir) throw new UsageError('give --db FILE or --data-dir DIR');
  const dataDir = options.db
    ? resolveSourcePaths(options).dataDir
    : path.resolve(options.dataDir as string);
  if (!StateStore.exists(dataDir)) {
    throw new InputError(
      `no alert history: ${path.join(dataDir, STATE_DB)} does not exist; start \`runwatch watch${options.db ? ` --db ${path.resolve(options.db)}` : ''}\` first`,
    );
  }
  const history = AlertHistory.open(dataDir);
  let read: History;
  try {
    read = history.read(options.limit);
  } finally {
    history.close();
  }
  process.stdout.write(
    `${options.json ? JSON.stringify(toJson(read), null, 2) : renderAlerts(read, path.join(dataDir, STATE_DB))}\n`,
  );
  return EXIT_OK;
}
