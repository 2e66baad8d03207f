import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../../shared/settings.ts';
import { ApiService } from '../../electron/core/api/api-service.ts';
import type { DesktopNotifier } from '../../electron/core/alerts/channels/desktop-channel.ts';
import { firstStartSettings, watchPlan } from '../../electron/core/desktop/watch-plan.ts';
import { WatchedSources } from '../../electron/core/desktop/watched-sources.ts';
import { streamLogger, silentLogger } from '../../electron/core/log.ts';
import { systemClock } from '../../electron/core/time/clock.ts';
import { AirflowDb } from '../support/airflow-db.ts';
import { OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { waitFor } from '../support/wait.ts';

const desktop: DesktopNotifier = { unavailable: null, notify: () => Promise.resolve() };
const running: WatchedSources[] = [];

afterEach(async () => {
  for (const watched of running.splice(0)) await watched.stop();
});

function open(settings: Settings, userData: string, log = silentLogger): WatchedSources {
  const watched = WatchedSources.open({ plan: watchPlan(settings, userData), desktop, log });
  running.push(watched);
  return watched;
}

describe('WatchedSources', () => {
  it('on a first start runs and watches the demo under userData, and lets go of it when stopped', async () => {
    const userData = tempDir('runwatch-userdata-');
    const watched = open(firstStartSettings(userData), userData);
    expect(watched.problems).toEqual([]);
    watched.start();

    const [demo] = watched.sources;
    expect(demo).toMatchObject({ name: 'demo', demo: true });
    expect(demo?.session.dataDir).toBe(path.join(userData, 'sources', 'demo'));
    await waitFor(
      () => demo && demo.session.monitor.runViews.all(Date.now()).length > 0,
      'a demo run to be seen',
    );
    expect(fs.existsSync(path.join(userData, 'sources', 'demo', 'demo', 'orchestration.db'))).toBe(
      true,
    );

    const api = new ApiService({
      sources: watched.sources,
      transport: 'ipc',
      files: { openFolder: null, showFile: () => Promise.resolve({ shown: true }) },
      channels: { desktop },
      clock: systemClock,
      log: silentLogger,
    });
    const reply = await api.handle({ name: 'snapshot', params: {} });
    api.close();
    expect(reply.ok && reply.result).toMatchObject({
      transport: 'ipc',
      sources: [{ name: 'demo', demo: true }],
    });

    await watched.stop();
    // Every data dir is free again: the next start takes it.
    const again = open(firstStartSettings(userData), userData);
    expect(again.problems).toEqual([]);
    expect(again.sources).toHaveLength(1);
  });

  it('watches each of the user’s sources in its own data dir, and reports one it cannot take', async () => {
    const userData = tempDir('runwatch-userdata-');
    const dbs = ['etl', 'ml'].map(
      (name) => new OrchestrationDb(path.join(tempDir(), `${name}.db`)),
    );
    const settings = defaultSettings([
      { name: 'etl', db: dbs[0]?.file ?? '' },
      { name: 'ml', db: dbs[1]?.file ?? '' },
    ]);
    const first = open(defaultSettings([settings.sources[1] as Settings['sources'][0]]), userData);
    expect(first.sources.map((source) => source.name)).toEqual(['ml']);

    const lines: string[] = [];
    const second = open(
      settings,
      userData,
      streamLogger((line) => lines.push(line)),
    );
    expect(
      second.sources.map((source) => [source.name, source.demo, source.session.dataDir]),
    ).toEqual([['etl', false, path.join(userData, 'sources', 'etl')]]);
    expect(second.problems).toEqual([
      {
        source: 'ml',
        message: expect.stringMatching(/in use by another Runwatch process/),
      },
    ]);
    expect(lines.join('')).toMatch(/cannot watch source "ml"/);
    for (const db of dbs) db.close();
  });

  it('with archiving turned off in the settings, writes each finished run’s report and no zip', async () => {
    const userData = tempDir('runwatch-userdata-');
    const dir = tempDir();
    const orch = new OrchestrationDb(path.join(dir, 'etl.db'));
    const artifacts = path.join(dir, 'artifacts', 'r1');
    fs.mkdirSync(artifacts, { recursive: true });
    fs.writeFileSync(path.join(artifacts, 'out.csv'), 'a,b\n1,2\n');
    const settings: Settings = {
      ...defaultSettings([{ name: 'etl', db: orch.file }]),
      archive: { enabled: false },
    };
    const watched = open(settings, userData);
    watched.start();
    const [etl] = watched.sources;
    const seen: string[] = [];
    etl?.session.bus.onAny((event) => seen.push(event.type));
    orch.insertRun({ runId: 'r1', artifactsDir: artifacts, steps: [{ stepId: 'a' }] });
    await waitFor(() => seen.includes('run_started'), 'r1 to start');
    orch.finishRun('r1', 'succeeded');
    await waitFor(() => seen.includes('report_written'), 'the report of r1');

    const dataDir = path.join(userData, 'sources', 'etl');
    const report = JSON.parse(
      fs.readFileSync(path.join(dataDir, 'reports', 'r1_summary.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(report).toMatchObject({ run_id: 'r1', archive: null, archive_off: true });
    expect(fs.readdirSync(path.join(dataDir, 'archive'))).toEqual([]);
    expect(seen).not.toContain('run_archived');
    orch.close();
  });

  it('falls back to the shipped alerts.yaml when the one in the settings cannot be used', () => {
    const userData = tempDir('runwatch-userdata-');
    const broken = path.join(tempDir(), 'alerts.yaml');
    fs.writeFileSync(broken, 'rules: [\n');
    const lines: string[] = [];
    const watched = open(
      { ...firstStartSettings(userData), alerts_config: broken },
      userData,
      streamLogger((line) => lines.push(line)),
    );
    expect(watched.sources).toHaveLength(1);
    expect(lines.join('')).toMatch(/alerts\.yaml[\s\S]*using the shipped alerts\.yaml instead/);
    expect(watched.sources[0]?.session.alerts.config.rules.length).toBeGreaterThan(0);
  });

  it('reads each source with the schema its settings name, and reports a mapping file it cannot use', async () => {
    const userData = tempDir('runwatch-userdata-');
    const airflow = new AirflowDb(path.join(tempDir(), 'airflow.db'), 2);
    airflow.createRun('etl', 'manual__1', ['a']);
    airflow.setRun('etl', 'manual__1', 'running');
    airflow.close();
    const missing = path.join(userData, 'no-such-mapping.yaml');
    const lines: string[] = [];
    const watched = open(
      defaultSettings([
        { name: 'af', db: airflow.file, schema: 'airflow' },
        { name: 'other', db: airflow.file, schema: missing },
      ]),
      userData,
      streamLogger((line) => lines.push(line)),
    );
    expect(watched.sources.map((source) => source.name)).toEqual(['af']);
    expect(watched.problems).toEqual([{ source: 'other', message: `${missing}: file not found` }]);
    watched.start();
    const [af] = watched.sources;
    await waitFor(() => af && af.session.monitor.schema !== null, 'the database read');
    expect(af?.session.monitor.schema).toMatchObject({ name: 'airflow', detected: false });
    await waitFor(
      () => af && af.session.monitor.runViews.all(Date.now()).length === 1,
      'the DAG run seen',
    );
  });
});
