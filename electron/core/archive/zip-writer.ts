import fs from 'node:fs';
import os from 'node:os';
import zlib from 'node:zlib';
import type { ListedFile, Listing } from './artifact-listing.ts';
import { shouldStore } from './compressibility.ts';
import { deflatedRoom, ParallelDeflate } from './parallel-deflate.ts';
import { openRegular, readFull, readSmallFile } from './source-file.ts';
import {
  centralHeader,
  dataDescriptor,
  DEFLATED,
  dosTime,
  endOfCentralDirectory,
  localHeader,
  STORED,
  type WrittenEntry,
} from './zip-format.ts';
import { ZipOutput } from './zip-output.ts';

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

export interface WriteOptions {
  /** Blocks of a large file deflated at once on the thread pool; by default one per core. */
  parallel?: number;
}

const LEVEL = 6;
/** Files up to this size are read and deflated whole: a pipeline per small file costs more. */
const SMALL_FILE_BYTES = 256 * 1024;
/** A large file is read, and deflated on the thread pool, a block at a time. */
const BLOCK_BYTES = 1024 * 1024;
/** An entry that may pass 4 GiB once deflated gets zip64 sizes from the start. */
const ZIP64_FROM = 0xffffffff - 64 * 1024 * 1024;

/** One small file: read, checked and deflated here, with its sizes in its header. */
function writeSmall(out: ZipOutput, file: ListedFile, base: Omit<WrittenEntry, 'offset'>) {
  const content = readSmallFile(file.source);
  const data =
    base.method === DEFLATED
      ? zlib.deflateRawSync(content, { level: LEVEL, chunkSize: deflatedRoom(content.length) })
      : content;
  const entry: WrittenEntry = {
    ...base,
    crc: zlib.crc32(content),
    size: content.length,
    compressedSize: data.length,
    offset: out.position,
  };
  out.write(localHeader(entry, false));
  out.write(data);
  return entry;
}

/**
 * One large file, a block at a time: its CRC as it is read, deflated on the thread pool, its
 * sizes in a data descriptor after it. A file that grows or shrinks meanwhile is written as it
 * reads: verification against the listing then fails, and the job tries again.
 */
async function writeLarge(
  out: ZipOutput,
  file: ListedFile,
  base: Omit<WrittenEntry, 'offset'>,
  parallel: number,
  onRead: (bytes: number) => void,
): Promise<WrittenEntry> {
  const zip64 = file.size >= ZIP64_FROM;
  const entry: WrittenEntry = { ...base, descriptor: true, offset: out.position };
  out.write(localHeader(entry, zip64));
  const fd = openRegular(file.source);
  try {
    const deflate = base.method === DEFLATED ? new ParallelDeflate(LEVEL, parallel) : null;
    for (;;) {
      // A block of its own each time: the thread pool deflates it while the next is read.
      const block = Buffer.allocUnsafe(BLOCK_BYTES);
      const read = readFull(fd, block);
      const data = block.subarray(0, read);
      const last = read < BLOCK_BYTES;
      entry.crc = zlib.crc32(data, entry.crc);
      entry.size += read;
      onRead(read);
      for (const piece of deflate ? await deflate.push(data, last) : [data]) {
        out.write(piece);
        entry.compressedSize += piece.length;
      }
      if (last) break;
    }
  } finally {
    fs.closeSync(fd);
  }
  out.write(dataDescriptor(entry, zip64));
  return entry;
}

/**
 * Writes the listed files into a new zip at `file`, front to back: their relative paths and
 * modification times, what is compressed already stored as it is, the rest deflated (level 6)
 * — a large file on several cores — zip64 where sizes or offsets need it; hashed as written,
 * then fsynced. Never more than a few blocks of a file in memory.
 */
export async function writeZip(
  listing: Listing,
  file: string,
  onProgress?: (progress: ZipProgress) => void,
  options: WriteOptions = {},
): Promise<WrittenZip> {
  const parallel = options.parallel ?? os.availableParallelism();
  const out = new ZipOutput(file);
  try {
    const written: WrittenEntry[] = [];
    let stored = 0;
    let bytes = 0;
    for (const listed of listing.files) {
      const store = shouldStore(listed.name, listed.source, listed.size);
      if (store) stored++;
      const base = {
        name: Buffer.from(listed.name, 'utf8'),
        method: store ? STORED : DEFLATED,
        dosTime: dosTime(listed.mtimeMs),
        crc: 0,
        size: 0,
        compressedSize: 0,
        descriptor: false,
      };
      const entry =
        listed.size <= SMALL_FILE_BYTES
          ? writeSmall(out, listed, base)
          : await writeLarge(out, listed, base, parallel, (n) => {
              bytes += n;
              onProgress?.({ files: written.length, bytes });
            });
      if (listed.size <= SMALL_FILE_BYTES) bytes += entry.size;
      written.push(entry);
      onProgress?.({ files: written.length, bytes });
    }
    const cdOffset = out.position;
    for (const entry of written) out.write(centralHeader(entry));
    out.write(endOfCentralDirectory(written.length, cdOffset, out.position - cdOffset));
    const size = out.position;
    const sha256 = out.finish();
    onProgress?.({ files: written.length, bytes: listing.bytes });
    return { size, sha256, stored };
  } finally {
    out.close();
  }
}
