import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import zlib from 'node:zlib';
import { errorMessage } from '../../../shared/error-message.ts';
import {
  readAt,
  readCentralDirectory,
  readInto,
  ZipFormatError,
  type CentralEntry,
} from './zip-central-directory.ts';

/** What the zip must hold: one entry per listed file, with these sizes. */
export interface ExpectedEntry {
  name: string;
  size: number;
}

export type VerifyResult =
  { ok: true; files: number; bytes: number } | { ok: false; entry: string | null; reason: string };

export interface VerifyProgress {
  files: number;
  bytes: number;
  /** Entries read so far (folders too), of the zip's `totalEntries`. */
  entries: number;
  totalEntries: number;
}

export interface VerifyOptions {
  /** Entries inflated at once on the thread pool; by default one per core. */
  parallel?: number;
}

const LOCAL_HEADER = 0x04034b50;
const LOCAL_HEADER_BYTES = 30;
const STORED = 0;
const DEFLATED = 8;
const ENCRYPTED = 0x1;
/** Entries up to this size (compressed) are inflated in place: a thread-pool trip costs more. */
const INLINE_BYTES = 256 * 1024;
/**
 * Entries up to these sizes are inflated in one piece on the thread pool; larger ones stream,
 * so that the entries in flight never hold more than a few tens of MB.
 */
const WHOLE_COMPRESSED_BYTES = 4 * 1024 * 1024;
const WHOLE_BYTES = 16 * 1024 * 1024;
/**
 * The file is read in windows of this size: many small entries per read. Memory read into for
 * the first time costs a page fault per 4 KB, more than copying the bytes into it, so the window
 * and the buffers of the entries inflated apart are read into again and again.
 */
const WINDOW_BYTES = 2 * 1024 * 1024;
/** A large entry's output is handled in pieces of this size. */
const CHUNK_BYTES = 1024 * 1024;
/**
 * Inline work between two yields to the event loop, where entries inflated apart are finished
 * and the next ones started; each entry counts for its compressed bytes and this much more.
 */
const YIELD_BYTES = 1024 * 1024;
const ENTRY_COST_BYTES = 4 * 1024;

/** Why one entry is bad. */
class BadEntry extends Error {
  readonly entry: CentralEntry;
  constructor(entry: CentralEntry, reason: string) {
    super(reason);
    this.entry = entry;
  }
}

interface Checked {
  crc: number;
  size: number;
}

/** Reads the zip front to back through one window, so that small entries cost no read each. */
class ZipWindow {
  private readonly fd: number;
  private readonly size: number;
  /** Read into again and again: fresh memory for each read costs more than the read. */
  private readonly buffer = Buffer.allocUnsafeSlow(WINDOW_BYTES);
  private start = 0;
  private length = 0;

  constructor(fd: number, size: number) {
    this.fd = fd;
    this.size = size;
  }

  /**
   * `length` bytes from `position`, valid until the next call; more than a window is read into
   * memory of its own.
   */
  slice(position: number, length: number): Buffer {
    if (position + length > this.size) throw new ZipFormatError('the zip ends early');
    if (length > WINDOW_BYTES) return readAt(this.fd, position, length);
    if (position < this.start || position + length > this.start + this.length) {
      this.start = position;
      this.length = Math.min(WINDOW_BYTES, this.size - position);
      readInto(this.fd, this.buffer.subarray(0, this.length), position);
    }
    return this.buffer.subarray(position - this.start, position - this.start + length);
  }
}

/**
 * The input buffers of the entries inflated apart, one per entry in flight, made when first
 * needed and then reused.
 */
class InputSlots {
  private readonly spare: Buffer[] = [];
  private left: number;

  constructor(count: number) {
    this.left = Math.max(1, count);
  }

  get free(): boolean {
    return this.spare.length > 0 || this.left > 0;
  }

  take(): Buffer {
    const spare = this.spare.pop();
    if (spare !== undefined) return spare;
    this.left--;
    return Buffer.allocUnsafeSlow(WHOLE_COMPRESSED_BYTES);
  }

  give(buffer: Buffer): void {
    this.spare.push(buffer);
  }
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0');
}

