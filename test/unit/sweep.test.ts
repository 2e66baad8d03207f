import { describe, expect, it } from 'vitest';
import { mayBeActive, Sweep, SweepSchedule } from '../../electron/core/monitor/sweep.ts';
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
  it('lists the runs a page a step, then reads them a chunk a step, so no step is long', async () => {
    const list = pages(
      [run(1, 'running'), run(2, 'succeeded'), run(3, 'pending')],
      [run(4, 'failed'), run(5, 'Running '), run(6, 'cancelled')],
    );
    const sweep = new Sweep({ [Symbol.iterator]: () => list.iterator }, ['r2', 'gone'], 6, 2);
    expect(await sweep.step()).toEqual([]);
    expect(list.read()).toBe(1);
    expect(await sweep.step()).toEqual([]);
    expect(list.read()).toBe(2);
    // tracked runs first (a finished or deleted one must be read to be let go), then the list's
    expect(await sweep.step()).toEqual(['r2', 'gone']);
    expect(await sweep.step()).toEqual(['r1', 'r3']);
    expect(await sweep.step()).toEqual(['r5']);
    expect(await sweep.step()).toBeNull();
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

describe('SweepSchedule', () => {
  /** A schedule on a fake clock whose sweeps read one chunk, taking `costMs` each. */
  function schedule(costMs: number) {
    let now = 0;
    let elapsed = 0;
    const swept: number[] = [];
    const sweeps = new SweepSchedule({
      everyMs: 60_000,
      share: 0.001,
      now: () => now,
      elapsed: () => elapsed,
      begin: () => new Sweep([[run(1, 'running')]], [], null, 10),
    });
    const poll = async (at: number) => {
      now = at;
      await sweeps.step(async () => {
        elapsed += costMs;
        swept.push(at);
      });
    };
    return { sweeps, swept, poll };
  }

  it('sweeps a minute after the last one while anything changes, and never while idle', async () => {
    const { sweeps, swept, poll } = schedule(5);
    sweeps.restart(20);
    sweeps.changed();
    for (let at = 0; at <= 200_000; at += 1_000) await poll(at);
    // Due at 60 s: listed at that poll, read at the next; nothing changed after, so no second.
    expect(swept).toEqual([61_000]);
    sweeps.changed();
    for (let at = 201_000; at <= 260_000; at += 1_000) await poll(at);
    expect(swept).toEqual([61_000, 202_000]);
  });

  it('spaces sweeps that take long so they stay under their share of a core', async () => {
    const { sweeps, swept, poll } = schedule(1_200);
    // A complete read of 3 s: the first sweep waits the most, 20 minutes, not a minute.
    sweeps.restart(3_000);
    for (let at = 0; at <= 5_000_000; at += 10_000) {
      sweeps.changed();
      await poll(at);
    }
    expect(swept[0]).toBe(1_210_000);
    // Then 1.2 s a sweep: the next begins 1,200 s after the first began.
    expect(swept[1]).toBe(2_410_000);
    expect(swept[2]).toBe(3_610_000);
    expect(swept).toHaveLength(4);
  });
});
