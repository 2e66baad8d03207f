import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../../shared/events.ts';
import { detect, nextDeadline, type Transition } from '../../electron/core/monitor/run-detector.ts';
import type { TrackedRun } from '../../electron/core/model/tracked-run.ts';
import { context, iso, observed, T0 } from '../support/runs.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

const types = (t: Transition) => t.events.map((e) => e.type);
const only = <T extends EventDraft['type']>(t: Transition, type: T) =>
  t.events.find((e) => e.type === type) as Extract<EventDraft, { type: T }>;

const STEPS = [{ stepId: 'a' }, { stepId: 'b' }];

/** The same read of r1 again: no progress. */
const unchanged = () => observed('r1', { steps: STEPS });

/** Tracks a new running run seen at `at` with the given steps. */
function started(at = T0, steps = STEPS): TrackedRun {
  const t = detect(null, observed('r1', { updatedAt: iso(at), steps }), context(at));
  expect(types(t)).toEqual(['run_started']);
  return t.run as TrackedRun;
}

describe('a run finishes', () => {
  it('when its own status becomes terminal, matched case-insensitively', () => {
    const run = started();
    const t = detect(
      run,
      observed('r1', {
        status: ' FAILED',
        finishedAt: iso(T0 + 90_000),
        updatedAt: iso(T0 + 90_000),
        steps: [
          { stepId: 'a', status: 'succeeded' },
          { stepId: 'b', status: 'failed' },
        ],
      }),
      context(T0 + 91_000),
    );
    const done = only(t, 'run_completed');
    expect(done).toMatchObject({
      outcome: 'failed',
      duration_s: 90,
      steps_total: 2,
      steps_succeeded: 1,
      steps_failed: 1,
      run_id: 'r1',
      attempt: 1,
      occurred_at: iso(T0 + 90_000),
    });
    expect(done.late).toBeUndefined();
    expect(t.run?.phase).toBe('finished');
  });

  it.each([
    [['succeeded', 'failed'], 'failed'],
    [['succeeded', 'cancelled'], 'cancelled'],
    [['succeeded', 'skipped'], 'succeeded'],
    [['failed', 'cancelled'], 'failed'],
  ])(
    'when every step is final (%j → %s), even with the run still "running"',
    (statuses, outcome) => {
      const run = started();
      const t = detect(
        run,
        observed('r1', {
          steps: statuses.map((status, i) => ({
            stepId: String(i),
            status,
            updatedAt: iso(T0 + 5_000),
          })),
        }),
        context(T0 + 6_000),
      );
      expect(only(t, 'run_completed').outcome).toBe(outcome);
    },
  );

  it('not while a step is still pending, nor with no steps at all', () => {
    const run = started();
    const partial = detect(
      run,
      observed('r1', {
        steps: [
          { stepId: 'a', status: 'succeeded' },
          { stepId: 'b', status: 'pending' },
        ],
      }),
      context(T0 + 1_000),
    );
    expect(types(partial)).toEqual([]);
    const empty = detect(null, observed('r2', { steps: [] }), context(T0));
    expect(types(empty)).toEqual(['run_started']);
  });

  it('on steps alone only after `settle`, for sources whose steps appear lazily', () => {
    const run = started();
    const done = observed('r1', {
      steps: [
        { stepId: 'a', status: 'succeeded' },
        { stepId: 'b', status: 'succeeded' },
      ],
    });
    const settle = { ...context(T0 + 1_000), settle: 10_000 };
    const first = detect(run, done, settle);
    expect(types(first)).toEqual([]);
    expect(nextDeadline(first.run as TrackedRun, settle)).toBe(T0 + 11_000);
    const later = detect(first.run, done, { ...context(T0 + 11_000), settle: 10_000 });
    expect(types(later)).toEqual(['run_completed']);
  });
});

