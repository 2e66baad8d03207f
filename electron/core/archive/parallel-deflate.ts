import zlib from 'node:zlib';

/** Deflate's window: each block starts with the previous block's last 32 KB as its dictionary. */
const WINDOW_BYTES = 32 * 1024;

/**
 * Room for all of a block's deflated bytes in one output piece (zlib's deflateBound, with
 * margin): the default 16 KB pieces cost a round trip to the thread pool and a copy each.
 */
export function deflatedRoom(bytes: number): number {
  return bytes + (bytes >> 10) + 1024;
}

function deflateBlock(block: Buffer, options: zlib.ZlibOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    zlib.deflateRaw(block, options, (error, out) => (error ? reject(error) : resolve(out))),
  );
}

/**
 * Deflates one entry on several cores, the way pigz does: each block of the input (a megabyte,
 * say) is deflated on the thread pool with the previous block's last 32 KB as its dictionary
 * and ended by a sync flush (a byte boundary), so that the pieces, in order, form one ordinary
 * deflate stream — the same size within a few bytes per megabyte.
 */
export class ParallelDeflate {
  private readonly level: number;
  private readonly inFlight: number;
  private readonly queue: Promise<Buffer>[] = [];
  private previousTail: Buffer | null = null;

  /**
   * `inFlight`: blocks deflating at once on the thread pool, which bounds the cores and memory
   * used; with one, each block is deflated on the calling thread.
   */
  constructor(level: number, inFlight: number) {
    this.level = level;
    this.inFlight = Math.max(1, inFlight);
  }

  /**
   * Starts deflating the next block (`final` for the last, which may be empty; the block must
   * not change meanwhile), and gives back, in order, the deflated blocks to write now: once
   * `inFlight` are deflating, the oldest; after the last, all.
   */
  async push(block: Buffer, final: boolean): Promise<Buffer[]> {
    const options: zlib.ZlibOptions = {
      level: this.level,
      chunkSize: deflatedRoom(block.length),
      finishFlush: final ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
      ...(this.previousTail ? { dictionary: this.previousTail } : {}),
    };
    this.previousTail = Buffer.from(block.subarray(Math.max(0, block.length - WINDOW_BYTES)));
    // One core to spare: deflated right here, as one thread that never waits on another.
    if (this.inFlight === 1) return [zlib.deflateRawSync(block, options)];
    const deflated = deflateBlock(block, options);
    // Awaited in order below; until then a failure must not count as unhandled.
    deflated.catch(() => {});
    this.queue.push(deflated);
    const out: Buffer[] = [];
    while (this.queue.length >= (final ? 1 : this.inFlight)) {
      out.push(await (this.queue.shift() as Promise<Buffer>));
    }
    return out;
  }
}
