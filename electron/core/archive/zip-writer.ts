import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import type { Listing } from './artifact-listing.ts';
import { shouldStore } from './compressibility.ts';
import { SafeFileStream } from './safe-file-stream.ts';

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

/** Flushes a written file to disk. */
export async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Streams the listed files into a new zip at `file` (never whole files in memory), keeping their
 * relative paths and modification times, storing what is compressed already, zip64 when the
 * sizes need it; hashes the zip as it is written and fsyncs it.
 */
export async function writeZip(
  listing: Listing,
  file: string,
  onProgress?: (progress: ZipProgress) => void,
): Promise<WrittenZip> {
  const archive = new ZipArchive({ zlib: { level: 6 }, forceLocalTime: true });
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  let stored = 0;
  let files = 0;
  let bytes = 0;
  archive.on('entry', () => {
    files++;
    onProgress?.({ files, bytes });
  });
  const onRead = (n: number) => {
    bytes += n;
  };
  const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o644 });
  const written = pipeline(archive, tap, out);
  for (const entry of listing.files) {
    const store = shouldStore(entry.name, entry.source, entry.size);
    if (store) stored++;
    archive.append(new SafeFileStream(entry.source, onRead), {
      name: entry.name,
      date: new Date(entry.mtimeMs),
      mode: 0o644,
      store,
    });
  }
  void archive.finalize().catch(() => {});
  try {
    await written;
  } catch (error) {
    archive.abort();
    throw error;
  }
  await fsyncFile(file);
  onProgress?.({ files, bytes: listing.bytes });
  return { size, sha256: hash.digest('hex'), stored };
}
