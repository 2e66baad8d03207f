import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunViewChanges } from '../../electron/core/monitor/run-views.ts';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { MonitorHarness } from '../support/monitor-harness.ts';
import { OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { waitFor } from '../support/wait.ts';

const cleanup = cleanupAfterEach();

function running(orch: OrchestrationDb, runId: string, pipeline = 'etl'): void {
  orch.insertRun({
    runId,
    pipeline,
    status: 'running',
    steps: [
      { stepId: `${runId}/extract`, name: 'extract', status: 'succeeded' },
      { stepId: `${runId}/transform`, name: 'transform', status: 'running' },
      { stepId: `${runId}/load`, name: 'load', status: 'pending' },
    ],
  });
}

describe('the active runs the UI lists', () => {
  it('holds every active run with its progress, then reports only the runs that change', async () => {
    const file = path.join(tempDir(), 'orchestration.db');
    const orch = new OrchestrationDb(file);
    cleanup.push(() => orch.close());
    for (let i = 1; i <= 5; i++) running(orch, `etl-${i}`);
    const harness = new MonitorHarness(file, { poll: 20 });
    cleanup.push(() => harness.stop());
    const changes: RunViewChanges[] = [];
    harness.monitor.runViews.onChange((change) => changes.push(change));
    harness.start();

    const all = await waitFor(() => {
      const views = harness.monitor.runViews.all(Date.now());
      return views.length === 5 ? views : null;
    }, 'five active runs');
    expect(all.find((view) => view.run_id === 'etl-3')).toMatchObject({
      source: 'orch',
      pipeline: 'etl',
      status: 'running',
      steps_done: 1,
      steps_total: 3,
      current_step: 'transform',
    });

    changes.length = 0;
    orch.setStep('etl-2', 'etl-2/transform', { status: 'succeeded' });
    orch.setStep('etl-2', 'etl-2/load', { status: 'running' });
    const progressed = await waitFor(
      () => changes.find((change) => change.upsert.some((view) => view.run_id === 'etl-2')),
      'etl-2 to move on',
    );
    expect(progressed.upsert.map((view) => view.run_id)).toEqual(['etl-2']);
    expect(progressed.upsert[0]).toMatchObject({ steps_done: 2, current_step: 'load' });

    changes.length = 0;
    orch.finishRun('etl-4', 'succeeded');
    const finished = await waitFor(
      () => changes.find((change) => change.remove.includes('etl-4')),
      'etl-4 to leave the list',
    );
    expect(finished.upsert).toEqual([]);
    expect(
      harness.monitor.runViews
        .all(Date.now())
        .map((view) => view.run_id)
        .sort(),
    ).toEqual(['etl-1', 'etl-2', 'etl-3', 'etl-5']);
  });
});
