import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import type { RunwatchEvent } from '../../shared/events.ts';
import { listArtifacts } from '../../electron/core/archive/artifact-listing.ts';
import type { RunReport } from '../../electron/core/report/run-report.ts';
import { verifyZip } from '../../electron/core/archive/zip-verify.ts';
import { MonitorHarness, type HarnessOptions } from '../support/monitor-harness.ts';
import { isoNow, OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { readZip } from '../support/zip-contents.ts';
import { sleep, waitFor } from '../support/wait.ts';

const harnesses: MonitorHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.stop();
});

function setup(jobs: HarnessOptions['jobs'] = {}) {
  const dir = tempDir();
  const orch = new OrchestrationDb(path.join(dir, 'orchestration.db'));
  const start = (dataDir = path.join(dir, 'data')) => {
    const harness = new MonitorHarness(orch.file, {
      dataDir,
      jobs: { retryDelaysMs: [100, 100, 100], ...jobs },
    });
    harnesses.push(harness);
    return harness.start();
  };
  return { dir, orch, start };
}

function makeArtifacts(root: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {
    'metrics.csv': Buffer.from('epoch,loss\n'.concat('1,0.5\n'.repeat(5_000))),
    'logs/train.log': Buffer.from('step ok\n'.repeat(2_000)),
    'model.bin': randomBytes(300_000),
    'empty.txt': Buffer.alloc(0),
  };
  for (const [name, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), data);
  }
  return files;
}

/**
 * As if the process died after the zip's rename, before the job's end was committed: the jobs
 * pending again, the archive job with the listing it recorded before the rename.
 */
function pendAgainWithListing(dataDir: string, artifacts: string): void {
  const { files, skipped } = listArtifacts(artifacts);
  const db = new Database(path.join(dataDir, 'state.db'));
  db.prepare(`UPDATE jobs SET state = 'pending', result = NULL`).run();
  db.prepare(`UPDATE jobs SET listing = ? WHERE kind = 'archive'`).run(
    JSON.stringify({ files, skipped }),
  );
  db.close();
}

/** Run `r` archived and reported by a harness that has stopped since. */
async function archivedThenStopped() {
  const { dir, orch, start } = setup();
  const artifacts = path.join(dir, 'a');
  makeArtifacts(artifacts);
  orch.insertRun({ runId: 'r', artifactsDir: artifacts });
  const dataDir = path.join(dir, 'data');
  const first = start(dataDir);
  await first.waitFor('run_started', 'r');
  orch.finishRun('r', 'succeeded');
  const archived = await first.waitFor('run_archived', 'r');
  await first.waitFor('report_written', 'r');
  await first.stop();
  harnesses.splice(harnesses.indexOf(first), 1);
  if (archived.type !== 'run_archived') throw new Error('no run_archived');
  return { dir, artifacts, dataDir, archived, start };
}

