/**
 * Why a step failed, where the source says: the default schema's optional `steps.message`, read
 * when the table has it and never required, carried into the run's detail, its snapshot in
 * state.db and its report; the demo writes one for each step it fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { RunDetail } from '../../shared/api.ts';
import { ApiService } from '../../electron/core/api/api-service.ts';
import { parseConfig } from '../../electron/core/alerts/config-file.ts';
import { openDemoDatabase } from '../../electron/core/demo/demo-pipeline.ts';
import { DEFAULT_SCHEMA_SQL } from '../../electron/core/demo/demo-schema.ts';
import { silentLogger } from '../../electron/core/log.ts';
import { resolveMonitorSettings } from '../../electron/core/monitor/monitor-settings.ts';
import { SourceSession } from '../../electron/core/session/source-session.ts';
import { SqliteSource } from '../../electron/core/source/sqlite-source.ts';
import { systemClock } from '../../electron/core/time/clock.ts';
import { FakeDesktop } from '../support/alert-harness.ts';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { OrchestrationDb, isoNow, tempDir } from '../support/orchestration-db.ts';
import { waitFor, waitForAsync } from '../support/wait.ts';

const cleanup = cleanupAfterEach();

/** The default schema as it was before `steps.message`. */
const WITHOUT_MESSAGE = DEFAULT_SCHEMA_SQL.replace(/\n\s*message\s+TEXT,/, '');

function watch(sql?: string) {
  const dir = tempDir();
  const dbPath = path.join(dir, 'orders.db');
  const orch = new OrchestrationDb(dbPath, sql === undefined ? {} : { sql });
  cleanup.push(() => orch.close());
  const dataDir = path.join(dir, 'data');
  const session = SourceSession.open({
    name: 'orders',
    dbPath,
    dataDir,
    config: parseConfig('channels: {}\nrules: []\n', path.join(dir, 'alerts.yaml'), { env: {} }),
    reload: null,
    settings: resolveMonitorSettings({ flags: { poll: 20 } }),
    channels: { desktop: new FakeDesktop() },
    log: silentLogger,
  });
  session.start();
  const api = new ApiService({
    sources: [{ name: 'orders', db: dbPath, demo: false, session }],
    transport: 'serve',
    files: { openFolder: null, showFile: () => Promise.reject(new Error('none')) },
    channels: { desktop: new FakeDesktop() },
    clock: systemClock,
    log: silentLogger,
  });
  cleanup.push(async () => {
    api.close();
    await session.stop();
  });
  return { orch, api, dataDir, dbPath };
}

async function detail(api: ApiService, runId: string): Promise<RunDetail | null> {
  const reply = await api.handle({
    name: 'runDetail',
    params: { source: 'orders', run_id: runId },
  });
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.result as RunDetail | null;
}

/** A run whose second step fails, saying why where the schema lets it. */
async function failLoad(
  orch: OrchestrationDb,
  api: ApiService,
  message: string | null,
): Promise<void> {
  orch.insertRun({
    runId: 'etl-7',
    steps: [
      { stepId: 'extract', status: 'succeeded', startedAt: isoNow(-2_000), finishedAt: isoNow() },
      { stepId: 'load', status: 'running', startedAt: isoNow() },
    ],
  });
  await waitForAsync(async () => (await detail(api, 'etl-7'))?.active ?? null, 'the run active');
  orch.setStep('etl-7', 'load', {
    status: 'failed',
    finished_at: isoNow(),
    ...(message === null ? {} : { message }),
  });
}

describe('why a step failed', () => {
  it('is read from steps.message into the live run, the finished run and its report', async () => {
    const { orch, api, dataDir } = watch();
    await failLoad(orch, api, 'connection to warehouse:5432 refused');
    const live = await waitForAsync(async () => {
      const current = await detail(api, 'etl-7');
      return current?.steps.find((step) => step.status === 'failed') ? current : null;
    }, 'the failed step seen live');
    expect(live.steps.map((step) => [step.step_id, step.message])).toEqual([
      ['extract', undefined],
      ['load', 'connection to warehouse:5432 refused'],
    ]);

    orch.finishRun('etl-7', 'failed');
    const reportFile = path.join(dataDir, 'reports', 'etl-7_summary.json');
    await waitFor(() => fs.existsSync(reportFile), 'the report');
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as {
      steps: Record<string, unknown>[];
    };
    expect(report.steps[1]).toMatchObject({
      step_id: 'load',
      status: 'failed',
      message: 'connection to warehouse:5432 refused',
    });
    expect(report.steps[0]).not.toHaveProperty('message');
    const finished = await detail(api, 'etl-7');
    expect(finished?.active).toBeNull();
    expect(finished?.steps[1]?.message).toBe('connection to warehouse:5432 refused');
  });

  it('is optional: a schema without the column is read in full, its steps without a message', async () => {
    const { orch, api, dbPath } = watch(WITHOUT_MESSAGE);
    const source = new SqliteSource(dbPath);
    const opened = source.open();
    source.close();
    expect(opened.optionalColumns).toEqual([{ table: 'steps', column: 'message', present: false }]);

    await failLoad(orch, api, null);
    orch.finishRun('etl-7', 'failed');
    const finished = await waitForAsync(async () => {
      const current = await detail(api, 'etl-7');
      return current?.finished ? current : null;
    }, 'the run finished');
    expect(finished.steps.map((step) => step.status)).toEqual(['succeeded', 'failed']);
    expect(finished.steps.some((step) => 'message' in step)).toBe(false);
  });

  it('has a column in a demo database made before there was one', () => {
    const dir = tempDir();
    const file = path.join(dir, 'demo.db');
    const old = new Database(file);
    old.exec(WITHOUT_MESSAGE);
    old.close();
    openDemoDatabase(file).close();
    const db = new Database(file, { readonly: true });
    const columns = db.prepare(`SELECT name FROM pragma_table_info('steps')`).pluck().all();
    db.close();
    expect(columns).toContain('message');
  });
});
