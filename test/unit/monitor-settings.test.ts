import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GLOBALS,
  resolveMonitorSettings,
  type PipelineOverride,
} from '../../electron/core/monitor/monitor-settings.ts';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const configWith = (...pipelines: PipelineOverride[]) => ({ config: { pipelines } });

describe('resolveMonitorSettings', () => {
  it('uses the built-in defaults of ARCHITECTURE.md §7 when nothing is set', () => {
    const settings = resolveMonitorSettings({});
    expect(settings).toMatchObject({
      poll: 100,
      stallAfter: 30 * MINUTE,
      sourceGrace: 60 * SECOND,
      settle: 0,
      staleAfter: 24 * HOUR,
      maxAlertAge: 6 * HOUR,
      keepHistory: 30 * 24 * HOUR,
    });
    expect(Object.values(settings.origin).every((origin) => origin === 'default')).toBe(true);
    expect(Object.keys(settings.origin).sort()).toEqual(Object.keys(DEFAULT_GLOBALS).sort());
    expect(settings.thresholds('anything')).toEqual({ stallAfter: 30 * MINUTE, maxDuration: null });
  });

  describe('globals: flag > settings window > config monitor: > default', () => {
    const config = { globals: { stallAfter: 20 * MINUTE, sourceGrace: 2 * MINUTE } };
    const settingsWindow = { globals: { stallAfter: 15 * MINUTE } };
    const flags = { stallAfter: 10 * MINUTE };

    it('a flag beats the settings window and the config', () => {
      const settings = resolveMonitorSettings({ flags, settings: settingsWindow, config });
      expect(settings.stallAfter).toBe(10 * MINUTE);
      expect(settings.origin.stallAfter).toBe('flag');
    });

    it('the settings window beats the config', () => {
      const settings = resolveMonitorSettings({ settings: settingsWindow, config });
      expect(settings.stallAfter).toBe(15 * MINUTE);
      expect(settings.origin.stallAfter).toBe('settings');
    });

    it('the config beats the default', () => {
      const settings = resolveMonitorSettings({ config });
      expect(settings.stallAfter).toBe(20 * MINUTE);
      expect(settings.origin.stallAfter).toBe('config');
    });

    it('decides each setting on its own, and origin says where each came from', () => {
      const settings = resolveMonitorSettings({
        flags: { poll: 50 },
        settings: { globals: { settle: 5 * SECOND } },
        config: { globals: { staleAfter: 48 * HOUR, poll: 500 } },
      });
      expect(settings).toMatchObject({
        poll: 50,
        settle: 5 * SECOND,
        staleAfter: 48 * HOUR,
        stallAfter: 30 * MINUTE,
      });
      expect(settings.origin).toEqual({
        poll: 'flag',
        stallAfter: 'default',
        sourceGrace: 'default',
        settle: 'settings',
        staleAfter: 'config',
        maxAlertAge: 'default',
        keepHistory: 'default',
      });
    });

    it('an unset (undefined) flag does not hide the layers below', () => {
      const settings = resolveMonitorSettings({ flags: { stallAfter: undefined }, config });
      expect(settings.stallAfter).toBe(20 * MINUTE);
      expect(settings.origin.stallAfter).toBe('config');
    });

    it('a value of 0 is a value, not "unset"', () => {
      const settings = resolveMonitorSettings({
        flags: { settle: 0 },
        config: { globals: { settle: 10 * SECOND } },
      });
      expect(settings.settle).toBe(0);
      expect(settings.origin.settle).toBe('flag');
    });

    it('runs without a per-pipeline override get the global stall_after', () => {
      const settings = resolveMonitorSettings({ flags, config });
      expect(settings.thresholds('etl-daily')).toEqual({
        stallAfter: 10 * MINUTE,
        maxDuration: null,
      });
    });
  });

  it('a per-pipeline value beats every global, even a command-line flag', () => {
    const settings = resolveMonitorSettings({
      flags: { stallAfter: 10 * MINUTE },
      settings: { globals: { stallAfter: 15 * MINUTE } },
      config: {
        globals: { stallAfter: 20 * MINUTE },
        pipelines: [{ pattern: 'train-*', stallAfter: 3 * HOUR, maxDuration: 12 * HOUR }],
      },
    });
    expect(settings.thresholds('train-resnet')).toEqual({
      stallAfter: 3 * HOUR,
      maxDuration: 12 * HOUR,
    });
    expect(settings.thresholds('etl')).toEqual({ stallAfter: 10 * MINUTE, maxDuration: null });
  });

  it("the settings window's overrides come before the config file's pipelines:", () => {
    const settings = resolveMonitorSettings({
      settings: { pipelines: [{ pattern: 'train-*', stallAfter: 1 * HOUR }] },
      config: {
        pipelines: [{ pattern: 'train-big', stallAfter: 5 * HOUR, maxDuration: 12 * HOUR }],
      },
    });
    // stall_after from the settings window, max_duration (which it leaves unset) from the file
    expect(settings.thresholds('train-big')).toEqual({
      stallAfter: 1 * HOUR,
      maxDuration: 12 * HOUR,
    });
  });

  it('takes the first matching glob in file order', () => {
    const broadFirst = resolveMonitorSettings(
      configWith(
        { pattern: 'train-*', stallAfter: 3 * HOUR },
        { pattern: 'train-big', stallAfter: 5 * HOUR },
      ),
    );
    expect(broadFirst.thresholds('train-big').stallAfter).toBe(3 * HOUR);
    const narrowFirst = resolveMonitorSettings(
      configWith(
        { pattern: 'train-big', stallAfter: 5 * HOUR },
        { pattern: 'train-*', stallAfter: 3 * HOUR },
      ),
    );
    expect(narrowFirst.thresholds('train-big').stallAfter).toBe(5 * HOUR);
    expect(narrowFirst.thresholds('train-small').stallAfter).toBe(3 * HOUR);
  });

  it('resolves field by field: a later match fills what an earlier one leaves unset', () => {
    const settings = resolveMonitorSettings(
      configWith(
        { pattern: 'train-big', maxDuration: 2 * HOUR },
        { pattern: 'train-*', stallAfter: 3 * HOUR, maxDuration: 12 * HOUR },
      ),
    );
    expect(settings.thresholds('train-big')).toEqual({
      stallAfter: 3 * HOUR,
      maxDuration: 2 * HOUR,
    });
    expect(settings.thresholds('train-x')).toEqual({
      stallAfter: 3 * HOUR,
      maxDuration: 12 * HOUR,
    });
  });

  it('anchors * globs at both ends', () => {
    const settings = resolveMonitorSettings(
      configWith({ pattern: 'train-*', stallAfter: 3 * HOUR }),
    );
    expect(settings.thresholds('train-').stallAfter).toBe(3 * HOUR);
    expect(settings.thresholds('train-a/b c').stallAfter).toBe(3 * HOUR);
    expect(settings.thresholds('pretrain-x').stallAfter).toBe(30 * MINUTE);
    const exact = resolveMonitorSettings(configWith({ pattern: 'etl', stallAfter: HOUR }));
    expect(exact.thresholds('etl').stallAfter).toBe(HOUR);
    expect(exact.thresholds('etl-daily').stallAfter).toBe(30 * MINUTE);
    expect(exact.thresholds('my-etl').stallAfter).toBe(30 * MINUTE);
  });

  it('matches exactly one character with ?', () => {
    const settings = resolveMonitorSettings(configWith({ pattern: 'job-?', stallAfter: HOUR }));
    expect(settings.thresholds('job-1').stallAfter).toBe(HOUR);
    expect(settings.thresholds('job-x').stallAfter).toBe(HOUR);
    expect(settings.thresholds('job-').stallAfter).toBe(30 * MINUTE);
    expect(settings.thresholds('job-10').stallAfter).toBe(30 * MINUTE);
  });

  it('matches * across any characters, including none and several', () => {
    const settings = resolveMonitorSettings(
      configWith({ pattern: '*-nightly-*', stallAfter: HOUR }),
    );
    expect(settings.thresholds('etl-nightly-eu').stallAfter).toBe(HOUR);
    expect(settings.thresholds('-nightly-').stallAfter).toBe(HOUR);
    expect(settings.thresholds('etl-nightly').stallAfter).toBe(30 * MINUTE);
  });

  it.each([
    ['a.b', 'a.b', 'axb'],
    ['c++', 'c++', 'ccc'],
    ['(x)+', '(x)+', 'xx'],
    ['nightly[[]1]', 'nightly[1]', 'nightly1'],
    ['a|b', 'a|b', 'a'],
    ['^top$', '^top$', 'top'],
    ['x{2}', 'x{2}', 'xx'],
    ['back\\slash', 'back\\slash', 'backslash'],
    ['cost$.*', 'cost$.anything', 'cost$x'],
  ])('takes the regex metacharacters of %j literally', (pattern, matches, doesNotMatch) => {
    const settings = resolveMonitorSettings(configWith({ pattern, stallAfter: HOUR }));
    expect(settings.thresholds(matches).stallAfter).toBe(HOUR);
    expect(settings.thresholds(doesNotMatch).stallAfter).toBe(30 * MINUTE);
  });

  it('matches one character of a set with [abc], [a-z] and [!a-z]', () => {
    const digit = resolveMonitorSettings(configWith({ pattern: 'etl-[0-9]*', stallAfter: HOUR }));
    expect(digit.thresholds('etl-7-eu').stallAfter).toBe(HOUR);
    expect(digit.thresholds('etl-eu').stallAfter).toBe(30 * MINUTE);
    const not = resolveMonitorSettings(configWith({ pattern: 'job-[!ab]', stallAfter: HOUR }));
    expect(not.thresholds('job-c').stallAfter).toBe(HOUR);
    expect(not.thresholds('job-a').stallAfter).toBe(30 * MINUTE);
    const star = resolveMonitorSettings(configWith({ pattern: 'x[*]', stallAfter: HOUR }));
    expect(star.thresholds('x*').stallAfter).toBe(HOUR);
    expect(star.thresholds('xy').stallAfter).toBe(30 * MINUTE);
  });

  it('gives the same answer when asked again for the same pipeline', () => {
    const settings = resolveMonitorSettings(
      configWith({ pattern: 'train-*', stallAfter: 3 * HOUR }),
    );
    const first = settings.thresholds('train-a');
    expect(settings.thresholds('etl')).toEqual({ stallAfter: 30 * MINUTE, maxDuration: null });
    expect(settings.thresholds('train-a')).toEqual(first);
    expect(first).toEqual({ stallAfter: 3 * HOUR, maxDuration: null });
  });
});