describe('attempts', () => {
  function finishedFailed(): TrackedRun {
    const run = started();
    const t = detect(
      run,
      observed('r1', {
        status: 'failed',
        steps: [
          { stepId: 'a', status: 'succeeded' },
          { stepId: 'b', status: 'failed' },
        ],
      }),
      context(T0 + 10_000),
    );
    return t.run as TrackedRun;
  }

  it('a failed run set running again in place is attempt 2, and finishes as attempt 2', () => {
    const failed = finishedFailed();
    const retry = detect(
      failed,
      observed('r1', {
        status: 'running',
        updatedAt: iso(T0 + 20_000),
        steps: [
          { stepId: 'a', status: 'pending' },
          { stepId: 'b', status: 'pending' },
        ],
      }),
      context(T0 + 20_000),
    );
    expect(types(retry)).toEqual(['run_started']);
    expect(retry.events[0]).toMatchObject({ attempt: 2, status: 'running' });
    expect(retry.resetAck).toBe(true);
    const done = detect(
      retry.run,
      observed('r1', {
        status: 'succeeded',
        steps: [
          { stepId: 'a', status: 'succeeded' },
          { stepId: 'b', status: 'succeeded' },
        ],
      }),
      context(T0 + 30_000),
    );
    expect(only(done, 'run_completed')).toMatchObject({ attempt: 2, outcome: 'succeeded' });
  });

  it('a step that fails again in the retry is reported again, a leftover failure is not', () => {
    const failed = finishedFailed();
    const step = (stepId: string, status: string, at = T0) => ({
      stepId,
      status,
      updatedAt: iso(at),
    });
    const leftover = detect(
      failed,
      observed('r1', {
        status: 'running',
        steps: [step('a', 'succeeded'), step('b', 'failed'), step('c', 'pending')],
      }),
      context(T0 + 20_000),
    );
    expect(types(leftover)).toEqual(['run_started']);
    const reset = detect(
      leftover.run,
      observed('r1', {
        status: 'running',
        steps: [step('a', 'succeeded'), step('b', 'running', T0 + 21_000), step('c', 'pending')],
      }),
      context(T0 + 21_000),
    );
    expect(types(reset)).toEqual([]);
    const again = detect(
      reset.run,
      observed('r1', {
        status: 'running',
        steps: [step('a', 'succeeded'), step('b', 'failed', T0 + 22_000), step('c', 'pending')],
      }),
      context(T0 + 22_000),
    );
    expect(types(again)).toEqual(['step_failed']);
    expect(again.events[0]).toMatchObject({ step_id: 'b', attempt: 2 });
  });

  it('a retry is not finished by the steps left over from the previous attempt', () => {
    const failed = finishedFailed();
    const leftover = [
      { stepId: 'a', status: 'succeeded' },
      { stepId: 'b', status: 'failed' },
    ];
    const retry = detect(
      failed,
      observed('r1', { status: 'running', steps: leftover }),
      context(T0 + 20_000),
    );
    expect(types(retry)).toEqual(['run_started']);
    const still = detect(
      retry.run,
      observed('r1', { status: 'running', steps: leftover }),
      context(T0 + 21_000),
    );
    expect(types(still)).toEqual([]);
    const redone = detect(
      retry.run,
      observed('r1', {
        status: 'running',
        steps: [
          { stepId: 'a', status: 'succeeded', updatedAt: iso(T0 + 25_000) },
          { stepId: 'b', status: 'succeeded', updatedAt: iso(T0 + 25_000) },
        ],
      }),
      context(T0 + 26_000),
    );
    expect(only(redone, 'run_completed')).toMatchObject({ attempt: 2, outcome: 'succeeded' });
  });

  it('a run finished on its steps becomes active again when a step is reset', () => {
    const run = started();
    const finished = detect(
      run,
      observed('r1', {
        steps: [
          { stepId: 'a', status: 'succeeded' },
          { stepId: 'b', status: 'succeeded' },
        ],
      }),
      context(T0 + 5_000),
    );
    expect(finished.run?.phase).toBe('finished');
    const again = detect(
      finished.run,
      observed('r1', {
        steps: [
          { stepId: 'a', status: 'succeeded' },
          { stepId: 'b', status: 'running', updatedAt: iso(T0 + 9_000) },
        ],
      }),
      context(T0 + 9_000),
    );
    expect(again.events[0]).toMatchObject({ type: 'run_started', attempt: 2 });
  });

  describe('a finished run read again while still finished', () => {
    const failedAt = T0 + 10_000;
    /** r1 failed at `failedAt` after starting at T0; `fields` change that read. */
    const read = (fields: Parameters<typeof observed>[1] = {}) =>
      observed('r1', {
        status: 'failed',
        startedAt: iso(T0),
        finishedAt: iso(failedAt),
        updatedAt: iso(failedAt),
        steps: [
          { stepId: 'a', status: 'succeeded', startedAt: iso(T0) },
          { stepId: 'b', status: 'failed', startedAt: iso(T0 + 5_000) },
        ],
        ...fields,
      });
    function recorded(): TrackedRun {
      const t = detect(started(), read(), context(failedAt + 1_000));
      expect(types(t)).toEqual(['run_completed']);
      return t.run as TrackedRun;
    }

    it('that started and finished again meanwhile is its next attempt: run_completed alone', () => {
      const retried = read({
        status: 'succeeded',
        startedAt: iso(T0 + 60_000),
        finishedAt: iso(T0 + 90_000),
        updatedAt: iso(T0 + 90_000),
        steps: [
          { stepId: 'a', status: 'succeeded', startedAt: iso(T0 + 60_000) },
          { stepId: 'b', status: 'succeeded', startedAt: iso(T0 + 70_000) },
        ],
      });
      const t = detect(recorded(), retried, context(T0 + 10 * HOUR, { live: false }));
      expect(types(t)).toEqual(['run_completed']);
      expect(only(t, 'run_completed')).toMatchObject({
        attempt: 2,
        outcome: 'succeeded',
        duration_s: 30,
        occurred_at: iso(T0 + 90_000),
        late: true,
      });
      expect(t.resetAck).toBe(true);
      expect(t.run).toMatchObject({ phase: 'finished', attempt: 2, outcome: 'succeeded' });
      expect(types(detect(t.run, retried, context(T0 + 11 * HOUR)))).toEqual([]);
    });

    it('that only had a new finish time written, later, also ran again', () => {
      const t = detect(
        recorded(),
        read({ finishedAt: iso(T0 + 60_000), updatedAt: iso(T0 + 60_000) }),
        context(T0 + 61_000),
      );
      expect(only(t, 'run_completed')).toMatchObject({ attempt: 2, outcome: 'failed' });
    });

    it.each([
      ['a touched row', read({ updatedAt: iso(T0 + 60_000) })],
      [
        'steps settled after the status',
        read({
          updatedAt: iso(T0 + 20_000),
          steps: [
            { stepId: 'a', status: 'succeeded', startedAt: iso(T0) },
            { stepId: 'b', status: 'failed', startedAt: iso(T0 + 5_000) },
            { stepId: 'c', status: 'skipped', updatedAt: iso(T0 + 20_000) },
          ],
        }),
      ],
    ])('that shows %s is the same finish', (_name, later) => {
      const t = detect(recorded(), later, context(T0 + 61_000));
      expect(types(t)).toEqual([]);
      expect(t.run?.attempt).toBe(1);
    });

    it('that had its finish time written after its status is the same finish', () => {
      const noFinish = detect(started(), read({ finishedAt: null }), context(failedAt + 1_000));
      expect(types(noFinish)).toEqual(['run_completed']);
      const t = detect(
        noFinish.run,
        read({ finishedAt: iso(T0 + 12_000), updatedAt: iso(T0 + 12_000) }),
        context(T0 + 13_000),
      );
      expect(types(t)).toEqual([]);
    });

    it('recorded before finishes were marked: the first read is recorded as its finish', () => {
      const legacy = { ...recorded(), finishMark: null };
      const first = detect(legacy, read({ updatedAt: iso(T0 + 20_000) }), context(T0 + 21_000));
      expect(types(first)).toEqual([]);
      expect(first.persist).toBe(true);
      expect(first.run?.finishMark).not.toBeNull();
    });
  });

  it('a run that vanished and comes back counts as a further attempt', () => {
    const run = started();
    const removed = detect(run, null, context(T0 + 1_000));
    expect(types(removed)).toEqual(['run_removed']);
    const back = detect(removed.run, observed('r1'), context(T0 + 2_000));
    expect(back.events[0]).toMatchObject({ type: 'run_started', attempt: 2 });
  });
});

