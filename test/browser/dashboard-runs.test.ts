/**
 * What a user sees of their runs, in real Chromium against `runwatch serve` on a real SQLite
 * file that this test writes as an orchestrator would: a run appears, advances, finishes into the
 * archive with its zip and report; a run left alone stalls and recovers.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { browserPerFile } from '../support/browser.ts';
import { startDashboardServer } from '../support/dashboard-server.ts';
import { readZip } from '../support/zip-contents.ts';

const openPage = browserPerFile();

async function served(args: string[] = []) {
  const server = await startDashboardServer({ args });
  onTestFinished(() => server.stop());
  const page = await openPage(server.url);
  return { server, page };
}

/** Goes to a view the way a link does: the hash changes, the page stays. */
async function go(page: Page, hash: string): Promise<void> {
  await page.goto(new URL(hash, page.url()).href);
}

const steps = (...ids: string[]) => ids.map((stepId) => ({ stepId }));

describe('the dashboard in a browser', () => {
  it('shows a new run, its steps advancing, then the finished run with its zip and report', async () => {
    const { server, page } = await served();
    await go(page, '#/active');
    const active = page.getByRole('table', { name: 'Active runs' });

    const artifacts = path.join(server.dataDir, '..', 'artifacts', 'etl-0001');
    fs.mkdirSync(artifacts, { recursive: true });
    fs.writeFileSync(path.join(artifacts, 'metrics.json'), '{"rows": 1200}');
    fs.writeFileSync(path.join(artifacts, 'model.bin'), Buffer.alloc(64 * 1024, 7));
    server.db.insertRun({
      runId: 'etl-0001',
      pipeline: 'etl-daily',
      artifactsDir: artifacts,
      steps: [
        { stepId: 'extract', status: 'running', startedAt: new Date().toISOString() },
        ...steps('transform', 'load'),
      ],
    });
    const row = active.locator('[data-run-key="orders/etl-0001"]');
    await expect.poll(() => row.count()).toBe(1);
    await expect.poll(() => row.innerText()).toContain('etl-daily');
    const progress = row.getByRole('progressbar');
    expect(await progress.getAttribute('aria-valuenow')).toBe('0');

    server.db.setStep('etl-0001', 'extract', { status: 'succeeded' });
    server.db.setStep('etl-0001', 'transform', { status: 'running' });
    await expect.poll(() => progress.getAttribute('aria-valuenow')).toBe('1');
    await expect.poll(() => row.innerText()).toContain('transform');

    server.db.finishRun('etl-0001', 'succeeded');
    await expect.poll(() => row.count()).toBe(0);

    await go(page, '#/finished');
    const finished = page.getByRole('table', { name: 'Finished runs' });
    const done = finished.locator('[data-run-key="orders/etl-0001"]');
    await expect.poll(() => done.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => done.innerText(), { timeout: 30_000 }).toMatch(/verified/i);
    expect(await done.innerText()).toMatch(/succeeded/i);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      done.getByRole('button', { name: /download zip/i }).click(),
    ]);
    const saved = path.join(server.dataDir, '..', 'downloaded.zip');
    await download.saveAs(saved);
    const entries = await readZip(saved);
    expect(entries.get('metrics.json')?.toString()).toBe('{"rows": 1200}');
    expect(entries.get('model.bin')?.length).toBe(64 * 1024);

    const [report] = await Promise.all([
      page.waitForEvent('download'),
      done.getByRole('button', { name: /download report/i }).click(),
    ]);
    const reportFile = path.join(server.dataDir, '..', 'report.json');
    await report.saveAs(reportFile);
    expect(JSON.parse(fs.readFileSync(reportFile, 'utf8'))).toMatchObject({
      run_id: 'etl-0001',
      outcome: 'succeeded',
    });
  });

  it('lists a run left alone past the stall threshold in Stalls and Overview, until it progresses', async () => {
    const { server, page } = await served(['--stall-after', '2s']);
    server.db.insertRun({
      runId: 'etl-0007',
      pipeline: 'etl-nightly',
      steps: [
        { stepId: 'fit', status: 'running', startedAt: new Date().toISOString() },
        ...steps('evaluate'),
      ],
    });
    await go(page, '#/stalls');
    const stalls = page.getByRole('table', { name: 'Stalled and overdue runs' });
    const stalled = stalls.locator('[data-run-key="orders/etl-0007"]');
    await expect.poll(() => stalled.count(), { timeout: 15_000 }).toBe(1);
    expect(await stalled.innerText()).toContain('fit');

    await go(page, '#/overview');
    const attention = page.getByRole('list', { name: 'Needs attention' });
    await expect.poll(() => attention.innerText()).toContain('etl-0007');
    expect(await attention.innerText()).toMatch(/stalled/i);

    server.db.setStep('etl-0007', 'fit', { status: 'succeeded' });
    server.db.setStep('etl-0007', 'evaluate', { status: 'running' });
    await expect.poll(() => attention.innerText().catch(() => '')).not.toContain('etl-0007');
    await go(page, '#/stalls');
    await expect.poll(() => stalled.count()).toBe(0);
  });
});
