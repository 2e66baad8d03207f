import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertHarness } from '../support/alert-harness.ts';
import { HookServer } from '../support/hook-server.ts';

const SLACK_PATH = '/services/T000/B000/SLACKSECRETTOKEN';

function config(extra = ''): string {
  return `
channels:
  desktop:
    type: desktop
  slack:
    type: slack
    webhook_url: \${SLACK_WEBHOOK_URL}
  ops-hook:
    type: webhook
    url: \${OPS_WEBHOOK_URL}
    secret: \${OPS_WEBHOOK_SECRET:-}
rules:
  - name: run-failed
    match: { type: run_completed, outcome: failed }
    severity: critical
    channels: [desktop, slack, ops-hook]
  - name: run-stalled
    match: { type: [run_stalled, run_overdue] }
    severity: warning
    channels: [desktop, slack, ops-hook]
    repeat_every: 1m
  - name: step-failed
    match: { type: step_failed }
    severity: error
    channels: [slack]
  - name: source-down
    match: { type: source_down }
    severity: error
    channels: [slack]
defaults:
  throttle: 5m
  group_window: 10s
  retry: { first: 1s, factor: 2, max: 8s }
${extra}`;
}

let slack: HookServer;
let harness: AlertHarness | null = null;

function env(): NodeJS.ProcessEnv {
  return {
    SLACK_WEBHOOK_URL: slack.url(SLACK_PATH),
    OPS_WEBHOOK_URL: slack.url('/hook'),
    OPS_WEBHOOK_SECRET: 'hmac-key',
  };
}

function start(yaml = config()): AlertHarness {
  harness = new AlertHarness(yaml, env());
  return harness;
}

function slackTexts(): string[] {
  return slack.to(SLACK_PATH).map((request) => String(request.json.text));
}

beforeEach(async () => {
  slack = await new HookServer().start();
});

afterEach(async () => {
  await harness?.close();
  harness = null;
  await slack.stop();
});

describe('a failed run', () => {
  it('produces exactly one message per channel, naming the pipeline and the run', async () => {
    const h = start();
    await h.emit(h.failed('etl-0042'));
    expect(slackTexts()).toHaveLength(1);
    expect(slackTexts()[0]).toContain('[CRITICAL] etl run etl-0042 failed (2 of 5 steps failed)');
    const hook = slack.to('/hook');
    expect(hook).toHaveLength(1);
    expect(hook[0]?.json).toMatchObject({
      version: 1,
      status: 'firing',
      test: false,
      alerts: [
        {
          alert: { rule: 'run-failed', severity: 'critical', dedup_key: 'run-failed:etl-0042' },
          event: { type: 'run_completed', run_id: 'etl-0042', pipeline: 'etl', outcome: 'failed' },
        },
      ],
    });
    expect(h.desktop.shown.map((notice) => notice.title)).toEqual([
      'Runwatch: etl run etl-0042 failed (2 of 5 steps failed)',
    ]);
    expect(h.eventsOf('alert_sent')).toHaveLength(3);
    await h.advance(10 * 60_000, 5_000);
    expect(slackTexts()).toHaveLength(1);
  });

  it('signs the webhook body and carries <state.db id>:<row id> as Idempotency-Key', async () => {
    const h = start();
    await h.emit(h.failed('etl-0042'));
    const [request] = slack.to('/hook');
    const { createHmac } = await import('node:crypto');
    const expected = createHmac('sha256', 'hmac-key')
      .update(request?.body ?? '')
      .digest('hex');
    expect(request?.headers['x-runwatch-signature']).toBe(`sha256=${expected}`);
    expect(request?.headers['idempotency-key']).toMatch(/^[0-9a-f]{16}:\d+$/);
  });

  it('collapses the same failure again within the throttle, and alerts again after it', async () => {
    const h = start();
    await h.emit(h.failed('etl-7'));
    await h.advance(60_000);
    await h.emit(h.failed('etl-7'));
    expect(slackTexts()).toHaveLength(1);
    await h.advance(5 * 60_000, 10_000);
    await h.emit(h.failed('etl-7'));
    expect(slackTexts()).toHaveLength(2);
  });
});

