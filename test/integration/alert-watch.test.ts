import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { HookServer } from '../support/hook-server.ts';
import { isoNow, OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { killedAfterEach, runwatch, type Child } from '../support/processes.ts';
import { sleep, waitFor } from '../support/wait.ts';

const track = killedAfterEach();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const SLACK_PATH = '/services/T000/B000/XOXSECRET';

function alertsYaml(extra = ''): string {
  return `
channels:
  slack:
    type: slack
    webhook_url: \${SLACK_WEBHOOK_URL}
  ops-hook:
    type: webhook
    url: \${OPS_WEBHOOK_URL:-http://127.0.0.1:9/}
rules:
  - name: run-failed
    match: { type: run_completed, outcome: failed }
    severity: critical
    channels: [slack, ops-hook]
  - name: run-stalled
    match: { type: [run_stalled, run_overdue] }
    severity: warning
    channels: [slack]
    repeat_every: 3s
defaults:
  group_window: 1s
  retry: { first: 1s, factor: 2, max: 4s }
${extra}`;
}

async function setup(yaml = alertsYaml()) {
  const dir = tempDir();
  const file = path.join(dir, 'orchestration.db');
  const orch = new OrchestrationDb(file);
  const server = await new HookServer().start();
  cleanups.push(
    () => orch.close(),
    () => server.stop(),
  );
  const config = path.join(dir, 'alerts.yaml');
  fs.writeFileSync(config, yaml);
  return { dir, file, orch, server, config, dataDir: path.join(dir, 'data') };
}

function watch(args: string[], env: NodeJS.ProcessEnv): Child {
  return track(runwatch(['watch', '--json', '--poll', '50ms', ...args], env));
}

const ready = (child: Child) =>
  waitFor(() => child.stderr.some((line) => line.includes('schema ok')), 'the first read');

function outbox(dataDir: string): Record<string, unknown>[] {
  const db = new Database(path.join(dataDir, 'state.db'), { readonly: true });
  try {
    return db.prepare('SELECT * FROM outbox ORDER BY id').all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

describe('alerts from runwatch watch', () => {
  it('tells Slack once of a failure, and of a stall: a warning, repeats while it lasts, one resolve', async () => {
    const { file, orch, server, config, dataDir } = await setup();
    const env = { SLACK_WEBHOOK_URL: server.url(SLACK_PATH) };
    orch.insertRun({
      runId: 'train-0007',
      pipeline: 'train',
      steps: [{ stepId: 'fit', status: 'running' }, { stepId: 'eval' }],
    });
    const child = watch(
      ['--db', file, '--data-dir', dataDir, '--config', config, '--stall-after', '2s'],
      env,
    );
    await ready(child);
    const texts = () => server.to(SLACK_PATH).map((request) => String(request.json.text));
    await waitFor(() => texts().some((text) => text.includes('still stalled')), 'a repeat', 20_000);
    orch.setStep('train-0007', 'fit', { status: 'succeeded', finished_at: isoNow() });
    orch.setStep('train-0007', 'eval', { status: 'running', started_at: isoNow() });
    await waitFor(() => texts().some((text) => text.startsWith('[RESOLVED]')), 'the resolve');
    orch.finishRun('train-0007', 'succeeded');
    orch.insertRun({ runId: 'etl-0042', pipeline: 'etl', steps: [{ stepId: 'load' }] });
    orch.finishRun('etl-0042', 'failed', 'failed');
    await waitFor(() => texts().some((text) => text.includes('etl-0042')), 'the failure');
    const afterFailure = texts().length;
    await sleep(4_000);
    const all = texts();
    expect(all[0]).toContain('[WARNING] train run train-0007 stalled');
    const resolvedAt = all.findIndex((text) => text.startsWith('[RESOLVED]'));
    expect(all.slice(1, resolvedAt).every((text) => text.includes('still stalled: 1 run'))).toBe(
      true,
    );
    expect(all.filter((text) => text.startsWith('[RESOLVED]'))).toHaveLength(1);
    expect(all.slice(resolvedAt + 1).some((text) => text.includes('still stalled'))).toBe(false);
    expect(all.filter((text) => text.includes('etl-0042'))).toEqual([
      expect.stringContaining('[CRITICAL] etl run etl-0042 failed'),
    ]);
    expect(all).toHaveLength(afterFailure);
    expect(child.events().filter((event) => event.type === 'alert_sent').length).toBeGreaterThan(3);
  });

  it('finishes a pending delivery after being killed, with the same Idempotency-Key', async () => {
    const { file, orch, server, config, dataDir } = await setup();
    const port = server.port;
    await server.stop();
    const env = {
      SLACK_WEBHOOK_URL: `http://127.0.0.1:${port}${SLACK_PATH}`,
      OPS_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
    };
    orch.insertRun({ runId: 'etl-0001', steps: [{ stepId: 'load', status: 'running' }] });
    const first = watch(['--db', file, '--data-dir', dataDir, '--config', config], env);
    await ready(first);
    orch.finishRun('etl-0001', 'failed', 'failed');
    await waitFor(
      () => first.stderr.some((line) => line.includes('(attempt 1)')),
      'a failed attempt',
    );
    expect(first.stderr.join('\n')).not.toContain('XOXSECRET');
    first.kill('SIGKILL');
    await first.exited;

    const back = await new HookServer().start(port);
    cleanups.push(() => back.stop());
    const second = watch(['--db', file, '--data-dir', dataDir, '--config', config], env);
    await waitFor(() => back.to(SLACK_PATH).length > 0 && back.to('/hook').length > 0, 'delivery');
    await sleep(1_500);
    for (const requests of [back.to(SLACK_PATH), back.to('/hook')]) {
      expect(new Set(requests.map((request) => request.headers['idempotency-key'])).size).toBe(1);
    }
    expect(String(back.to(SLACK_PATH)[0]?.json.text)).toContain('etl run etl-0001 failed');
    expect(second.events().filter((event) => event.type === 'run_completed')).toHaveLength(0);
  });

  it('sends alerts held by quiet hours after they end, though it was killed meanwhile', async () => {
    const now = new Date();
    const end = new Date(now);
    end.setSeconds(0, 0);
    end.setMinutes(end.getMinutes() + (60 - now.getSeconds() < 15 ? 2 : 1));
    const hhmm = (date: Date) =>
      `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
    const from = hhmm(new Date(now.getTime() - 120_000));
    const { file, orch, server, config, dataDir } = await setup(
      alertsYaml(`quiet_hours: { from: "${from}", to: "${hhmm(end)}" }`),
    );
    const env = { SLACK_WEBHOOK_URL: server.url(SLACK_PATH), OPS_WEBHOOK_URL: server.url('/hook') };
    orch.insertRun({ runId: 'night-1', steps: [{ stepId: 'load', status: 'running' }] });
    const first = watch(['--db', file, '--data-dir', dataDir, '--config', config], env);
    await ready(first);
    orch.finishRun('night-1', 'failed', 'failed');
    await waitFor(
      () => outbox(dataDir).some((row) => row.held_by === 'quiet_hours'),
      'a held delivery',
    );
    first.kill('SIGKILL');
    await first.exited;
    expect(server.received).toHaveLength(0);
    watch(['--db', file, '--data-dir', dataDir, '--config', config], env);
    await waitFor(
      () => server.to(SLACK_PATH).length > 0 && server.to('/hook').length > 0,
      'the held alerts',
      end.getTime() - Date.now() + 20_000,
    );
    expect(Date.now()).toBeGreaterThanOrEqual(end.getTime() - 1_000);
    expect(String(server.to(SLACK_PATH)[0]?.json.text)).toContain('night-1');
  });

  it('says at startup which channels are inactive and which rules lost every channel', async () => {
    const { file, config, dataDir } = await setup(
      alertsYaml().replace('channels: [slack]\n', 'channels: [slack]\n    continue: false\n'),
    );
    const child = watch(['--db', file, '--data-dir', dataDir, '--config', config, '--once'], {
      SLACK_WEBHOOK_URL: '',
    });
    await child.exited;
    const stderr = child.stderr.join('\n');
    expect(stderr).toContain(
      'channel slack is inactive: SLACK_WEBHOOK_URL is not set (rules that lose it: run-failed, run-stalled)',
    );
    expect(stderr).toContain(
      'rule run-stalled has no active channel (slack): its alerts reach nobody',
    );
    expect(stderr).not.toContain('rule run-failed has no active channel');
    const status = runwatch(
      ['status', '--json', '--db', file, '--data-dir', dataDir, '--config', config],
      {
        SLACK_WEBHOOK_URL: '',
      },
    );
    await status.exited;
    const report = JSON.parse(status.stdout.join('\n')) as { alerts: Record<string, unknown> };
    expect(report.alerts).toMatchObject({
      inactive_channels: [
        {
          channel: 'slack',
          why: 'SLACK_WEBHOOK_URL is not set',
          rules: ['run-failed', 'run-stalled'],
        },
      ],
      rules_without_channel: ['run-stalled'],
    });
  });
});

describe('editing the config while watch runs', () => {
  it('keeps the last good config on a broken save, says why, and takes the next good one', async () => {
    const { file, orch, server, config, dataDir } = await setup();
    const env = { SLACK_WEBHOOK_URL: server.url(SLACK_PATH), OPS_WEBHOOK_URL: server.url('/hook') };
    const child = watch(['--db', file, '--data-dir', dataDir, '--config', config], env);
    await ready(child);
    fs.writeFileSync(config, alertsYaml().replace('severity: critical', 'severity: critcal'));
    const [error] = await waitFor(() => {
      const found = child.events().filter((event) => event.type === 'config_error');
      return found.length > 0 ? found : null;
    }, 'config_error');
    expect(error).toMatchObject({ file: config });
    expect(JSON.stringify(error)).toContain('did you mean critical?');
    orch.insertRun({ runId: 'etl-1', steps: [{ stepId: 'load', status: 'running' }] });
    orch.finishRun('etl-1', 'failed', 'failed');
    await waitFor(() => server.to(SLACK_PATH).length === 1, 'an alert under the last good config');
    fs.writeFileSync(config, alertsYaml().replace('[slack, ops-hook]', '[ops-hook]'));
    await waitFor(
      () => child.stderr.some((line) => line.includes('config reloaded')),
      'the reload',
    );
    orch.insertRun({ runId: 'etl-2', steps: [{ stepId: 'load', status: 'running' }] });
    orch.finishRun('etl-2', 'failed', 'failed');
    await waitFor(
      () => server.to('/hook').some((request) => request.body.includes('etl-2')),
      'etl-2 on ops-hook',
    );
    await sleep(500);
    expect(server.to(SLACK_PATH)).toHaveLength(1);
  });

  it('answers an edit with a looping alias or an alias bomb by config_error at the alias, and keeps going', async () => {
    const { file, orch, server, config, dataDir } = await setup();
    const child = watch(['--db', file, '--data-dir', dataDir, '--config', config], {
      SLACK_WEBHOOK_URL: server.url(SLACK_PATH),
    });
    await ready(child);
    const errorsOf = (count: number) =>
      waitFor(() => {
        const found = child.events().filter((event) => event.type === 'config_error');
        return found.length >= count ? (found[count - 1]?.errors as string[]) : null;
      }, `config_error ${count}`);
    fs.writeFileSync(config, `${alertsYaml()}\nquiet_hours: &x\n  channels: [*x]\n`);
    expect(await errorsOf(1)).toEqual([
      `${config}:${alertsYaml().split('\n').length + 2}:14: alias *x stands for a value that holds the alias itself: it would never end`,
    ]);
    const bomb = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (const [name, inner] of ['ba', 'cb', 'dc', 'ed', 'fe', 'gf']) {
      bomb.push(`${name}: &${name} [${Array(9).fill(`*${inner}`).join(', ')}]`);
    }
    fs.writeFileSync(config, `${alertsYaml()}\n${bomb.join('\n')}\nsilences: *g\n`);
    const [problem] = await errorsOf(2);
    expect(problem).toMatch(
      new RegExp(
        `^${config}:${alertsYaml().split('\n').length + 8}:11: aliases would add \\d+ values`,
      ),
    );
    orch.insertRun({ runId: 'etl-1', steps: [{ stepId: 'load', status: 'running' }] });
    orch.finishRun('etl-1', 'failed', 'failed');
    await waitFor(() => server.to(SLACK_PATH).length === 1, 'an alert under the last good config');
    expect(child.process.exitCode).toBeNull();
  });
});