function tooLarge(entry: CentralEntry): string {
  return `decompresses to more than its declared ${entry.uncompressedSize} bytes`;
}

/**
 * Inflates no further than one byte past the declared size, so a hostile entry cannot inflate
 * without bound, and in pieces of the whole size: zlib's default 16 KB pieces cost a round trip
 * to the thread pool each.
 */
function inflateOptions(entry: CentralEntry): zlib.ZlibOptions {
  const limit = Math.max(1, entry.uncompressedSize + 1);
  return { maxOutputLength: limit, chunkSize: Math.max(64, Math.min(limit, WHOLE_BYTES + 1)) };
}

function inflateWhole(entry: CentralEntry, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    zlib.inflateRaw(data, inflateOptions(entry), (error, out) =>
      error ? reject(error) : resolve(out),
    ),
  );
}

function inflateError(entry: CentralEntry, error: unknown): BadEntry {
  return new BadEntry(
    entry,
    (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
      ? tooLarge(entry)
      : errorMessage(error),
  );
}

/**
 * Reads every entry of a zip back and checks it (ARCHITECTURE.md §5): the CRC-32 recomputed over the
 * decompressed bytes, each size, and — given the listing taken before zipping — the same names,
 * count and total bytes. The central directory is read in one piece and the entries front to
 * back; entries of some size are inflated on the thread pool, several at once, while small ones
 * are checked in between. Stops at the first bad entry and names it.
 */
export async function verifyZip(
  file: string,
  expected?: readonly ExpectedEntry[],
  onProgress?: (progress: VerifyProgress) => void,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    return { ok: false, entry: null, reason: `not a readable zip: ${errorMessage(error)}` };
  }
  try {
    return await verifyOpen(
      fd,
      expected,
      onProgress,
      options.parallel ?? os.availableParallelism(),
    );
  } finally {
    fs.closeSync(fd);
  }
}

