import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { safeId } from '../../electron/core/archive/safe-id.ts';
import { isoNow, OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { BIN, killedAfterEach, ROOT, runwatch } from '../support/processes.ts';
import { waitFor } from '../support/wait.ts';
import { readZip } from '../support/zip-contents.ts';

const track = killedAfterEach();
const hasUnzip = spawnSync('unzip', ['-v']).status === 0;
const hasScript = spawnSync('script', ['--version']).status === 0;

function filesUnder(root: string, prefix = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) for (const [k, v] of filesUnder(full, rel)) out.set(k, v);
    else if (entry.isFile()) out.set(rel, fs.readFileSync(full));
  }
  return out;
}

/** `runwatch archive` of one run. */
function archiveRun(db: string, dataDir: string, runId: string) {
  return runwatch(['archive', '--db', db, '--data-dir', dataDir, '--run', runId]);
}

function finishedWithArtifacts(orch: OrchestrationDb, dir: string, runId: string): string {
  const artifacts = path.join(dir, 'artifacts', runId);
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, 'out.csv'), `${runId}\n`.repeat(1_000));
  orch.insertRun({
    runId,
    status: 'succeeded',
    finishedAt: isoNow(),
    artifactsDir: artifacts,
    steps: [{ stepId: 's', status: 'succeeded' }],
  });
  return artifacts;
}

