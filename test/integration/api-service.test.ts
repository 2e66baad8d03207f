import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECRET_KEPT, type Patch, type PushMessage, type Results } from '../../shared/api.ts';
import { decodeRuns } from '../../shared/run-table.ts';
import { defaultSettings } from '../../shared/settings.ts';
import { ApiService } from '../../electron/core/api/api-service.ts';
import { parseConfig } from '../../electron/core/alerts/config-file.ts';
import { silentLogger } from '../../electron/core/log.ts';
import { resolveMonitorSettings } from '../../electron/core/monitor/monitor-settings.ts';
import { SourceSession } from '../../electron/core/session/source-session.ts';
import { plainCipher } from '../../electron/core/settings/secret-cipher.ts';
import { SettingsStore } from '../../electron/core/settings/settings-store.ts';
import { systemClock } from '../../electron/core/time/clock.ts';
import { FAILED_RUN_TO_DESKTOP, FakeDesktop } from '../support/alert-harness.ts';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { HookServer } from '../support/hook-server.ts';
import { isoNow, OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { waitFor, waitForAsync } from '../support/wait.ts';

const cleanup = cleanupAfterEach();

function running(orch: OrchestrationDb, runId: string, pipeline: string): void {
  orch.insertRun({
    runId,
    pipeline,
    status: 'running',
    steps: [
      { stepId: `${runId}/a`, name: 'a', status: 'running' },
      { stepId: `${runId}/b`, name: 'b', status: 'pending' },
    ],
  });
}

/** Two real sources, each watched by its own session, served by one API. */
function setup(transport: 'ipc' | 'serve' = 'ipc') {
  const dir = tempDir();
  const shown: string[] = [];
  const opened: string[] = [];
  const sources = ['orch', 'ml'].map((name) => {
    const db = path.join(dir, `${name}.db`);
    const orch = new OrchestrationDb(db);
    cleanup.push(() => orch.close());
    const config = parseConfig(FAILED_RUN_TO_DESKTOP, path.join(dir, 'alerts.yaml'), { env: {} });
    const session = SourceSession.open({
      name,
      dbPath: db,
      dataDir: path.join(dir, 'data', name),
      config,
      reload: null,
      settings: resolveMonitorSettings({ flags: { poll: 20 } }),
      channels: { desktop: new FakeDesktop() },
      log: silentLogger,
    });
    session.start();
    cleanup.push(() => session.stop());
    return { name, db, orch, session, demo: false };
  });
  const api = new ApiService({
    sources,
    transport,
    files: {
      openFolder:
        transport === 'ipc'
          ? (folder) => {
              opened.push(folder);
              return Promise.resolve(true);
            }
          : null,
      showFile: (file) => {
        shown.push(file);
        return Promise.resolve({ shown: true });
      },
    },
    channels: { desktop: new FakeDesktop() },
    clock: systemClock,
    log: silentLogger,
    patchEveryMs: 20,
  });
  cleanup.push(() => api.close());
  const pushed: PushMessage[] = [];
  api.subscribe((message) => pushed.push(message));
  const [orch, ml] = sources as [(typeof sources)[0], (typeof sources)[0]];
  return { api, orch, ml, pushed, shown, opened, dataDir: path.join(dir, 'data') };
}

async function call<K extends keyof Results>(
  api: ApiService,
  name: K,
  params: unknown = {},
): Promise<Results[K]> {
  const reply = await api.handle({ name, params });
  if (!reply.ok) throw new Error(`${name}: ${reply.error.message}`);
  return reply.result as Results[K];
}

const patches = (pushed: PushMessage[]): Patch[] =>
  pushed.flatMap((message) => (message.type === 'patch' ? [message.patch] : []));

describe('the API over real sources', () => {
  it('gives one snapshot of every source, then numbered patches with only what changed', async () => {
    const { api, orch, ml, pushed } = setup();
    running(orch.orch, 'etl-1', 'etl');
    running(orch.orch, 'etl-2', 'etl');
    running(ml.orch, 'train-1', 'train');

    const snapshot = await waitForAsync(async () => {
      const current = await call(api, 'snapshot');
      return current.runs.length === 3 && current.sources.every((s) => s.state === 'up')
        ? current
        : null;
    }, 'both sources up with three runs');
    expect(snapshot.transport).toBe('ipc');
    expect(snapshot.sources.map((source) => source.name)).toEqual(['orch', 'ml']);
    expect(snapshot.runs.map((run) => `${run.source}/${run.run_id}`).sort()).toEqual([
      'ml/train-1',
      'orch/etl-1',
      'orch/etl-2',
    ]);

    pushed.length = 0;
    orch.orch.setStep('etl-2', 'etl-2/a', { status: 'succeeded' });
    const moved = await waitFor(
      () => patches(pushed).find((patch) => patch.runs?.upsert.some((r) => r.run_id === 'etl-2')),
      'a patch for etl-2',
    );
    expect(moved.seq).toBeGreaterThan(snapshot.seq);
    expect(moved.runs?.upsert.map((run) => run.run_id)).toEqual(['etl-2']);
    expect(moved.runs?.upsert[0]).toMatchObject({ steps_done: 1, current_step: 'b' });

    ml.orch.finishRun('train-1', 'failed');
    const failed = await waitFor(
      () => patches(pushed).find((patch) => patch.runs?.remove.some((r) => r.run_id === 'train-1')),
      'train-1 to leave the active runs',
    );
    const withAttention = await waitFor(
      () =>
        patches(pushed).find((patch) =>
          patch.attention?.some((item) => item.run_id === 'train-1' && item.kind === 'failed'),
        ),
      'the failure to need attention',
    );
    expect(withAttention.seq).toBeGreaterThanOrEqual(failed.seq);
    // The failure fired the run-failed rule: the UI hears of it once, as a new alert.
    const alert = await waitFor(
      () => pushed.find((message) => message.type === 'alert'),
      'the new alert',
    );
    expect(alert).toEqual({
      type: 'alert',
      source: 'ml',
      severity: 'critical',
      title: expect.stringMatching(/^train run train-1 failed/),
      run_id: 'train-1',
    });
    // Its delivery names the run, so the Alerts view can link to it.
    const delivered = await waitForAsync(async () => {
      const page = await call(api, 'alertHistory', { source: 'ml' });
      return page.items.find((item) => item.state === 'sent') ?? null;
    }, 'the failure delivered');
    expect(delivered).toMatchObject({ run_id: 'train-1', pipeline: 'train', attempt: 1 });
    const seqs = patches(pushed).map((patch) => patch.seq);
    expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] as number) + i));

    expect(pushed.filter((message) => message.type === 'alert')).toHaveLength(1);

    const acked = await call(api, 'acknowledge', { source: 'ml', target: { all: true } });
    expect(acked.acknowledged).toBe(1);
    expect((await call(api, 'snapshot')).attention).toEqual([]);
  });

  it('sends the top of the Active list first, and the rest of that snapshot once, compact', async () => {
    const { api, orch, ml } = setup();
    for (let i = 1; i <= 5; i++) {
      orch.orch.insertRun({
        runId: `etl-${i}`,
        pipeline: 'etl',
        status: 'running',
        startedAt: isoNow(-60_000 * (10 - i)),
        steps: [{ stepId: `etl-${i}/a`, status: 'running' }],
      });
    }
    ml.orch.insertRun({
      runId: 'train-1',
      pipeline: 'train',
      status: 'pending',
      steps: [{ stepId: 'train-1/a', status: 'pending' }],
    });
    const whole = await waitForAsync(async () => {
      const current = await call(api, 'snapshot');
      return current.runs.length === 6 ? current : null;
    }, 'six active runs');
    expect(whole.more).toBeUndefined();

    const first = await call(api, 'snapshot', { first: 2 });
    expect(first.runs.map((run) => run.run_id)).toEqual(['etl-5', 'etl-4']);
    expect(first.more?.runs).toEqual({ active: 4, pending: 1, stalled: 0, overdue: 0, stuck: 0 });
    const rest = decodeRuns(await call(api, 'snapshotRest', { cursor: first.more?.cursor ?? '' }));
    expect(rest.map((run) => run.run_id)).toEqual(['etl-3', 'etl-2', 'etl-1', 'train-1']);
    const byId = new Map(whole.runs.map((run) => [run.run_id, run]));
    for (const run of [...first.runs, ...rest]) {
      expect(run).toEqual({
        ...byId.get(run.run_id),
        idle_s: run.idle_s,
        elapsed_s: run.elapsed_s,
      });
    }

    const again = await api.handle({
      name: 'snapshotRest',
      params: { cursor: first.more?.cursor ?? '' },
    });
    expect(again).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('pages finished runs across sources, and tells a run and a pipeline apart', async () => {
    const { api, orch, ml } = setup();
    // Runs already finished at the first read are history, not news: start watching first.
    await waitForAsync(async () => {
      const { sources } = await call(api, 'snapshot');
      return sources.every((source) => source.state === 'up') ? true : null;
    }, 'both sources up');
    for (let i = 1; i <= 3; i++) {
      orch.orch.insertRun({
        runId: `etl-${i}`,
        pipeline: 'etl',
        status: i === 2 ? 'failed' : 'succeeded',
        startedAt: isoNow(-60_000 * (10 - i)),
        finishedAt: isoNow(-60_000 * (9 - i)),
        steps: [{ stepId: `etl-${i}/a`, status: i === 2 ? 'failed' : 'succeeded' }],
      });
    }
    ml.orch.insertRun({
      runId: 'train-1',
      pipeline: 'train',
      status: 'succeeded',
      startedAt: isoNow(-60_000 * 8),
      finishedAt: isoNow(-60_000 * 4),
      steps: [{ stepId: 'train-1/a', status: 'succeeded' }],
    });
    await waitForAsync(async () => {
      const all = await call(api, 'finishedRuns', { limit: 10 });
      return all.items.length === 4 ? all : null;
    }, 'four finished runs');

    const seen: string[] = [];
    let before: string | undefined;
    do {
      const page = await call(api, 'finishedRuns', { limit: 1, ...(before ? { before } : {}) });
      seen.push(...page.items.map((run) => `${run.source}/${run.run_id}`));
      before = page.next ?? undefined;
    } while (before);
    // Newest first by when each finished, whichever source it is in.
    expect(seen).toEqual(['ml/train-1', 'orch/etl-3', 'orch/etl-2', 'orch/etl-1']);

    const failed = await call(api, 'finishedRuns', { source: 'orch', outcome: 'failed' });
    expect(failed.items.map((run) => run.run_id)).toEqual(['etl-2']);
    const detail = await call(api, 'runDetail', { source: 'orch', run_id: 'etl-2' });
    expect(detail).toMatchObject({ source: 'orch', pipeline: 'etl', attempt: 1, active: null });
    expect(detail?.finished?.outcome).toBe('failed');
    expect(detail?.events.map((event) => event.type)).toContain('run_completed');
    const history = await call(api, 'pipelineHistory', { source: 'orch', pipeline: 'etl' });
    expect(history.map((run) => run.outcome)).toEqual(['succeeded', 'failed', 'succeeded']);
    expect(await call(api, 'runDetail', { source: 'ml', run_id: 'etl-2' })).toBeNull();
  });

  it("lists a running run's steps as they stand, and moves them on as its steps finish", async () => {
    const { api, orch } = setup();
    const startedAt = isoNow(-50_000);
    orch.orch.insertRun({
      runId: 'etl-5',
      pipeline: 'etl',
      status: 'running',
      startedAt,
      steps: [
        { stepId: 'etl-5/extract', name: 'extract', status: 'running', startedAt },
        { stepId: 'etl-5/load', name: 'load', status: 'pending' },
      ],
    });
    const detail = async (attempt?: number) =>
      call(api, 'runDetail', { source: 'orch', run_id: 'etl-5', ...(attempt ? { attempt } : {}) });
    const running = await waitForAsync(async () => {
      const current = await detail();
      return current?.active ? current : null;
    }, 'etl-5 to be active');
    expect(running.finished).toBeNull();
    expect(running.steps).toEqual([
      {
        step_id: 'etl-5/extract',
        name: 'extract',
        status: 'running',
        started_at: startedAt,
        finished_at: null,
        duration_s: null,
      },
      {
        step_id: 'etl-5/load',
        name: 'load',
        status: 'pending',
        started_at: null,
        finished_at: null,
        duration_s: null,
      },
    ]);

    const extracted = new Date(Date.parse(startedAt) + 50_000).toISOString();
    orch.orch.setStep('etl-5', 'etl-5/extract', { status: 'succeeded', finished_at: extracted });
    orch.orch.setStep('etl-5', 'etl-5/load', { status: 'running', started_at: extracted });
    const moved = await waitForAsync(async () => {
      const current = await detail();
      return current?.active?.current_step === 'load' ? current : null;
    }, 'etl-5 to move on to load');
    expect(moved.steps.map((step) => `${step.name}:${step.status}`)).toEqual([
      'extract:succeeded',
      'load:running',
    ]);
    expect(moved.steps[0]?.finished_at).toBe(extracted);
    expect(moved.steps[0]?.duration_s).toBe(50);

    // Finished, then retried in place: the run is shown as it runs again, its last finish on ask.
    orch.orch.finishRun('etl-5', 'failed');
    await waitForAsync(async () => ((await detail())?.finished ? true : null), 'etl-5 to finish');
    orch.orch.setRun('etl-5', { status: 'running', finished_at: null });
    orch.orch.setStep('etl-5', 'etl-5/load', { status: 'running', finished_at: null });
    const retried = await waitForAsync(async () => {
      const current = await detail();
      return current?.active ? current : null;
    }, 'the second attempt of etl-5');
    expect(retried).toMatchObject({ attempt: 2, finished: null });
    expect(retried.steps.map((step) => `${step.name}:${step.status}`)).toEqual([
      'extract:succeeded',
      'load:running',
    ]);
    const first = await detail(1);
    expect(first).toMatchObject({ attempt: 1, active: null });
    expect(first?.finished?.outcome).toBe('failed');
    expect(first?.steps.map((step) => `${step.name}:${step.status}`)).toEqual([
      'extract:succeeded',
      'load:skipped',
    ]);
  });

  it('answers every bad request with an error naming what is wrong, and keeps serving', async () => {
    const { api } = setup('serve');
    const error = async (request: unknown) => {
      const reply = await api.handle(request);
      return reply.ok ? null : reply.error;
    };
    expect(await error({ name: 'runDetail', params: { source: 'nope', run_id: 'x' } })).toEqual({
      code: 'not_found',
      message: 'no source named "nope"',
    });
    expect((await error({ name: 'runDetail', params: { run_id: 'x' } }))?.code).toBe('invalid');
    expect(await error({ name: 'openArchiveFolder', params: { source: 'orch' } })).toEqual({
      code: 'unavailable',
      message: 'folders open only in the desktop app',
    });
    expect(
      await error({
        name: 'showRunFile',
        params: { source: 'orch', run_id: '../../etc/passwd', attempt: 1, file: 'zip' },
      }),
    ).toEqual({ code: 'not_found', message: 'run ../../etc/passwd (attempt 1) has no archive' });
    expect((await call(api, 'snapshot')).transport).toBe('serve');
  });

  it('adds, lists and removes silences, and shows a run report only from the data dir', async () => {
    const { api, orch, shown, dataDir } = setup();
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const added = await call(api, 'addSilence', {
      source: 'orch',
      match: { pipeline: { regex: 'etl-.*' } },
      until,
      comment: 'migration tonight',
    });
    expect(await call(api, 'listSilences')).toEqual([added]);
    expect(await call(api, 'removeSilence', { source: 'orch', id: added.id })).toEqual({
      removed: true,
    });
    expect(await call(api, 'listSilences')).toEqual([]);
    const past = await api.handle({
      name: 'addSilence',
      params: { source: 'orch', match: {}, until: '2020-01-01T00:00:00Z' },
    });
    expect(past.ok ? '' : past.error.message).toBe('addSilence: until: must be in the future');

    orch.orch.insertRun({
      runId: 'etl-9',
      status: 'succeeded',
      finishedAt: isoNow(),
      steps: [{ stepId: 'etl-9/a', status: 'succeeded' }],
    });
    const report = await waitForAsync(async () => {
      const page = await call(api, 'finishedRuns', { source: 'orch' });
      return page.items.find((run) => run.run_id === 'etl-9' && run.report)?.report ?? null;
    }, "etl-9's report");
    expect(
      await call(api, 'showRunFile', {
        source: 'orch',
        run_id: 'etl-9',
        attempt: 1,
        file: 'report',
      }),
    ).toEqual({ shown: true });
    expect(shown).toEqual([fs.realpathSync(report)]);
    expect(shown[0]?.startsWith(fs.realpathSync(dataDir))).toBe(true);
  });

  it('refuses a silence whose match has a bad regex or a field no event has, naming each', async () => {
    const { api } = setup();
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const refused = await api.handle({
      name: 'addSilence',
      params: {
        source: 'orch',
        match: {
          pipeline: { not: [{ regex: 'etl-[a-' }, 'ml'] },
          pipline: 'etl',
          type: 'run_complete',
        },
        until,
      },
    });
    expect(refused.ok ? null : refused.error).toEqual({
      code: 'invalid',
      message:
        'addSilence: match.pipeline.not.0.regex: bad regex "etl-[a-": Range out of order in character class; ' +
        'match.pipline: no event has a field "pipline" (did you mean pipeline?); ' +
        'match.type: unknown event type "run_complete" (did you mean run_completed?)',
    });
    expect(await call(api, 'listSilences')).toEqual([]);
  });

  it('tests a channel as entered, before it is saved, and says what the receiver answered', async () => {
    const { api } = setup('serve');
    const hook = await new HookServer().start();
    cleanup.push(() => hook.stop());
    const secretPath = '/hooks/T000/SECRET-TOKEN';
    const ok = await call(api, 'testChannel', {
      channel: { type: 'webhook', url: hook.url(secretPath) },
    });
    expect(ok).toMatchObject({ ok: true, status: 200, error: null });
    expect(hook.to(secretPath)).toHaveLength(1);
    expect(hook.to(secretPath)[0]?.json).toMatchObject({ test: true });

    hook.answers.push({ status: 500 });
    const failed = await call(api, 'testChannel', {
      channel: { type: 'webhook', url: hook.url(secretPath) },
    });
    expect(failed).toMatchObject({ ok: false, status: 500 });
    expect(failed.error).toContain(`127.0.0.1:${hook.port}`);
    expect(failed.error).not.toContain('SECRET-TOKEN');

    const invalid = await api.handle({
      name: 'testChannel',
      params: { channel: { type: 'webhook', url: 'not a url' } },
    });
    expect(invalid.ok ? '' : invalid.error.message).toMatch(/^testChannel: channel\.url: /);
  });

  it('pushes a pause of desktop notifications with the next patch', async () => {
    let pausedUntil: number | null = null;
    const api = new ApiService({
      sources: [],
      transport: 'ipc',
      files: { openFolder: null, showFile: () => Promise.resolve({ shown: true }) },
      channels: { desktop: new FakeDesktop() },
      notificationsPausedUntil: () => pausedUntil,
      clock: systemClock,
      log: silentLogger,
      patchEveryMs: 10,
    });
    cleanup.push(() => api.close());
    const pushed: PushMessage[] = [];
    api.subscribe((message) => pushed.push(message));
    expect((await call(api, 'snapshot')).notifications_paused_until).toBeNull();

    pausedUntil = Date.parse('2026-11-27T08:00:00Z');
    api.notificationsPauseChanged();
    const patch = await waitFor(() => patches(pushed)[0], 'a patch');
    expect(patch.notifications_paused_until).toBe('2026-11-27T08:00:00.000Z');
    expect(patch.runs).toBeUndefined();
  });

  it('replaces a settings file it cannot read when the window saves, keeping no secret it cannot know', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'settings.json');
    fs.writeFileSync(file, '{ "version": 1, "sources": [');
    const db = path.join(dir, 'orchestration.db');
    const store = new SettingsStore({
      file,
      cipher: plainCipher,
      defaults: defaultSettings([{ name: 'orch', db }]),
    });
    const api = new ApiService({
      sources: [],
      transport: 'serve',
      files: { openFolder: null, showFile: () => Promise.resolve({ shown: true }) },
      channels: { desktop: new FakeDesktop() },
      settings: { store, sourcesReadOnly: true, applied: () => {}, appliesAtOnce: [] },
      clock: systemClock,
      log: silentLogger,
    });
    cleanup.push(() => api.close());
    // Told apart from other failures: only then does the window offer to start over.
    const read = await api.handle({ name: 'getSettings', params: {} });
    expect(read.ok ? null : read.error).toEqual({
      code: 'unreadable',
      message: expect.stringContaining(file),
    });

    await call(api, 'saveSettings', {
      settings: {
        sources: [{ name: 'orch', db }],
        channels: {
          hook: { type: 'webhook', url: 'https://hooks.example/x', secret: SECRET_KEPT },
        },
      },
    });
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      channels: Record<string, { secret: string }>;
    };
    expect(saved.channels.hook?.secret).toBe('');
    expect((await call(api, 'getSettings')).settings.channels.hook).toMatchObject({
      url: SECRET_KEPT,
    });
  });
});
