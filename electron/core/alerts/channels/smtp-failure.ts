import type { NodemailerError } from 'nodemailer';
import { errorMessage } from '../../../../shared/error-message.ts';

export interface SmtpFailure {
  retry: boolean;
  error: string;
  status?: number;
}

/** Config mistakes that no later attempt fixes (a bad address, missing credentials). */
const PERMANENT_CODES = new Set(['EENVELOPE', 'ENOAUTH', 'ECONFIG', 'EMESSAGE']);

const TIMEOUTS: Record<string, string> = {
  CONNECT_TIMEOUT: 'timed out connecting to',
  GREETING_TIMEOUT: 'no greeting in time from',
  UPGRADE_TIMEOUT: 'timed out starting TLS with',
};

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

function describe(error: NodemailerError, server: string, signal: AbortSignal): SmtpFailure {
  const code = error.code;
  const reply = error.responseCode;
  if (code === 'EABORT') {
    const timedOut = signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError';
    const why = timedOut ? `timed out sending to ${server}` : `cancelled before ${server} took it`;
    return { retry: true, error: why };
  }
  if (code === 'ETLS' && error.command === 'STARTTLS' && reply !== undefined) {
    return {
      retry: false,
      status: reply,
      error: `${server} does not offer STARTTLS (${reply}); credentials are only sent encrypted`,
    };
  }
  if (reply !== undefined && reply >= 400) {
    // RFC 5321: 4yz replies are transient, 5yz permanent.
    const what = code === 'EAUTH' ? 'login rejected by' : `SMTP ${reply} from`;
    const response = oneLine(error.response ?? error.message);
    return { retry: reply < 500, status: reply, error: `${what} ${server}: ${response}` };
  }
  if (code === 'ETIMEDOUT') {
    return {
      retry: true,
      error: `${TIMEOUTS[error.timeoutType ?? ''] ?? 'timed out talking to'} ${server}`,
    };
  }
  switch (error.originalCode ?? code) {
    case 'ECONNREFUSED':
      return { retry: true, error: `connection refused by ${server}` };
    case 'ENOTFOUND':
    case 'EDNS':
      return { retry: true, error: `host not found: ${server}` };
    case 'ECONNRESET':
      return { retry: true, error: `connection reset by ${server}` };
  }
  const retry = code === undefined || !PERMANENT_CODES.has(code);
  return { retry, error: `sending through ${server} failed: ${oneLine(error.message)}` };
}

/** Why nodemailer failed, for a person; never holds the password, even if a server echoes it. */
export function smtpFailure(
  error: unknown,
  server: string,
  password: string,
  signal: AbortSignal,
): SmtpFailure {
  const failure =
    error instanceof Error
      ? describe(error as NodemailerError, server, signal)
      : { retry: true, error: `sending through ${server} failed: ${errorMessage(error)}` };
  if (password !== '') failure.error = failure.error.split(password).join('[redacted]');
  return failure;
}
