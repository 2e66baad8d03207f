import { describe, expect, it } from 'vitest';
import type { Patch, PushMessage, Snapshot } from '../../shared/api.ts';
import type { ActiveRunStatus } from '../../shared/run-status.ts';
import { applyPatch } from '../../renderer/src/state/apply-patch.ts';
import { SnapshotSync } from '../../renderer/src/state/snapshot-sync.ts';
import { activeRun } from '../support/active-run.ts';

function run(source: string, runId: string, stepsDone = 0): ActiveRunStatus {
  return activeRun(runId, { source, steps_done: stepsDone });
}

function snapshot(seq: number, runs: ActiveRunStatus[] = []): Snapshot {
  return {
    seq,
    at: '2026-01-01T00:00:00.000Z',
    transport: 'serve',
    sources: [],
    runs,
    attention: [],
    alerts: {},
    notifications_paused_until: null,
  };
}

function patch(seq: number, upsert: ActiveRunStatus[] = []): Patch {
  return { seq, at: `2026-01-01T00:00:0${seq % 10}.000Z`, runs: { upsert, remove: [] } };
}

/** A main side whose snapshot replies the test releases, and whose pushes it sends. */
function fakeApi(first: Snapshot) {
  const listeners = new Set<(message: PushMessage) => void>();
  let next = first;
  const asked: ((value: Snapshot) => void)[] = [];
  return {
    api: {
      snapshot: () => new Promise<Snapshot>((resolve) => asked.push(resolve)),
      subscribe(listener: (message: PushMessage) => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    push: (message: PushMessage) => listeners.forEach((listener) => listener(message)),
    willAnswer: (value: Snapshot) => (next = value),
    answer: async () => {
      const resolve = asked.shift();
      if (!resolve) throw new Error('no snapshot was asked for');
      resolve(next);
      await Promise.resolve();
    },
    get asked() {
      return asked.length;
    },
  };
}

function synced(first: Snapshot) {
  const main = fakeApi(first);
  const states: Snapshot[] = [];
  const sync = new SnapshotSync(main.api, { state: (s) => states.push(s), error: () => {} });
  sync.start();
  return { main, sync, latest: () => states.at(-1) };
}

describe('applying a patch', () => {
  it('replaces changed runs in place, adds new ones, removes gone ones, and keeps the rest', () => {
    const a = run('s', 'a');
    const b = run('s', 'b');
    const sameIdOtherSource = run('t', 'a');
    const before = snapshot(4, [a, b, sameIdOtherSource]);
    const after = applyPatch(before, {
      seq: 5,
      at: '2026-01-01T00:00:05.000Z',
      runs: { upsert: [run('s', 'a', 2), run('s', 'c')], remove: [{ source: 't', run_id: 'a' }] },
      notifications_paused_until: null,
    });
    expect(after.runs.map((r) => [r.source, r.run_id, r.steps_done])).toEqual([
      ['s', 'a', 2],
      ['s', 'b', 0],
      ['s', 'c', 0],
    ]);
    expect(after.runs[1]).toBe(b);
    expect(after.seq).toBe(5);
    expect(before.runs).toEqual([a, b, sameIdOtherSource]);
  });
});

describe('keeping a snapshot in sync', () => {
  it('applies patches in order and ignores those its snapshot already holds', async () => {
    const { main, latest } = synced(snapshot(3));
    main.push({ type: 'patch', patch: patch(3, [run('s', 'old')]) });
    main.push({ type: 'patch', patch: patch(4, [run('s', 'a')]) });
    await main.answer();
    expect(latest()?.seq).toBe(4);
    expect(latest()?.runs.map((r) => r.run_id)).toEqual(['a']);
    main.push({ type: 'patch', patch: patch(4, [run('s', 'again')]) });
    main.push({ type: 'patch', patch: patch(5, [run('s', 'b')]) });
    expect(latest()?.runs.map((r) => r.run_id)).toEqual(['a', 'b']);
  });

  it('asks for a fresh snapshot when a patch was missed, and holds patches meanwhile', async () => {
    const { main, sync, latest } = synced(snapshot(1));
    await main.answer();
    main.push({ type: 'patch', patch: patch(3, [run('s', 'x')]) });
    expect(sync.resyncs).toBe(1);
    expect(main.asked).toBe(1);
    expect(latest()?.seq).toBe(1);

    main.push({ type: 'patch', patch: patch(5, [run('s', 'after')]) });
    main.willAnswer(snapshot(4, [run('s', 'x'), run('s', 'y')]));
    await main.answer();
    expect(latest()?.seq).toBe(5);
    expect(latest()?.runs.map((r) => r.run_id)).toEqual(['x', 'y', 'after']);
    expect(main.asked).toBe(0);
  });

  it('takes a pushed snapshot as the new state', async () => {
    const { main, latest } = synced(snapshot(1));
    await main.answer();
    main.push({ type: 'snapshot', snapshot: snapshot(9, [run('s', 'z')]) });
    main.push({ type: 'patch', patch: patch(10, [run('s', 'z', 3)]) });
    expect(latest()?.runs.map((r) => r.steps_done)).toEqual([3]);
  });
});
