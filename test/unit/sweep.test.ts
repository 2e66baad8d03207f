import { describe, expect, it } from 'vitest';
import { mayBeActive, Sweep } from '../../electron/core/monitor/sweep.ts';
import type { ScannedRun } from '../../electron/core/source/sqlite-source.ts';

const run = (rowid: number, status: string): ScannedRun => ({
  rowid,
  runId: `r${rowid}`,
  status,
  updatedAt: null,
});

/** Pages of the run list, counting how many were read. */
function pages(...list: ScannedRun[][]) {
  let read = 0;
  const iterator = (function* () {
    for (const page of list) {
      read++;
      yield page;
    }
  })();
  return { iterator, read: () => read };
}

describe('Sweep', () => {
  it('lists the runs a page a step, then reads them a chunk a step, so no step is long', () => {
    const list = pages(
      [run(1, 'running'), run(2, 'succeeded'), run(3, 'pending')],
      [run(4, 'failed'), run(5, 'Running '), run(6, 'cancelled')],
    );
    const sweep = new Sweep(list.iterator, ['r2', 'gone'], 6, 2);
    expect(sweep.step()).toEqual([]);
    expect(list.read()).toBe(1);
    expect(sweep.step()).toEqual([]);
    expect(list.read()).toBe(2);
    // tracked runs first (a finished or deleted one must be read to be let go), then the list's
    expect(sweep.step()).toEqual(['r2', 'gone']);
    expect(sweep.step()).toEqual(['r1', 'r3']);
    expect(sweep.step()).toEqual(['r5']);
    expect(sweep.step()).toBeNull();
  });

  it('counts a run as maybe active when not finished, added after the rowid given, or asked for all', () => {
    expect(mayBeActive(run(1, 'running'), 10)).toBe(true);
    expect(mayBeActive(run(1, 'weird'), 10)).toBe(true);
    expect(mayBeActive(run(1, 'SUCCEEDED'), 10)).toBe(false);
    expect(mayBeActive(run(11, 'succeeded'), 10)).toBe(true);
    expect(mayBeActive(run(11, 'succeeded'), null)).toBe(false);
    expect(mayBeActive(run(1, 'failed'), 10, true)).toBe(true);
  });
});