describe('a stall', () => {
  it('warns once, repeats every repeat_every while it lasts, resolves once, and never repeats after', async () => {
    const h = start();
    await h.emit(h.stalled('train-1'));
    expect(slackTexts()).toEqual([expect.stringContaining('[WARNING] etl run train-1 stalled')]);
    await h.advance(60_000);
    expect(slackTexts()).toHaveLength(2);
    expect(slackTexts()[1]).toContain('still stalled: 1 run');
    await h.advance(60_000);
    expect(slackTexts()).toHaveLength(3);
    await h.emit(h.recovered('train-1'));
    expect(slackTexts()).toHaveLength(4);
    expect(slackTexts()[3]).toContain('[RESOLVED] resolved: etl run train-1 recovered');
    const resolved = slack.to('/hook').at(-1)?.json;
    expect(resolved).toMatchObject({ status: 'resolved' });
    await h.advance(5 * 60_000, 10_000);
    expect(slackTexts()).toHaveLength(4);
  });

  it('resolves when the run finishes', async () => {
    const h = start();
    await h.emit(h.stalled('train-2'));
    await h.advance(20_000);
    await h.emit(h.succeeded('train-2'));
    expect(slackTexts()).toHaveLength(2);
    expect(slackTexts()[1]).toContain('resolved: etl run train-2 succeeded');
  });

  it('is not resolved by a separate message when the run fails: the failure says it', async () => {
    const h = start();
    await h.emit(h.stalled('train-3'));
    await h.advance(20_000);
    await h.emit(h.failed('train-3'));
    expect(slackTexts()).toHaveLength(2);
    expect(slackTexts()[1]).toContain('[CRITICAL] etl run train-3 failed');
    await h.advance(3 * 60_000, 10_000);
    expect(slackTexts()).toHaveLength(2);
  });

  it('tells again when a stall returns after its recovery was announced', async () => {
    const h = start();
    await h.emit(h.stalled('train-4'));
    await h.advance(20_000);
    await h.emit(h.recovered('train-4'));
    expect(slackTexts()).toHaveLength(2);
    await h.advance(15_000);
    await h.emit(h.stalled('train-4'));
    expect(slackTexts()).toHaveLength(3);
    expect(slackTexts()[2]).toContain('[WARNING] etl run train-4 stalled');
  });

  it('sends a firing that flapped while it was held, once the hold ends', async () => {
    const now = new Date(Date.UTC(2026, 10, 25, 16, 0, 0));
    const hhmm = (date: Date) =>
      `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
    const quiet = `quiet_hours: { from: "${hhmm(new Date(now.getTime() - 60_000))}", to: "${hhmm(new Date(now.getTime() + 10 * 60_000))}" }`;
    const h = start(config(quiet));
    await h.emit(h.source('source_down', 'file not found'));
    await h.advance(60_000, 10_000);
    await h.emit(h.source('source_up', 'database readable again'));
    await h.advance(60_000, 10_000);
    await h.emit(h.source('source_down', 'file not found'));
    expect(slackTexts()).toHaveLength(0);
    await h.advance(10 * 60_000, 10_000);
    expect(slackTexts()).toEqual([expect.stringContaining('source orchestration is down')]);
  });

  it('withdraws a resolve not yet sent when the stall comes back at once: the flap is never seen', async () => {
    const h = start();
    await h.emit(h.failed('other-run'));
    await h.advance(11_000);
    await h.emit(h.stalled('train-5'));
    expect(slackTexts()).toHaveLength(2);
    await h.emit(h.recovered('train-5'));
    await h.emit(h.stalled('train-5'));
    await h.advance(15_000);
    expect(slackTexts()).toHaveLength(2);
  });

  it('groups repeats that fall due together into one "still stalled: N runs"', async () => {
    const h = start();
    await h.emit(h.stalled('a'), h.stalled('b'), h.stalled('c'));
    expect(slackTexts()).toEqual([expect.stringContaining('etl run a stalled')]);
    await h.advance(10_000);
    expect(slackTexts()[1]).toContain('2 alerts: etl run b stalled');
    await h.advance(50_000);
    expect(slackTexts()).toHaveLength(3);
    expect(slackTexts()[2]).toContain('still stalled: 3 runs');
    await h.advance(60_000);
    expect(slackTexts()).toHaveLength(4);
    expect(slackTexts()[3]).toContain('still stalled: 3 runs');
  });
});

describe('grouping', () => {
  it('sends the first of 30 failures at once and one follow-up listing the other 29', async () => {
    const h = start();
    for (let i = 1; i <= 30; i++) {
      await h.emit(h.failed(`etl-${String(i).padStart(4, '0')}`));
      await h.advance(150, 150);
    }
    expect(slackTexts()).toHaveLength(1);
    await h.advance(10_000);
    const texts = slackTexts();
    expect(texts).toHaveLength(2);
    expect(texts[1]).toContain('29 alerts');
    const grouped = slack.to('/hook')[1]?.json.alerts as unknown[];
    expect(grouped).toHaveLength(29);
    expect(h.desktop.shown).toHaveLength(2);
  });
});

describe('inhibition', () => {
  it('drops a step failure not yet sent when its run fails', async () => {
    const h = start();
    await h.emit(h.failed('first'));
    await h.emit(h.run('step_failed', 'etl-9', { step_id: 's2', step_name: 'load' }));
    await h.emit(h.failed('etl-9'));
    await h.advance(11_000);
    const followUp = slackTexts()[1] ?? '';
    expect(followUp).toContain('etl run etl-9 failed');
    expect(followUp).not.toContain('step load failed');
  });
});

describe('conditions of the source', () => {
  it('resolves source_down on source_up', async () => {
    const h = start();
    await h.emit(h.source('source_down', 'file not found'));
    await h.advance(11_000);
    await h.emit(h.source('source_up', 'database readable again'));
    await h.advance(11_000);
    expect(slackTexts()).toEqual([
      expect.stringContaining('[ERROR] source orchestration is down: file not found'),
      expect.stringContaining('[RESOLVED] resolved: source orchestration is readable again'),
    ]);
  });
});

describe('a fault in the rules', () => {
  it('is logged and undone alone: the event is still recorded and published', async () => {
    const h = start();
    h.service.engine.handle = () => {
      h.store.alerts.channels.setWindow('slack', 1);
      throw new Error('rule engine bug');
    };
    const [event] = await h.emit(h.failed('etl-13'));
    expect(event?.id).toBeGreaterThan(0);
    expect(h.eventsOf('run_completed')).toHaveLength(1);
    expect(h.logs.join('\n')).toContain('alert rules failed on run_completed: rule engine bug');
    expect(h.store.alerts.channels.windowUntil('slack')).toBeNull();
  });
});
