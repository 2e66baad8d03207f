import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isoNow, OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { killedAfterEach, runwatch, type Child } from '../support/processes.ts';
import { sleep, waitFor } from '../support/wait.ts';

const track = killedAfterEach();
const dbs: OrchestrationDb[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

function setup(options: { journal?: 'wal' | 'delete' } = {}) {
  const dir = tempDir();
  const file = path.join(dir, 'orchestration.db');
  const orch = new OrchestrationDb(file, options);
  dbs.push(orch);
  return {
    dir,
    file,
    orch,
    dataDir: path.join(dir, 'data'),
    env: { XDG_CONFIG_HOME: path.join(dir, 'home') },
  };
}

function watch(args: string[], env: NodeJS.ProcessEnv): Child {
  return track(runwatch(['watch', '--json', '--poll', '50ms', ...args], env));
}

type Ev = Record<string, unknown>;
const byType = (child: Child, type: string) => child.events().filter((e: Ev) => e.type === type);
const ready = (child: Child) =>
  waitFor(() => child.stderr.some((line) => line.includes('schema ok')), 'the first read');

describe('runwatch watch across crashes and restarts', () => {
  it('reports each run that finished while it was killed exactly once, and nothing twice', async () => {
    const { file, orch, dataDir, env } = setup();
    for (const runId of ['r1', 'r2', 'r3', 'r4', 'r5']) {
      orch.insertRun({ runId, steps: [{ stepId: 'a', status: 'running' }, { stepId: 'b' }] });
    }
    const first = watch(['--db', file, '--data-dir', dataDir], env);
    await waitFor(() => byType(first, 'run_started').length === 5, 'five runs started');
    first.kill('SIGKILL');
    await first.exited;

    orch.finishRun('r1', 'succeeded');
    orch.finishRun('r2', 'failed');
    orch.finishRun('r3', 'cancelled');
    orch.insertRun({ runId: 'r6', steps: [{ stepId: 'a' }] });
    orch.finishRun('r6', 'succeeded');
    orch.deleteRun('r5');

    const second = watch(['--db', file, '--data-dir', dataDir], env);
    await waitFor(
      () =>
        byType(second, 'run_completed').length === 4 && byType(second, 'run_removed').length === 1,
      'the catch-up',
    );
    await sleep(500);
    const completed = byType(second, 'run_completed').map((e) => [e.run_id, e.outcome]);
    expect(completed.sort()).toEqual([
      ['r1', 'succeeded'],
      ['r2', 'failed'],
      ['r3', 'cancelled'],
      ['r6', 'succeeded'],
    ]);
    expect(byType(second, 'run_removed').map((e) => e.run_id)).toEqual(['r5']);
    expect(byType(second, 'run_started')).toEqual([]);
    second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    const third = watch(['--db', file, '--data-dir', dataDir], env);
    await ready(third);
    orch.setStep('r4', 'a', { status: 'succeeded' });
    await waitFor(
      () => third.stdout.length > 0 || undefined,
      'r4 progress to be read',
      2_000,
    ).catch(() => undefined);
    await sleep(300);
    expect(third.events()).toEqual([]);
    third.kill('SIGTERM');
    expect((await third.exited).code).toBe(0);
  });

  it('refuses a second watch on the same data dir, naming the first one’s pid', async () => {
    const { file, dataDir, env } = setup();
    const first = watch(['--db', file, '--data-dir', dataDir], env);
    await ready(first);
    const second = runwatch(['watch', '--db', file, '--data-dir', dataDir], env);
    const exit = await second.exited;
    expect(exit.code).toBe(1);
    expect(second.stderr.join('\n')).toContain(
      `in use by another Runwatch process (pid ${first.process.pid})`,
    );
  });

  it('records history silently on a first start, and reports it with --backfill', async () => {
    const { file, orch, dir, env } = setup();
    orch.insertRun({
      runId: 'old-ok',
      status: 'succeeded',
      finishedAt: isoNow(-3_600_000),
      steps: [{ stepId: 'a', status: 'succeeded' }],
    });
    orch.insertRun({
      runId: 'old-bad',
      status: 'failed',
      finishedAt: isoNow(-3_600_000),
      steps: [{ stepId: 'a', status: 'failed' }],
    });
    orch.insertRun({ runId: 'live', steps: [{ stepId: 'a', status: 'running' }] });
    const silent = runwatch(
      ['watch', '--json', '--once', '--db', file, '--data-dir', path.join(dir, 'silent')],
      env,
    );
    expect((await silent.exited).code).toBe(0);
    expect(silent.events().map((e) => [e.type, e.run_id])).toEqual([['run_started', 'live']]);
    const backfill = runwatch(
      [
        'watch',
        '--json',
        '--once',
        '--backfill',
        '--db',
        file,
        '--data-dir',
        path.join(dir, 'backfill'),
      ],
      env,
    );
    expect((await backfill.exited).code).toBe(0);
    expect(
      backfill
        .events()
        .map((e) => [e.type, e.run_id])
        .sort(),
    ).toEqual([
      ['report_written', 'old-bad'],
      ['report_written', 'old-ok'],
      ['run_completed', 'old-bad'],
      ['run_completed', 'old-ok'],
      ['run_started', 'live'],
    ]);
  });

  it('records runs idle past stale_after as stale, without a stall, and says which', async () => {
    const { file, orch, dataDir, env } = setup();
    for (const [runId, at] of [
      ['zombie', isoNow(-2 * 86_400_000)],
      ['epoch', '1970-01-01T00:00:00Z'],
    ] as const) {
      orch.insertRun({
        runId,
        createdAt: at,
        startedAt: at,
        updatedAt: at,
        steps: [{ stepId: 'a', status: 'running' }],
      });
    }
    orch.insertRun({ runId: 'fresh', steps: [{ stepId: 'a', status: 'running' }] });
    const once = runwatch(['watch', '--json', '--once', '--db', file, '--data-dir', dataDir], env);
    expect((await once.exited).code).toBe(0);
    expect(once.events().map((e) => [e.type, e.run_id])).toEqual([['run_started', 'fresh']]);
    expect(once.stderr.filter((line) => line.includes('recorded as stale'))).toEqual([
      'runwatch: first start: 2 running runs idle for longer than stale_after (1d) recorded as stale, no alerts: zombie, epoch',
    ]);
    const status = runwatch(['status', '--json', '--db', file, '--data-dir', dataDir], env);
    expect((await status.exited).code).toBe(0);
    const report = JSON.parse(status.stdout.join('\n')) as {
      runs: { run_id: string; stale: boolean; stalled_since: string | null }[];
    };
    expect(report.runs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ run_id: 'zombie', stale: true, stalled_since: null }),
        expect.objectContaining({ run_id: 'epoch', stale: true, stalled_since: null }),
        expect.objectContaining({ run_id: 'fresh', stale: false }),
      ]),
    );
  });

  it.each(['Asia/Tokyo', 'America/Los_Angeles'])(
    'judges stalls the same under TZ=%s',
    async (tz) => {
      const { file, orch, dataDir, env } = setup();
      const at = (ms: number) => new Date(ms);
      const formats: Record<string, (d: Date) => unknown> = {
        space: (d) => d.toISOString().replace('T', ' ').slice(0, 19),
        offset: (d) => new Date(d.getTime() + 2 * 3_600_000).toISOString().replace('Z', '+02:00'),
        python: (d) => `${d.toISOString().slice(0, 23)}456`,
        seconds: (d) => Math.floor(d.getTime() / 1_000),
        millis: (d) => d.getTime(),
        decimal: (d) => Math.floor(d.getTime() / 1_000) + 0.5,
      };
      for (const [name, format] of Object.entries(formats)) {
        for (const [age, minutes] of [
          ['old', 40],
          ['new', 10],
        ] as const) {
          const t = format(at(Date.now() - minutes * 60_000));
          orch.insertRun({
            runId: `${name}-${age}`,
            createdAt: t,
            startedAt: t,
            updatedAt: t,
            steps: [{ stepId: 'a', status: 'running', updatedAt: t }],
          });
        }
      }
      const once = runwatch(
        ['watch', '--json', '--once', '--stall-after', '30m', '--db', file, '--data-dir', dataDir],
        { ...env, TZ: tz },
      );
      expect((await once.exited).code).toBe(0);
      const stalled = once.events().filter((e) => e.type === 'run_stalled');
      expect(stalled.map((e) => e.run_id).sort()).toEqual(
        Object.keys(formats)
          .map((name) => `${name}-old`)
          .sort(),
      );
      for (const event of stalled) {
        expect(event.idle_s as number).toBeGreaterThanOrEqual(40 * 60 - 2);
        expect(event.idle_s as number).toBeLessThan(40 * 60 + 10);
      }
    },
  );

  it('works when started before the demo pipeline creates its database', async () => {
    const { dir, env } = setup();
    const file = path.join(dir, 'later', 'demo.db');
    const watcher = watch(['--db', file, '--data-dir', path.join(dir, 'd')], env);
    await waitFor(
      () => watcher.stderr.some((line) => line.includes('database not found')),
      'the missing-file message',
    );
    const demo = runwatch(['demo', '--db', file, '--runs', '3', '--speed', '20'], env);
    track(demo);
    expect((await demo.exited).code).toBe(0);
    await waitFor(() => byType(watcher, 'run_completed').length === 3, 'three runs completed');
    expect(byType(watcher, 'source_down')).toEqual([]);
  });
});

