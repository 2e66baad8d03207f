import { describe, expect, it } from 'vitest';
import type { ActiveRunStatus } from '../../shared/run-status.ts';
import { listPipelines } from '../../renderer/src/views/pipelines-list.ts';

function active(source: string, pipeline: string, runId: string): ActiveRunStatus {
  return {
    source,
    pipeline,
    run_id: runId,
    attempt: 1,
    status: 'running',
    steps_done: 0,
    steps_total: 3,
    current_step: null,
    started_at: null,
    elapsed_s: null,
    last_progress_at: '2026-03-01T10:00:00.000Z',
    idle_s: 0,
    stalled_since: null,
    overdue_since: null,
    stale: false,
  };
}

describe('listPipelines', () => {
  it('lists each pipeline of each source once, from active and finished runs, sorted', () => {
    const list = listPipelines(
      [active('demo', 'train', 't1'), active('demo', 'etl', 'e3'), active('demo', 'etl', 'e4')],
      [
        { source: 'demo', pipeline: 'etl', finished_at: '2026-03-01T09:00:00.000Z' },
        { source: 'demo', pipeline: 'etl', finished_at: '2026-03-01T09:30:00.000Z' },
        { source: 'demo', pipeline: 'report', finished_at: null },
        { source: 'other', pipeline: 'etl', finished_at: '2026-03-01T08:00:00.000Z' },
      ],
    );
    expect(list).toEqual([
      { source: 'demo', pipeline: 'etl', active: 2, last_finished_at: '2026-03-01T09:30:00.000Z' },
      { source: 'other', pipeline: 'etl', active: 0, last_finished_at: '2026-03-01T08:00:00.000Z' },
      { source: 'demo', pipeline: 'report', active: 0, last_finished_at: null },
      { source: 'demo', pipeline: 'train', active: 1, last_finished_at: null },
    ]);
  });
});
