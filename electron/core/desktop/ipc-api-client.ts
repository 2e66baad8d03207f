import type {
  ApiError,
  ApiReply,
  PushMessage,
  RequestName,
  RunwatchApi,
} from '../../../shared/api.ts';

/**
 * Every request of the contract. Kept here rather than read from shared/api.ts's schemas so the
 * preload does not carry zod; as a `Record` over `RequestName`, the compiler refuses a list that
 * lacks a request or names one that does not exist.
 */
const REQUESTS: Record<RequestName, true> = {
  snapshot: true,
  finishedRuns: true,
  runDetail: true,
  pipelineHistory: true,
  alertHistory: true,
  openArchiveFolder: true,
  showRunFile: true,
  listSilences: true,
  addSilence: true,
  removeSilence: true,
  acknowledge: true,
  getSettings: true,
  saveSettings: true,
  testChannel: true,
};

export const REQUEST_NAMES = Object.keys(REQUESTS) as RequestName[];

/** A failed request, as the page receives it: the API's error code and message. */
export class ApiRequestError extends Error {
  readonly code: ApiError['code'];
  constructor(error: ApiError) {
    super(error.message);
    this.name = 'ApiRequestError';
    this.code = error.code;
  }
}

export interface IpcLink {
  /** Sends a request and resolves with the main side's reply. */
  invoke(request: { name: RequestName; params: unknown }): Promise<unknown>;
  /** Registers the one listener every pushed message goes to. */
  onPush(listener: (message: PushMessage) => void): void;
}

function isReply(value: unknown): value is ApiReply<RequestName> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { ok?: unknown }).ok === 'boolean'
  );
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
  const requests = Object.fromEntries(
    REQUEST_NAMES.map((name) => [
      name,
      async (params: unknown = {}) => {
        const reply = await link.invoke({ name, params });
        if (!isReply(reply)) {
          throw new ApiRequestError({ code: 'failed', message: 'the main side gave no reply' });
        }
        if (!reply.ok) throw new ApiRequestError(reply.error);
        return reply.result;
      },
    ]),
  );
  return {
    ...(requests as Omit<RunwatchApi, 'subscribe'>),
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
