/**
 * `runwatch demo --schema NAME` writes each orchestrator's own tables as that tool does, and
 * `runwatch watch` on them reports what the plan makes happen: failures, a stall that recovers,
 * a run retried in place as a second attempt (in Dagster, a re-execution: a run of its own).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/orchestration-db.ts';
import { killedAfterEach, runwatch, type Child } from '../support/processes.ts';
import { waitFor } from '../support/wait.ts';

const track = killedAfterEach();

type Ev = Record<string, unknown>;
const byType = (child: Child, type: string) => child.events().filter((e: Ev) => e.type === type);

describe.each(['airflow', 'prefect', 'dagster', 'mlflow'] as const)('the %s demo', (schema) => {
  it('writes runs that watch reports start to finish, in that schema', async () => {
    const dir = tempDir(`runwatch-demo-${schema}-`);
    const file = path.join(dir, `${schema}.db`);
    const watcher = track(
      runwatch([
        'watch',
        '--json',
        '--poll',
        '50ms',
        '--stall-after',
        '1s',
        '--db',
        file,
        '--data-dir',
        path.join(dir, 'data'),
      ]),
    );
    const demo = track(
      runwatch(['demo', '--schema', schema, '--db', file, '--runs', '5', '--speed', '20']),
    );
    expect((await demo.exited).code).toBe(0);
    // Five runs, one of them failed and then retried: six attempts (Dagster: six runs) end.
    await waitFor(
      () => byType(watcher, 'run_completed').length === 6,
      'six attempts ended',
      30_000,
    );
    expect(watcher.stderr.join('\n')).toContain(`schema ok: ${schema} (recognised)`);
    const outcomes = byType(watcher, 'run_completed').map((e) => `${e.outcome}@${e.attempt}`);
    expect(outcomes).toContain('failed@1');
    if (schema === 'dagster') {
      expect(new Set(byType(watcher, 'run_completed').map((e) => e.run_id)).size).toBe(6);
    } else {
      expect(outcomes).toContain('succeeded@2');
    }
    expect(byType(watcher, 'run_stalled').length).toBeGreaterThanOrEqual(1);
    expect(byType(watcher, 'run_recovered').length).toBeGreaterThanOrEqual(1);
    if (schema !== 'mlflow') {
      expect(byType(watcher, 'step_failed').length).toBeGreaterThanOrEqual(1);
      expect(byType(watcher, 'run_completed').every((e) => Number(e.steps_total) > 0)).toBe(true);
    }
  });
});
