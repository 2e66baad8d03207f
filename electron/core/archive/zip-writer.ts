import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import type { ListedFile, Listing } from './artifact-listing.ts';
import { shouldStore } from './compressibility.ts';
import { readSmallFile, SafeFileStream } from './safe-file-stream.ts';
import { deflateOutsideArchiver } from './archiver-deflate.ts';

export interface ZipProgress {
  files: number;
  bytes: number;
}

export interface WrittenZip {
  /** Size of the zip file. */
  size: number;
  sha256: string;
  stored: number;
}

/** Files up to this size are read whole: a stream per small file costs more than its bytes. */
const SMALL_FILE_BYTES = 256 * 1024;
/** Entries handed to archiver ahead of the one it is writing; bounds memory on any tree. */
const ENTRIES_AHEAD = 16;
/** Output is gathered into writes of about this size (archiver emits many tiny header writes). */
const WRITE_BYTES = 1024 * 1024;

/** Hashes and counts the zip as it is written, in large writes. */
class ZipTap extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor() {
    super({ highWaterMark: WRITE_BYTES });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= WRITE_BYTES) this.flushPending();
    done();
  }

  override _flush(done: () => void): void {
    this.flushPending();
    done();
  }

  private flushPending(): void {
    if (this.pendingBytes === 0) return;
    const block =
      this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.hash.update(block);
    this.size += block.length;
    this.push(block);
  }
}

/**
 * Streams the listed files into a new zip at `file` (never whole large files in memory, and at
 * most a few small ones), keeping their relative paths and modification times, storing what is
 * compressed already, zip64 when the sizes need it; hashes the zip as it is written and fsyncs it.
 */
export async function writeZip(
  listing: Listing,
  file: string,
  onProgress?: (progress: ZipProgress) => void,
): Promise<WrittenZip> {
  const archive = new ZipArchive({
    zlib: { level: 6 },
    forceLocalTime: true,
    highWaterMark: WRITE_BYTES,
  });
  deflateOutsideArchiver(archive, SMALL_FILE_BYTES);
  const tap = new ZipTap();
  // `flush`: the stream fsyncs the file before closing it, so the zip is on disk once written.
  const out = fs.createWriteStream(file, {
    flags: 'wx',
    // The artifacts' contents, for the user alone.
    mode: 0o600,
    highWaterMark: WRITE_BYTES,
    flush: true,
  });
  const written = pipeline(archive, tap, out);
  let stored = 0;
  let files = 0;
  let bytes = 0;
  let next = 0;
  let ahead = 0;
  const onRead = (n: number) => {
    bytes += n;
  };
  const appendNext = () => {
    const entry = listing.files[next++] as ListedFile;
    const store = shouldStore(entry.name, entry.source, entry.size);
    if (store) stored++;
    const data = { name: entry.name, date: new Date(entry.mtimeMs), mode: 0o644, store };
    if (entry.size <= SMALL_FILE_BYTES) {
      const content = readSmallFile(entry.source);
      onRead(content.length);
      archive.append(content, data);
    } else {
      const stream = new SafeFileStream(entry.source, entry.size, onRead);
      // archiver pipes the stream without listening for its errors: a read error ends the zip.
      stream.once('error', (error) => archive.destroy(error));
      archive.append(stream, data);
    }
  };
  // Entries are handed over a few at a time as archiver writes them, so small files read whole
  // never pile up in memory.
  const feed = () => {
    try {
      while (ahead < ENTRIES_AHEAD && next < listing.files.length) {
        appendNext();
        ahead++;
      }
    } catch (error) {
      archive.destroy(error as Error);
      return;
    }
    if (next === listing.files.length) void archive.finalize().catch(() => {});
  };
  archive.on('entry', () => {
    ahead--;
    files++;
    onProgress?.({ files, bytes });
    if (next < listing.files.length) feed();
  });
  feed();
  try {
    await written;
  } catch (error) {
    archive.abort();
    throw error;
  }
  onProgress?.({ files, bytes: listing.bytes });
  return { size: tap.size, sha256: tap.hash.digest('hex'), stored };
}