describe('a run seen for the first time', () => {
  it('already finished gives run_completed alone', () => {
    const t = detect(
      null,
      observed('r9', { status: 'succeeded', finishedAt: iso(T0 + 60_000) }),
      context(T0 + 61_000),
    );
    expect(types(t)).toEqual(['run_completed']);
  });

  it('is recorded silently when finished on a first start without --backfill', () => {
    const t = detect(null, observed('r9', { status: 'succeeded' }), context(T0 + 1_000), {
      priorAttempts: 0,
      silentIfFinished: true,
      historical: false,
    });
    expect(t.events).toEqual([]);
    expect(t.run).toMatchObject({ phase: 'finished', outcome: 'succeeded', attempt: 1 });
    expect(t.persist).toBe(true);
  });

  it('from history and active again is a second attempt', () => {
    const t = detect(null, observed('old'), context(T0 + 1_000), {
      priorAttempts: 0,
      silentIfFinished: true,
      historical: true,
    });
    expect(t.events[0]).toMatchObject({ type: 'run_started', attempt: 2 });
  });

  it('running but idle past stale_after is recorded as stale: no events, never a stall', () => {
    const now = T0 + 2 * 24 * HOUR;
    const t = detect(null, observed('zombie'), context(now));
    expect(t.events).toEqual([]);
    expect(t.run?.stale).toBe(true);
    expect(nextDeadline(t.run as TrackedRun, context(now))).toBeNull();
    const later = detect(t.run, observed('zombie'), context(now + 10 * HOUR));
    expect(later.events).toEqual([]);
    const moving = detect(
      t.run,
      observed('zombie', { updatedAt: iso(now + 11 * HOUR) }),
      context(now + 11 * HOUR),
    );
    expect(moving.run?.stale).toBe(false);
  });

  it('with a step already failed reports step_failed once', () => {
    const steps = [
      { stepId: 'a', status: 'failed', name: 'extract' },
      { stepId: 'b', status: 'running' },
    ];
    const t = detect(null, observed('r1', { steps }), context(T0 + 1_000));
    expect(types(t)).toEqual(['run_started', 'step_failed']);
    expect(only(t, 'step_failed')).toMatchObject({ step_id: 'a', step_name: 'extract' });
    const again = detect(
      t.run,
      observed('r1', { steps, updatedAt: iso(T0 + 2_000) }),
      context(T0 + 2_000),
    );
    expect(types(again)).toEqual([]);
  });
});

