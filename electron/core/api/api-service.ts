import {
  checkRequest,
  type ApiReply,
  type CheckedParams,
  type PushMessage,
  type RequestName,
  type Results,
} from '../../../shared/api.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import type { ApiEndpoint } from './api-endpoint.ts';
import type { ApiServiceOptions } from './api-options.ts';
import { alertHandlers } from './alert-handlers.ts';
import { fileHandlers } from './file-handlers.ts';
import { PatchBatcher } from './patch-batcher.ts';
import { RequestContext, RequestError, type Handlers } from './request-context.ts';
import { runHandlers } from './run-handlers.ts';
import { settingsHandlers } from './settings-handlers.ts';

/** One handler for every request of the contract: a request left out does not compile. */
const HANDLERS: Handlers = {
  ...runHandlers,
  ...alertHandlers,
  ...fileHandlers,
  ...settingsHandlers,
};

/** Runs the handler of the request's own name, with parameters of that name's type. */
function answer<K extends RequestName>(
  context: RequestContext,
  request: { name: K; params: CheckedParams<K> },
): Results[K] | Promise<Results[K]> {
  return HANDLERS[request.name](context, request.params);
}

/**
 * The API contract (ARCHITECTURE.md §1) implemented once for both transports, over the sessions of the watched
 * sources: requests checked and answered (never a throw, never a stack), and every change pushed
 * as a numbered patch, gathered for a moment so a burst of changes is one message.
 */
export class ApiService implements ApiEndpoint {
  private readonly patches: PatchBatcher;
  private readonly context: RequestContext;

  constructor(options: ApiServiceOptions) {
    this.patches = new PatchBatcher(options);
    this.context = new RequestContext(options, this.patches);
  }

  subscribe(listener: (message: PushMessage) => void): () => void {
    return this.patches.subscribe(listener);
  }

  async handle(request: unknown): Promise<ApiReply<RequestName>> {
    const checked = checkRequest(request);
    if (!checked.ok) return { ok: false, error: checked.error };
    try {
      return { ok: true, result: await answer(this.context, checked) };
    } catch (error) {
      if (error instanceof RequestError) {
        const { code, message, issues } = error;
        return { ok: false, error: { code, message, ...(issues ? { issues } : {}) } };
      }
      this.context.options.log.error(`API request ${checked.name} failed: ${errorMessage(error)}`);
      return { ok: false, error: { code: 'failed', message: errorMessage(error) } };
    }
  }

  /** The desktop notifications were paused or resumed: the UI hears it with the next patch. */
  notificationsPauseChanged(): void {
    this.patches.markChanged('pause');
  }

  /** Stops pushing; the sessions are the caller's to stop. */
  close(): void {
    this.patches.close();
  }
}
