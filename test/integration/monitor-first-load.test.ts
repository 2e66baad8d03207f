/**
 * The first read of a large database: every active run read and recorded, in chunks, without
 * the resources a live watch keeps for bursts of changes.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { MonitorHarness } from '../support/monitor-harness.ts';
import { OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { waitFor } from '../support/wait.ts';

const cleanup = cleanupAfterEach();

describe('the first read of a large database', () => {
  it('records every active run with no checkpoint worker, whose memory would stay', async () => {
    const file = path.join(tempDir(), 'orchestration.db');
    const orch = new OrchestrationDb(file);
    cleanup.push(() => orch.close());
    // Enough runs that their state.db rows and events fill more WAL than starts the worker.
    orch.db.exec(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8000)
      INSERT INTO runs (run_id, pipeline, status, created_at, started_at, updated_at)
      SELECT 'run-' || i, 'etl', 'running', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM n;
      INSERT INTO steps (run_id, step_id, name, position, status, updated_at)
      SELECT run_id, 'only', 'only', 0, 'running', updated_at FROM runs;
    `);
    const harness = new MonitorHarness(file);
    cleanup.push(() => harness.stop());
    harness.start();
    await waitFor(() => harness.diagnostics, 'the first read', 60_000);
    await harness.store.checkpointed();

    expect(harness.of('run_started')).toHaveLength(8000);
    expect(harness.store.workerCheckpoints).toBe(0);
  });
});
