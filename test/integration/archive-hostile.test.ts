import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import type { RunwatchEvent } from '../../shared/events.ts';
import type { RunReport } from '../../electron/core/report/run-report.ts';
import { verifyZip } from '../../electron/core/archive/zip-verify.ts';
import { allowing } from '../support/artifact-policy.ts';
import { MonitorHarness, type HarnessOptions } from '../support/monitor-harness.ts';
import { OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { readZip } from '../support/zip-contents.ts';

/*
 * Artifacts folders and run ids that try to make the archive job write, read or hang where it
 * must not (ARCHITECTURE.md §5): each case runs the real Monitor and JobRunner on a real SQLite file
 * and reads the zips and reports back as a user would.
 */

const GiB = 1024 ** 3;
const UNZIP = '/usr/bin/unzip';
const HAS_UNZIP = fs.existsSync(UNZIP);
const IS_ROOT = process.getuid?.() === 0;
const freeBytes = (() => {
  const stat = fs.statfsSync(os.tmpdir());
  return stat.bavail * stat.bsize;
})();
const ROOM_FOR_BIG = freeBytes >= 2 * GiB;

const harnesses: MonitorHarness[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.stop();
});
// 50,000 files and a 5 GiB file take a while to delete on a busy machine.
afterAll(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}, 600_000);

function setup(jobs: HarnessOptions['jobs'] = {}) {
  const dir = tempDir('runwatch-hostile-');
  dirs.push(dir);
  const orch = new OrchestrationDb(path.join(dir, 'orchestration.db'));
  const dataDir = path.join(dir, 'data');
  const start = () => {
    const harness = new MonitorHarness(orch.file, {
      dataDir,
      jobs: { retryDelaysMs: [100], ...jobs },
    });
    harnesses.push(harness);
    return harness.start();
  };
  return { dir, orch, dataDir, start };
}

/** Writes files under `root` and returns them by their path in the zip. */
function writeFiles(root: string, files: Record<string, string | Buffer>): Map<string, Buffer> {
  const written = new Map<string, Buffer>();
  for (const [name, data] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
    written.set(name, Buffer.from(data));
  }
  return written;
}

function readReport(file: string): RunReport {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as RunReport;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

/** Runs a run from running to succeeded, and waits for its report. */
async function finishAndReport(
  h: MonitorHarness,
  orch: OrchestrationDb,
  runId: string,
  timeoutMs = 20_000,
): Promise<RunReport> {
  await h.waitFor('run_started', runId);
  orch.finishRun(runId, 'succeeded');
  const written = await h.waitFor('report_written', runId, timeoutMs);
  if (written.type !== 'report_written') throw new Error('no report_written');
  return readReport(written.path);
}

function archivedOf(h: MonitorHarness, runId: string) {
  const events = h.of('run_archived', runId);
  expect(events, `run_archived of ${JSON.stringify(runId)}`).toHaveLength(1);
  const event = events[0];
  if (event?.type !== 'run_archived') throw new Error('no run_archived');
  return event;
}

/** Every path under `root` (not following symlinks), with what it is; `except` is not entered. */
function walk(root: string, except?: string): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (dir: string) => {
    for (const name of fs.readdirSync(dir)) {
      const full = path.join(dir, name);
      if (full === except) continue;
      const stat = fs.lstatSync(full);
      const rel = path.relative(root, full);
      if (stat.isDirectory()) {
        found.set(rel, 'folder');
        visit(full);
      } else if (stat.isSymbolicLink()) found.set(rel, `symlink to ${fs.readlinkSync(full)}`);
      else found.set(rel, stat.isFile() ? 'file' : 'special');
    }
  };
  visit(root);
  return found;
}

function entryCount(file: string): Promise<number> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) reject(error);
      else {
        resolve(zip.entryCount);
        zip.close();
      }
    }),
  );
}

/** The file entries of a zip as yauzl lists them (name → uncompressed size), without reading. */
function listZip(file: string): Promise<Map<string, number>> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) {
        reject(error);
        return;
      }
      const sizes = new Map<string, number>();
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith('/')) sizes.set(entry.fileName, entry.uncompressedSize);
        zip.readEntry();
      });
      zip.on('end', () => resolve(sizes));
      zip.on('error', reject);
      zip.readEntry();
    }),
  );
}