async function verifyOpen(
  fd: number,
  expected: readonly ExpectedEntry[] | undefined,
  onProgress: ((progress: VerifyProgress) => void) | undefined,
  parallel: number,
): Promise<VerifyResult> {
  const size = fs.fstatSync(fd).size;
  let directory;
  try {
    directory = readCentralDirectory(fd, size);
  } catch (error) {
    const reason = error instanceof ZipFormatError ? error.message : errorMessage(error);
    return { ok: false, entry: null, reason: `not a readable zip: ${reason}` };
  }
  const { entries } = directory;
  const named = checkNames(entries, expected);
  if (named !== null) return named;

  const totalEntries = entries.length;
  let files = 0;
  let bytes = 0;
  let done = 0;
  const report = () => onProgress?.({ files, bytes, entries: done, totalEntries });
  const settle = (entry: CentralEntry, checked: Checked) => {
    const bad = mismatch(entry, checked);
    if (bad !== null) throw new BadEntry(entry, bad);
    done++;
    if (!entry.name.endsWith('/')) files++;
    bytes += checked.size;
    report();
  };

  const inFlight = new Set<Promise<void>>();
  let failure: BadEntry | null = null;
  const fail = (error: unknown, entry: CentralEntry) => {
    const bad = error instanceof BadEntry ? error : new BadEntry(entry, errorMessage(error));
    // Entries finish out of order: the first bad one in the zip is the one named.
    if (failure === null || bad.entry.localHeaderOffset < failure.entry.localHeaderOffset) {
      failure = bad;
    }
  };
  const window = new ZipWindow(fd, size);
  // With one core to spare, entries are inflated here, as one thread that never waits on
  // another; only those too large to inflate in one piece stream on the thread pool.
  const apart = parallel > 1 ? INLINE_BYTES : Math.min(WHOLE_COMPRESSED_BYTES, WINDOW_BYTES);
  const slots = new InputSlots(parallel);
  // Entries to inflate apart once a slot is free, in the zip's order; meanwhile the small ones
  // are checked here. After a bad entry, those before it are still checked: the first is named.
  const waiting: { entry: CentralEntry; dataStart: number }[] = [];
  const startWaiting = () => {
    for (let next = waiting[0]; next !== undefined && slots.free; next = waiting[0]) {
      const bad = failure as BadEntry | null;
      if (bad !== null && next.entry.localHeaderOffset > bad.entry.localHeaderOffset) return;
      waiting.shift();
      const { entry, dataStart } = next;
      const input = slots.take();
      const task = inflateApart(fd, entry, dataStart, input)
        .then((checked) => settle(entry, checked))
        .catch((error: unknown) => fail(error, entry))
        .finally(() => {
          slots.give(input);
          inFlight.delete(task);
          startWaiting();
        });
      inFlight.add(task);
    }
  };
  const ordered = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  let sinceYield = 0;
  for (let i = 0; i < ordered.length && failure === null; i++) {
    const entry = ordered[i] as CentralEntry;
    const limit = ordered[i + 1]?.localHeaderOffset ?? directory.offset;
    try {
      const dataStart = locate(window, entry, limit);
      if (
        entry.method === DEFLATED &&
        (entry.compressedSize > apart || entry.uncompressedSize > WHOLE_BYTES)
      ) {
        waiting.push({ entry, dataStart });
        startWaiting();
      } else {
        settle(entry, checkInline(window, entry, dataStart));
        sinceYield += entry.compressedSize;
      }
    } catch (error) {
      fail(error, entry);
    }
    sinceYield += ENTRY_COST_BYTES;
    if (sinceYield >= YIELD_BYTES) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  while (inFlight.size > 0) await Promise.race(inFlight);
  const bad = failure as BadEntry | null;
  if (bad !== null) return { ok: false, entry: bad.entry.name, reason: bad.message };
  return totals(files, bytes, expected);
}

/** The first entry whose name is doubled, or that the listing lacks or sizes otherwise. */
function checkNames(
  entries: readonly CentralEntry[],
  expected: readonly ExpectedEntry[] | undefined,
): VerifyResult | null {
  const wanted = expected ? new Map(expected.map((e) => [e.name, e.size])) : null;
  const seen = new Set<string>();
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue;
    if (seen.has(entry.name)) return { ok: false, entry: entry.name, reason: 'appears twice' };
    seen.add(entry.name);
    if (!wanted) continue;
    const size = wanted.get(entry.name);
    if (size === undefined) return { ok: false, entry: entry.name, reason: 'not listed' };
    if (size !== entry.uncompressedSize) {
      return {
        ok: false,
        entry: entry.name,
        reason: `size ${entry.uncompressedSize}, listed ${size}`,
      };
    }
  }
  if (wanted) {
    const missing = [...wanted.keys()].find((name) => !seen.has(name));
    if (missing !== undefined) return { ok: false, entry: missing, reason: 'missing from the zip' };
  }
  return null;
}

/** The count and bytes read back against the listing's. */
function totals(
  files: number,
  bytes: number,
  expected: readonly ExpectedEntry[] | undefined,
): VerifyResult {
  if (expected) {
    const total = expected.reduce((sum, e) => sum + e.size, 0);
    if (files !== expected.length || bytes !== total) {
      return {
        ok: false,
        entry: null,
        reason: `holds ${files} files and ${bytes} bytes, listed ${expected.length} and ${total}`,
      };
    }
  }
  return { ok: true, files, bytes };
}

/**
 * Where an entry's data starts, from its local header: the header must be where the central
 * directory says, name the same file, and its data end before the next entry begins.
 */
function locate(window: ZipWindow, entry: CentralEntry, limit: number): number {
  const at = entry.localHeaderOffset;
  if (at + LOCAL_HEADER_BYTES > limit) throw new BadEntry(entry, 'overlaps the next entry');
  const header = window.slice(at, LOCAL_HEADER_BYTES);
  if (header.readUInt32LE(0) !== LOCAL_HEADER) {
    throw new BadEntry(entry, 'no local file header where the central directory says');
  }
  const nameLength = header.readUInt16LE(26);
  const extraLength = header.readUInt16LE(28);
  const name = window.slice(at + LOCAL_HEADER_BYTES, nameLength);
  if (!name.equals(entry.rawName)) {
    throw new BadEntry(entry, 'its local header names another file');
  }
  const dataStart = at + LOCAL_HEADER_BYTES + nameLength + extraLength;
  if (dataStart + entry.compressedSize > limit)
    throw new BadEntry(entry, 'overlaps the next entry');
  if (entry.flags & ENCRYPTED) throw new BadEntry(entry, 'is encrypted');
  if (entry.method !== STORED && entry.method !== DEFLATED) {
    throw new BadEntry(entry, `unsupported compression method ${entry.method}`);
  }
  if (entry.method === STORED && entry.compressedSize !== entry.uncompressedSize) {
    throw new BadEntry(entry, 'stored with a compressed size unlike its size');
  }
  return dataStart;
}

