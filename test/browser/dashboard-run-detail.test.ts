/**
 * A failed run's detail as a user reads it, in real Chromium against `runwatch serve`: why its
 * step failed, in the source's words, and the archive's two sizes, each named — the zip and the
 * files in it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { formatBytes } from '../../shared/bytes.ts';
import { browserPerFile } from '../support/browser.ts';
import { startDashboardServer } from '../support/dashboard-server.ts';

const openPage = browserPerFile();

describe('a failed run in detail', () => {
  it('says why its step failed, and which size is the zip and which the files', async () => {
    const server = await startDashboardServer();
    onTestFinished(() => server.stop());
    const page = await openPage(server.url);

    const artifacts = path.join(server.dataDir, '..', 'artifacts', 'etl-0009');
    fs.mkdirSync(artifacts, { recursive: true });
    fs.writeFileSync(path.join(artifacts, 'rows.csv'), 'id,value\n'.repeat(4_000));
    fs.writeFileSync(path.join(artifacts, 'model.bin'), Buffer.alloc(32 * 1024, 1));
    const filesBytes = 'id,value\n'.length * 4_000 + 32 * 1024;
    server.db.insertRun({
      runId: 'etl-0009',
      pipeline: 'etl-daily',
      artifactsDir: artifacts,
      steps: [
        { stepId: 'extract', status: 'running', startedAt: new Date().toISOString() },
        { stepId: 'load' },
      ],
    });
    await page.goto(new URL('#/run/orders/etl-0009', page.url()).href);
    await expect.poll(() => page.locator('main').innerText()).toContain('extract');
    server.db.setStep('etl-0009', 'extract', {
      status: 'succeeded',
      finished_at: new Date().toISOString(),
    });
    server.db.setStep('etl-0009', 'load', {
      status: 'failed',
      started_at: new Date().toISOString(),
      finished_at: new Date().toISOString(),
      message: 'connection to warehouse.internal:5432 refused',
    });
    server.db.finishRun('etl-0009', 'failed');

    const why = page.getByRole('list', { name: 'Why steps failed' });
    await expect
      .poll(() => why.innerText())
      .toMatch(/failed\s+load: connection to warehouse\.internal:5432 refused/);

    const archive = page.locator('.rd-fact').filter({ hasText: 'Archive' });
    await expect.poll(() => archive.innerText(), { timeout: 30_000 }).toMatch(/verified/);
    const zip = path.join(server.dataDir, 'archive', 'etl-0009.zip');
    const zipBytes = fs.statSync(zip).size;
    expect(zipBytes).not.toBe(filesBytes);
    expect(await archive.innerText()).toContain(
      `zip ${formatBytes(zipBytes)} · 2 files, ${formatBytes(filesBytes)} unzipped`,
    );
  });
});
