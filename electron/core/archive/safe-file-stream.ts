import fs from 'node:fs';
import { Readable } from 'node:stream';

const CHUNK = 256 * 1024;

/**
 * Reads one listed file, opened only when the zip reaches it (so 50,000 entries never hold
 * 50,000 descriptors). It refuses anything that is no longer a regular file: the open does not
 * follow a symlink swapped in since the listing, nor block on a FIFO.
 */
export class SafeFileStream extends Readable {
  private readonly file: string;
  private readonly onRead: (bytes: number) => void;
  private fd: number | null = null;

  constructor(file: string, onRead: (bytes: number) => void = () => {}) {
    super({ highWaterMark: CHUNK });
    this.file = file;
    this.onRead = onRead;
  }

  override _read(): void {
    let fd = this.fd;
    if (fd === null) {
      try {
        fd = fs.openSync(
          this.file,
          fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK,
        );
        this.fd = fd;
        if (!fs.fstatSync(fd).isFile()) {
          throw new Error(`${this.file} is no longer a regular file`);
        }
      } catch (error) {
        this.destroy(error as Error);
        return;
      }
    }
    const buffer = Buffer.allocUnsafe(CHUNK);
    fs.read(fd, buffer, 0, CHUNK, null, (error, read) => {
      if (error) {
        this.destroy(error);
        return;
      }
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
