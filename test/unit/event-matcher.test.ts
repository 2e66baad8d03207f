import { describe, expect, it } from 'vitest';
import { matchRules } from '../../electron/core/alerts/alert-plan.ts';
import { compileMatch, compileStoredSilences } from '../../electron/core/alerts/event-matcher.ts';
import { parseConfig } from '../../electron/core/alerts/config-file.ts';

const failed = {
  type: 'run_completed',
  pipeline: 'etl-daily',
  run_id: 'r-42',
  attempt: 2,
  outcome: 'failed',
  late: true,
};

describe('compileMatch', () => {
  it('matches every event with {}', () => {
    expect(compileMatch({})(failed)).toBe(true);
    expect(compileMatch({})({ type: 'source_down' })).toBe(true);
  });

  it('compares exact values, across YAML types', () => {
    expect(compileMatch({ outcome: 'failed', attempt: 2 })(failed)).toBe(true);
    expect(compileMatch({ attempt: '2' })(failed)).toBe(true);
    expect(compileMatch({ late: true })(failed)).toBe(true);
    expect(compileMatch({ outcome: 'succeeded' })(failed)).toBe(false);
    expect(compileMatch({ step_name: 'load' })(failed)).toBe(false);
  });

  it('takes a list as any of', () => {
    expect(compileMatch({ type: ['run_stalled', 'run_completed'] })(failed)).toBe(true);
    expect(compileMatch({ type: ['run_stalled', 'run_overdue'] })(failed)).toBe(false);
  });

  it('anchors regexes to the whole value, as Alertmanager does', () => {
    expect(compileMatch({ pipeline: { regex: 'etl-.*' } })(failed)).toBe(true);
    expect(compileMatch({ pipeline: { regex: 'etl' } })(failed)).toBe(false);
    expect(compileMatch({ pipeline: { regex: 'etl|train' } })({ pipeline: 'train' })).toBe(true);
    expect(compileMatch({ step_name: { regex: '.*' } })(failed)).toBe(false);
  });

  it('negates, and a negation matches an event without the field', () => {
    expect(compileMatch({ pipeline: { not: { regex: 'train-.*' } } })(failed)).toBe(true);
    expect(compileMatch({ outcome: { not: ['failed', 'cancelled'] } })(failed)).toBe(false);
    expect(compileMatch({ step_name: { not: 'load' } })(failed)).toBe(true);
  });

  it('needs every field to match', () => {
    expect(compileMatch({ type: 'run_completed', pipeline: 'other' })(failed)).toBe(false);
  });
});

describe('matchRules', () => {
  const yaml = [
    'channels: { desktop: { type: desktop } }',
    'rules:',
    '  - { name: exact, match: { type: run_completed }, severity: info, channels: [desktop], continue: true }',
    '  - { name: listed, match: { type: [run_stalled, run_completed] }, severity: info, channels: [desktop], continue: true }',
    '  - { name: regex, match: { type: { regex: "run_.*" } }, severity: info, channels: [desktop], continue: true }',
    '  - { name: negated, match: { type: { not: run_completed } }, severity: info, channels: [desktop], continue: true }',
    '  - { name: any-type, match: { outcome: failed }, severity: info, channels: [desktop], continue: true }',
    '  - { name: numeric, match: { type: [run_completed, 7] }, severity: info, channels: [desktop], continue: true }',
    '  - { name: catch-all, match: {}, severity: info, channels: [desktop] }',
  ].join('\n');
  const { rules } = parseConfig(yaml, 'rules.yaml', { env: {} }).alerts;
  const events = [
    failed,
    { type: 'run_stalled', run_id: 'r-1' },
    { type: 'source_down', outcome: 'failed' },
    { type: 'step_failed' },
  ];

  it('picks the rules whose whole matcher accepts the event, in order', () => {
    const names = (event: Record<string, unknown>) =>
      matchRules(rules, event).map((matched) => matched.rule.name);
    expect(names(failed)).toEqual(['exact', 'listed', 'regex', 'any-type', 'numeric', 'catch-all']);
    for (const event of events) {
      expect(names(event)).toEqual(
        rules.filter((rule) => rule.matches(event)).map((rule) => rule.name),
      );
    }
  });
});

describe('compileStoredSilences', () => {
  it('keeps the silences that compile when a stored one does not, which then silences nothing', () => {
    const silences = compileStoredSilences([
      { match: JSON.stringify({ pipeline: { regex: '(' } }), until: 1 },
      { match: JSON.stringify({ pipeline: 'etl-daily' }), until: 2 },
    ]);
    expect(silences.map((silence) => silence.until)).toEqual([2]);
    expect(silences[0]?.matches(failed)).toBe(true);
  });
});
