import { describe, expect, it } from 'vitest';
import { compileMatch } from '../../electron/core/alerts/event-matcher.ts';

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
