import type { ApiError } from '../../../shared/api.ts';
import type { ClientMessage } from '../../../shared/socket-protocol.ts';

/** Larger frames close the socket (1009): no request comes near it. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export function readClientMessage(
  text: string | null,
): { ok: true; message: ClientMessage } | { ok: false; id: number | null; error: ApiError } {
  const invalid = (id: number | null, message: string) =>
    ({ ok: false, id, error: { code: 'invalid', message } }) as const;
  if (text === null) return invalid(null, 'messages are JSON text, not binary');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid(null, 'a message is JSON: { "id": <number>, "request": ... }');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid(null, 'a message is { "id": <number>, "request": ... }');
  }
  const { id, request } = value as { id?: unknown; request?: unknown };
  if (typeof id !== 'number') return invalid(null, 'a message needs a numeric "id"');
  if (!('request' in value)) return invalid(id, 'a message needs a "request"');
  return { ok: true, message: { id, request } };
}