function typesOf(events: RunwatchEvent[], runId: string): string[] {
  return events.filter((e) => 'run_id' in e && e.run_id === runId).map((e) => e.type);
}

const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/** A file name every file system takes: short, no separators, no device name, no trailing dot. */
function expectPortableName(name: string): void {
  expect(Buffer.byteLength(name), name).toBeLessThanOrEqual(255);
  expect(name).toMatch(/^[a-z0-9][a-z0-9._~@-]*$/);
  expect(name).not.toMatch(/[. ]$/);
  expect(name.split('.')[0], name).not.toMatch(WINDOWS_DEVICE);
}

describe('archive jobs against hostile run ids and artifacts folders', () => {
  it('gives every hostile run id its own zip and report inside the data dir, holding only its own files', async () => {
    const t0 = performance.now();
    const { dir, orch, dataDir, start } = setup();
    const ids = [
      '../../etc/passwd',
      '/abs/path',
      'a/b',
      'a_b',
      'Run1',
      'run1',
      'con',
      'x.',
      'long-'.padEnd(300, '0123456789'),
      '実験-1',
      'caf\u00e9',
      'cafe\u0301', // the same name in NFD: another id, bytes differ
    ];
    expect(ids.find((id) => id.startsWith('long-'))).toHaveLength(300);
    const absBefore = fs.existsSync('/abs');

    const expected = new Map<string, Map<string, Buffer>>();
    ids.forEach((id, i) => {
      const artifacts = path.join(dir, 'artifacts', `run-${i}`);
      expected.set(
        id,
        writeFiles(artifacts, {
          'id.txt': `${id}\n`,
          [`data/part-${i}.bin`]: randomBytes(1_000 + i),
        }),
      );
      orch.insertRun({ runId: id, pipeline: 'hostile', artifactsDir: artifacts });
    });
    const before = walk(dir, dataDir);

    const h = start();
    for (const id of ids) await h.waitFor('run_started', id);
    for (const id of ids) orch.finishRun(id, 'succeeded');
    for (const id of ids) await h.waitFor('report_written', id, 30_000);

    expect(h.of('archive_failed')).toEqual([]);
    const archiveDir = path.join(dataDir, 'archive');
    const reportsDir = path.join(dataDir, 'reports');
    const zipNames: string[] = [];
    const reportNames: string[] = [];
    const owners = new Map<string, string>(); // sha256 of an entry's bytes → the run whose zip holds it
    for (const id of ids) {
      expect(typesOf(h.events, id)).toEqual([
        'run_started',
        'run_completed',
        'run_archived',
        'report_written',
      ]);
      const archived = archivedOf(h, id);
      const written = h.of('report_written', id)[0];
      if (written?.type !== 'report_written') throw new Error('no report_written');
      expect(path.dirname(archived.path)).toBe(archiveDir);
      expect(path.dirname(written.path)).toBe(reportsDir);
      const zipName = path.basename(archived.path);
      const reportName = path.basename(written.path);
      expect(zipName).toMatch(/\.zip$/);
      expect(reportName).toBe(zipName.replace(/\.zip$/, '_summary.json'));
      expectPortableName(zipName);
      expectPortableName(reportName);
      zipNames.push(zipName);
      reportNames.push(reportName);

      const entries = await readZip(archived.path);
      const own = expected.get(id) ?? new Map<string, Buffer>();
      expect([...entries.keys()].sort(), id).toEqual([...own.keys()].sort());
      for (const [name, data] of own) expect(entries.get(name)?.equals(data), name).toBe(true);
      for (const data of entries.values()) {
        const digest = sha256(data);
        expect(owners.get(digest), `a file of ${id} is also in another run's zip`).toBeUndefined();
        owners.set(digest, id);
      }
      expect(
        await verifyZip(
          archived.path,
          [...own].map(([name, b]) => ({ name, size: b.length })),
        ),
      ).toMatchObject({ ok: true, files: 2 });

      const report = readReport(written.path);
      expect(report.run_id).toBe(id);
      expect(report.archive).toMatchObject({ path: archived.path, files: 2, verified: true });
    }
    // Distinct, also where a folder ignores case (macOS, Windows).
    expect(new Set(zipNames.map((n) => n.toLowerCase())).size).toBe(ids.length);
    expect(new Set(reportNames.map((n) => n.toLowerCase())).size).toBe(ids.length);
    expect(zipNames).toContain('a_b.zip');
    expect(zipNames).toContain('run1.zip');
    expect(zipNames).not.toContain('con.zip');

    // Nothing new outside the data dir; inside it, only what §5 names.
    expect(walk(dir, dataDir)).toEqual(before);
    expect(fs.existsSync('/abs')).toBe(absBefore);
    const inData = [...walk(dataDir).entries()];
    const stray = inData.filter(
      ([rel, kind]) =>
        !(
          (kind === 'folder' && (rel === 'archive' || rel === 'reports')) ||
          (kind === 'file' &&
            (/^state\.db(-wal|-shm|-journal)?$/.test(rel) ||
              /^watch\.(lock|pid)$/.test(rel) ||
              /^archive\/[^/]+\.zip$/.test(rel) ||
              /^reports\/[^/]+\.json$/.test(rel)))
        ),
    );
    expect(stray).toEqual([]);
    expect(fs.readdirSync(archiveDir).sort()).toEqual([...zipNames].sort());
    expect(fs.readdirSync(reportsDir).sort()).toEqual([...reportNames].sort());
    console.log(`[archive-hostile] ${ids.length} hostile run ids: ${seconds(t0)} s`);
  }, 60_000);

  it('skips symlinks out of the folder and a FIFO, with reasons, and archives the rest without hanging', async () => {
    const t0 = performance.now();
    const { dir, orch, start } = setup();
    const artifacts = path.join(dir, 'artifacts');
    const files = writeFiles(artifacts, {
      'result.txt': 'all good\n',
      'sub/table.csv': 'a,b\n1,2\n',
    });
    fs.symlinkSync('/etc', path.join(artifacts, 'etc-link'));
    fs.symlinkSync('/etc/passwd', path.join(artifacts, 'sub', 'passwd-link'));
    execFileSync('mkfifo', [path.join(artifacts, 'pipe')]);
    orch.insertRun({ runId: 'tricky', artifactsDir: artifacts });

    const h = start();
    const report = await finishAndReport(h, orch, 'tricky');
    expect(h.of('archive_failed')).toEqual([]);
    const archived = archivedOf(h, 'tricky');
    expect(archived.files).toBe(2);
    const entries = await readZip(archived.path);
    expect([...entries.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [name, data] of files) expect(entries.get(name)?.equals(data), name).toBe(true);
    expect((await verifyZip(archived.path)).ok).toBe(true);

    const skipped = [...report.skipped].sort((a, b) => a.path.localeCompare(b.path));
    expect(skipped.map((s) => s.path)).toEqual(['etc-link', 'pipe', 'sub/passwd-link']);
    expect(skipped[0]?.reason).toMatch(/symlink.*outside/);
    expect(skipped[1]?.reason).toMatch(/FIFO|named pipe/);
    expect(skipped[2]?.reason).toMatch(/symlink.*outside/);
    expect(report.archive).toMatchObject({ path: archived.path, files: 2, verified: true });
    console.log(`[archive-hostile] symlinks and a FIFO: ${seconds(t0)} s`);
  }, 30_000);

  // 50,000 descriptors at once would pass most limits (20,000 here): entries must be fed lazily.
  it('archives and verifies 50,000 small files without holding a descriptor per file', async () => {
    const FOLDERS = 500;
    const PER_FOLDER = 100;
    const total = FOLDERS * PER_FOLDER;
    const { dir, orch, start } = setup();
    const artifacts = path.join(dir, 'artifacts');
    const nameOf = (folder: number, file: number) =>
      `f${String(folder).padStart(3, '0')}/${String(file).padStart(2, '0')}.txt`;
    const content = (folder: number, file: number) =>
      `folder ${folder} file ${file} `.padEnd(99, '.').concat('\n');
    let t = performance.now();
    for (let folder = 0; folder < FOLDERS; folder++) {
      fs.mkdirSync(path.dirname(path.join(artifacts, nameOf(folder, 0))), { recursive: true });
      for (let file = 0; file < PER_FOLDER; file++) {
        fs.writeFileSync(path.join(artifacts, nameOf(folder, file)), content(folder, file));
      }
    }
    const created = seconds(t);
    orch.insertRun({ runId: 'many', artifactsDir: artifacts });

    const h = start();
    t = performance.now();
    const report = await finishAndReport(h, orch, 'many', 170_000);
    const archivedIn = seconds(t);
    expect(h.of('archive_failed')).toEqual([]);
    const archived = archivedOf(h, 'many');
    expect(archived.files).toBe(total);
    expect(archived.bytes).toBe(total * 100);
    expect(report.archive).toMatchObject({ files: total, verified: true });
    expect(report.skipped).toEqual([]);

    t = performance.now();
    expect(await verifyZip(archived.path)).toMatchObject({ ok: true, files: total });
    expect(await entryCount(archived.path)).toBe(total);
    const entries = await readZip(archived.path);
    expect(entries.size).toBe(total);
    for (let folder = 0; folder < FOLDERS; folder++) {
      for (let file = 0; file < PER_FOLDER; file++) {
        const name = nameOf(folder, file);
        expect(entries.get(name)?.toString(), name).toBe(content(folder, file));
      }
    }
    console.log(
      `[archive-hostile] ${total} files: created in ${created} s, archived, verified and reported in ${archivedIn} s, read back and compared in ${seconds(t)} s`,
    );
  }, 180_000);

  describe.skipIf(!ROOM_FOR_BIG)(
    `a 5 GiB sparse file${ROOM_FOR_BIG ? '' : ` (skipped: only ${(freeBytes / GiB).toFixed(1)} GiB free in ${os.tmpdir()}, 2 GiB needed)`}`,
    () => {
      let zipPath: string | null = null;

      it('is archived with zip64 and verifies; yauzl reads its 5 GiB size', async () => {
        const t0 = performance.now();
        const { dir, orch, start } = setup();
        const artifacts = path.join(dir, 'artifacts');
        fs.mkdirSync(artifacts);
        const fd = fs.openSync(path.join(artifacts, 'huge.bin'), 'w');
        fs.ftruncateSync(fd, 5 * GiB);
        fs.closeSync(fd);
        const small = writeFiles(artifacts, { 'small.txt': 'next to a huge file\n' });
        orch.insertRun({ runId: 'huge', artifactsDir: artifacts });

        const h = start();
        const report = await finishAndReport(h, orch, 'huge', 280_000);
        const archivedIn = seconds(t0);
        expect(h.of('archive_failed')).toEqual([]);
        const archived = archivedOf(h, 'huge');
        expect(archived.files).toBe(2);
        expect(archived.bytes).toBe(5 * GiB + (small.get('small.txt')?.length ?? 0));
        expect(report.archive).toMatchObject({ files: 2, verified: true });

        const t1 = performance.now();
        expect(await verifyZip(archived.path)).toMatchObject({ ok: true, files: 2 });
        const sizes = await listZip(archived.path);
        expect(sizes.get('huge.bin')).toBe(5 * GiB);
        expect(sizes.get('small.txt')).toBe(small.get('small.txt')?.length);
        zipPath = archived.path;
        console.log(
          `[archive-hostile] 5 GiB sparse file: archived, verified and reported in ${archivedIn} s (zip ${(fs.statSync(archived.path).size / 1024 ** 2).toFixed(1)} MiB), verified again in ${seconds(t1)} s`,
        );
      }, 300_000);

      it.skipIf(!HAS_UNZIP)(
        `passes unzip -t${HAS_UNZIP ? '' : ` (skipped: ${UNZIP} is not installed)`}`,
        () => {
          if (zipPath === null) throw new Error('the previous case did not archive the file');
          const t0 = performance.now();
          const out = execFileSync(UNZIP, ['-t', zipPath], { encoding: 'utf8' });
          expect(out).toMatch(/No errors detected/);
          console.log(`[archive-hostile] unzip -t of the 5 GiB archive: ${seconds(t0)} s`);
        },
        300_000,
      );
    },
  );

  it('fails at once, without retrying, when the artifacts path is a regular file', async () => {
    const t0 = performance.now();
    // A retry would come a minute later, long after the wait below gives up.
    const { dir, orch, start } = setup({ retryDelaysMs: [60_000, 60_000] });
    const file = path.join(dir, 'artifacts.txt');
    fs.writeFileSync(file, 'not a folder\n');
    orch.insertRun({ runId: 'file', artifactsDir: file });

    const h = start();
    const report = await finishAndReport(h, orch, 'file');
    const failed = h.of('archive_failed', 'file')[0];
    if (failed?.type !== 'archive_failed') throw new Error('no archive_failed');
    expect(failed.reason).toContain(file);
    expect(failed.reason).toMatch(/not a folder/);
    expect(h.logs.filter((line) => /retrying in/.test(line))).toEqual([]);
    expect(h.of('run_archived')).toEqual([]);
    expect(report.archive_error).toBe(failed.reason);
    expect(report.archive).toBeUndefined();
    expect(fs.readdirSync(path.join(h.dataDir, 'archive'))).toEqual([]);
    console.log(`[archive-hostile] artifacts path is a file: ${seconds(t0)} s`);
  }, 30_000);

  it.skipIf(IS_ROOT)(
    `fails at once, without retrying, when the artifacts folder cannot be read${IS_ROOT ? ' (skipped: running as root, which reads every folder)' : ''}`,
    async () => {
      const t0 = performance.now();
      const { dir, orch, start } = setup({ retryDelaysMs: [60_000, 60_000] });
      const artifacts = path.join(dir, 'locked');
      writeFiles(artifacts, { 'secret.txt': 'hidden\n' });
      fs.chmodSync(artifacts, 0o000);
      try {
        orch.insertRun({ runId: 'locked', artifactsDir: artifacts });
        const h = start();
        const report = await finishAndReport(h, orch, 'locked');
        const failed = h.of('archive_failed', 'locked')[0];
        if (failed?.type !== 'archive_failed') throw new Error('no archive_failed');
        expect(failed.reason).toContain(artifacts);
        expect(failed.reason).toMatch(/cannot be read/);
        expect(failed.reason).toMatch(/permission denied|EACCES/i);
        expect(h.logs.filter((line) => /retrying in/.test(line))).toEqual([]);
        expect(report.archive_error).toBe(failed.reason);
        expect(fs.readdirSync(path.join(h.dataDir, 'archive'))).toEqual([]);
      } finally {
        fs.chmodSync(artifacts, 0o755);
      }
      console.log(`[archive-hostile] unreadable artifacts folder: ${seconds(t0)} s`);
    },
    30_000,
  );
});

describe('artifacts folders outside the allowed roots', () => {
  it('refuses /etc, / and a symlink to /etc at once, with the reason, and archives nothing', async () => {
    const t0 = performance.now();
    const { dir, orch, start } = setup({ retryDelaysMs: [60_000, 60_000] });
    fs.symlinkSync('/etc', path.join(dir, 'etc-link'));
    const cases = { etc: '/etc', everything: '/', 'through-a-link': path.join(dir, 'etc-link') };
    for (const [runId, artifactsDir] of Object.entries(cases))
      orch.insertRun({ runId, artifactsDir });
    const h = start();
    for (const [runId, artifactsDir] of Object.entries(cases)) {
      const report = await finishAndReport(h, orch, runId);
      const failed = h.of('archive_failed', runId)[0];
      if (failed?.type !== 'archive_failed') throw new Error(`no archive_failed for ${runId}`);
      expect(failed.reason).toContain(artifactsDir);
      expect(failed.reason).toContain('outside the allowed artifact roots');
      expect(failed.reason).toContain(dir);
      expect(report.archive_error).toBe(failed.reason);
    }
    expect(h.of('run_archived')).toEqual([]);
    expect(h.logs.filter((line) => /retrying in/.test(line))).toEqual([]);
    expect(fs.readdirSync(path.join(h.dataDir, 'archive'))).toEqual([]);
    console.log(`[archive-hostile] folders outside the roots: ${seconds(t0)} s`);
  }, 30_000);

  it('refuses a pseudo file system even where the roots allow everything', async () => {
    const { orch, start } = setup({
      retryDelaysMs: [60_000],
      artifactPolicy: allowing('/', { exclude: [] }),
    });
    orch.insertRun({ runId: 'proc', artifactsDir: '/proc' });
    const h = start();
    const report = await finishAndReport(h, orch, 'proc');
    expect(report.archive_error).toMatch(/\/proc is on a pseudo file system \(\/proc\)/);
    expect(h.of('run_archived')).toEqual([]);
  }, 30_000);
});
