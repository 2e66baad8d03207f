import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { openRegular } from './source-file.ts';

/** Formats that are compressed already: deflating them again costs time and saves nothing. */
const COMPRESSED_EXTENSIONS = new Set([
  '.zip',
  '.gz',
  '.tgz',
  '.bz2',
  '.tbz2',
  '.xz',
  '.txz',
  '.zst',
  '.zstd',
  '.lz4',
  '.lzma',
  '.7z',
  '.rar',
  '.br',
  '.z',
  '.jar',
  '.whl',
  '.apk',
  '.png',
  '.jpg',
  '.jpeg',
  '.gif',
  '.webp',
  '.avif',
  '.heic',
  '.mp4',
  '.m4v',
  '.mov',
  '.mkv',
  '.webm',
  '.avi',
  '.mp3',
  '.m4a',
  '.aac',
  '.ogg',
  '.opus',
  '.flac',
  '.parquet',
  '.orc',
  '.avro',
  '.pdf',
  '.docx',
  '.xlsx',
  '.pptx',
  '.odt',
  '.ods',
  '.npz',
  '.woff',
  '.woff2',
]);

/** Files below this size are deflated without a look: sampling would cost more than it saves. */
const SAMPLE_FROM_BYTES = 256 * 1024;
const SAMPLE_BYTES = 64 * 1024;
/** A sample that shrinks by less than this share is stored. */
const MIN_SAVING = 0.05;

/** Whether a quick deflate of a sample from the middle of the file barely shrinks it. */
function sampleIncompressible(file: string, size: number): boolean {
  let fd: number;
  try {
    fd = openRegular(file);
  } catch {
    return false; // the read that follows reports it
  }
  try {
    const sample = Buffer.allocUnsafe(SAMPLE_BYTES);
    const read = fs.readSync(fd, sample, 0, SAMPLE_BYTES, Math.floor((size - SAMPLE_BYTES) / 2));
    if (read < SAMPLE_BYTES / 2) return false;
    const packed = zlib.deflateRawSync(sample.subarray(0, read), { level: 1 });
    return packed.length > read * (1 - MIN_SAVING);
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether a file is stored as is rather than deflated. */
export function shouldStore(name: string, source: string, size: number): boolean {
  const lower = name.toLowerCase();
  if (COMPRESSED_EXTENSIONS.has(path.extname(lower))) return true;
  if (size < SAMPLE_FROM_BYTES) return false;
  return sampleIncompressible(source, size);
}
