import { describe, expect, it } from 'vitest';
import type { AlertMember, AlertMessage } from '../../electron/core/model/alert-message.ts';
import type { EmailChannelConfig } from '../../electron/core/alerts/channel-config.ts';
import { desktopNotice } from '../../electron/core/alerts/channels/desktop-channel.ts';
import { transportOptions } from '../../electron/core/alerts/channels/email-channel.ts';
import { emailContent } from '../../electron/core/alerts/channels/email-content.ts';
import { slackPayload } from '../../electron/core/alerts/channels/slack-channel.ts';
import { webhookBody } from '../../electron/core/alerts/channels/webhook-channel.ts';
import { messageFactory } from '../support/alert-message.ts';

function member(runId: number, partial: Partial<AlertMember> = {}): AlertMember {
  return {
    rule: 'run-stalled',
    severity: 'warning',
    dedup_key: `run-stalled:${runId}`,
    fired_at: '2025-06-15T10:00:00.000Z',
    status: 'firing',
    event: {
      id: 500 + runId,
      type: 'run_stalled',
      source: 'prod-orchestrator',
      at: '2025-06-15T10:00:00.000Z',
      run_id: String(runId),
      pipeline: 'train-embeddings',
      attempt: 1,
      occurred_at: '2025-06-15T10:00:00.000Z',
      idle_s: 1800,
      last_progress_at: '2025-06-15T09:30:00.000Z',
    },
    ...partial,
  };
}

const alertMessage = messageFactory([
  member(42, { rule: 'run-failed', severity: 'critical', dedup_key: 'run-failed:42' }),
]);

function stillStalled(count: number, line: (i: number) => string): AlertMessage {
  const members = Array.from({ length: count }, (_, i) => member(i + 1));
  return alertMessage({
    kind: 'repeat',
    severity: 'warning',
    title: `still stalled: ${count} runs`,
    lines: members.map((_, i) => line(i + 1)),
    members,
  });
}

describe('slack rendering', () => {
  it('lists ten of 60 members, then says how many more, within every Slack limit', () => {
    const payload = slackPayload(stillStalled(60, (i) => `train-embeddings run ${i} idle for 30m`));
    const [header, section, context] = payload.blocks;

    expect(payload.blocks.length).toBeLessThanOrEqual(50);
    expect(header).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '[WARNING] still stalled: 60 runs', emoji: true },
    });
    const list = section?.type === 'section' ? section.text.text : '';
    expect(list.split('\n')).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `• train-embeddings run ${i + 1} idle for 30m`),
      '_…and 50 more_',
    ]);
    expect(context?.type).toBe('context');
    expect(
      payload.text.startsWith('[WARNING] still stalled: 60 runs\n• train-embeddings run 1'),
    ).toBe(true);
  });

  it('shows fewer lines when long ones would pass 3000 characters, and still counts the rest', () => {
    const payload = slackPayload(stillStalled(60, (i) => `run ${i} ${'&'.repeat(120)}`));
    const section = payload.blocks[1];
    const list = section?.type === 'section' ? section.text.text : '';

    expect(list.length).toBeLessThanOrEqual(3000);
    const lines = list.split('\n');
    const shown = lines.filter((line) => line.startsWith('• ')).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(10);
    expect(lines.at(-1)).toBe(`_…and ${60 - shown} more_`);
    expect(payload.text.length).toBeLessThanOrEqual(3000);
  });

  it('cuts a header past 150 characters and one line past 3000', () => {
    const payload = slackPayload(
      alertMessage({ title: 'x'.repeat(400), lines: ['y'.repeat(5000)] }),
    );
    const header = payload.blocks[0];
    const section = payload.blocks[1];
    const title = header?.type === 'header' ? header.text.text : '';
    const list = section?.type === 'section' ? section.text.text : '';

    expect(title).toHaveLength(150);
    expect(title.endsWith('…')).toBe(true);
    expect(list).toHaveLength(3000);
  });

  it('escapes what Slack would turn into mentions or links', () => {
    const payload = slackPayload(
      alertMessage({ lines: ['pipeline <!here> wrote to <https://evil.test|docs> & more'] }),
    );
    const section = payload.blocks[1];
    const escaped = '• pipeline &lt;!here&gt; wrote to &lt;https://evil.test|docs&gt; &amp; more';

    expect(section?.type === 'section' ? section.text.text : '').toBe(escaped);
    expect(payload.text).toContain(escaped);
    expect(payload.text).not.toContain('<!here>');
  });

  it('marks a test in the header and says so in the context line', () => {
    const payload = slackPayload(alertMessage({ test: true, severity: 'info' }));
    const header = payload.blocks[0];
    const context = payload.blocks[2];
    expect(header?.type === 'header' ? header.text.text : '').toBe(
      '[TEST] [INFO] etl run 42 failed',
    );
    expect(context?.type === 'context' ? context.elements[0]?.text : '').toContain(
      'a test message: nothing happened',
    );
  });
});