describe('archives from the command line', () => {
  it('archives every finished demo run: unzip accepts each zip, its files match the artifacts, its report matches the database', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'demo.db');
    const demo = runwatch(['demo', '--db', db, '--runs', '8', '--speed', '40']);
    expect((await demo.exited).code).toBe(0);
    const dataDir = path.join(dir, 'data');
    const watch = runwatch(['watch', '--db', db, '--data-dir', dataDir, '--once', '--backfill']);
    expect((await watch.exited).code).toBe(0);

    const orch = new Database(db, { readonly: true });
    const runs = orch
      .prepare('SELECT run_id, status, artifacts_dir FROM runs ORDER BY run_id')
      .all() as { run_id: string; status: string; artifacts_dir: string | null }[];
    const stepCount = orch.prepare('SELECT count(*) FROM steps WHERE run_id = ?').pluck();
    expect(runs.filter((r) => r.artifacts_dir !== null).length).toBeGreaterThan(0);
    for (const run of runs) {
      const stem = safeId(run.run_id);
      const report = JSON.parse(
        fs.readFileSync(path.join(dataDir, 'reports', `${stem}_summary.json`), 'utf8'),
      ) as Record<string, unknown>;
      expect(report).toMatchObject({
        run_id: run.run_id,
        outcome: run.status,
        steps_total: stepCount.get(run.run_id),
      });
      const zip = path.join(dataDir, 'archive', `${stem}.zip`);
      if (run.artifacts_dir === null) {
        expect(fs.existsSync(zip)).toBe(false);
        continue;
      }
      const artifacts = path.resolve(path.dirname(db), run.artifacts_dir);
      const expected = filesUnder(artifacts);
      const entries = await readZip(zip);
      expect([...entries.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [name, data] of expected) expect(entries.get(name)?.equals(data)).toBe(true);
      expect(report.archive).toMatchObject({ path: zip, files: expected.size, verified: true });
      if (hasUnzip) expect(() => execFileSync('unzip', ['-tq', zip])).not.toThrow();
    }
    orch.close();
  });

  it('verify: exit 0 for a good zip; exit 1 naming the entry with one flipped byte', async () => {
    const dir = tempDir();
    const orch = new OrchestrationDb(path.join(dir, 'o.db'));
    const artifacts = finishedWithArtifacts(orch, dir, 'r1');
    fs.writeFileSync(path.join(artifacts, 'a-first.txt'), 'first entry\n'.repeat(500));
    const dataDir = path.join(dir, 'data');
    const archive = archiveRun(orch.file, dataDir, 'r1');
    expect((await archive.exited).code).toBe(0);
    const zip = path.join(dataDir, 'archive', 'r1.zip');

    const good = runwatch(['verify', zip]);
    expect((await good.exited).code).toBe(0);
    expect(good.stdout.join('\n')).toMatch(/ok, 2 files/);

    // Flip a byte in the middle of the second entry's data (out.csv).
    const bytes = fs.readFileSync(zip);
    const name = Buffer.from('out.csv');
    const header = bytes.indexOf(
      Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04])]),
      bytes.indexOf(name) - 40,
    );
    const dataStart =
      header + 30 + bytes.readUInt16LE(header + 26) + bytes.readUInt16LE(header + 28);
    bytes[dataStart + 20] = (bytes[dataStart + 20] ?? 0) ^ 0xff;
    const bad = path.join(dir, 'bad.zip');
    fs.writeFileSync(bad, bytes);
    const check = runwatch(['verify', bad]);
    expect((await check.exited).code).toBe(1);
    expect(check.stderr.join('\n')).toContain('entry "out.csv"');

    const missing = runwatch(['verify', path.join(dir, 'nope.zip')]);
    expect((await missing.exited).code).toBe(1);
    expect(missing.stderr.join('\n')).toContain('nope.zip does not exist');

    execFileSync('mkfifo', [path.join(dir, 'pipe.zip')]);
    const fifo = runwatch(['verify', path.join(dir, 'pipe.zip')]);
    expect((await fifo.exited).code).toBe(1);
    expect(fifo.stderr.join('\n')).toContain('pipe.zip is not a file');
  });

  it('archive: re-archives a run on demand, refuses an unknown or unfinished run', async () => {
    const dir = tempDir();
    const orch = new OrchestrationDb(path.join(dir, 'o.db'));
    finishedWithArtifacts(orch, dir, 'done');
    orch.insertRun({
      runId: 'busy',
      status: 'running',
      steps: [{ stepId: 's', status: 'running' }],
    });
    const dataDir = path.join(dir, 'data');
    const ok = archiveRun(orch.file, dataDir, 'done');
    expect((await ok.exited).code).toBe(0);
    const out = ok.stdout.join('\n');
    expect(out).toContain('archived done: 1 files');
    expect(out).toContain(path.join(dataDir, 'archive', 'done.zip'));
    expect(out).toContain(path.join(dataDir, 'reports', 'done_summary.json'));

    const unknown = archiveRun(orch.file, dataDir, 'nope');
    expect((await unknown.exited).code).toBe(1);
    expect(unknown.stderr.join('\n')).toContain(`run "nope" is not in ${orch.file}`);

    const running = archiveRun(orch.file, dataDir, 'busy');
    expect((await running.exited).code).toBe(1);
    expect(running.stderr.join('\n')).toContain('has not finished');
  });

  it('archive and watch: a folder outside the database folder only with --artifact-root, and never past the caps', async () => {
    const dir = tempDir();
    const orch = new OrchestrationDb(path.join(dir, 'db', 'o.db'));
    const elsewhere = path.join(tempDir(), 'outputs', 'run-1');
    fs.mkdirSync(elsewhere, { recursive: true });
    fs.writeFileSync(path.join(elsewhere, 'model.txt'), 'weights\n');
    fs.writeFileSync(path.join(elsewhere, 'metrics.csv'), 'loss\n0.1\n');
    orch.insertRun({
      runId: 'far',
      status: 'succeeded',
      finishedAt: isoNow(),
      artifactsDir: elsewhere,
      steps: [{ stepId: 's', status: 'succeeded' }],
    });
    const dataDir = path.join(dir, 'data');

    const refused = archiveRun(orch.file, dataDir, 'far');
    expect((await refused.exited).code).toBe(1);
    expect(refused.stderr.join('\n')).toContain(
      `the artifacts folder ${elsewhere} is outside the allowed artifact roots (${path.join(dir, 'db')})`,
    );

    const root = path.dirname(path.dirname(elsewhere));
    const capped = runwatch([
      ...['archive', '--db', orch.file, '--data-dir', dataDir, '--run', 'far'],
      ...[
        '--artifact-root',
        '/nowhere',
        '--artifact-root',
        root,
        '--archive-max-files-per-run',
        '1',
      ],
    ]);
    expect((await capped.exited).code).toBe(1);
    expect(capped.stderr.join('\n')).toContain('holds more than 1 file (archive.max_files_per_run');

    const allowed = runwatch([
      ...['archive', '--db', orch.file, '--data-dir', dataDir, '--run', 'far'],
      ...['--artifact-root', '/nowhere', '--artifact-root', root],
    ]);
    expect((await allowed.exited).code).toBe(0);
    expect(allowed.stdout.join('\n')).toContain('archived far: 2 files');

    const watchData = path.join(dir, 'watch-data');
    const watched = runwatch([
      ...['watch', '--db', orch.file, '--data-dir', watchData, '--once', '--backfill'],
      ...['--artifact-root', root],
    ]);
    expect((await watched.exited).code).toBe(0);
    expect([...(await readZip(path.join(watchData, 'archive', 'far.zip'))).keys()].sort()).toEqual([
      'metrics.csv',
      'model.txt',
    ]);
  });

  it.skipIf(!hasScript)(
    'archive: draws a progress bar of files and bytes on a terminal (skipped without `script` to make one)',
    () => {
      const dir = tempDir();
      const orch = new OrchestrationDb(path.join(dir, 'o.db'));
      const artifacts = finishedWithArtifacts(orch, dir, 'tty');
      for (let i = 0; i < 20; i++)
        fs.writeFileSync(path.join(artifacts, `${i}.log`), 'x'.repeat(5_000));
      const command = [
        process.execPath,
        BIN,
        'archive',
        '--db',
        orch.file,
        '--data-dir',
        path.join(dir, 'data'),
        '--run',
        'tty',
      ]
        .map((arg) => `'${arg}'`)
        .join(' ');
      const terminal = execFileSync('script', ['-qec', command, '/dev/null'], {
        cwd: ROOT,
        env: { ...process.env, COLUMNS: '100' },
      }).toString();
      expect(terminal).toMatch(/zipping {3}\[#+\] 100% {2}\d+\/21 files/);
      expect(terminal).toMatch(/verifying \[#+\] 100% {2}21\/21 files {2}\d+ KB\/\d+ KB/);
      expect(terminal).toContain('archived tty: 21 files');
      const zip = path.join(dir, 'data', 'archive', 'tty.zip');
      const check = execFileSync(
        'script',
        ['-qec', `'${process.execPath}' '${BIN}' verify '${zip}'`, '/dev/null'],
        {
          cwd: ROOT,
        },
      ).toString();
      expect(check).toMatch(/verifying \[[#.]+\] +\d+% {2}\d+\/21 files {2}[\d.]+ K?B/);
      expect(check).toContain('ok, 21 files');
    },
  );

  it('archive: refuses a run that ran again since Runwatch recorded it, rather than overwrite that attempt', async () => {
    const dir = tempDir();
    const orch = new OrchestrationDb(path.join(dir, 'o.db'));
    finishedWithArtifacts(orch, dir, 'again');
    const dataDir = path.join(dir, 'data');
    const watch = runwatch([
      'watch',
      '--db',
      orch.file,
      '--data-dir',
      dataDir,
      '--once',
      '--backfill',
    ]);
    expect((await watch.exited).code).toBe(0);
    const zip = path.join(dataDir, 'archive', 'again.zip');

    orch.setRun('again', { updated_at: isoNow() });
    const touched = archiveRun(orch.file, dataDir, 'again');
    expect((await touched.exited).code).toBe(0);
    const before = fs.statSync(zip).ino;

    // Retried in place and finished again while no watch was running.
    orch.setRun('again', { status: 'running', started_at: isoNow(), finished_at: null });
    orch.setStep('again', 's', { status: 'running', finished_at: null });
    orch.finishRun('again', 'failed', 'failed');
    const retried = archiveRun(orch.file, dataDir, 'again');
    expect((await retried.exited).code).toBe(1);
    expect(retried.stderr.join('\n')).toContain('ran again since Runwatch recorded attempt 1');
    expect(fs.statSync(zip).ino).toBe(before);
  });

  it('status lists archive jobs still waiting and failures until a later try succeeds', async () => {
    const dir = tempDir();
    const orch = new OrchestrationDb(path.join(dir, 'o.db'));
    const notFolder = path.join(dir, 'not-a-folder');
    fs.writeFileSync(notFolder, 'oops');
    orch.insertRun({
      runId: 'bad',
      status: 'succeeded',
      finishedAt: isoNow(),
      artifactsDir: notFolder,
    });
    orch.insertRun({
      runId: 'later',
      status: 'succeeded',
      finishedAt: isoNow(),
      artifactsDir: path.join(dir, 'not-yet'),
    });
    const dataDir = path.join(dir, 'data');
    const args = ['--db', orch.file, '--data-dir', dataDir];
    expect((await runwatch(['watch', ...args, '--once', '--backfill']).exited).code).toBe(0);

    const status = runwatch(['status', ...args, '--json']);
    await status.exited;
    const report = JSON.parse(status.stdout.join('\n')) as {
      jobs: { pending: number; failed: { kind: string; run_id: string; reason: string }[] };
    };
    // The archive of `later` waits for its folder; its report did not wait.
    expect(report.jobs.pending).toBe(1);
    expect(report.jobs.failed).toEqual([
      expect.objectContaining({
        kind: 'archive',
        run_id: 'bad',
        reason: expect.stringContaining('is not a folder'),
      }),
    ]);
    const text = runwatch(['status', ...args]);
    await text.exited;
    expect(text.stdout.join('\n')).toMatch(/1 archive or report job waiting/);
    expect(text.stdout.join('\n')).toMatch(/archive\s+bad\s+1\s.*is not a folder/);

    fs.rmSync(notFolder);
    fs.mkdirSync(notFolder);
    fs.writeFileSync(path.join(notFolder, 'ok.txt'), 'fixed');
    expect((await runwatch(['archive', ...args, '--run', 'bad']).exited).code).toBe(0);
    const after = runwatch(['status', ...args, '--json']);
    await after.exited;
    expect(JSON.parse(after.stdout.join('\n')).jobs.failed).toEqual([]);
  });

  it('archive: with a watch holding the data dir, queues the job there and waits for it', async () => {
    const dir = tempDir();
    const orch = new OrchestrationDb(path.join(dir, 'o.db'));
    const dataDir = path.join(dir, 'data');
    const watch = track(runwatch(['watch', '--json', '--db', orch.file, '--data-dir', dataDir]));
    await waitFor(() => watch.stderr.some((l) => l.includes('indexes')), 'the watch to be ready');
    finishedWithArtifacts(orch, dir, 'r9');
    await waitFor(
      () => watch.events().some((e) => e.type === 'report_written'),
      'the first report',
    );

    const archive = archiveRun(orch.file, dataDir, 'r9');
    expect((await archive.exited).code).toBe(0);
    expect(archive.stderr.join('\n')).toMatch(/a watch \(pid \d+\) holds/);
    expect(archive.stdout.join('\n')).toContain('archived r9: 1 files');
    await waitFor(
      () => watch.events().filter((e) => e.type === 'run_archived').length === 2,
      'the watch to archive r9 again',
    );
  });

  it('deletes archives past --archive-keep-days, never one younger than a day, and says so', async () => {
    const dir = tempDir();
    const orch = new OrchestrationDb(path.join(dir, 'o.db'));
    const dataDir = path.join(dir, 'data');
    const archiveDir = path.join(dataDir, 'archive');
    fs.mkdirSync(archiveDir, { recursive: true });
    const day = 86_400;
    const now = Date.now() / 1000;
    for (const [name, ageDays] of [
      ['old.zip', 10],
      ['older.zip', 30],
      ['recent.zip', 1.5],
      ['today.zip', 0.2],
    ] as const) {
      fs.writeFileSync(path.join(archiveDir, name), 'zip');
      fs.utimesSync(path.join(archiveDir, name), now - ageDays * day, now - ageDays * day);
    }
    const watch = runwatch([
      'watch',
      '--db',
      orch.file,
      '--data-dir',
      dataDir,
      '--once',
      '--archive-keep-days',
      '1',
    ]);
    expect((await watch.exited).code).toBe(0);
    expect(fs.readdirSync(archiveDir).sort()).toEqual(['today.zip']);
    const log = watch.stderr.join('\n');
    expect(log).toMatch(/retention: deleted old\.zip .*older than 1 days/);
    expect(log).toMatch(/retention: deleted older\.zip/);
  });
});