describe('runwatch watch on bad input', () => {
  it('--once on a missing file exits 1 naming it', async () => {
    const { dir, env } = setup();
    const missing = path.join(dir, 'nope.db');
    const once = runwatch(
      ['watch', '--once', '--db', missing, '--data-dir', path.join(dir, 'd')],
      env,
    );
    expect((await once.exited).code).toBe(1);
    expect(once.stderr.join('\n')).toContain(`database not found: ${missing}`);
  });

  it('a malformed duration is a usage error (exit 2)', async () => {
    const { file, env } = setup();
    const bad = runwatch(['watch', '--db', file, '--poll', '100'], env);
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr.join('\n')).toContain('expected a duration with a unit');
    const none = runwatch(['watch'], env);
    expect((await none.exited).code).toBe(2);
  });

  it('a broken config exits 1 with file:line:col for every problem', async () => {
    const { dir, file, env } = setup();
    const config = path.join(dir, 'alerts.yaml');
    fs.writeFileSync(config, 'monitor:\n  stall_aftr: 10m\n  source_grace: soon\n');
    const bad = runwatch(['watch', '--db', file, '--config', config], env);
    expect((await bad.exited).code).toBe(1);
    const out = bad.stderr.join('\n');
    expect(out).toContain(
      `${config}:2:3: unknown key monitor.stall_aftr (did you mean stall_after?)`,
    );
    expect(out).toMatch(
      new RegExp(
        `${config.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3:17: monitor.source_grace: expected a duration`,
      ),
    );
  });
});

