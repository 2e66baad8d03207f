import { describe, expect, it } from 'vitest';
import type { AlertsView } from '../../shared/api.ts';
import { alertRouting, sourcesText } from '../../renderer/src/views/settings/alert-routing.ts';
import {
  appliesText,
  changedSections,
  savedText,
  type Applies,
} from '../../renderer/src/views/settings/apply-timing.ts';
import {
  buildSilence,
  matchText,
  silenceKey,
  timeLeftText,
  type SilenceForm,
} from '../../renderer/src/views/settings/silence-form.ts';

const NOW = Date.parse('2026-03-01T10:00:00.000Z');

function form(patch: Partial<SilenceForm> = {}): SilenceForm {
  return {
    source: 'prod',
    conditions: [{ id: 'c1', field: 'pipeline', mode: 'is', value: ' etl-nightly ' }],
    duration: '2h',
    comment: '',
    ...patch,
  };
}

describe('adding a silence', () => {
  it('sends the match, the end and the comment', () => {
    expect(
      buildSilence(
        form({
          conditions: [
            { id: 'c1', field: 'pipeline', mode: 'is', value: ' etl-nightly ' },
            { id: 'c2', field: 'type', mode: 'regex', value: 'run_(stalled|overdue)' },
          ],
          comment: ' migration ',
        }),
        NOW,
      ),
    ).toEqual({
      ok: true,
      params: {
        source: 'prod',
        match: { pipeline: 'etl-nightly', type: { regex: 'run_(stalled|overdue)' } },
        until: '2026-03-01T12:00:00.000Z',
        comment: 'migration',
      },
    });
  });

  it('says what is missing or wrong, by field', () => {
    const result = buildSilence(
      form({
        source: '',
        conditions: [
          { id: 'c1', field: 'pipeline', mode: 'is', value: '' },
          { id: 'c2', field: 'run_id', mode: 'regex', value: '(' },
          { id: 'c3', field: 'run_id', mode: 'is', value: 'x' },
        ],
        duration: '30',
      }),
      NOW,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.fromEntries(result.errors)).toEqual({
      [silenceKey.source]: 'choose a source',
      [silenceKey.condition('c1')]: 'enter a value',
      [silenceKey.condition('c2')]: expect.stringMatching(/^not a valid regex: /),
      [silenceKey.duration]: 'add a unit: 30s, 30m or 30h?',
    });
    const twice = buildSilence(
      form({
        conditions: [
          { id: 'c1', field: 'run_id', mode: 'is', value: 'a' },
          { id: 'c2', field: 'run_id', mode: 'is', value: 'b' },
        ],
      }),
      NOW,
    );
    expect(twice.ok ? null : twice.errors.get(silenceKey.condition('c2'))).toBe(
      'run_id is already matched above',
    );
  });

  it('wants a duration of a minute to a year', () => {
    const why = (duration: string) => {
      const result = buildSilence(form({ duration }), NOW);
      return result.ok ? null : result.errors.get(silenceKey.duration);
    };
    expect(why('')).toBe('how long, like 2h or 1d');
    expect(why('30s')).toBe('at least 1m');
    expect(why('400d')).toBe('at most 366d');
    expect(why('1d 12h')).toBeNull();
  });
});

describe('showing silences', () => {
  it('puts a match in words', () => {
    expect(matchText({ pipeline: 'etl', type: { regex: 'run_.*' } })).toBe(
      'pipeline = “etl” · type matches /run_.*/',
    );
    expect(matchText({ outcome: ['failed', 'cancelled'], attempt: { not: 1 } })).toBe(
      'outcome one of “failed”, “cancelled” · attempt not 1',
    );
    expect(matchText({})).toBe('everything');
  });

  it('says how long is left', () => {
    expect(timeLeftText(NOW + 2 * 3_600_000 + 5 * 60_000 + 30_000, NOW)).toBe('2h 5m left');
    expect(timeLeftText(NOW + 10_000, NOW)).toBe('less than 1m left');
    expect(timeLeftText(NOW - 1, NOW)).toBe('ended');
  });
});

describe('when saved settings apply', () => {
  const app: Applies = {
    now: ['channels', 'quiet_hours', 'start_at_login'],
    at_restart: ['sources', 'monitor', 'archive', 'alerts_config'],
  };
  const serve: Applies = {
    now: ['channels', 'quiet_hours'],
    at_restart: ['sources', 'monitor', 'archive', 'alerts_config', 'start_at_login'],
  };

  it('names what changed and when it takes effect, as the main side says', () => {
    const before = { sources: [1], monitor: { a: 1 }, channels: {}, quiet_hours: null };
    expect(changedSections(before, { ...before, channels: { x: 1 } })).toEqual(['channels']);
    expect(savedText(['channels', 'quiet_hours'], 'ipc', app)).toBe(
      'Saved. Channels and quiet hours in effect now.',
    );
    expect(savedText(['monitor', 'channels'], 'serve', serve)).toBe(
      'Saved. Channels in effect now; thresholds when runwatch serve is next started.',
    );
    expect(savedText(['sources', 'archive'], 'ipc', app)).toBe(
      'Saved. Sources and archiving when Runwatch next starts.',
    );
    expect(savedText(['start_at_login'], 'ipc', app)).toBe('Saved. Start at login in effect now.');
    expect(savedText(['start_at_login'], 'serve', serve)).toBe(
      'Saved. Start at login when runwatch serve is next started.',
    );
    expect(appliesText('channels', 'ipc', app)).toBe('Applies on save');
    expect(appliesText('monitor', 'serve', serve)).toBe('Applies when serve restarts');
    expect(appliesText('monitor', 'ipc', { now: [], at_restart: [] })).toBe('');
    expect(savedText(['channels', 'monitor'], 'ipc', { now: [], at_restart: [] })).toBe('Saved');
  });

  it('sees a section the window does not name yet, and says when it applies', () => {
    const before = { sources: [1], history: { keep_days: 30 } };
    expect(changedSections(before, { ...before, history: { keep_days: 7 } })).toEqual(['history']);
    // A section name from a newer server, which this build's type does not list.
    const applies = { ...app, at_restart: [...app.at_restart, 'history'] } as unknown as Applies;
    expect(savedText(['history'], 'ipc', applies)).toBe(
      'Saved. History when Runwatch next starts.',
    );
  });
});

describe('alerts that reach nobody', () => {
  const view = (patch: Partial<AlertsView>): AlertsView => ({
    firing: 0,
    pending_deliveries: 0,
    failing: [],
    inactive_channels: [],
    rules_without_channel: [],
    reach: { since: '2026-01-01T00:00:00.000Z', fired: 0, delivered: 0, channel_active: true },
    ...patch,
  });

  it('lists each problem once, with the sources it is found in', () => {
    const slack = { channel: 'slack', why: 'SLACK_WEBHOOK_URL is not set', rules: ['run-failed'] };
    const routing = alertRouting({
      prod: view({ inactive_channels: [slack], rules_without_channel: ['run-stalled'] }),
      staging: view({
        inactive_channels: [{ ...slack, rules: ['run-failed', 'source-down'] }],
      }),
    });
    expect(routing).toEqual({
      inactive: [{ ...slack, rules: ['run-failed', 'source-down'], sources: ['prod', 'staging'] }],
      silentRules: [{ rule: 'run-stalled', sources: ['prod'] }],
    });
    expect(sourcesText(['prod'], 2)).toBe(' (in “prod”)');
    expect(sourcesText(['prod', 'staging'], 2)).toBe('');
    expect(sourcesText(['prod'], 1)).toBe('');
  });
});
