import type { SendResult } from './channel.ts';
import { describeFetchFailure } from './fetch-failure.ts';
import { parseRetryAfter } from './retry-after.ts';
import { scrubUrl } from './url-secrets.ts';

const HTTP_TIMEOUT_MS = 10_000;
const EXCERPT_CHARS = 200;

export interface HttpPostRequest {
  url: string;
  body: string;
  /** Applied in order, names case-insensitive: a later layer replaces what an earlier one set. */
  headers: ReadonlyArray<Readonly<Record<string, string>>>;
  signal: AbortSignal;
  timeoutMs?: number;
}

function buildHeaders(layers: HttpPostRequest['headers']): Headers | string {
  const headers = new Headers();
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer)) {
      try {
        headers.set(name, value);
      } catch {
        // The value may be a token: name the header only.
        return `header ${JSON.stringify(name)} has an invalid name or value`;
      }
    }
  }
  return headers;
}

async function bodyExcerpt(response: Response): Promise<string> {
  try {
    const text = (await response.text()).replace(/\s+/g, ' ').trim();
    return text.slice(0, EXCERPT_CHARS);
  } catch {
    return '';
  }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))}s`;
}

function isTimeout(reason: unknown): boolean {
  return reason instanceof DOMException && reason.name === 'TimeoutError';
}

async function classify(response: Response, url: URL): Promise<SendResult> {
  const status = response.status;
  if (response.ok) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: true, status };
  }
  if (status >= 300 && status < 400) {
    await response.body?.cancel().catch(() => undefined);
    // Following a redirect would turn the POST into a GET or send the body somewhere unreviewed.
    return {
      ok: false,
      retry: false,
      status,
      error: `HTTP ${status} from ${url.host}: redirects are not followed; use the final URL`,
    };
  }
  const excerpt = scrubUrl(await bodyExcerpt(response), url);
  const error = `HTTP ${status} from ${url.host}${excerpt === '' ? '' : `: ${excerpt}`}`;
  const retry = status === 408 || status === 429 || status >= 500;
  if (!retry) return { ok: false, retry, status, error };
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  return retryAfterMs === undefined
    ? { ok: false, retry, status, error }
    : { ok: false, retry, status, error, retryAfterMs };
}

/**
 * POSTs `body` and says how it went: 2xx is delivered; 408, 429, 5xx and network failures may
 * pass later; other answers will not. Error text names the host and port only.
 */
export async function httpPost(request: HttpPostRequest): Promise<SendResult> {
  const timeoutMs = request.timeoutMs ?? HTTP_TIMEOUT_MS;
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { ok: false, retry: false, error: 'the URL is not valid' };
  }
  if (url.username !== '' || url.password !== '') {
    return {
      ok: false,
      retry: false,
      error: `the URL for ${url.host} holds a user name or password; send credentials in headers`,
    };
  }
  const headers = buildHeaders(request.headers);
  if (typeof headers === 'string') return { ok: false, retry: false, error: headers };

  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      body: request.body,
      headers,
      redirect: 'manual',
      signal: AbortSignal.any([request.signal, timeout]),
    });
    return await classify(response, url);
  } catch (error) {
    if (timeout.aborted) {
      return {
        ok: false,
        retry: true,
        error: `timed out after ${seconds(timeoutMs)} waiting for ${url.host}`,
      };
    }
    if (request.signal.aborted) {
      const why = isTimeout(request.signal.reason)
        ? `timed out waiting for ${url.host}`
        : `cancelled before ${url.host} answered`;
      return { ok: false, retry: true, error: why };
    }
    const failure = describeFetchFailure(error, url);
    return { ok: false, retry: failure.retry, error: scrubUrl(failure.error, url) };
  }
}