describe('email rendering', () => {
  it('puts the severity and the title in the subject, and [TEST] before a test', () => {
    expect(emailContent(alertMessage()).subject).toBe('[CRITICAL] etl run 42 failed');
    expect(emailContent(alertMessage({ test: true, severity: 'info' })).subject).toBe(
      '[TEST] [INFO] etl run 42 failed',
    );
  });

  it('turns the idempotency key into a Message-ID and a header', () => {
    const content = emailContent(alertMessage({ idempotencyKey: '9b1e4c7a:1234' }));
    expect(content.messageId).toBe('<9b1e4c7a.1234@runwatch>');
    expect(content.headers).toEqual({ 'X-Runwatch-Idempotency-Key': '9b1e4c7a:1234' });
  });

  it('escapes every value in the HTML part and keeps the text part literal', () => {
    const hostile = member(7, {
      rule: '<img src=x onerror=alert(1)>',
      dedup_key: 'k"\'&',
    });
    const content = emailContent(
      alertMessage({
        title: 'run <b>42</b> failed',
        lines: ['step <script>alert(1)</script> failed'],
        members: [hostile],
      }),
    );

    expect(content.html).not.toMatch(/<script|<img|<b>/);
    expect(content.html).toContain('[CRITICAL] run &lt;b&gt;42&lt;/b&gt; failed');
    expect(content.html).toContain('step &lt;script&gt;alert(1)&lt;/script&gt; failed');
    expect(content.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(content.html).toContain('k&quot;&#39;&amp;');
    expect(content.text).toContain('- step <script>alert(1)</script> failed');
    expect(content.text).toContain('<img src=x onerror=alert(1)> | warning | firing | k"\'&');
  });

  it('lists a hundred lines and counts the rest', () => {
    const content = emailContent(stillStalled(130, (i) => `run ${i} idle`));
    expect(content.text).toContain('- run 100 idle\n…and 30 more\n');
    expect(content.text).not.toContain('run 101 idle');
    expect(content.html).toContain('<li>run 100 idle</li></ul><p>…and 30 more</p>');
  });
});

describe('email transport', () => {
  const config = (partial: Partial<EmailChannelConfig>): EmailChannelConfig => ({
    type: 'email',
    host: 'smtp.example.test',
    port: 587,
    user: '',
    password: '',
    from: 'runwatch@example.test',
    to: ['oncall@example.test'],
    min_severity: 'info',
    rate_limit: 20,
    ...partial,
  });

  it('uses implicit TLS on 465', () => {
    const options = transportOptions(config({ port: 465, user: 'alerts', password: 'pw' }));
    expect(options).toMatchObject({ host: 'smtp.example.test', port: 465, secure: true });
    expect(options.requireTLS).toBe(false);
    expect(options.auth).toEqual({ user: 'alerts', pass: 'pw' });
  });

  it('requires STARTTLS on 587 when it has credentials to protect', () => {
    const options = transportOptions(config({ user: 'alerts', password: 'pw' }));
    expect(options).toMatchObject({ port: 587, secure: false, requireTLS: true });
    expect(options.auth).toEqual({ user: 'alerts', pass: 'pw' });
  });

  it('upgrades opportunistically and sends no login without a user', () => {
    const options = transportOptions(config({ port: 25 }));
    expect(options).toMatchObject({ secure: false, requireTLS: false, opportunisticTLS: true });
    expect(options).not.toHaveProperty('auth');
  });

  it('gives up on a silent server within half a minute, and takes extra TLS options', () => {
    const options = transportOptions(config({}), { ca: 'PEM' });
    for (const timeout of [
      options.connectionTimeout,
      options.greetingTimeout,
      options.socketTimeout,
    ]) {
      expect(timeout).toBeGreaterThanOrEqual(10_000);
      expect(timeout).toBeLessThanOrEqual(30_000);
    }
    expect(options.tls).toEqual({ ca: 'PEM' });
  });
});

describe('desktop and webhook rendering', () => {
  it('titles a notification and keeps its body to four lines and a count', () => {
    const notice = desktopNotice(stillStalled(6, (i) => `run ${i} idle`));
    expect(notice).toEqual({
      title: 'Runwatch: still stalled: 6 runs',
      body: 'run 1 idle\nrun 2 idle\nrun 3 idle\nrun 4 idle\n…and 2 more',
      severity: 'warning',
      test: false,
      // Six runs in one message: a click opens the dashboard, where all of them show.
      target: { view: 'home' },
    });
    expect(desktopNotice(alertMessage({ test: true })).title).toBe(
      'Runwatch: [TEST] etl run 42 failed',
    );
  });

  it('gives each webhook alert its own status when a group mixes them', () => {
    const body = webhookBody(
      alertMessage({
        members: [member(1), member(2, { status: 'resolved' })],
      }),
    );
    expect(body.status).toBe('firing');
    expect(body.alerts.map((entry) => entry.alert.status)).toEqual(['firing', 'resolved']);
    expect(body.alerts[1]?.event).toMatchObject({ run_id: '2', type: 'run_stalled' });
  });
});
