import { describe, expect, it } from 'vitest';
import type { RunwatchEvent } from '../../shared/events.ts';
import {
  eventDetail,
  eventTime,
  eventTitle,
  eventTone,
} from '../../renderer/src/views/run-detail-events.ts';

const base = {
  id: 1,
  source: 'demo',
  at: '2026-03-01T10:00:05.000Z',
  run_id: 'etl-daily-0002',
  pipeline: 'etl-daily',
  attempt: 1,
  occurred_at: '2026-03-01T10:00:00.000Z',
};

describe('run events in words', () => {
  it('describes a completed run with its duration and step counts', () => {
    const event: RunwatchEvent = {
      ...base,
      type: 'run_completed',
      outcome: 'failed',
      duration_s: 190,
      steps_total: 5,
      steps_succeeded: 3,
      steps_failed: 1,
      steps_skipped: 1,
      steps_cancelled: 0,
    };
    expect(eventTitle(event)).toBe('Run failed');
    expect(eventTone(event)).toBe('failed');
    expect(eventDetail(event)).toBe('after 3m 10s; 3/5 steps succeeded, 1 failed, 1 skipped');
  });

  it('names the failed step, the stall and the archive', () => {
    expect(
      eventDetail({ ...base, type: 'step_failed', step_id: 'load', step_name: 'Load rows' }),
    ).toBe('Load rows (load)');
    expect(eventDetail({ ...base, type: 'step_failed', step_id: 'load', step_name: 'load' })).toBe(
      'load',
    );
    const stalled: RunwatchEvent = {
      ...base,
      type: 'run_stalled',
      idle_s: 25,
      last_progress_at: base.at,
    };
    expect(eventTitle(stalled)).toBe('Stalled');
    expect(eventTone(stalled)).toBe('stalled');
    expect(eventDetail(stalled)).toBe('no progress for 25s');
    expect(
      eventDetail({
        ...base,
        type: 'run_archived',
        path: '/d/archive/x.zip',
        bytes: 2048,
        files: 1,
        sha256: 'f'.repeat(64),
      }),
    ).toBe('1 file, 2.00 KB unzipped → /d/archive/x.zip');
  });

  it('says which attempt started, and dates an event by when it happened', () => {
    const retry: RunwatchEvent = { ...base, attempt: 2, type: 'run_started', status: 'running' };
    expect(eventTitle(retry)).toBe('Attempt 2 started');
    expect(eventTime(retry)).toBe(base.occurred_at);
    expect(
      eventTime({ id: 2, source: 'demo', at: base.at, type: 'source_up', reason: 'readable' }),
    ).toBe(base.at);
  });
});
