/**
 * `watch` and `serve` ask V8 for a small heap, but a V8 flag the user put on node's command line
 * stays as the user set it, whichever way and however spelt.
 */
import { describe, expect, it } from 'vitest';
import { smallHeapFlags } from '../../electron/core/small-heap.ts';

describe('smallHeapFlags', () => {
  it('sets every flag when node was started without them', () => {
    const all = ['--optimize-for-size', '--no-turbofan', '--memory-reducer-gc-count=1'];
    expect(smallHeapFlags([])).toEqual(all);
    expect(smallHeapFlags(['--enable-source-maps', '--max-old-space-size=512'])).toEqual(all);
  });

  it('leaves a flag the command line set, on or off, with dashes or underscores', () => {
    expect(smallHeapFlags(['--turbofan', '--memory_reducer_gc_count=2'])).toEqual([
      '--optimize-for-size',
    ]);
    expect(smallHeapFlags(['--no-optimize_for_size', '--turbofan'])).toEqual([
      '--memory-reducer-gc-count=1',
    ]);
    expect(
      smallHeapFlags(['--no-turbofan', '--optimize-for-size', '--memory-reducer-gc-count=3']),
    ).toEqual([]);
  });
});
