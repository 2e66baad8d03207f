import fs from 'node:fs';
import Database from 'better-sqlite3';
import { quoteName } from './sql-name.ts';

/**
 * Whether the database file on disk is still the database the open connection reads. In WAL mode
 * SQLite notices neither a file overwritten in place (same inode) nor one truncated: readers keep
 * their cached pages and the WAL's, and `data_version` never moves. So the file's size, mtime and
 * ctime are compared at every check (the stat the monitor makes anyway); only when they moved is
 * the 100-byte header read, and in WAL mode the content compared with a fresh connection's view.
 * The header is also re-read on a slow timer, for file systems whose times cannot be trusted.
 */

const MAGIC = Buffer.from('SQLite format 3\u0000', 'latin1');
const HEADER_BYTES = 100;
/** How often the header is read even though the file's times and size did not move. */
export const HEADER_EVERY_MS = 30_000;

export type FileCheck = 'same' | 'rewritten';

/** What is wrong with a header, or null when it is SQLite's. */
export function headerProblem(header: Buffer, size: number): string | null {
  if (size === 0) return 'it was truncated to 0 bytes';
  if (size < HEADER_BYTES || !header.subarray(0, MAGIC.length).equals(MAGIC)) {
    return "its first bytes are not SQLite's header";
  }
  const raw = header.readUInt16BE(16);
  const pageSize = raw === 1 ? 65_536 : raw;
  const powerOfTwo = (pageSize & (pageSize - 1)) === 0;
  if (pageSize < 512 || pageSize > 65_536 || !powerOfTwo) {
    return `its header names an impossible page size (${raw})`;
  }
  const versions = [header[18], header[19]];
  if (versions.some((v) => v !== 1 && v !== 2) || header[21] !== 64 || header[22] !== 32) {
    return 'its header is damaged';
  }
  if (size % pageSize !== 0) {
    return `it is not a whole number of ${pageSize}-byte pages (${size} bytes): truncated or damaged`;
  }
  return null;
}

function readHeader(path: string): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  const fd = fs.openSync(path, 'r');
  try {
    const read = fs.readSync(fd, header, 0, HEADER_BYTES, 0);
    return header.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

/** What a write to the file changes: its size, mtime or ctime (which no one can set back). */
interface Signature {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

function sameSignature(a: Signature | null, stat: fs.Stats): boolean {
  return (
    a !== null && a.size === stat.size && a.mtimeMs === stat.mtimeMs && a.ctimeMs === stat.ctimeMs
  );
}

function signature(stat: fs.Stats): Signature {
  return { size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs };
}

/** What a connection reads for a few cheap values that differ between any two databases. */
function fingerprint(db: Database.Database, rowidTables: readonly string[]): string {
  const parts: unknown[] = [db.pragma('schema_version', { simple: true })];
  for (const table of rowidTables) {
    parts.push(
      db
        .prepare(`SELECT max(rowid) FROM main.${quoteName(table)}`)
        .pluck()
        .get(),
    );
  }
  return JSON.stringify(parts);
}

export class FileIntegrity {
  private readonly path: string;
  private seen: Signature | null = null;
  private headerAt = -Infinity;
  /** The file a database was open on: a bad header in it later means it was overwritten. */
  private database: { dev: number; ino: number } | null = null;

  constructor(path: string) {
    this.path = path;
  }

  /**
   * Before a connection opens: the reason the file cannot be a database, or null. A file of 0
   * bytes is left to SQLite (a database still being created) unless a WAL beside it says that it
   * held pages: setting WAL mode writes the first page, so such a file was truncated.
   */
  problemBeforeOpen(stat: fs.Stats): string | null {
    if (stat.size === 0) {
      const wal = fs.statSync(`${this.path}-wal`, { throwIfNoEntry: false });
      return wal && wal.size > 0 ? this.describe('it was truncated to 0 bytes', stat) : null;
    }
    const problem = headerProblem(readHeader(this.path), stat.size);
    return problem === null ? null : this.describe(problem, stat);
  }

  /** A connection opened on the file as `stat` saw it. */
  recordOpen(stat: fs.Stats): void {
    this.seen = signature(stat);
    this.headerAt = performance.now();
    this.database = { dev: stat.dev, ino: stat.ino };
  }

  /**
   * The file as it is now, against what the connection reads. Returns the reason it is no
   * database any more, or whether its content is another database's (`rewritten`).
   * `sameContent` compares the connection's view with a fresh one; it is asked only in WAL mode
   * and only when the file's times or size moved.
   */
  check(stat: fs.Stats, sameContent: (() => boolean) | null): FileCheck | { damaged: string } {
    const now = performance.now();
    const moved = !sameSignature(this.seen, stat);
    if (!moved && now - this.headerAt < HEADER_EVERY_MS) return 'same';
    const problem = headerProblem(readHeader(this.path), stat.size);
    this.headerAt = now;
    if (problem !== null) return { damaged: this.describe(problem, stat) };
    if (moved && sameContent && !sameContent()) return 'rewritten';
    this.seen = signature(stat);
    return 'same';
  }

  private describe(problem: string, stat: fs.Stats): string {
    const same = this.database?.ino === stat.ino && this.database.dev === stat.dev;
    return same
      ? `not an SQLite database any more: ${this.path} was overwritten in place (${problem})`
      : `not an SQLite database: ${this.path}`;
  }
}

/** A writer holding the database for a moment: no answer yet, not a different database. */
function busy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

/**
 * Whether `ours` still reads what a fresh connection reads. A commit between the reads makes
 * them differ for a good reason: then they are compared again, and a second such race, like a
 * busy database, counts as the same content (the next change of the file checks again).
 */
export function sameContent(
  ours: Database.Database,
  path: string,
  rowidTables: readonly string[],
): boolean {
  let fresh: Database.Database;
  try {
    fresh = new Database(path, { readonly: true, fileMustExist: true, timeout: 20 });
  } catch (error) {
    return busy(error);
  }
  try {
    const version = () => ours.pragma('data_version', { simple: true }) as number;
    for (let attempt = 0; attempt < 2; attempt++) {
      const before = version();
      const mine = fingerprint(ours, rowidTables);
      const theirs = fingerprint(fresh, rowidTables);
      if (mine === theirs) return true;
      if (version() === before) return false;
    }
    return true;
  } catch (error) {
    return busy(error);
  } finally {
    fresh.close();
  }
}
