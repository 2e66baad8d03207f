import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { MonitorHarness } from '../support/monitor-harness.ts';
import { isoNow, OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { writer } from '../support/processes.ts';
import { sleep, waitFor } from '../support/wait.ts';

const cleanup = cleanupAfterEach();

function setup(
  options: ConstructorParameters<typeof MonitorHarness>[1] = {},
  db?: { journal?: 'wal' | 'delete'; indexes?: boolean },
) {
  const dir = tempDir();
  const file = path.join(dir, 'orchestration.db');
  const orch = new OrchestrationDb(file, db);
  const harness = new MonitorHarness(file, options);
  cleanup.push(
    () => orch.close(),
    () => harness.stop(),
  );
  return { dir, file, orch, harness };
}

const steps = (...ids: string[]) => ids.map((stepId) => ({ stepId }));

describe('monitor on a database written by another connection', () => {
  it('reports a run started, a step failing and the run failing, in order', async () => {
    const { orch, harness } = setup();
    harness.start();
    await waitFor(() => harness.diagnostics, 'the first read');
    orch.insertRun({ runId: 'r1', steps: steps('extract', 'load', 'publish') });
    await harness.waitFor('run_started', 'r1');
    orch.setStep('r1', 'extract', { status: 'succeeded' });
    orch.setStep('r1', 'load', { status: 'failed' });
    await harness.waitFor('step_failed', 'r1');
    orch.finishRun('r1', 'failed');
    const done = await harness.waitFor('run_completed', 'r1');
    expect(done).toMatchObject({
      source: 'orch',
      pipeline: 'etl',
      attempt: 1,
      outcome: 'failed',
      steps_total: 3,
      steps_succeeded: 1,
      steps_failed: 1,
      steps_skipped: 1,
    });
    expect(harness.events.map((e) => e.type)).toEqual([
      'run_started',
      'step_failed',
      'run_completed',
    ]);
    expect(harness.events.map((e) => e.id)).toEqual(
      [...harness.events.map((e) => e.id)].sort((a, b) => a - b),
    );
  });

  it('reports a stall after stall_after, once, and the recovery on progress', async () => {
    const { orch, harness } = setup({ stallAfter: 400 });
    harness.start();
    orch.insertRun({ runId: 'slow', steps: steps('a', 'b') });
    orch.insertRun({ runId: 'queued', status: 'pending', steps: steps('a') });
    const stalled = await harness.waitFor('run_stalled', 'slow');
    expect(stalled).toMatchObject({ run_id: 'slow' });
    await sleep(600);
    expect(harness.of('run_stalled', 'slow')).toHaveLength(1);
    expect(harness.of('run_stalled', 'queued')).toHaveLength(0);
    orch.setStep('slow', 'a', { status: 'succeeded' });
    const recovered = await harness.waitFor('run_recovered', 'slow');
    expect((recovered as { stalled_for_s: number }).stalled_for_s).toBeGreaterThan(0.5);
    expect(harness.store.attention('orch')).toEqual([]);
  });

  it('keeps a stalled run in the needs-attention set until acknowledged', async () => {
    const { orch, harness } = setup({ stallAfter: 300 });
    harness.start();
    orch.insertRun({ runId: 'stuck', steps: steps('a') });
    await harness.waitFor('run_stalled', 'stuck');
    expect(harness.store.attention('orch')).toMatchObject([{ kind: 'stalled', run_id: 'stuck' }]);
    expect(harness.store.acknowledge({ run: 'stuck' }, Date.now())).toBe(1);
    expect(harness.store.attention('orch')).toEqual([]);
  });

  it('a pipeline with stall_after 3h in the config does not stall on the short global threshold', async () => {
    const { orch, harness } = setup({
      stallAfter: 300,
      config: { pipelines: [{ pattern: 'train-*', stallAfter: 3 * 3_600_000 }] },
    });
    harness.start();
    orch.insertRun({ runId: 'model', pipeline: 'train-big', steps: steps('fit') });
    orch.insertRun({ runId: 'etl', pipeline: 'etl', steps: steps('x') });
    await harness.waitFor('run_stalled', 'etl');
    await sleep(500);
    expect(harness.of('run_stalled', 'model')).toEqual([]);
  });

  it('reports a run retried in place as attempt 2', async () => {
    const { orch, harness } = setup();
    harness.start();
    orch.insertRun({ runId: 'again', steps: steps('a') });
    await harness.waitFor('run_started', 'again');
    orch.finishRun('again', 'failed', 'failed');
    await harness.waitFor('run_completed', 'again');
    orch.db.transaction(() => {
      orch.setRun('again', { status: 'running', finished_at: null });
      orch.setStep('again', 'a', { status: 'pending', finished_at: null });
    })();
    await waitFor(() => harness.of('run_started', 'again')[1], 'the second attempt');
    orch.finishRun('again', 'succeeded');
    await waitFor(() => harness.of('run_completed', 'again')[1], 'the second completion');
    expect(
      harness
        .of('run_completed', 'again')
        .map((e) => [e.type === 'run_completed' && e.outcome, 'attempt' in e && e.attempt]),
    ).toEqual([
      ['failed', 1],
      ['succeeded', 2],
    ]);
  });

  it('says when a run first seen while watching is recorded as stale, and lists it as stale', async () => {
    const { orch, harness } = setup();
    harness.start();
    await waitFor(() => harness.diagnostics, 'the first read');
    const epoch = '1970-01-01T00:00:00Z';
    orch.insertRun({
      runId: 'dated-1970',
      createdAt: epoch,
      startedAt: epoch,
      updatedAt: epoch,
      steps: [{ stepId: 'a', status: 'running', updatedAt: epoch }],
    });
    const line = await harness.waitForLog(/stale_after/);
    expect(line).toBe(
      'runwatch: first seen: 1 running run idle for longer than stale_after (1d) recorded as stale, no alerts: dated-1970',
    );
    expect(harness.monitor.runViews.get('dated-1970', Date.now())).toMatchObject({ stale: true });
    expect(harness.events).toEqual([]);
  });

  it('reports a deleted run at once, and one deleted amid other changes by the next sweep', async () => {
    const { orch, harness } = setup({ sweepEveryMs: 1_500 });
    harness.start();
    for (const runId of ['gone', 'hidden', 'busy']) orch.insertRun({ runId, steps: steps('a') });
    await harness.waitFor('run_started', 'busy');
    orch.deleteRun('gone');
    await harness.waitFor('run_removed', 'gone', 1_000);
    orch.db.transaction(() => {
      orch.deleteRun('hidden');
      orch.setStep('busy', 'a', { status: 'running' });
    })();
    await harness.waitFor('run_removed', 'hidden', 5_000);
    expect(harness.of('run_removed').map((e) => 'run_id' in e && e.run_id)).toEqual([
      'gone',
      'hidden',
    ]);
  });

  it('sees a step change committed by another process', async () => {
    const { file, orch, harness } = setup();
    harness.start();
    orch.insertRun({ runId: 'p1', steps: steps('a', 'b') });
    await harness.waitFor('run_started', 'p1');
    const child = writer(['set-step', file, 'p1', 'a', 'failed']);
    expect((await child.exited).code).toBe(0);
    await harness.waitFor('step_failed', 'p1');
  });

  it('names missing indexes at start, with the statement that adds each', async () => {
    const { harness } = setup({}, { indexes: false });
    harness.start();
    const diagnostics = await waitFor(() => harness.diagnostics, 'the first read');
    expect(diagnostics.missingIndexes.map((index) => index.statement)).toEqual([
      'CREATE INDEX runs_status ON runs(status);',
      'CREATE INDEX runs_updated ON runs(updated_at);',
      'CREATE INDEX steps_updated ON steps(updated_at);',
    ]);
  });

  it('without the indexes still sees new runs and updated steps', async () => {
    const { orch, harness } = setup({}, { indexes: false });
    orch.insertRun({ runId: 'before', steps: steps('a', 'b') });
    harness.start();
    await harness.waitFor('run_started', 'before');
    orch.setStep('before', 'a', { status: 'failed' });
    await harness.waitFor('step_failed', 'before');
    orch.insertRun({ runId: 'after', steps: steps('a') });
    await harness.waitFor('run_started', 'after');
    orch.finishRun('after', 'succeeded');
    await harness.waitFor('run_completed', 'after');
  });

  it('warns once when the database is not in WAL mode', async () => {
    const { orch, harness } = setup({}, { journal: 'delete' });
    harness.start();
    orch.insertRun({ runId: 'r', steps: steps('a') });
    await harness.waitFor('run_started', 'r');
    expect(harness.logs.filter((line) => line.includes("'delete' journal, not WAL"))).toHaveLength(
      1,
    );
  });
});

describe('a first start cut short', () => {
  it('is repeated on the next start, and runs added meanwhile are still reported', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'orchestration.db');
    const orch = new OrchestrationDb(file);
    cleanup.push(() => orch.close());
    orch.insertRun({ runId: 'old', status: 'succeeded', steps: steps('a') });
    for (let i = 0; i < 450; i++) orch.insertRun({ runId: `live-${i}`, steps: steps('a') });
    const dataDir = path.join(dir, 'data');
    const first = new MonitorHarness(file, { dataDir });
    let stopping: Promise<void> | null = null;
    const stopOnFirstEvent = setInterval(() => {
      if (first.events.length > 0) stopping ??= first.monitor.stop();
    }, 0);
    first.start();
    await waitFor(() => stopping, 'the first events');
    clearInterval(stopOnFirstEvent);
    await stopping;
    first.store.close();
    const reported = first.events.length;
    expect(reported).toBeGreaterThan(0);
    expect(reported).toBeLessThan(450);

    orch.finishRun('live-0', 'failed');
    orch.insertRun({ runId: 'added', steps: steps('a') });
    orch.finishRun('added', 'succeeded');
    const second = new MonitorHarness(file, { dataDir });
    cleanup.push(() => second.stop());
    second.start();
    await waitFor(() => second.diagnostics, 'the repeated first start');
    const completed = second.of('run_completed').map((e) => 'run_id' in e && e.run_id);
    expect(completed.sort()).toEqual(['added', 'live-0']);
    expect(second.of('run_started').length + reported).toBe(450);
  });
});

