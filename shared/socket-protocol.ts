/**
 * The frames of `runwatch serve`'s `/api` socket, JSON text both ways. The browser sends
 * `{ id, request }` and gets `{ id, reply }` back for it, in whatever order replies finish;
 * pushes come as `{ push }`. A message that cannot be read is answered with `id: null` (or its
 * id, when it has one).
 */
import type { ApiReply, PushMessage, RequestName } from './api.ts';

export interface ClientMessage {
  id: number;
  request: unknown;
}

export type ServerMessage =
  { id: number | null; reply: ApiReply<RequestName> } | { push: PushMessage };