describe('stalls', () => {
  it('a running run idle for stall_after stalls once, with its idle time', () => {
    const run = started();
    const early = detect(run, unchanged(), context(T0 + 29 * MIN));
    expect(types(early)).toEqual([]);
    const t = detect(run, unchanged(), context(T0 + 31 * MIN));
    expect(only(t, 'run_stalled')).toMatchObject({
      idle_s: 31 * 60,
      last_progress_at: iso(T0),
      occurred_at: iso(T0 + 30 * MIN),
    });
    expect(t.resetAck).toBe(true);
    expect(t.stalls).toEqual([
      { runId: 'r1', attempt: 1, startedAt: T0 + 30 * MIN, endedAt: null, progressAt: T0 },
    ]);
    const again = detect(t.run, unchanged(), context(T0 + 50 * MIN));
    expect(types(again)).toEqual([]);
  });

  it('never for a pending run', () => {
    const t = detect(null, observed('r1', { status: 'pending' }), context(T0));
    const later = detect(t.run, observed('r1', { status: 'pending' }), context(T0 + 5 * HOUR));
    expect(types(later)).toEqual([]);
    expect(nextDeadline(later.run as TrackedRun, context(T0))).toBeNull();
  });

  it('ends on progress with run_recovered, and a later stall is reported again', () => {
    const stalled = detect(started(), unchanged(), context(T0 + 31 * MIN)).run;
    const progress = observed('r1', {
      steps: [{ stepId: 'a', status: 'running', updatedAt: iso(T0 + 40 * MIN) }],
    });
    const recovered = detect(stalled, progress, context(T0 + 40 * MIN));
    expect(only(recovered, 'run_recovered').stalled_for_s).toBe(10 * 60);
    expect(recovered.stalls[0]).toMatchObject({ endedAt: T0 + 40 * MIN });
    const again = detect(recovered.run, progress, context(T0 + 71 * MIN));
    expect(types(again)).toEqual(['run_stalled']);
  });

  it('ends on finish without a recovery, and on removal', () => {
    const stalled = detect(started(), unchanged(), context(T0 + 31 * MIN)).run;
    const finished = detect(
      stalled,
      observed('r1', { status: 'succeeded' }),
      context(T0 + 35 * MIN),
    );
    expect(types(finished)).toEqual(['run_completed']);
    expect(finished.stalls[0]).toMatchObject({ endedAt: T0 + 35 * MIN });
    const removed = detect(stalled, null, context(T0 + 36 * MIN));
    expect(types(removed)).toEqual(['run_removed']);
    expect(removed.stalls[0]).toMatchObject({ endedAt: T0 + 36 * MIN });
  });

  it('a pipeline with stall_after 3h is not stalled after 30 min, whatever the global flag says', () => {
    const config = { pipelines: [{ pattern: 'train-*', stallAfter: 3 * HOUR }] };
    const first = detect(
      null,
      observed('t1', { pipeline: 'train-big' }),
      context(T0, { config, stallAfter: 20_000 }),
    );
    const later = detect(
      first.run,
      observed('t1', { pipeline: 'train-big' }),
      context(T0 + 31 * MIN, { config, stallAfter: 20_000 }),
    );
    expect(types(later)).toEqual([]);
    const much = detect(
      first.run,
      observed('t1', { pipeline: 'train-big' }),
      context(T0 + 3 * HOUR, { config }),
    );
    expect(types(much)).toEqual(['run_stalled']);
  });

  it('progress seen live counts from when it was seen, not from an odd row timestamp', () => {
    const run = started();
    const odd = observed('r1', {
      steps: [{ stepId: 'a', status: 'running', updatedAt: '1999-01-01 00:00:00' }],
    });
    const seen = detect(run, odd, context(T0 + 20 * MIN));
    expect(seen.run?.lastProgressAt).toBe(T0 + 20 * MIN);
    expect(types(detect(seen.run, odd, context(T0 + 45 * MIN)))).toEqual([]);
  });

  it('progress not seen live counts from the database time, corrected by the writer clock offset', () => {
    // The writer stores naive Tokyo time (UTC+9): read as UTC its rows are 9 h in the future.
    const tokyo = (ms: number) =>
      iso(ms + 9 * HOUR)
        .replace('Z', '')
        .replace('T', ' ');
    const row = observed('r1', { startedAt: tokyo(T0), updatedAt: tokyo(T0) });
    const corrected = detect(null, row, context(T0 + 35 * MIN, { live: false, offset: -9 * HOUR }));
    expect(types(corrected)).toEqual(['run_started', 'run_stalled']);
    expect(only(corrected, 'run_stalled').idle_s).toBe(35 * 60);
    // Without the offset the future time is clamped to now: not stalled, never early.
    const clamped = detect(null, row, context(T0 + 35 * MIN, { live: false }));
    expect(types(clamped)).toEqual(['run_started']);
  });
});

