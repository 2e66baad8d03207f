import { randomBytes } from 'node:crypto';
import { errorMessage } from '../../../shared/error-message.ts';
import { composeMessage } from './alert-text.ts';
import type { ChannelSender, SendResult } from './channels/channel.ts';

/** Longer than any channel's own time limit: only a sender that never answers meets it. */
const TEST_TIMEOUT_MS = 60_000;

export interface TestAlertResult {
  result: SendResult;
  latencyMs: number;
}

/**
 * Sends one clearly marked test (`"test": true`) through a channel, now and directly, not through
 * an outbox: it checks the path to the receiver, not the routing. Never throws.
 */
export async function sendTestAlert(name: string, sender: ChannelSender): Promise<TestAlertResult> {
  const now = new Date().toISOString();
  const idempotencyKey = `test:${randomBytes(8).toString('hex')}`;
  const message = composeMessage({
    idempotencyKey,
    kind: 'test',
    channel: name,
    test: true,
    members: [
      {
        rule: 'test-alert',
        severity: 'info',
        dedup_key: `test-alert:${name}`,
        fired_at: now,
        status: 'firing',
        event: {
          type: 'test',
          source: 'runwatch',
          at: now,
          note: `Test alert from Runwatch: if you can read this, ${name} works.`,
        },
      },
    ],
  });
  const started = performance.now();
  let result: SendResult;
  try {
    result = await sender.send(sender.render(message), {
      idempotencyKey,
      signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
    });
  } catch (error) {
    result = { ok: false, retry: false, error: errorMessage(error) };
  }
  return { result, latencyMs: Math.round(performance.now() - started) };
}
