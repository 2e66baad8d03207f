import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ParallelDeflate } from '../../electron/core/archive/parallel-deflate.ts';

function csv(lines: number): Buffer {
  let out = '';
  for (let i = 0; i < lines; i++)
    out += `${i},${(i * 7919) % 10007},${i % 3 === 0 ? 'train' : 'eval'}\n`;
  return Buffer.from(out);
}

/** Feeds `input` a megabyte at a time, as the zip writer reads a file, the rest last. */
async function deflate(input: Buffer, inFlight = 3): Promise<Buffer> {
  const deflater = new ParallelDeflate(6, inFlight);
  const out: Buffer[] = [];
  const block = 1024 * 1024;
  for (let at = 0; ; at += block) {
    const piece = input.subarray(at, at + block);
    const last = piece.length < block;
    out.push(...(await deflater.push(piece, last)));
    if (last) return Buffer.concat(out);
  }
}

describe('ParallelDeflate', () => {
  it('makes one ordinary deflate stream that inflates back to the input, block seams and all', async () => {
    const input = Buffer.concat([csv(200_000), randomBytes(1_500_000), csv(50_000)]);
    for (const inFlight of [1, 4]) {
      expect(zlib.inflateRawSync(await deflate(input, inFlight)).equals(input)).toBe(true);
    }
  });

  it('compresses as well as one stream, within a few bytes per megabyte', async () => {
    const input = csv(400_000);
    const out = await deflate(input);
    const single = zlib.deflateRawSync(input, { level: 6 });
    expect(out.length).toBeLessThan(single.length * 1.001);
    expect(input.length / out.length).toBeGreaterThan(3);
  });

  it('ends an empty input with a valid empty stream', async () => {
    expect(zlib.inflateRawSync(await deflate(Buffer.alloc(0))).length).toBe(0);
  });
});
