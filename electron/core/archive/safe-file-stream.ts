import fs from 'node:fs';
import { Readable } from 'node:stream';

const CHUNK = 256 * 1024;
const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

/** Opens a listed file for reading, refusing anything that is no longer a regular file. */
export function openRegular(file: string): number {
  const fd = fs.openSync(file, OPEN_FLAGS);
  try {
    if (!fs.fstatSync(fd).isFile()) throw new Error(`${file} is no longer a regular file`);
    return fd;
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

/** A small listed file read whole, with the same refusals as the stream. */
export function readSmallFile(file: string): Buffer {
  const fd = openRegular(file);
  try {
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
/** Smallest read once the expected size has been read (a file that grew meanwhile). */
const TAIL_CHUNK = 16 * 1024;

/**
 * Reads one listed file, opened only when the zip reaches it (so 50,000 entries never hold
 * 50,000 descriptors). It refuses anything that is no longer a regular file: the open does not
 * follow a symlink swapped in since the listing, nor block on a FIFO.
 */
export class SafeFileStream extends Readable {
  private readonly file: string;
  private readonly onRead: (bytes: number) => void;
  private fd: number | null = null;
  /** Bytes still expected from the listing; reads are sized to it, so small files cost little. */
  private remaining: number;

  constructor(file: string, expectedSize: number, onRead: (bytes: number) => void = () => {}) {
    super({ highWaterMark: CHUNK });
    this.file = file;
    this.remaining = expectedSize;
    this.onRead = onRead;
  }

  override _read(): void {
    let fd = this.fd;
    if (fd === null) {
      try {
        fd = openRegular(this.file);
        this.fd = fd;
      } catch (error) {
        this.destroy(error as Error);
        return;
      }
    }
    const size = this.remaining > 0 ? Math.min(CHUNK, this.remaining + 1) : TAIL_CHUNK;
    const buffer = Buffer.allocUnsafe(size);
    fs.read(fd, buffer, 0, size, null, (error, read) => {
      if (error) {
        this.destroy(error);
        return;
      }
      this.remaining -= read;
      this.onRead(read);
      this.push(read === 0 ? null : buffer.subarray(0, read));
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.fd === null) {
      callback(error);
      return;
    }
    fs.close(this.fd, () => callback(error));
    this.fd = null;
  }
}
