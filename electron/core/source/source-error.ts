import { errorMessage } from '../../../shared/error-message.ts';

/** Why the watched database cannot be read right now: a condition to report and retry. */

/** `no_runs`: an SQLite file without a runs table yet (a database still being created). */
export type SourceErrorKind =
  | 'missing'
  | 'not_sqlite'
  | 'no_runs'
  | 'schema'
  | 'locked'
  | 'unreadable'
  /** A server that does not answer: refused, reset, timed out, shut down. */
  | 'unreachable';

export class SourceError extends Error {
  readonly kind: SourceErrorKind;

  constructor(kind: SourceErrorKind, message: string) {
    super(message);
    this.name = 'SourceError';
    this.kind = kind;
  }
}

/** The database file is not there (yet): the monitor waits for it. */
export function missingDatabase(dbPath: string): SourceError {
  return new SourceError('missing', `database not found: ${dbPath} (waiting for it to appear)`);
}

function codeOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : '';
}

/** Turns what SQLite or the file system threw into a message a user can act on. */
export function classifySourceError(error: unknown, dbPath: string): SourceError {
  if (error instanceof SourceError) return error;
  const code = codeOf(error);
  const detail = errorMessage(error);
  if (code === 'ENOENT') return missingDatabase(dbPath);
  if (code === 'EACCES' || code === 'EPERM') {
    return new SourceError('unreadable', `cannot read ${dbPath}: permission denied`);
  }
  if (code === 'SQLITE_NOTADB') {
    return new SourceError('not_sqlite', `not an SQLite database: ${dbPath}`);
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code.startsWith('SQLITE_BUSY_')) {
    return new SourceError('locked', `${dbPath} is locked by a writer (${detail})`);
  }
  if (code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_')) {
    return new SourceError('not_sqlite', `${dbPath} is damaged: ${detail}`);
  }
  if (code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_CANTOPEN_')) {
    return new SourceError('unreadable', `cannot open ${dbPath}: ${detail}`);
  }
  return new SourceError('unreadable', `cannot read ${dbPath}: ${detail}`);
}
