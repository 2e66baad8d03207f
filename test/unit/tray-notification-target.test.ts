import { describe, expect, it } from 'vitest';
import type { AlertMember } from '../../electron/core/model/alert-message.ts';
import { notificationTarget } from '../../electron/core/tray/notification-target.ts';
import { messageFactory } from '../support/alert-message.ts';

function member(event: Record<string, unknown>): AlertMember {
  return {
    rule: 'run-failed',
    severity: 'critical',
    dedup_key: `run-failed:${String(event.run_id ?? '')}`,
    fired_at: '2026-11-25T16:00:00.000Z',
    status: 'firing',
    event: { at: '2026-11-25T16:00:00.000Z', ...event },
  };
}

const failed = member({
  type: 'run_completed',
  source: 'orchestration',
  run_id: '42',
  outcome: 'failed',
});
const message = messageFactory([failed]);

describe('notificationTarget', () => {
  it('opens the run a notification is about', () => {
    expect(notificationTarget(message())).toEqual({
      view: 'run',
      source: 'orchestration',
      run_id: '42',
    });
  });

  it('opens the run when every alert grouped in the message is about it', () => {
    const stepFailed = member({ type: 'step_failed', source: 'orchestration', run_id: '42' });
    expect(notificationTarget(message({ kind: 'group', members: [stepFailed, failed] }))).toEqual({
      view: 'run',
      source: 'orchestration',
      run_id: '42',
    });
  });

  it('tells apart runs with the same id in different sources', () => {
    const other = member({ type: 'run_completed', source: 'ml', run_id: '42' });
    expect(notificationTarget(message({ kind: 'group', members: [failed, other] }))).toEqual({
      view: 'home',
    });
  });

  it('opens the dashboard home for several runs, a source, a test, or no alert at all', () => {
    const otherRun = member({ type: 'run_stalled', source: 'orchestration', run_id: '43' });
    const down = member({ type: 'source_down', source: 'orchestration', reason: 'gone' });
    expect(notificationTarget(message({ kind: 'repeat', members: [failed, otherRun] }))).toEqual({
      view: 'home',
    });
    expect(notificationTarget(message({ members: [down] }))).toEqual({ view: 'home' });
    expect(notificationTarget(message({ members: [failed, down] }))).toEqual({ view: 'home' });
    expect(notificationTarget(message({ test: true }))).toEqual({ view: 'home' });
    expect(notificationTarget(message({ kind: 'failing', members: [] }))).toEqual({ view: 'home' });
  });
});
