import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunwatchEvent } from '../../shared/events.ts';
import { parseConfig } from '../../electron/core/alerts/config-file.ts';
import { streamLogger } from '../../electron/core/log.ts';
import { resolveMonitorSettings } from '../../electron/core/monitor/monitor-settings.ts';
import type { RunReport } from '../../electron/core/report/run-report.ts';
import { SourceSession } from '../../electron/core/session/source-session.ts';
import { FAILED_RUN_TO_DESKTOP, FakeDesktop } from '../support/alert-harness.ts';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { killedAfterEach, runwatch } from '../support/processes.ts';
import { waitFor } from '../support/wait.ts';
import { readZip } from '../support/zip-contents.ts';

const track = killedAfterEach();
const cleanup = cleanupAfterEach();

/** A source watched as `watch`, `serve` and the app watch it, with what it publishes and logs. */
class Watched {
  readonly events: RunwatchEvent[] = [];
  readonly logs: string[] = [];
  readonly session: SourceSession;

  constructor(db: string, dataDir: string, archiving: boolean) {
    this.session = SourceSession.open({
      name: 'orch',
      dbPath: db,
      dataDir,
      config: parseConfig(FAILED_RUN_TO_DESKTOP, path.join(dataDir, 'alerts.yaml'), { env: {} }),
      reload: null,
      settings: resolveMonitorSettings({ flags: { poll: 20 } }),
      channels: { desktop: new FakeDesktop() },
      log: streamLogger((line) => this.logs.push(line.trimEnd())),
      archiving,
    });
    this.session.bus.onAny((event) => this.events.push(event));
    this.session.start();
    cleanup.push(() => this.session.stop());
  }

  of(type: RunwatchEvent['type']): RunwatchEvent[] {
    return this.events.filter((event) => event.type === type);
  }

  waitFor(type: RunwatchEvent['type']): Promise<RunwatchEvent> {
    return waitFor(() => this.of(type)[0], type);
  }
}

function setup() {
  const dir = tempDir();
  const orch = new OrchestrationDb(path.join(dir, 'orch.db'));
  cleanup.push(() => orch.close());
  const artifacts = path.join(dir, 'artifacts', 'r1');
  return { dir, orch, artifacts, dataDir: path.join(dir, 'data') };
}

function writeArtifacts(folder: string): void {
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'metrics.csv'), 'epoch,loss\n1,0.5\n'.repeat(500));
}

function readReport(dataDir: string, runId = 'r1'): RunReport {
  const file = path.join(dataDir, 'reports', `${runId}_summary.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as RunReport;
}

const zipsIn = (dataDir: string) =>
  fs.readdirSync(path.join(dataDir, 'archive')).filter((name) => name.endsWith('.zip'));

describe('archiving off', () => {
  it('gives a finished run its report, saying archiving is off, and makes no zip', async () => {
    const { orch, artifacts, dataDir } = setup();
    writeArtifacts(artifacts);
    const watched = new Watched(orch.file, dataDir, false);
    orch.insertRun({ runId: 'r1', artifactsDir: artifacts, steps: [{ stepId: 'a' }] });
    await watched.waitFor('run_started');
    orch.finishRun('r1', 'succeeded');

    const written = await watched.waitFor('report_written');
    expect(written).toMatchObject({
      path: path.join(dataDir, 'reports', 'r1_summary.json'),
    });
    expect(readReport(dataDir)).toMatchObject({
      run_id: 'r1',
      outcome: 'succeeded',
      artifacts_dir: artifacts,
      archive: null,
      archive_off: true,
    });
    expect(readReport(dataDir)).not.toHaveProperty('archive_error');
    expect(zipsIn(dataDir)).toEqual([]);
    expect(watched.of('run_archived')).toEqual([]);
    expect(watched.of('archive_failed')).toEqual([]);
    expect(watched.session.store.jobs.overview(10)).toEqual({ pending: 0, failed: [] });
    expect(watched.logs.join('\n')).toMatch(/archiving is off/);
  });

  it('ends the archive jobs queued before it was turned off at once, and leaves none waiting', async () => {
    const { orch, artifacts, dataDir } = setup();
    // The artifacts folder is not there yet: the first try fails and waits to try again.
    const before = new Watched(orch.file, dataDir, true);
    orch.insertRun({ runId: 'r1', artifactsDir: artifacts, steps: [{ stepId: 'a' }] });
    await before.waitFor('run_started');
    orch.finishRun('r1', 'failed');
    await waitFor(() => before.logs.find((line) => /retrying in/.test(line)), 'a retry');
    const [queued] = before.session.store.jobs.pending().filter((job) => job.kind === 'archive');
    await before.session.stop();
    writeArtifacts(artifacts);

    const after = new Watched(orch.file, dataDir, false);
    await after.waitFor('report_written');
    const report = readReport(dataDir);
    expect(report).toMatchObject({ outcome: 'failed', archive: null, archive_off: true });
    // It did not wait for the retry it was queued for.
    expect(Date.parse(report.generated_at)).toBeLessThan(queued?.nextAt ?? 0);
    expect(zipsIn(dataDir)).toEqual([]);
    expect(after.session.store.jobs.overview(10)).toEqual({ pending: 0, failed: [] });
  });

  it('still archives a run on request: `runwatch archive` with the watch holding the data dir', async () => {
    const { orch, artifacts, dataDir } = setup();
    writeArtifacts(artifacts);
    const watched = new Watched(orch.file, dataDir, false);
    orch.insertRun({ runId: 'r1', artifactsDir: artifacts, steps: [{ stepId: 'a' }] });
    await watched.waitFor('run_started');
    orch.finishRun('r1', 'succeeded');
    await watched.waitFor('report_written');

    const archive = track(
      runwatch(['archive', '--db', orch.file, '--data-dir', dataDir, '--run', 'r1']),
    );
    expect((await archive.exited).code).toBe(0);
    expect(archive.stdout.join('\n')).toContain('archived r1: 1 files');
    const zip = path.join(dataDir, 'archive', 'r1.zip');
    expect(await readZip(zip)).toEqual(
      new Map([['metrics.csv', fs.readFileSync(path.join(artifacts, 'metrics.csv'))]]),
    );
    const report = readReport(dataDir);
    expect(report.archive).toMatchObject({ path: zip, files: 1, verified: true });
    expect(report).not.toHaveProperty('archive_off');
  }, 30_000);
});