describe('overdue and late', () => {
  const config = { pipelines: [{ pattern: 'etl', maxDuration: HOUR }] };

  it('a run running longer than max_duration is overdue once', () => {
    const run = detect(
      null,
      observed('r1', { updatedAt: iso(T0 + 50 * MIN) }),
      context(T0 + 50 * MIN, { config }),
    ).run;
    expect(nextDeadline(run as TrackedRun, context(T0, { config }))).toBe(T0 + HOUR);
    const busy = observed('r1', { updatedAt: iso(T0 + 61 * MIN) });
    const t = detect(run, busy, context(T0 + 61 * MIN, { config }));
    expect(only(t, 'run_overdue')).toMatchObject({
      running_for_s: 61 * 60,
      occurred_at: iso(T0 + HOUR),
    });
    expect(types(detect(t.run, busy, context(T0 + 62 * MIN, { config })))).toEqual([]);
  });

  it('events older than max_alert_age are marked late', () => {
    const old = detect(
      null,
      observed('r1', { status: 'failed', finishedAt: iso(T0) }),
      context(T0 + 7 * HOUR),
    );
    expect(only(old, 'run_completed').late).toBe(true);
    const recent = detect(
      null,
      observed('r2', { status: 'failed', finishedAt: iso(T0) }),
      context(T0 + HOUR),
    );
    expect(only(recent, 'run_completed').late).toBeUndefined();
  });
});

describe('step failures', () => {
  it('are reported once each, and not for a run that finished in the same read', () => {
    const run = started();
    const one = detect(
      run,
      observed('r1', {
        steps: [
          { stepId: 'a', status: 'failed' },
          { stepId: 'b', status: 'running' },
        ],
      }),
      context(T0 + 1_000),
    );
    expect(types(one)).toEqual(['step_failed']);
    const finished = detect(
      run,
      observed('r1', {
        status: 'failed',
        steps: [
          { stepId: 'a', status: 'failed' },
          { stepId: 'b', status: 'skipped' },
        ],
      }),
      context(T0 + 2_000),
    );
    expect(types(finished)).toEqual(['run_completed']);
  });
});

describe('removal', () => {
  it('of an active run gives run_removed and ends its deadlines', () => {
    const t = detect(started(), null, context(T0 + 1_000));
    expect(types(t)).toEqual(['run_removed']);
    expect(nextDeadline(t.run as TrackedRun, context(T0))).toBeNull();
  });

  it('of a finished run is nothing to report', () => {
    const finished = detect(
      started(),
      observed('r1', { status: 'succeeded' }),
      context(T0 + 1_000),
    ).run;
    expect(detect(finished, null, context(T0 + 2_000)).events).toEqual([]);
  });
});
