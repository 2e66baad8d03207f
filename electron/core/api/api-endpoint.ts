import type { ApiReply, PushMessage, RequestName } from '../../../shared/api.ts';

/**
 * The core's side of the API contract, as both transports (Electron IPC and the `serve`
 * WebSocket) carry it: `handle` takes a request exactly as it arrived — unchecked — and always
 * answers, never throws; `subscribe` delivers every pushed message until unsubscribed.
 */
export interface ApiEndpoint {
  handle(request: unknown): Promise<ApiReply<RequestName>>;
  subscribe(listener: (message: PushMessage) => void): () => void;
}
