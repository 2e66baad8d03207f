import { createHmac } from 'node:crypto';
import type { AlertMessage } from '../../model/alert-message.ts';
import type { WebhookChannelConfig } from '../channel-config.ts';
import type { ChannelSender } from './channel.ts';
import { httpPost } from './http-post.ts';

/** The body ARCHITECTURE.md §7 promises receivers; `title` and each alert's `status` are extras. */
export interface WebhookBody {
  version: 1;
  status: AlertMessage['status'];
  test: boolean;
  title: string;
  alerts: Array<{
    alert: {
      rule: string;
      severity: string;
      dedup_key: string;
      fired_at: string;
      status: AlertMessage['status'];
    };
    event: Record<string, unknown>;
  }>;
}

export function webhookBody(message: AlertMessage): WebhookBody {
  return {
    version: 1,
    status: message.status,
    test: message.test,
    title: message.title,
    alerts: message.members.map((member) => ({
      alert: {
        rule: member.rule,
        severity: member.severity,
        dedup_key: member.dedup_key,
        fired_at: member.fired_at,
        status: member.status,
      },
      event: member.event,
    })),
  };
}

/** `sha256=<hex>` over the exact bytes sent, so a receiver can check them before parsing. */
function webhookSignature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function webhookChannel(config: WebhookChannelConfig): ChannelSender {
  return {
    render: (message) => JSON.stringify(webhookBody(message)),
    send: (payload, context) =>
      httpPost({
        url: config.url,
        body: payload,
        headers: [
          { 'Content-Type': 'application/json', 'User-Agent': 'Runwatch' },
          config.headers,
          { 'Idempotency-Key': context.idempotencyKey },
          config.secret === ''
            ? {}
            : { 'X-Runwatch-Signature': webhookSignature(payload, config.secret) },
        ],
        signal: context.signal,
      }),
  };
}
