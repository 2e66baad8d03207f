import { describe, expect, it } from 'vitest';
import type { ThresholdInForce, ThresholdsInForce } from '../../shared/api.ts';
import {
  durationWords,
  emptyFieldValue,
  inForceLines,
  overridesInForce,
} from '../../renderer/src/views/settings/in-force.ts';

const threshold = (
  value_ms: number,
  origin: ThresholdInForce['origin'],
  layers: ThresholdInForce['layers'] = { default: value_ms },
): ThresholdInForce => ({ value_ms, origin, layers });

function source(name: string, stall: ThresholdInForce): ThresholdsInForce {
  return {
    source: name,
    config_file: '/home/me/pipelines/alerts.yaml',
    thresholds: {
      poll: threshold(20, 'flag', { default: 100, flag: 20 }),
      stall_after: stall,
      source_grace: threshold(120_000, 'config', { default: 60_000, config: 120_000 }),
      settle: threshold(0, 'default'),
      stale_after: threshold(86_400_000, 'default'),
      keep_history: threshold(2_592_000_000, 'default'),
      max_alert_age: threshold(21_600_000, 'settings', {
        default: 21_600_000,
        settings: 21_600_000,
      }),
    },
    pipelines: [
      { pattern: 'etl-*', stall_after_ms: 300_000, max_duration_ms: null, origin: 'settings' },
      {
        pattern: 'train-*',
        stall_after_ms: 10_800_000,
        max_duration_ms: 43_200_000,
        origin: 'config',
      },
    ],
  };
}

const demo = source('demo', threshold(20_000, 'demo', { default: 1_800_000, demo: 20_000 }));
const etl = source('etl', threshold(1_800_000, 'default', { default: 1_800_000 }));

describe('thresholds in force, in words', () => {
  it('writes durations as a sentence does', () => {
    expect(durationWords(20_000)).toBe('20 s');
    expect(durationWords(1_800_000)).toBe('30 min');
    expect(durationWords(5_400_000)).toBe('1 h 30 min');
    expect(durationWords(100)).toBe('100 ms');
    expect(durationWords(86_400_000)).toBe('1 d');
  });

  it('says the value and where it comes from, once when every source agrees', () => {
    expect(inForceLines('stall_after', [demo])).toEqual(['20 s — from the demo']);
    expect(inForceLines('stall_after', [etl])).toEqual(['30 min — built-in default']);
    expect(inForceLines('source_grace', [demo, etl])).toEqual(['2 min — from alerts.yaml']);
    expect(inForceLines('poll', [etl])).toEqual(['20 ms — from --poll']);
    expect(inForceLines('max_alert_age', [etl])).toEqual(['6 h — saved here']);
  });

  it('names each source when they differ', () => {
    expect(inForceLines('stall_after', [demo, etl])).toEqual([
      'demo: 20 s — from the demo',
      'etl: 30 min — built-in default',
    ]);
  });

  it('shows in an empty field the value under the settings window, when the sources agree', () => {
    expect(emptyFieldValue('stall_after', [demo])).toBe('20s');
    expect(emptyFieldValue('stall_after', [etl])).toBe('30m');
    expect(emptyFieldValue('stall_after', [demo, etl])).toBeUndefined();
    expect(emptyFieldValue('source_grace', [demo, etl])).toBe('2m');
    expect(emptyFieldValue('poll', [etl])).toBe('100ms');
  });

  it('lists the per-pipeline overrides in force with where each is from, once', () => {
    expect(overridesInForce([demo, etl])).toEqual([
      'etl-*: stalled after 5 min — saved here',
      'train-*: stalled after 3 h, overdue after 12 h — from alerts.yaml',
    ]);
  });
});
