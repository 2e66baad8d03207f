import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ParallelDeflate } from '../../electron/core/archive/parallel-deflate.ts';

function csv(lines: number): Buffer {
  let out = '';
  for (let i = 0; i < lines; i++)
    out += `${i},${(i * 7919) % 10007},${i % 3 === 0 ? 'train' : 'eval'}\n`;
  return Buffer.from(out);
}

/** Feeds `input` in uneven pieces, as a file stream would. */
async function deflate(
  input: Buffer,
  level = 6,
): Promise<{ out: Buffer; stream: ParallelDeflate }> {
  const pieces: Buffer[] = [];
  for (let i = 0, n = 1; i < input.length; i += n, n = (n * 7 + 13_001) % 300_000) {
    pieces.push(input.subarray(i, i + n));
  }
  const stream = new ParallelDeflate(level);
  const out = await buffer(Readable.from(pieces).pipe(stream));
  return { out, stream };
}

describe('ParallelDeflate', () => {
  it('makes one ordinary deflate stream that inflates back to the input, block seams and all', async () => {
    const input = Buffer.concat([csv(200_000), randomBytes(1_500_000), csv(50_000)]);
    const { out, stream } = await deflate(input);
    expect(zlib.inflateRawSync(out).equals(input)).toBe(true);
    expect(stream.crc).toBe(zlib.crc32(input));
    expect(stream.size).toBe(input.length);
    expect(stream.compressedSize).toBe(out.length);
  });

  it('compresses as well as one stream, within a few bytes per megabyte', async () => {
    const input = csv(400_000);
    const { out } = await deflate(input);
    const single = zlib.deflateRawSync(input, { level: 6 });
    expect(out.length).toBeLessThan(single.length * 1.001);
    expect(input.length / out.length).toBeGreaterThan(3);
  });

  it('ends an empty input with a valid empty stream', async () => {
    const { out, stream } = await deflate(Buffer.alloc(0));
    expect(zlib.inflateRawSync(out).length).toBe(0);
    expect(stream.crc).toBe(0);
  });
});
