/**
 * The dashboard on an Airflow database, in real Chromium against `runwatch serve`: a DAG run
 * listed as active, and its task instances as steps on the run's timeline.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AirflowDb } from '../support/airflow-db.ts';
import { browserPerFile } from '../support/browser.ts';
import { tempDir } from '../support/orchestration-db.ts';
import { runwatch } from '../support/processes.ts';
import { waitFor } from '../support/wait.ts';

const openPage = browserPerFile();

describe('the dashboard on an Airflow database', () => {
  it("shows a DAG run's task instances on its timeline", async () => {
    const dir = tempDir('runwatch-airflow-ui-');
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    const airflow = new AirflowDb(path.join(dir, 'airflow.db'), 3);
    onTestFinished(() => airflow.close());
    const runId = 'manual__2026-12-06T10:00:00+00:00';
    const started = Date.now() - 60_000;
    airflow.createRun('etl', runId, ['extract', 'transform', 'load'], started);
    airflow.setRun('etl', runId, 'running', started);
    airflow.setTask('etl', runId, 'extract', 'running', started);
    airflow.setTask('etl', runId, 'extract', 'success', started + 20_000);
    airflow.setTask('etl', runId, 'transform', 'running', started + 21_000);

    const serve = runwatch([
      'serve',
      '--db',
      airflow.file,
      '--data-dir',
      path.join(dir, 'data'),
      '--port',
      '0',
      '--poll',
      '50ms',
    ]);
    onTestFinished(async () => {
      serve.kill('SIGTERM');
      await serve.exited;
    });
    const url = await waitFor(
      () => serve.stdout.find((line) => /^http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(line)),
      'the URL serve prints',
      30_000,
    );
    const page = await openPage(url);
    await expect
      .poll(() => page.locator('main').innerText(), { timeout: 30_000 })
      .toContain('Schema: airflow, recognised from its tables');
    await page.goto(new URL('#/settings', page.url()).href);
    const sources = page.locator('#settings-sources table');
    await expect
      .poll(() => sources.innerText(), { timeout: 30_000 })
      .toContain('airflow (recognised)');
    await page.goto(new URL('#/active', page.url()).href);
    const row = page.locator(`[data-run-key="airflow/etl/${runId}"]`);
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
    expect(await row.innerText()).toContain('1/3');
    await row.click();

    const timeline = page.getByRole('list', { name: `Steps of etl/${runId} on a timeline` });
    await expect.poll(() => timeline.getByRole('listitem').count()).toBeGreaterThanOrEqual(3);
    // In the order they started, the one not started yet last: Airflow keeps no step order.
    const text = await timeline.innerText();
    const at = ['extract', 'transform', 'load'].map((task) => text.indexOf(task));
    expect(at.every((index) => index >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(await page.locator('main').innerText()).toContain('On step transform (2 of 3)');

    airflow.setTask('etl', runId, 'transform', 'failed');
    airflow.setTask('etl', runId, 'load', 'upstream_failed');
    airflow.setRun('etl', runId, 'failed');
    await expect
      .poll(() => page.locator('main').innerText(), { timeout: 30_000 })
      .toMatch(/failed/i);
  });
});
