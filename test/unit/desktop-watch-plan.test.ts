import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../../shared/settings.ts';
import { DEMO_STALL_AFTER } from '../../electron/core/demo/demo-thresholds.ts';
import {
  demoSource,
  firstStartSettings,
  watchPlan,
} from '../../electron/core/desktop/watch-plan.ts';
import { resolveMonitorSettings } from '../../electron/core/monitor/monitor-settings.ts';

const USER_DATA = path.resolve('/home/me/.config/runwatch');

describe('watchPlan', () => {
  it('on a first start watches the demo in <userData>/sources/demo/, with a stall within a minute, and shows the banner', () => {
    const plan = watchPlan(firstStartSettings(USER_DATA), USER_DATA);
    expect(plan.demoBanner).toBe(true);
    expect(plan.sources).toHaveLength(1);
    const [demo] = plan.sources;
    expect(demo).toMatchObject({
      name: 'demo',
      demo: true,
      dataDir: path.join(USER_DATA, 'sources', 'demo'),
      db: path.join(USER_DATA, 'sources', 'demo', 'demo', 'orchestration.db'),
    });
    const thresholds = resolveMonitorSettings({
      settings: demo?.monitor,
      config: { globals: { stallAfter: 3_600_000 } },
    });
    expect(thresholds.stallAfter).toBe(DEMO_STALL_AFTER);
    expect(thresholds.stallAfter).toBeLessThan(60_000);
  });

  it("watches the user's sources, each in its own data dir, with no demo and no banner", () => {
    const settings = defaultSettings([
      { name: 'etl', db: path.resolve('/data/etl/orchestration.db') },
      { name: 'training', db: path.resolve('/data/ml/state.sqlite') },
    ]);
    const plan = watchPlan(settings, USER_DATA);
    expect(plan.demoBanner).toBe(false);
    expect(plan.sources.map((source) => [source.name, source.dataDir, source.demo])).toEqual([
      ['etl', path.join(USER_DATA, 'sources', 'etl'), false],
      ['training', path.join(USER_DATA, 'sources', 'training'), false],
    ]);
    for (const source of plan.sources) {
      expect(resolveMonitorSettings({ settings: source.monitor }).stallAfter).toBe(30 * 60_000);
    }
  });

  it('watches a PostgreSQL source by its URL, as the settings give it', () => {
    const db = 'postgresql://runwatch@db.example:5432/airflow?sslmode=require';
    const plan = watchPlan(defaultSettings([{ name: 'airflow', db }]), USER_DATA);
    expect(plan.sources[0]).toMatchObject({ name: 'airflow', db, demo: false });
  });

  it('counts as the demo only the demo source itself: a source named demo elsewhere is the user’s', () => {
    const elsewhere = defaultSettings([{ name: 'demo', db: path.resolve('/data/demo.db') }]);
    const plan = watchPlan(elsewhere, USER_DATA);
    expect(plan.demoBanner).toBe(false);
    expect(plan.sources[0]?.demo).toBe(false);

    const mixed = defaultSettings([
      demoSource(USER_DATA),
      { name: 'etl', db: path.resolve('/data/etl.db') },
    ]);
    expect(watchPlan(mixed, USER_DATA).sources.map((source) => source.demo)).toEqual([true, false]);
  });

  it("lets a stall threshold set in the settings window beat the demo's", () => {
    const settings: Settings = {
      ...firstStartSettings(USER_DATA),
      monitor: { pipelines: [{ pattern: 'train-*', stall_after: 90_000 }], stall_after: 45_000 },
    };
    const [demo] = watchPlan(settings, USER_DATA).sources;
    const resolved = resolveMonitorSettings({ settings: demo?.monitor });
    expect(resolved.stallAfter).toBe(45_000);
    expect(resolved.thresholds('train-1').stallAfter).toBe(90_000);
  });

  it('passes on the alerts file, the channels layered over it and the archive retention', () => {
    const settings: Settings = {
      ...defaultSettings([{ name: 'etl', db: path.resolve('/data/etl.db') }]),
      alerts_config: path.resolve('/etc/runwatch/alerts.yaml'),
      archive: { enabled: true, keep_days: 14 },
    };
    const plan = watchPlan(settings, USER_DATA);
    expect(plan.alertsConfig).toBe(path.resolve('/etc/runwatch/alerts.yaml'));
    expect(plan.retention).toEqual({ keepDays: 14, maxBytes: null });
    expect(plan.archiving).toBe(true);
    expect(plan.alerts.channels).toEqual({});
  });

  it('passes on archiving turned off in the settings', () => {
    const settings: Settings = {
      ...defaultSettings([{ name: 'etl', db: path.resolve('/data/etl.db') }]),
      archive: { enabled: false },
    };
    expect(watchPlan(settings, USER_DATA).archiving).toBe(false);
  });
});
