import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { errorMessage } from '../../../shared/error-message.ts';

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

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      file,
      { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true },
      (error, zip) => (error ? reject(error) : resolve(zip)),
    );
  });
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: yauzl.Entry) => (cleanup(), resolve(entry));
    const onEnd = () => (cleanup(), resolve(null));
    const onError = (error: Error) => (cleanup(), reject(error));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

/** Entries up to this size (compressed and declared) are read and inflated in one go. */
const SMALL_ENTRY_BYTES = 1024 * 1024;
const STORED = 0;
const DEFLATED = 8;

/**
 * CRC-32 and length of a small entry's decompressed bytes, read at the data offset yauzl gives.
 * A stream per entry costs far more than the bytes of a small file; the output is capped at
 * the declared size, so a hostile entry cannot inflate without bound.
 */
async function checksumSmall(
  zip: yauzl.ZipFile,
  fd: number,
  entry: yauzl.Entry,
): Promise<{ crc: number; size: number }> {
  const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
  const raw = Buffer.allocUnsafe(entry.compressedSize);
  const read = fs.readSync(fd, raw, 0, raw.length, fileDataStart);
  if (read !== raw.length) throw new Error('the zip ends inside this entry');
  let data = raw;
  if (entry.compressionMethod === DEFLATED) {
    try {
      data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize + 1) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new Error(`decompresses to more than its declared ${entry.uncompressedSize} bytes`, {
          cause: error,
        });
      }
      throw error;
    }
  }
  return { crc: zlib.crc32(data), size: data.length };
}

/** CRC-32 and length of an entry's decompressed bytes. */
async function checksum(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  onBytes: (n: number) => void,
): Promise<{ crc: number; size: number }> {
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
    zip.openReadStream(entry, (error, s) => (error ? reject(error) : resolve(s))),
  );
  let crc = 0;
  let size = 0;
  await pipeline(
    stream,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        crc = zlib.crc32(chunk, crc);
        size += chunk.length;
        onBytes(chunk.length);
        done();
      },
    }),
  );
  return { crc, size };
}

/**
 * Reads every entry of a zip back and checks it (DESIGN.md §5): the CRC-32 recomputed over the
 * decompressed bytes (yauzl does not check it), each size, and — given the listing taken before
 * zipping — the same names, count and total bytes. Stops at the first bad entry and names it.
 */
export async function verifyZip(
  file: string,
  expected?: readonly ExpectedEntry[],
  onProgress?: (progress: VerifyProgress) => void,
): Promise<VerifyResult> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(file);
  } catch (error) {
    return { ok: false, entry: null, reason: `not a readable zip: ${errorMessage(error)}` };
  }
  const fd = fs.openSync(file, 'r');
  const wanted = expected ? new Map(expected.map((e) => [e.name, e.size])) : null;
  const seen = new Set<string>();
  let files = 0;
  let bytes = 0;
  let entries = 0;
  const totalEntries = zip.entryCount;
  let current: string | null = null;
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) break;
      entries++;
      current = entry.fileName;
      if (entry.fileName.endsWith('/')) continue;
      if (seen.has(entry.fileName)) {
        return { ok: false, entry: entry.fileName, reason: 'appears twice' };
      }
      seen.add(entry.fileName);
      if (wanted) {
        const size = wanted.get(entry.fileName);
        if (size === undefined) return { ok: false, entry: entry.fileName, reason: 'not listed' };
        if (size !== entry.uncompressedSize) {
          return {
            ok: false,
            entry: entry.fileName,
            reason: `size ${entry.uncompressedSize}, listed ${size}`,
          };
        }
      }
      let streamed = 0;
      const small =
        entry.compressedSize <= SMALL_ENTRY_BYTES &&
        entry.uncompressedSize <= SMALL_ENTRY_BYTES &&
        !entry.isEncrypted() &&
        (entry.compressionMethod === STORED || entry.compressionMethod === DEFLATED);
      const { crc, size } = small
        ? await checksumSmall(zip, fd, entry)
        : await checksum(zip, entry, (n) => {
            streamed += n;
            onProgress?.({ files, bytes: bytes + streamed, entries, totalEntries });
          });
      bytes += size;
      if (size !== entry.uncompressedSize) {
        return {
          ok: false,
          entry: entry.fileName,
          reason: `decompressed to ${size} bytes, expected ${entry.uncompressedSize}`,
        };
      }
      if (crc !== entry.crc32) {
        return {
          ok: false,
          entry: entry.fileName,
          reason: `CRC-32 mismatch (computed ${crc.toString(16).padStart(8, '0')}, stored ${entry.crc32.toString(16).padStart(8, '0')})`,
        };
      }
      files++;
      onProgress?.({ files, bytes, entries, totalEntries });
    }
  } catch (error) {
    return { ok: false, entry: current, reason: errorMessage(error) };
  } finally {
    zip.close();
    fs.closeSync(fd);
  }
  if (wanted) {
    const missing = [...wanted.keys()].find((name) => !seen.has(name));
    if (missing !== undefined) return { ok: false, entry: missing, reason: 'missing from the zip' };
    const total = expected?.reduce((sum, e) => sum + e.size, 0) ?? 0;
    if (files !== wanted.size || bytes !== total) {
      return {
        ok: false,
        entry: null,
        reason: `holds ${files} files and ${bytes} bytes, listed ${wanted.size} and ${total}`,
      };
    }
  }
  return { ok: true, files, bytes };
}
