import { createHash } from 'node:crypto';
import fs from 'node:fs';

/** Small records are gathered into writes of this size. */
const WRITE_BYTES = 1024 * 1024;

/**
 * The zip file being written, front to back, in large synchronous writes (this runs in the
 * archive worker, so they block nothing) and hashed as it goes. Created new, readable by its
 * owner alone: it holds the artifacts' contents.
 */
export class ZipOutput {
  readonly file: string;
  /** Bytes written so far, where the next record starts. */
  position = 0;
  private readonly fd: number;
  private readonly hash = createHash('sha256');
  private readonly staged = Buffer.allocUnsafeSlow(WRITE_BYTES);
  private stagedBytes = 0;
  private closed = false;

  constructor(file: string) {
    this.file = file;
    this.fd = fs.openSync(file, 'wx', 0o600);
  }

  write(data: Buffer): void {
    this.position += data.length;
    if (this.stagedBytes + data.length <= WRITE_BYTES) {
      data.copy(this.staged, this.stagedBytes);
      this.stagedBytes += data.length;
      return;
    }
    this.flush();
    if (data.length < WRITE_BYTES / 4) {
      data.copy(this.staged);
      this.stagedBytes = data.length;
    } else this.writeOut(data);
  }

  /** Writes what is staged, fsyncs and closes; the SHA-256 of everything written. */
  finish(): string {
    try {
      this.flush();
      fs.fsyncSync(this.fd);
    } finally {
      this.close();
    }
    return this.hash.digest('hex');
  }

  /** Closes, finished or not (an abandoned zip is removed by the caller). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }

  private flush(): void {
    if (this.stagedBytes === 0) return;
    this.writeOut(this.staged.subarray(0, this.stagedBytes));
    this.stagedBytes = 0;
  }

  private writeOut(data: Buffer): void {
    this.hash.update(data);
    for (let done = 0; done < data.length;) {
      done += fs.writeSync(this.fd, data, done, data.length - done);
    }
  }
}
