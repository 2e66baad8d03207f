import { describe, expect, it } from 'vitest';
import type { Patch, PushMessage, Snapshot } from '../../shared/api.ts';
import type { ActiveRunStatus } from '../../shared/run-status.ts';
import { encodeRuns, type RunTable } from '../../shared/run-table.ts';
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

/**
 * A main side whose snapshot replies the test releases, and whose pushes it sends; the rest of a
 * first-screen snapshot is answered from `rests`, when the test releases it.
 */
function fakeApi(first: Snapshot) {
  const listeners = new Set<(message: PushMessage) => void>();
  let next = first;
  const asked: ((value: Snapshot) => void)[] = [];
  const params: unknown[] = [];
  const rests = new Map<string, RunTable>();
  const restAsked: { cursor: string; resolve: (table: RunTable) => void; fail: () => void }[] = [];
  return {
    api: {
      snapshot: (p: unknown) => {
        params.push(p);
        return new Promise<Snapshot>((resolve) => asked.push(resolve));
      },
      snapshotRest: ({ cursor }: { cursor: string }) =>
        new Promise<RunTable>((resolve, reject) =>
          restAsked.push({
            cursor,
            resolve,
            fail: () => reject(new Error('that snapshot is gone')),
          }),
        ),
      subscribe(listener: (message: PushMessage) => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    params,
    rests,
    /** Answers the oldest request for a rest: with its table, or with a failure. */
    answerRest: async (ok = true) => {
      const request = restAsked.shift();
      if (!request) throw new Error('no rest was asked for');
      const table = rests.get(request.cursor);
      if (ok && table) request.resolve(table);
      else request.fail();
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
    get restsAsked() {
      return restAsked.length;
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

type FakeApi = ReturnType<typeof fakeApi>;

/** `first` is the first snapshot the main side answers, or what makes it (and its rest). */
function synced(first: Snapshot | ((main: FakeApi) => Snapshot), options: { first?: number } = {}) {
  const main = fakeApi(snapshot(0));
  main.willAnswer(typeof first === 'function' ? first(main) : first);
  const states: Snapshot[] = [];
  const errors: unknown[] = [];
  const sync = new SnapshotSync(
    main.api,
    { state: (s) => states.push(s), error: (e) => errors.push(e) },
    options,
  );
  sync.start();
  return { main, sync, states, errors, latest: () => states.at(-1) };
}

/** A first screen of `head` at `seq`, with `rest` to follow under `cursor`. */
function firstScreen(
  main: FakeApi,
  seq: number,
  head: ActiveRunStatus[],
  rest: ActiveRunStatus[],
  cursor = `rest-${seq}`,
): Snapshot {
  const at = '2026-01-01T00:10:00.000Z';
  main.rests.set(cursor, encodeRuns(rest, at));
  return {
    ...snapshot(seq, head),
    at,
    more: {
      cursor,
      runs: { active: rest.length, pending: 0, stalled: 0, overdue: 0, stuck: 0 },
    },
  };
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

describe('a snapshot in two parts', () => {
  const ids = (s: Snapshot | undefined) => s?.runs.map((r) => r.run_id);

  it('shows the first screen at once, then every run, and only then the patches held meanwhile', async () => {
    const head = [run('s', 'a'), run('s', 'b')];
    const rest = [run('s', 'c'), run('s', 'd')];
    const { main, states, latest } = synced((m) => firstScreen(m, 7, head, rest), { first: 2 });
    expect(main.params).toEqual([{ first: 2 }]);
    await main.answer();
    expect(ids(latest())).toEqual(['a', 'b']);
    expect(latest()?.more?.runs.active).toBe(2);

    main.push({ type: 'patch', patch: patch(8, [run('s', 'c', 2)]) });
    expect(states).toHaveLength(1);
    await main.answerRest();
    expect(ids(latest())).toEqual(['a', 'b', 'c', 'd']);
    expect(latest()?.more).toBeUndefined();
    expect(latest()?.seq).toBe(8);
    expect(latest()?.runs[2]?.steps_done).toBe(2);
  });

  it('asks afresh on the next patch when the rest could not be read', async () => {
    const { main, sync, errors, latest } = synced(
      (m) => firstScreen(m, 3, [run('s', 'a')], [run('s', 'b')]),
      { first: 1 },
    );
    await main.answer();
    await main.answerRest(false);
    expect(errors).toHaveLength(1);
    expect(ids(latest())).toEqual(['a']);

    main.willAnswer(snapshot(4, [run('s', 'a'), run('s', 'b')]));
    main.push({ type: 'patch', patch: patch(4, [run('s', 'b', 1)]) });
    expect(sync.resyncs).toBe(1);
    await main.answer();
    expect(ids(latest())).toEqual(['a', 'b']);
    expect(latest()?.more).toBeUndefined();
  });

  it('drops the rest of a snapshot that a newer one replaced', async () => {
    const { main, latest } = synced((m) => firstScreen(m, 3, [run('s', 'a')], [run('s', 'old')]), {
      first: 1,
    });
    await main.answer();
    main.push({ type: 'snapshot', snapshot: snapshot(6, [run('s', 'new')]) });
    await main.answerRest();
    expect(ids(latest())).toEqual(['new']);
    expect(latest()?.seq).toBe(6);
  });
  it('shows a preloaded first screen until its own snapshot comes, and never builds on it', async () => {
    const { main, sync, states, latest } = synced(snapshot(9, [run('s', 'a', 3), run('s', 'b')]));
    const preloaded = firstScreen(main, 5, [run('s', 'a', 1)], [run('s', 'b')]);
    sync.preview(preloaded);
    expect(ids(latest())).toEqual(['a']);
    expect(latest()?.more?.runs.active).toBe(1);

    // A patch waits for the API's own snapshot rather than going onto the preview.
    main.push({ type: 'patch', patch: patch(6, [run('s', 'a', 2)]) });
    expect(states).toHaveLength(1);
    await main.answer();
    expect(ids(latest())).toEqual(['a', 'b']);
    expect(latest()?.runs[0]?.steps_done).toBe(3);
    expect(latest()?.seq).toBe(9);
    expect(main.restsAsked).toBe(0);

    // One that comes after the API's snapshot is dropped.
    sync.preview(preloaded);
    expect(states).toHaveLength(2);
    expect(latest()?.seq).toBe(9);
  });
});