function mismatch(entry: CentralEntry, checked: Checked): string | null {
  if (checked.size !== entry.uncompressedSize) {
    return `decompressed to ${checked.size} bytes, expected ${entry.uncompressedSize}`;
  }
  if (checked.crc !== entry.crc32) {
    return `CRC-32 mismatch (computed ${hex(checked.crc)}, stored ${hex(entry.crc32)})`;
  }
  return null;
}

/** A stored entry, or a small deflated one, checked on this thread. */
function checkInline(window: ZipWindow, entry: CentralEntry, dataStart: number): Checked {
  if (entry.method === DEFLATED) {
    const raw = window.slice(dataStart, entry.compressedSize);
    let data: Buffer;
    try {
      data = zlib.inflateRawSync(raw, inflateOptions(entry));
    } catch (error) {
      throw inflateError(entry, error);
    }
    return { crc: zlib.crc32(data), size: data.length };
  }
  if (entry.compressedSize <= WINDOW_BYTES) {
    const data = window.slice(dataStart, entry.compressedSize);
    return { crc: zlib.crc32(data), size: data.length };
  }
  let crc = 0;
  for (let at = 0; at < entry.compressedSize; at += WINDOW_BYTES) {
    const length = Math.min(WINDOW_BYTES, entry.compressedSize - at);
    crc = zlib.crc32(window.slice(dataStart + at, length), crc);
  }
  return { crc, size: entry.compressedSize };
}

/**
 * A deflated entry inflated on the thread pool: in one piece, or streamed when large, its
 * compressed bytes read into `input` (one half while the other is being inflated).
 */
async function inflateApart(
  fd: number,
  entry: CentralEntry,
  dataStart: number,
  input: Buffer,
): Promise<Checked> {
  if (entry.compressedSize <= input.length && entry.uncompressedSize <= WHOLE_BYTES) {
    const compressed = input.subarray(0, entry.compressedSize);
    readInto(fd, compressed, dataStart);
    let data: Buffer;
    try {
      data = await inflateWhole(entry, compressed);
    } catch (error) {
      throw inflateError(entry, error);
    }
    return { crc: zlib.crc32(data), size: data.length };
  }
  const inflate = zlib.createInflateRaw({ chunkSize: CHUNK_BYTES });
  let crc = 0;
  let size = 0;
  let streamError: unknown = null;
  inflate.on('error', (error) => {
    streamError ??= error;
  });
  inflate.on('data', (chunk: Buffer) => {
    crc = zlib.crc32(chunk, crc);
    size += chunk.length;
    if (size > entry.uncompressedSize) inflate.destroy(new BadEntry(entry, tooLarge(entry)));
  });
  const ended = once(inflate, 'end');
  const half = input.length / 2;
  const written: Promise<void>[] = [];
  // Awaited below; until then a failure must not count as unhandled.
  ended.catch(() => {});
  try {
    for (let at = 0, piece = 0; at < entry.compressedSize; at += half, piece++) {
      // The half read into now was written two pieces ago: it must be inflated by now.
      await written[piece % 2];
      const bytes = input.subarray(
        (piece % 2) * half,
        (piece % 2) * half + Math.min(half, entry.compressedSize - at),
      );
      readInto(fd, bytes, dataStart + at);
      const done = new Promise<void>((resolve, reject) =>
        inflate.write(bytes, (error) => (error ? reject(error) : resolve())),
      );
      done.catch(() => {});
      written[piece % 2] = done;
    }
    inflate.end();
    await ended;
  } catch (error) {
    const cause = streamError ?? error;
    throw cause instanceof BadEntry ? cause : inflateError(entry, cause);
  }
  return { crc, size };
}