describe('runwatch status and ack', () => {
  it('lists stalled and active runs, and what needs attention until acknowledged', async () => {
    const { file, orch, dataDir, env } = setup();
    orch.insertRun({
      runId: 'stuck',
      pipeline: 'etl',
      steps: [{ stepId: 'extract', status: 'running' }, { stepId: 'load' }],
    });
    orch.insertRun({
      runId: 'fine',
      pipeline: 'report',
      steps: [{ stepId: 'render', status: 'running' }],
    });
    const watcher = watch(['--db', file, '--data-dir', dataDir, '--stall-after', '1s'], env);
    await waitFor(() => byType(watcher, 'run_stalled').length >= 1, 'a stall');
    orch.insertRun({ runId: 'broken', pipeline: 'nightly', steps: [{ stepId: 'a' }] });
    orch.finishRun('broken', 'failed');
    await waitFor(() => byType(watcher, 'run_completed').length === 1, 'the failure');

    const status = runwatch(['status', '--json', '--db', file, '--data-dir', dataDir], env);
    expect((await status.exited).code).toBe(0);
    const report = JSON.parse(status.stdout.join('\n')) as {
      watched_by: number;
      runs: {
        run_id: string;
        current_step: string;
        steps_total: number;
        stalled_since: string | null;
      }[];
      attention: { kind: string; run_id: string }[];
    };
    expect(report.watched_by).toBe(watcher.process.pid);
    expect(report.runs.find((run) => run.run_id === 'stuck')).toMatchObject({
      current_step: 'extract',
      steps_total: 2,
    });
    expect(report.runs[0]?.stalled_since).not.toBeNull();
    expect(report.attention.map((item) => [item.kind, item.run_id]).sort()).toContainEqual([
      'failed',
      'broken',
    ]);

    const table = runwatch(['status', '--db', file, '--data-dir', dataDir], env);
    await table.exited;
    const text = table.stdout.join('\n');
    expect(text).toMatch(
      /PIPELINE\s+RUN\s+ATTEMPT\s+STATUS\s+STEPS\s+CURRENT\s+ELAPSED\s+IDLE\s+STATE/,
    );
    expect(text).toMatch(/stuck\s+1\s+running\s+0\/2\s+extract.*STALLED/);
    expect(text).toContain('needs attention');

    const ack = runwatch(['ack', '--db', file, '--data-dir', dataDir, '--all'], env);
    expect((await ack.exited).code).toBe(0);
    expect(ack.stdout.join('\n')).toMatch(/acknowledged \d+ items? for everything/);
    const after = runwatch(['status', '--json', '--db', file, '--data-dir', dataDir], env);
    await after.exited;
    expect((JSON.parse(after.stdout.join('\n')) as { attention: unknown[] }).attention).toEqual([]);
  });

  it('ack needs exactly one target, and state to act on', async () => {
    const { file, dir, env } = setup();
    const both = runwatch(['ack', '--db', file, '--all', '--run', 'x'], env);
    expect((await both.exited).code).toBe(2);
    const nothing = runwatch(
      ['ack', '--db', file, '--data-dir', path.join(dir, 'empty'), '--all'],
      env,
    );
    expect((await nothing.exited).code).toBe(1);
    expect(nothing.stderr.join('\n')).toContain('start `runwatch watch');
  });
});
