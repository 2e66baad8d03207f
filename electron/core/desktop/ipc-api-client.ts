import type { PushMessage, RequestName, RunwatchApi } from '../../../shared/api.ts';
import { requestMethods } from '../../../shared/api-client.ts';

export interface IpcLink {
  /** Sends a request and resolves with the main side's reply. */
  invoke(request: { name: RequestName; params: unknown }): Promise<unknown>;
  /** Registers the one listener every pushed message goes to. */
  onPush(listener: (message: PushMessage) => void): void;
}

/**
 * The `RunwatchApi` the preload exposes: each request sent over IPC and its reply unwrapped (a
 * failure rejects with the API's message), and pushed messages handed to subscribers. A
 * `navigate` that arrives before the page has subscribed (the app opened a window at a run) is
 * kept for the first subscriber, so the page opens where it was asked to.
 */
export function ipcApiClient(link: IpcLink): RunwatchApi {
  const listeners = new Set<(message: PushMessage) => void>();
  let heldNavigate: PushMessage | null = null;
  link.onPush((message) => {
    if (listeners.size === 0) {
      if (message.type === 'navigate') heldNavigate = message;
      return;
    }
    for (const listener of [...listeners]) listener(message);
  });
  return {
    ...requestMethods((request) => link.invoke(request)),
    subscribe(listener) {
      listeners.add(listener);
      if (heldNavigate !== null) {
        const held = heldNavigate;
        heldNavigate = null;
        listener(held);
      }
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
