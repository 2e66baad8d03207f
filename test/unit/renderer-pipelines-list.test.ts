import { describe, expect, it } from 'vitest';
import type { ActiveRunStatus } from '../../shared/run-status.ts';
import { listPipelines } from '../../renderer/src/views/pipelines-list.ts';
import { activeRun } from '../support/active-run.ts';

function active(source: string, pipeline: string, runId: string): ActiveRunStatus {
  return activeRun(runId, { source, pipeline });
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
