import { SourceError } from '../source-error.ts';
import { maskText } from './pg-location.ts';

function field(error: unknown, name: string): string {
  return typeof error === 'object' && error !== null && name in error
    ? String((error as Record<string, unknown>)[name])
    : '';
}

const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * What the server or the network said, as one message a user can act on, naming the source by
 * its URL with the password masked (`display`). SQLSTATE codes: PostgreSQL's appendix A.
 */
export function classifyPgError(error: unknown, display: string): SourceError {
  if (error instanceof SourceError) return error;
  const code = field(error, 'code');
  const detail = maskText(error instanceof Error ? error.message : String(error));
  if (code === '28P01' || code === '28000') {
    return new SourceError('unreadable', `${display}: the server refused the login (${detail})`);
  }
  if (code === '3D000') {
    return new SourceError('missing', `${display}: ${detail} (waiting for it to appear)`);
  }
  if (code === '42P01' || code === '42703') {
    return new SourceError('schema', `${display}: ${detail}`);
  }
  if (code === '42501') {
    return new SourceError(
      'unreadable',
      `${display}: ${detail} (grant the role SELECT on the tables; README: PostgreSQL)`,
    );
  }
  if (code === '57014') {
    return new SourceError('locked', `${display}: a read took longer than its timeout (${detail})`);
  }
  if (NETWORK.has(code) || code.startsWith('08') || code.startsWith('57P')) {
    return new SourceError('unreachable', `${display}: cannot reach the server (${detail})`);
  }
  if (/timeout|terminated|Connection terminated|not queryable/i.test(detail)) {
    return new SourceError('unreachable', `${display}: cannot reach the server (${detail})`);
  }
  return new SourceError('unreadable', `${display}: ${detail}`);
}
