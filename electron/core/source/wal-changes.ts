import fs from 'node:fs';

/**
 * Which rows the commits since the last look wrote, read from the database's write-ahead log:
 * every commit appends the pages it changed to `<db>-wal`, each a full image of the page, so
 * the rowids on the table pages appended since the last look are a superset of the rows
 * written. A table without an index on its change column is then read by those rowids rather
 * than scanned. The format is SQLite's own, stable since 3.7.0: https://sqlite.org/fileformat2.html
 * (sections "The Write-Ahead Log" and "B-tree Pages").
 *
 * Nothing is guessed: when the log was restarted since the last look (a checkpoint wrote it
 * back into the database), or cannot be read, `read` answers null and the caller scans.
 */
export class WalChanges {
  private readonly file: string;
  /** Where the last look stopped: the log's generation (its salts) and the offset read to. */
  private position: { salt1: number; salt2: number; offset: number } | null = null;

  constructor(databasePath: string) {
    this.file = `${databasePath}-wal`;
  }

  /** Starts from the log's current end: later calls answer what was written after now. */
  mark(): void {
    this.position = null;
    this.read();
  }

  /**
   * The rowids on table b-tree leaf pages that commits appended since the last call (and those
   * of the last commit it saw, again), with no duplicates, or null when they cannot be known: the
   * log was emptied or restarted in between, a commit wrote a page that is not a b-tree page
   * (an overflow page), or more than `limit` rowids were written (a scan costs less).
   */
  read(limit = 20_000): number[] | null {
    const previous = this.position;
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      this.position = null;
      return null;
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size === 0) {
        // Emptied by a checkpoint: what the commits wrote is out of reach (and a look is asked
        // for only after one).
        this.position = null;
        return null;
      }
      const header = readAt(fd, 0, HEADER_BYTES);
      const parsed = header && parseHeader(header);
      if (!parsed) {
        this.position = null;
        return null;
      }
      const { pageSize, salt1, salt2 } = parsed;
      const continues = previous !== null && sameGeneration(previous, salt1, salt2);
      const start = continues ? previous.offset : HEADER_BYTES;
      const frameBytes = FRAME_HEADER_BYTES + pageSize;
      // The last committed frame of each page: only the newest image of a page is read.
      const newest = new Map<number, number>();
      let pending: [number, number][] = [];
      let lastCommit = start;
      for (let offset = start; offset + frameBytes <= size; offset += frameBytes) {
        const frame = readAt(fd, offset, FRAME_HEADER_BYTES);
        if (!frame || !sameGeneration(saltsOf(frame, 8), salt1, salt2)) break;
        pending.push([frame.readUInt32BE(0), offset]);
        // Frames are committed up to a commit frame: the one that gives the database's size.
        if (frame.readUInt32BE(4) !== 0) {
          for (const [page, at] of pending) newest.set(page, at);
          lastCommit = (pending[0] as [number, number])[1];
          pending = [];
        }
      }
      // The last commit is read again at the next look: a writer appends it before readers can
      // see it (its frames are synced, then published), and one torn by a crash is written
      // over in place. Only the newest commit can be either.
      this.position = { salt1, salt2, offset: lastCommit };
      if (!continues || newest.size > MAX_PAGES) return null;
      const rowids = new Set<number>();
      for (const [page, at] of newest) {
        const frame = readAt(fd, at, frameBytes);
        // Rewritten since the first pass: the log restarted under this look.
        if (!frame || !sameGeneration(saltsOf(frame, 8), salt1, salt2)) return null;
        const image = frame.subarray(FRAME_HEADER_BYTES);
        if (!leafRowids(image, page === 1 ? 100 : 0, rowids)) return null;
        if (rowids.size > limit) return null;
      }
      return [...rowids];
    } finally {
      fs.closeSync(fd);
    }
  }
}

const HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
/** Past this many pages written, a scan costs less than reading each row by rowid. */
const MAX_PAGES = 4_096;
const WAL_MAGIC = [0x377f0682, 0x377f0683];
const TABLE_LEAF = 0x0d;
/** The first byte of a b-tree page: index interior and leaf, table interior and leaf. */
const BTREE_PAGES = new Set([0x02, 0x0a, 0x05, TABLE_LEAF]);

function sameGeneration(
  position: { salt1: number; salt2: number },
  salt1: number,
  salt2: number,
): boolean {
  return position.salt1 === salt1 && position.salt2 === salt2;
}

function saltsOf(buffer: Buffer, at: number): { salt1: number; salt2: number } {
  return { salt1: buffer.readUInt32BE(at), salt2: buffer.readUInt32BE(at + 4) };
}

function parseHeader(header: Buffer): { pageSize: number; salt1: number; salt2: number } | null {
  if (!WAL_MAGIC.includes(header.readUInt32BE(0))) return null;
  const pageSize = header.readUInt32BE(8);
  if (pageSize < 512 || pageSize > 65_536 || (pageSize & (pageSize - 1)) !== 0) return null;
  return { pageSize, ...saltsOf(header, 16) };
}

function readAt(fd: number, position: number, length: number): Buffer | null {
  const buffer = Buffer.alloc(length);
  const read = fs.readSync(fd, buffer, 0, length, position);
  return read === length ? buffer : null;
}

/**
 * Adds the rowids of a table leaf page's cells; index and interior pages hold no row of their
 * own and add none. False for any other page — an overflow page holds part of a row whose
 * rowid it does not say, and an update that changed only bytes there writes no leaf page —
 * and for a rowid past what a number holds exactly.
 */
function leafRowids(page: Buffer, start: number, into: Set<number>): boolean {
  const kind = page[start] ?? -1;
  if (!BTREE_PAGES.has(kind)) return false;
  if (kind !== TABLE_LEAF) return true;
  const cells = page.readUInt16BE(start + 3);
  const pointers = start + 8;
  for (let i = 0; i < cells; i++) {
    const at = pointers + i * 2;
    if (at + 2 > page.length) return true;
    const cell = page.readUInt16BE(at);
    const payload = readVarint(page, cell);
    if (!payload) return true;
    const rowid = readVarint(page, cell + payload.length);
    if (!rowid) return true;
    if (
      rowid.value > BigInt(Number.MAX_SAFE_INTEGER) ||
      rowid.value < -BigInt(Number.MAX_SAFE_INTEGER)
    ) {
      return false;
    }
    into.add(Number(rowid.value));
  }
  return true;
}

/** SQLite's varint: 1–9 bytes, big-endian, 7 bits a byte, all 8 bits of a ninth. */
function readVarint(page: Buffer, at: number): { value: bigint; length: number } | null {
  let value = 0n;
  for (let i = 0; i < 9; i++) {
    const byte = page[at + i];
    if (byte === undefined) return null;
    if (i === 8) return { value: BigInt.asIntN(64, (value << 8n) | BigInt(byte)), length: 9 };
    value = (value << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) return { value: BigInt.asIntN(64, value), length: i + 1 };
  }
  return null;
}
