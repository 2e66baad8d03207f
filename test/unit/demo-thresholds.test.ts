import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../shared/settings.ts';
import { loadSettings } from '../../electron/core/cli/load-settings.ts';
import { DEMO_STALL_AFTER, withDemoThresholds } from '../../electron/core/demo/demo-thresholds.ts';
import { firstStartSettings, watchPlan } from '../../electron/core/desktop/watch-plan.ts';
import { resolveMonitorSettings } from '../../electron/core/monitor/monitor-settings.ts';
import { settingsLayers } from '../../electron/core/settings/settings-layers.ts';

const USER_DATA = path.resolve('/home/me/.config/runwatch');

/** The demo's global stall threshold in the app, over the shipped alerts.yaml (30m). */
function inApp(settings: Settings): number {
  const [demo] = watchPlan(settings, USER_DATA).sources;
  const { config } = loadSettings({});
  return resolveMonitorSettings({
    settings: demo?.monitor,
    config: { globals: config.monitor, pipelines: config.pipelines },
  }).stallAfter;
}

/** The same in `serve --demo`, whose settings window saved `settings`. */
function inServe(settings: Settings, flags: { stallAfter?: number } = {}): number {
  return loadSettings({ demo: true, ...flags }, settingsLayers(settings)).settings.stallAfter;
}

describe('demo stall threshold', () => {
  it("beats the config file's and the built-in default, in the app and in serve alike", () => {
    const settings = firstStartSettings(USER_DATA);
    expect(inApp(settings)).toBe(DEMO_STALL_AFTER);
    expect(inServe(settings)).toBe(DEMO_STALL_AFTER);
    expect(loadSettings({}).settings.stallAfter).toBe(30 * 60_000);
  });

  it('loses to a threshold the user saved in the settings window, in the app and in serve alike', () => {
    const settings: Settings = {
      ...firstStartSettings(USER_DATA),
      monitor: { pipelines: [], stall_after: 45_000 },
    };
    expect(inApp(settings)).toBe(45_000);
    expect(inServe(settings)).toBe(45_000);
  });

  it('loses to --stall-after', () => {
    const settings: Settings = {
      ...firstStartSettings(USER_DATA),
      monitor: { pipelines: [], stall_after: 45_000 },
    };
    expect(inServe(settings, { stallAfter: 5_000 })).toBe(5_000);
    expect(inServe(firstStartSettings(USER_DATA), { stallAfter: 5_000 })).toBe(5_000);
  });

  it('keeps the rest of what the user saved as it is', () => {
    const saved = {
      globals: { poll: 250 },
      pipelines: [{ pattern: 'train-*', stallAfter: 90_000 }],
    };
    expect(withDemoThresholds(saved)).toEqual({
      globals: { poll: 250 },
      pipelines: [{ pattern: 'train-*', stallAfter: 90_000 }],
      demo: { stallAfter: DEMO_STALL_AFTER },
    });
    expect(withDemoThresholds()).toEqual({ demo: { stallAfter: DEMO_STALL_AFTER } });
  });

  it("says the demo's threshold is the demo's, and what each layer holds", () => {
    const { settings } = loadSettings(
      { demo: true },
      settingsLayers(firstStartSettings(USER_DATA)),
    );
    expect(settings.origin.stallAfter).toBe('demo');
    expect(settings.layers.stallAfter).toEqual({
      default: 30 * 60_000,
      config: 30 * 60_000,
      demo: DEMO_STALL_AFTER,
    });
    expect(settings.origin.sourceGrace).toBe('default');
  });
});