describe('a restart', () => {
  it('does not read the history it never recorded, even when it shares the newest timestamp', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'orchestration.db');
    const orch = new OrchestrationDb(file);
    cleanup.push(() => orch.close());
    // A bulk load: every row stamped with the same second.
    const stamp = isoNow(-60_000).replace('T', ' ').slice(0, 19);
    for (let i = 0; i < 300; i++) {
      orch.insertRun({
        runId: `history-${i}`,
        status: 'succeeded',
        updatedAt: stamp,
        steps: [{ stepId: 'a', status: 'succeeded', updatedAt: stamp }],
      });
    }
    const dataDir = path.join(dir, 'data');
    const first = new MonitorHarness(file, { dataDir }).start();
    await waitFor(() => first.diagnostics, 'the first start');
    await first.stop();

    const second = new MonitorHarness(file, { dataDir }).start();
    cleanup.push(() => second.stop());
    await waitFor(() => second.diagnostics, 'the restart');
    expect(second.events).toEqual([]);
    expect(second.store.getRun('history-0')).toBeNull();
  });
});

describe('a database that is missing, not SQLite, or incomplete', () => {
  it('is a condition: one message, source_down after the grace, source_up once it is usable', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'later.db');
    const harness = new MonitorHarness(file, { sourceGrace: 300 });
    cleanup.push(() => harness.stop());
    harness.start();
    const down = await harness.waitFor('source_down');
    expect(down).toMatchObject({
      source: 'orch',
      reason: `database not found: ${file} (waiting for it to appear)`,
    });
    expect(harness.logs.filter((line) => line.includes('database not found'))).toHaveLength(1);
    const orch = new OrchestrationDb(file);
    cleanup.push(() => orch.close());
    orch.insertRun({ runId: 'first', steps: steps('a') });
    await harness.waitFor('source_up');
    await harness.waitFor('run_started', 'first');
    expect(harness.events.map((e) => e.type)).toEqual(['source_down', 'source_up', 'run_started']);
  });

  it('reports runs that finished before its first read of a database created after it started', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'later.db');
    const harness = new MonitorHarness(file);
    cleanup.push(() => harness.stop());
    harness.start();
    await harness.waitForLog(/database not found/);
    const orch = new OrchestrationDb(file);
    cleanup.push(() => orch.close());
    orch.insertRun({
      runId: 'quick',
      status: 'succeeded',
      steps: [{ stepId: 'a', status: 'succeeded' }],
    });
    await harness.waitFor('run_completed', 'quick');
  });

  it('names a file that is not SQLite, and a missing column', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'orch.db');
    fs.writeFileSync(file, 'this is a text file, not a database '.repeat(200));
    const harness = new MonitorHarness(file, { sourceGrace: 200 });
    cleanup.push(() => harness.stop());
    harness.start();
    await harness.waitFor('source_down');
    expect(harness.logs).toContain(`runwatch: warning: not an SQLite database: ${file}`);
    fs.rmSync(file);
    const broken = new OrchestrationDb(file, {
      sql: `CREATE TABLE runs (run_id TEXT PRIMARY KEY, pipeline TEXT, status TEXT, created_at TEXT, started_at TEXT, updated_at TEXT, finished_at TEXT);
            CREATE TABLE steps (run_id TEXT, step_id TEXT, name TEXT, position INTEGER, status TEXT, started_at TEXT, updated_at TEXT, finished_at TEXT);`,
    });
    await harness.waitForLog(/table runs has no column artifacts_dir/);
    broken.db.exec('ALTER TABLE runs ADD COLUMN artifacts_dir TEXT');
    broken.insertRun({ runId: 'ok', steps: steps('a') });
    await harness.waitFor('run_started', 'ok');
    broken.close();
    expect(harness.of('source_down')).toHaveLength(1);
    expect(harness.of('source_up')).toHaveLength(1);
  });

  it('a database deleted and re-created within the grace causes no event at all', async () => {
    const { file, orch, harness } = setup({ sourceGrace: 5_000 });
    orch.insertRun({ runId: 'keep', steps: steps('a') });
    harness.start();
    await harness.waitFor('run_started', 'keep');
    const copy = `${file}.bak`;
    orch.db.exec(`VACUUM INTO '${copy}'`);
    orch.close();
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
    await harness.waitForLog(/database not found/);
    fs.renameSync(copy, file);
    await harness.waitForLog(/readable again/);
    await sleep(300);
    expect(harness.events.map((e) => e.type)).toEqual(['run_started']);
  });

  it('a rollback-journal database locked past the grace: one source_down, one source_up, no lost change', async () => {
    const { file, orch, harness } = setup({ sourceGrace: 700 }, { journal: 'delete' });
    orch.insertRun({ runId: 'locked', steps: steps('a', 'b') });
    orch.close();
    harness.start();
    await harness.waitFor('run_started', 'locked');
    const holder = writer(['hold-lock', file, '2500', 'locked', 'a', 'failed']);
    await waitFor(() => holder.stdout.includes('ready'), 'the writer to hold the lock');
    await harness.waitFor('source_down');
    expect((await holder.exited).code).toBe(0);
    await harness.waitFor('source_up');
    await harness.waitFor('step_failed', 'locked');
    expect(harness.events.map((e) => e.type)).toEqual([
      'run_started',
      'source_down',
      'source_up',
      'step_failed',
    ]);
  });

  it('a lock shorter than the grace causes no event at all', async () => {
    const { file, orch, harness } = setup({ sourceGrace: 5_000 }, { journal: 'delete' });
    orch.insertRun({ runId: 'brief', steps: steps('a') });
    orch.close();
    harness.start();
    await harness.waitFor('run_started', 'brief');
    const holder = writer(['hold-lock', file, '1500']);
    expect((await holder.exited).code).toBe(0);
    await sleep(300);
    expect(harness.events.map((e) => e.type)).toEqual(['run_started']);
    expect(harness.logs.some((line) => line.includes('locked'))).toBe(true);
  });
});