function readReport(file: string): RunReport {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as RunReport;
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function typesOf(events: RunwatchEvent[], runId: string): string[] {
  return events.filter((e) => 'run_id' in e && e.run_id === runId).map((e) => e.type);
}

describe('archive and report jobs', () => {
  it('archives a finished run into a verified zip that matches its artifacts byte for byte, then reports it', async () => {
    const { dir, orch, start } = setup();
    const artifacts = path.join(dir, 'artifacts', 'r1');
    const files = makeArtifacts(artifacts);
    orch.insertRun({
      runId: 'r1',
      pipeline: 'train',
      artifactsDir: artifacts,
      steps: [
        {
          stepId: 'a',
          name: 'load',
          status: 'succeeded',
          startedAt: isoNow(-4000),
          finishedAt: isoNow(-3000),
        },
        { stepId: 'b', name: 'fit', status: 'running', startedAt: isoNow(-3000) },
      ],
    });
    const h = start();
    await h.waitFor('run_started', 'r1');
    orch.finishRun('r1', 'succeeded');
    const report = await h.waitFor('report_written', 'r1');
    expect(typesOf(h.events, 'r1')).toEqual([
      'run_started',
      'run_completed',
      'run_archived',
      'report_written',
    ]);
    const archived = h.of('run_archived', 'r1')[0];
    if (archived?.type !== 'run_archived') throw new Error('no run_archived');
    expect(archived.path).toBe(path.join(h.dataDir, 'archive', 'r1.zip'));
    expect(archived.files).toBe(4);
    expect(archived.bytes).toBe(Object.values(files).reduce((sum, b) => sum + b.length, 0));
    expect(archived.sha256).toBe(sha256(archived.path));
    const entries = await readZip(archived.path);
    expect([...entries.keys()].sort()).toEqual(Object.keys(files).sort());
    for (const [name, data] of Object.entries(files))
      expect(entries.get(name)?.equals(data)).toBe(true);
    expect((await verifyZip(archived.path)).ok).toBe(true);

    if (report.type !== 'report_written') throw new Error('no report_written');
    expect(report.path).toBe(path.join(h.dataDir, 'reports', 'r1_summary.json'));
    const body = readReport(report.path);
    expect(body).toMatchObject({
      run_id: 'r1',
      source: 'orch',
      pipeline: 'train',
      attempt: 1,
      outcome: 'succeeded',
      steps_total: 2,
      steps_succeeded: 2,
      stalls: [],
      skipped: [],
      archive: { path: archived.path, files: 4, sha256: archived.sha256, verified: true },
    });
    expect(body.steps.map((s) => [s.step_id, s.name, s.status])).toEqual([
      ['a', 'load', 'succeeded'],
      ['b', 'fit', 'succeeded'],
    ]);
    expect(body.steps[0]?.duration_s).toBeCloseTo(1, 1);
    expect(body.archive_error).toBeUndefined();
    expect(fs.readdirSync(path.join(h.dataDir, 'archive'))).toEqual(['r1.zip']);
  });

  it('writes a report and no archive for a run without an artifacts folder', async () => {
    const { orch, start } = setup();
    orch.insertRun({ runId: 'plain', steps: [{ stepId: 's', status: 'running' }] });
    const h = start();
    await h.waitFor('run_started', 'plain');
    orch.finishRun('plain', 'failed', 'failed');
    const report = await h.waitFor('report_written', 'plain');
    if (report.type !== 'report_written') throw new Error();
    const body = readReport(report.path);
    expect(body.outcome).toBe('failed');
    expect(body.archive).toBeNull();
    expect(body.artifacts_dir).toBeNull();
    expect(h.of('run_archived')).toEqual([]);
    expect(h.of('archive_failed')).toEqual([]);
    expect(fs.readdirSync(path.join(h.dataDir, 'archive'))).toEqual([]);
  });

  it('retries a missing artifacts folder, then ends in archive_failed naming it, and still reports', async () => {
    const { dir, orch, start } = setup();
    const missing = path.join(dir, 'nowhere');
    orch.insertRun({ runId: 'lost', artifactsDir: missing, status: 'running' });
    const h = start();
    await h.waitFor('run_started', 'lost');
    orch.finishRun('lost', 'succeeded');
    const failed = await h.waitFor('archive_failed', 'lost');
    if (failed.type !== 'archive_failed') throw new Error();
    expect(failed.reason).toContain(missing);
    expect(failed.reason).toContain('does not exist');
    expect(h.logs.filter((line) => /retrying in/.test(line))).toHaveLength(3);
    const report = await h.waitFor('report_written', 'lost');
    if (report.type !== 'report_written') throw new Error();
    const body = readReport(report.path);
    expect(body.archive_error).toBe(failed.reason);
    expect(body.archive).toBeUndefined();
    expect(typesOf(h.events, 'lost').slice(-2)).toEqual(['archive_failed', 'report_written']);
  });

  it('archives a folder that appears after the run finished, on a retry', async () => {
    const { dir, orch, start } = setup({ retryDelaysMs: [400, 400] });
    const late = path.join(dir, 'late');
    orch.insertRun({ runId: 'late', artifactsDir: late });
    const h = start();
    await h.waitFor('run_started', 'late');
    orch.finishRun('late', 'succeeded');
    await h.waitForLog(/retrying in/);
    makeArtifacts(late);
    const archived = await h.waitFor('run_archived', 'late');
    if (archived.type !== 'run_archived') throw new Error();
    expect(archived.files).toBe(4);
    expect(h.of('archive_failed')).toEqual([]);
  });

  it('resolves a relative artifacts path against the database folder', async () => {
    const { dir, orch, start } = setup();
    makeArtifacts(path.join(dir, 'out', 'rel'));
    orch.insertRun({ runId: 'rel', artifactsDir: 'out/rel' });
    const h = start();
    await h.waitFor('run_started', 'rel');
    orch.finishRun('rel', 'succeeded');
    const report = await h.waitFor('report_written', 'rel');
    if (report.type !== 'report_written') throw new Error();
    expect(readReport(report.path).artifacts_dir).toBe(path.join(dir, 'out', 'rel'));
    expect(h.of('run_archived', 'rel')).toHaveLength(1);
  });

  it('gives a retried run its own archive and report per attempt', async () => {
    const { dir, orch, start } = setup();
    const artifacts = path.join(dir, 'a');
    makeArtifacts(artifacts);
    orch.insertRun({
      runId: 'Retry/Me',
      artifactsDir: artifacts,
      steps: [{ stepId: 's', status: 'running' }],
    });
    const h = start();
    await h.waitFor('run_started', 'Retry/Me');
    orch.finishRun('Retry/Me', 'failed', 'failed');
    await h.waitFor('report_written', 'Retry/Me');
    orch.setRun('Retry/Me', { status: 'running', finished_at: null });
    orch.setStep('Retry/Me', 's', { status: 'running', finished_at: null });
    await waitFor(() => h.of('run_started', 'Retry/Me').length === 2, 'the second attempt');
    fs.writeFileSync(path.join(artifacts, 'attempt2.txt'), 'second');
    orch.finishRun('Retry/Me', 'succeeded');
    await waitFor(() => h.of('report_written', 'Retry/Me').length === 2, 'the second report');
    const zips = fs.readdirSync(path.join(h.dataDir, 'archive'));
    const stem = /^(retry_me~[0-9a-f]{10})\.zip$/.exec(
      zips.find((z) => !z.includes('@')) ?? '',
    )?.[1];
    expect(stem).toBeDefined();
    expect(zips.sort()).toEqual([`${stem}.zip`, `${stem}@2.zip`].sort());
    expect(fs.readdirSync(path.join(h.dataDir, 'reports')).sort()).toEqual(
      [`${stem}_summary.json`, `${stem}@2_summary.json`].sort(),
    );
    const secondReport = readReport(path.join(h.dataDir, 'reports', `${stem}@2_summary.json`));
    expect(secondReport.attempt).toBe(2);
    expect(secondReport.outcome).toBe('succeeded');
    expect(secondReport.archive?.files).toBe(5);
  });

  it('a run retried in place and finished again while stopped is its next attempt, once', async () => {
    const { dir, orch, start } = setup();
    const artifacts = path.join(dir, 'a');
    makeArtifacts(artifacts);
    orch.insertRun({
      runId: 'again',
      artifactsDir: artifacts,
      steps: [{ stepId: 's', status: 'running', startedAt: isoNow(-5_000) }],
    });
    const dataDir = path.join(dir, 'data');
    const first = start(dataDir);
    await first.waitFor('run_started', 'again');
    orch.finishRun('again', 'failed', 'failed');
    await first.waitFor('report_written', 'again');
    await first.stop();
    harnesses.splice(harnesses.indexOf(first), 1);

    // Retried in place, and finished again, while nothing watched.
    orch.setRun('again', { status: 'running', started_at: isoNow(), finished_at: null });
    orch.setStep('again', 's', { status: 'running', started_at: isoNow(), finished_at: null });
    fs.writeFileSync(path.join(artifacts, 'attempt2.txt'), 'second');
    orch.finishRun('again', 'succeeded');

    const second = start(dataDir);
    await second.waitFor('report_written', 'again');
    expect(typesOf(second.events, 'again')).toEqual([
      'run_completed',
      'run_archived',
      'report_written',
    ]);
    expect(second.of('run_completed', 'again')[0]).toMatchObject({
      attempt: 2,
      outcome: 'succeeded',
    });
    const archive = path.join(dataDir, 'archive');
    expect(fs.readdirSync(archive).sort()).toEqual(['again.zip', 'again@2.zip']);
    expect(fs.readdirSync(path.join(dataDir, 'reports')).sort()).toEqual([
      'again@2_summary.json',
      'again_summary.json',
    ]);
    const report = readReport(path.join(dataDir, 'reports', 'again@2_summary.json'));
    expect(report).toMatchObject({ attempt: 2, outcome: 'succeeded' });
    expect(report.archive?.files).toBe(5);
    expect(readReport(path.join(dataDir, 'reports', 'again_summary.json'))).toMatchObject({
      attempt: 1,
      outcome: 'failed',
    });
    const zips = () =>
      fs.readdirSync(archive).map((name) => fs.statSync(path.join(archive, name)).ino);
    const inodes = zips();
    await second.stop();
    harnesses.splice(harnesses.indexOf(second), 1);

    // Another restart reports nothing again; a mere touch of the row is no new attempt either.
    const third = start(dataDir);
    await waitFor(() => third.diagnostics, 'the third first read');
    orch.setRun('again', { updated_at: isoNow() });
    orch.insertRun({ runId: 'marker', steps: [{ stepId: 's', status: 'running' }] });
    await third.waitFor('run_started', 'marker');
    expect(typesOf(third.events, 'again')).toEqual([]);
    await third.jobs?.idle();
    expect(zips()).toEqual(inodes);
  });

  it('lists the stalls of the attempt in its report', async () => {
    const dir = tempDir();
    const orch = new OrchestrationDb(path.join(dir, 'o.db'));
    orch.insertRun({ runId: 'slow', steps: [{ stepId: 's', status: 'running' }] });
    const h = new MonitorHarness(orch.file, { stallAfter: 300, jobs: {} }).start();
    harnesses.push(h);
    await h.waitFor('run_stalled', 'slow');
    orch.setStep('slow', 's', { status: 'running' });
    await h.waitFor('run_recovered', 'slow');
    orch.finishRun('slow', 'succeeded');
    const report = await h.waitFor('report_written', 'slow');
    if (report.type !== 'report_written') throw new Error();
    const { stalls } = readReport(report.path);
    expect(stalls).toHaveLength(1);
    expect(stalls[0]?.ended_at).not.toBeNull();
    expect(stalls[0]?.idle_s).toBeGreaterThanOrEqual(0.3);
  });

  it('sweeps temp files left by a crash and adopts a final zip that verifies, without rebuilding it, even once the artifacts are gone', async () => {
    const { artifacts, dataDir, archived, start } = await archivedThenStopped();

    pendAgainWithListing(dataDir, artifacts);
    // The pipeline cleaned up meanwhile: the zip alone must do.
    fs.rmSync(artifacts, { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'archive', '.tmp-99.zip'), 'half a zip');
    fs.writeFileSync(path.join(dataDir, 'reports', '.tmp-98.json'), '{');
    const inode = fs.statSync(archived.path).ino;

    const second = start(dataDir);
    await second.waitFor('report_written', 'r');
    expect(second.logs.some((line) => /verifies: kept/.test(line))).toBe(true);
    expect(fs.statSync(archived.path).ino).toBe(inode);
    const again = second.of('run_archived', 'r')[0];
    if (again?.type !== 'run_archived') throw new Error();
    expect(again.sha256).toBe(archived.sha256);
    expect(fs.readdirSync(path.join(dataDir, 'archive'))).toEqual(['r.zip']);
    expect(fs.readdirSync(path.join(dataDir, 'reports'))).toEqual(['r_summary.json']);
  });

  it('rebuilds a final zip that no longer verifies', async () => {
    const { artifacts, dataDir, archived, start } = await archivedThenStopped();
    pendAgainWithListing(dataDir, artifacts);
    fs.truncateSync(archived.path, 1000);

    const second = start(dataDir);
    await second.waitFor('report_written', 'r');
    expect(second.logs.some((line) => /does not verify/.test(line))).toBe(true);
    expect((await verifyZip(archived.path)).ok).toBe(true);
  });

  it('holds back a job whose end cannot be recorded (state.db full), with a growing wait, then finishes it', async () => {
    const { dir, orch, start } = setup();
    const artifacts = path.join(dir, 'a');
    makeArtifacts(artifacts);
    orch.insertRun({ runId: 'full', artifactsDir: artifacts });
    const h = start();
    await h.waitFor('run_started', 'full');
    const record = h.store.record.bind(h.store);
    const spy = vi.spyOn(h.store, 'record').mockImplementation(() => {
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    });
    orch.finishRun('full', 'succeeded');
    await h.waitForLog(/failed unexpectedly \(database or disk is full\)/);
    await sleep(1_000);
    const errors = h.logs.filter((line) => /failed unexpectedly/.test(line));
    expect(errors.length).toBeLessThanOrEqual(6);
    expect(errors.at(-1)).toMatch(/trying again in \d+m?s/);
    spy.mockImplementation(record);
    await h.waitFor('report_written', 'full', 20_000);
    expect(h.of('run_archived', 'full')).toHaveLength(1);
  });

  it('retries a file that is rewritten while it is zipped, and archives what it finally holds', async () => {
    const { dir, orch, start } = setup({ retryDelaysMs: [300, 300, 300, 300, 300, 300] });
    const artifacts = path.join(dir, 'a');
    fs.mkdirSync(artifacts);
    fs.writeFileSync(path.join(artifacts, 'big.bin'), randomBytes(20_000_000));
    const busy = path.join(artifacts, 'zz-busy.log');
    fs.writeFileSync(busy, 'x');
    orch.insertRun({ runId: 'busy', artifactsDir: artifacts });
    const h = start();
    await h.waitFor('run_started', 'busy');
    let n = 0;
    const rewriting = setInterval(() => fs.writeFileSync(busy, 'line\n'.repeat(++n)), 5);
    orch.finishRun('busy', 'succeeded');
    await h.waitForLog(/changed while it was being zipped|verification failed/, 20_000);
    clearInterval(rewriting);
    await sleep(50);
    const archived = await h.waitFor('run_archived', 'busy', 20_000);
    if (archived.type !== 'run_archived') throw new Error();
    const entries = await readZip(archived.path);
    expect(entries.get('zz-busy.log')?.equals(fs.readFileSync(busy))).toBe(true);
  });
});
