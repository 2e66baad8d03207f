import { errorMessage } from '../../../../shared/error-message.ts';

export interface FetchFailure {
  retry: boolean;
  error: string;
}

/** undici wraps the real cause in `TypeError: fetch failed`; happy eyeballs in an AggregateError. */
function causeOf(error: unknown): { code: string | undefined; message: string } {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const first = cause instanceof AggregateError ? (cause.errors[0] as unknown) : cause;
  const code = (first as { code?: unknown } | null)?.code;
  return {
    code: typeof code === 'string' ? code : undefined,
    message: errorMessage(first),
  };
}

const TLS_CODE = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_)/;

/**
 * Why a request got no response, said for a person. `host` is `host[:port]`, never more of the
 * URL; every network failure may pass on a later attempt except a port fetch refuses to use.
 */
export function describeFetchFailure(error: unknown, url: URL): FetchFailure {
  const host = url.host;
  const { code, message } = causeOf(error);
  switch (code) {
    case 'ECONNREFUSED':
      return { retry: true, error: `connection refused by ${host}` };
    case 'ENOTFOUND':
      return { retry: true, error: `host not found: ${url.hostname}` };
    case 'EAI_AGAIN':
      return { retry: true, error: `DNS lookup of ${url.hostname} failed for now (EAI_AGAIN)` };
    case 'ECONNRESET':
      return { retry: true, error: `connection reset by ${host}` };
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return { retry: true, error: `connection closed by ${host} before it answered` };
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { retry: true, error: `timed out connecting to ${host}` };
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return { retry: true, error: `timed out waiting for ${host}` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { retry: true, error: `${host} is unreachable (${code})` };
  }
  if (code !== undefined && TLS_CODE.test(code)) {
    return { retry: true, error: `TLS failed with ${host}: ${code}` };
  }
  if (message === 'bad port') {
    return { retry: false, error: `port ${url.port} of ${url.hostname} is blocked by fetch` };
  }
  return { retry: true, error: `request to ${host} failed: ${code ?? message}` };
}