describe('timestamps', () => {
  it.each([
    [
      'space-separated, naive',
      (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19),
    ],
    [
      'ISO with offset',
      (ms: number) => new Date(ms + 2 * 3_600_000).toISOString().replace('Z', '+02:00'),
    ],
    ['Python isoformat', (ms: number) => `${new Date(ms).toISOString().slice(0, 23)}456`],
    ['epoch seconds', (ms: number) => Math.floor(ms / 1_000)],
    ['epoch milliseconds', (ms: number) => ms],
    ['epoch seconds as decimal', (ms: number) => Math.floor(ms / 1_000) + 0.5],
  ])(
    '%s: a run idle longer than stall_after stalls, a fresh one does not',
    async (_name, format) => {
      const { orch, harness } = setup({ stallAfter: 30 * 60_000 });
      const old = format(Date.now() - 40 * 60_000);
      const fresh = format(Date.now() - 10 * 60_000);
      orch.insertRun({
        runId: 'old',
        createdAt: old,
        startedAt: old,
        updatedAt: old,
        steps: [{ stepId: 'a', updatedAt: old }],
      });
      orch.insertRun({
        runId: 'fresh',
        createdAt: fresh,
        startedAt: fresh,
        updatedAt: fresh,
        steps: [{ stepId: 'a', updatedAt: fresh }],
      });
      harness.start();
      const stalled = await harness.waitFor('run_stalled', 'old');
      const idle = (stalled as { idle_s: number }).idle_s;
      expect(idle).toBeGreaterThanOrEqual(40 * 60 - 2);
      expect(idle).toBeLessThan(40 * 60 + 5);
      await harness.waitFor('run_started', 'fresh');
      expect(harness.of('run_stalled', 'fresh')).toEqual([]);
    },
  );
});

export { isoNow };
