/**
 * Whether alerts reach anyone, as the API tells the UI: how many fired since the start and how
 * many were delivered, and whether any channel can send — over a real source and its alert
 * engine, with the desktop channel able to show notifications or not.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertsView } from '../../shared/api.ts';
import { ApiService } from '../../electron/core/api/api-service.ts';
import type { DesktopNotifier } from '../../electron/core/alerts/channels/desktop-channel.ts';
import { parseConfig } from '../../electron/core/alerts/config-file.ts';
import { silentLogger } from '../../electron/core/log.ts';
import { resolveMonitorSettings } from '../../electron/core/monitor/monitor-settings.ts';
import { SourceSession } from '../../electron/core/session/source-session.ts';
import { systemClock } from '../../electron/core/time/clock.ts';
import { FAILED_RUN_TO_DESKTOP, FakeDesktop } from '../support/alert-harness.ts';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { waitForAsync } from '../support/wait.ts';

const cleanup = cleanupAfterEach();

/** Failed runs to the desktop, each at once. */
const CONFIG = `${FAILED_RUN_TO_DESKTOP}defaults:\n  group_window: 0s\n`;

/** A desktop with no notification service: the desktop channel is inactive. */
const NO_DESKTOP: DesktopNotifier = {
  unavailable: 'no notification service on this desktop',
  notify: () => Promise.resolve(),
};

function watched(desktop: DesktopNotifier, dir = tempDir()) {
  const dbPath = path.join(dir, 'orders.db');
  const orch = new OrchestrationDb(dbPath);
  cleanup.push(() => orch.close());
  const open = () => {
    const session = SourceSession.open({
      name: 'orders',
      dbPath,
      dataDir: path.join(dir, 'data'),
      config: parseConfig(CONFIG, path.join(dir, 'alerts.yaml'), { env: {} }),
      reload: null,
      settings: resolveMonitorSettings({ flags: { poll: 20 } }),
      channels: { desktop },
      log: silentLogger,
    });
    session.start();
    const api = new ApiService({
      sources: [{ name: 'orders', db: dbPath, demo: false, session }],
      transport: 'serve',
      files: { openFolder: null, showFile: () => Promise.reject(new Error('none')) },
      channels: { desktop },
      clock: systemClock,
      log: silentLogger,
    });
    return {
      session,
      api,
      stop: async () => {
        api.close();
        await session.stop();
      },
    };
  };
  return { orch, open };
}

async function alertsOf(api: ApiService): Promise<AlertsView> {
  const reply = await api.handle({ name: 'snapshot', params: {} });
  if (!reply.ok) throw new Error(reply.error.message);
  return (reply.result as { alerts: Record<string, AlertsView> }).alerts.orders as AlertsView;
}

/** Until the monitor has seen `count` active runs. */
async function waitForRuns(api: ApiService, count: number): Promise<void> {
  await waitForAsync(async () => {
    const reply = await api.handle({ name: 'snapshot', params: {} });
    return reply.ok && (reply.result as { runs: unknown[] }).runs.length === count ? true : null;
  }, `${count} active runs`);
}

/** A running run that the test then fails. */
function failRun(orch: OrchestrationDb, runId: string): void {
  orch.insertRun({
    runId,
    pipeline: 'etl',
    status: 'running',
    steps: [{ stepId: 'load', status: 'running' }],
  });
}

describe('whether alerts reach anyone', () => {
  it('counts alerts fired with none delivered while no channel can send', async () => {
    const { orch, open } = watched(NO_DESKTOP);
    const { api, stop } = open();
    cleanup.push(stop);
    expect((await alertsOf(api)).reach).toMatchObject({
      fired: 0,
      delivered: 0,
      channel_active: false,
    });
    for (const runId of ['etl-1', 'etl-2']) failRun(orch, runId);
    await waitForRuns(api, 2);
    orch.finishRun('etl-1', 'failed');
    orch.finishRun('etl-2', 'failed');
    const reach = await waitForAsync(async () => {
      const view = await alertsOf(api);
      return view.reach.fired === 2 ? view.reach : null;
    }, 'two alerts fired');
    expect(reach).toMatchObject({ fired: 2, delivered: 0, channel_active: false });
  });

  it('counts each alert delivered once, and only those fired since the start', async () => {
    const desktop = new FakeDesktop();
    const dir = tempDir();
    const { orch, open } = watched(desktop, dir);
    const first = open();
    failRun(orch, 'etl-1');
    await waitForRuns(first.api, 1);
    orch.finishRun('etl-1', 'failed');
    await waitForAsync(async () => (desktop.shown.length === 1 ? true : null), 'one notification');
    expect((await alertsOf(first.api)).reach).toMatchObject({
      fired: 1,
      delivered: 1,
      channel_active: true,
    });
    await first.stop();

    // Started again: what fired before is not counted again.
    const again = open();
    cleanup.push(again.stop);
    expect((await alertsOf(again.api)).reach).toMatchObject({ fired: 0, delivered: 0 });
    failRun(orch, 'etl-2');
    await waitForRuns(again.api, 1);
    orch.finishRun('etl-2', 'failed');
    const reach = await waitForAsync(async () => {
      const view = await alertsOf(again.api);
      return view.reach.delivered === 1 ? view.reach : null;
    }, 'the second alert delivered');
    expect(reach).toMatchObject({ fired: 1, delivered: 1, channel_active: true });
  });
});
