/**
 * What both transports' clients share: the list of requests, the error a failed request
 * rejects with, and the request methods of `RunwatchApi` built over one `send`. Free of zod so
 * the preload and the page stay small.
 */
import type { ApiError, ApiIssue, ApiReply, RequestName, RunwatchApi } from './api.ts';

/**
 * Every request of the contract. As a `Record` over `RequestName`, the compiler refuses a list
 * that lacks a request or names one that does not exist.
 */
const REQUESTS: Record<RequestName, true> = {
  snapshot: true,
  snapshotRest: true,
  finishedRuns: true,
  runDetail: true,
  pipelineHistory: true,
  alertHistory: true,
  openArchiveFolder: true,
  chooseDatabase: true,
  showRunFile: true,
  listSilences: true,
  addSilence: true,
  removeSilence: true,
  acknowledge: true,
  getSettings: true,
  saveSettings: true,
  testChannel: true,
  testSource: true,
};

export const REQUEST_NAMES = Object.keys(REQUESTS) as RequestName[];

/** A failed request, as the page receives it: the API's error code and message. */
export class ApiRequestError extends Error {
  readonly code: ApiError['code'];
  /** Each problem at its field, where the request says (`saveSettings`). */
  readonly issues: ApiIssue[] | null;
  constructor(error: ApiError) {
    super(error.message);
    this.name = 'ApiRequestError';
    this.code = error.code;
    this.issues = Array.isArray(error.issues) ? error.issues : null;
  }
}

function isReply(value: unknown): value is ApiReply<RequestName> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { ok?: unknown }).ok === 'boolean'
  );
}

/** Sends `{ name, params }` to the main side and resolves with its reply, unread. */
export type SendRequest = (request: { name: RequestName; params: unknown }) => Promise<unknown>;

/**
 * The request methods of `RunwatchApi` over `send`: each reply unwrapped, a failure rejected
 * with the API's message.
 */
export function requestMethods(send: SendRequest): Omit<RunwatchApi, 'subscribe'> {
  const methods = Object.fromEntries(
    REQUEST_NAMES.map((name) => [
      name,
      async (params: unknown = {}) => {
        const reply = await send({ name, params });
        if (!isReply(reply)) {
          throw new ApiRequestError({ code: 'failed', message: 'the main side gave no reply' });
        }
        if (!reply.ok) throw new ApiRequestError(reply.error);
        return reply.result;
      },
    ]),
  );
  return methods as Omit<RunwatchApi, 'subscribe'>;
}
