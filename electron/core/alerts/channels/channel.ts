import type { AlertMessage } from '../../model/alert-message.ts';

/** How one attempt went. A failure says whether another attempt may succeed. */
export type SendResult =
  | { ok: true; status?: number }
  | {
      ok: false;
      /** Network errors, timeouts, 429 and 5xx may pass; other 4xx and bad config do not. */
      retry: boolean;
      /** Already free of secrets: no URL path, no password. */
      error: string;
      status?: number;
      /** From a `Retry-After` header. */
      retryAfterMs?: number;
    };

export interface SendContext {
  /** The same on every attempt of one delivery. */
  idempotencyKey: string;
  signal: AbortSignal;
}

/**
 * One configured channel. The payload is rendered once, at the first attempt, and stored: every
 * retry sends the same bytes.
 */
export interface ChannelSender {
  render(message: AlertMessage): string;
  send(payload: string, context: SendContext): Promise<SendResult>;
}
