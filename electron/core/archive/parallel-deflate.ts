import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';

/** Input deflated as one piece; big enough that the dictionary seam costs nothing measurable. */
const BLOCK_BYTES = 1024 * 1024;
/** Deflate's window: each block starts with the previous block's last 32 KB as its dictionary. */
const WINDOW_BYTES = 32 * 1024;
/** Blocks deflating at once on the thread pool; bounds memory to a few MB per entry. */
const IN_FLIGHT = 4;

function deflateBlock(block: Buffer, options: zlib.ZlibOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    zlib.deflateRaw(block, options, (error, out) => (error ? reject(error) : resolve(out))),
  );
}

/**
 * Deflates one stream on several cores, the way pigz does: the input is cut into 1 MB blocks,
 * each deflated on the thread pool with the previous block's last 32 KB as its dictionary and
 * ended by a sync flush (a byte boundary), so that the pieces, in order, form one ordinary
 * deflate stream — the same size within a few bytes per megabyte. Tracks the input's CRC-32
 * and sizes for the zip entry.
 */
export class ParallelDeflate extends Transform {
  crc = 0;
  size = 0;
  compressedSize = 0;
  private readonly level: number | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private previousTail: Buffer | null = null;
  private readonly queue: Promise<Buffer>[] = [];

  constructor(level?: number) {
    super();
    this.level = level;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.crc = zlib.crc32(chunk, this.crc);
    this.size += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.drainBlocks(false).then(() => done(), done);
  }

  override _flush(done: TransformCallback): void {
    this.drainBlocks(true).then(() => done(), done);
  }

  /** Starts a block for each full megabyte (and the rest at the end), emitting finished ones. */
  private async drainBlocks(final: boolean): Promise<void> {
    while (this.pendingBytes >= BLOCK_BYTES || final) {
      const all = Buffer.concat(this.pending, this.pendingBytes);
      const take = final ? all.length : BLOCK_BYTES;
      const block = all.subarray(0, take);
      const rest = all.subarray(take);
      this.pending = rest.length > 0 ? [rest] : [];
      this.pendingBytes = rest.length;
      const options: zlib.ZlibOptions = {
        finishFlush: final ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
        ...(this.level === undefined ? {} : { level: this.level }),
        ...(this.previousTail ? { dictionary: this.previousTail } : {}),
      };
      this.previousTail = Buffer.from(block.subarray(Math.max(0, block.length - WINDOW_BYTES)));
      const deflated = deflateBlock(block, options);
      // Awaited in order below; until then a failure must not count as unhandled.
      deflated.catch(() => {});
      this.queue.push(deflated);
      if (final) break;
      while (this.queue.length >= IN_FLIGHT) await this.emitNext();
    }
    if (final) while (this.queue.length > 0) await this.emitNext();
  }

  private async emitNext(): Promise<void> {
    const out = await (this.queue[0] as Promise<Buffer>);
    this.queue.shift();
    this.compressedSize += out.length;
    this.push(out);
  }
}
