import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import {
  firstChanged,
  listArtifacts,
  type Listing,
} from '../../electron/core/archive/artifact-listing.ts';
import { runArchiveTask, type ArchiveProgress } from '../../electron/core/archive/archive-task.ts';
import type { StoredListing } from '../../electron/core/archive/archive-protocol.ts';
import { verifyZip } from '../../electron/core/archive/zip-verify.ts';
import {
  writeZip,
  type WrittenZip,
  type ZipProgress,
} from '../../electron/core/archive/zip-writer.ts';
import { allowing } from '../support/artifact-policy.ts';
import { tempDir } from '../support/orchestration-db.ts';

const UNZIP = '/usr/bin/unzip';
const HAS_UNZIP = fs.existsSync(UNZIP);

const dirs: string[] = [];
function newDir(prefix: string): string {
  const dir = tempDir(prefix);
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function put(root: string, rel: string, content: string | Buffer, mtime?: Date): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  if (mtime) fs.utimesSync(file, mtime, mtime);
}

function csv(rows: number): string {
  const lines = ['id,pipeline,rows,status'];
  for (let i = 0; i < rows; i++) lines.push(`${i},etl-daily,${(i * 37) % 1000},succeeded`);
  return `${lines.join('\n')}\n`;
}

/** An artifacts folder with the kinds of files a pipeline leaves behind. */
function buildArtifacts(): string {
  const root = newDir('runwatch-artifacts-');
  put(root, 'README.txt', 'This run loaded the daily tables.\n', new Date('2025-06-15T10:20:31Z'));
  put(root, 'data/table.csv', csv(20_000), new Date('2024-12-31T23:59:58Z'));
  put(root, 'blobs/random.bin', randomBytes(600 * 1024), new Date('2025-01-01T00:00:01Z'));
  put(root, 'empty.log', '', new Date('2025-03-12T01:30:00Z'));
  put(
    root,
    'a/b/c/deep.json',
    JSON.stringify({ ok: true, n: 42 }),
    new Date('2025-10-14T02:30:00Z'),
  );
  put(root, 'résultats/実験-1 ✓.txt', 'unicode names survive\n', new Date('2025-07-04T12:00:00Z'));
  return root;
}

interface ZipEntry {
  name: string;
  data: Buffer;
  modified: Date;
  compressionMethod: number;
  compressedSize: number;
  offset: number;
}

/** Every entry of a zip with its decompressed bytes, as an ordinary zip reader sees them. */
function readZip(file: string): Promise<ZipEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries: ZipEntry[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.push({
              name: entry.fileName,
              data: Buffer.concat(chunks),
              modified: entry.getLastModDate(),
              compressionMethod: entry.compressionMethod,
              compressedSize: entry.compressedSize,
              offset: entry.relativeOffsetOfLocalHeader,
            });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** Where an entry's compressed bytes start: after its local header, name and extra field. */
function dataOffset(zipBytes: Buffer, entry: ZipEntry): number {
  const header = entry.offset;
  expect(zipBytes.readUInt32LE(header)).toBe(0x04034b50); // local file header signature
  const nameLength = zipBytes.readUInt16LE(header + 26);
  const extraLength = zipBytes.readUInt16LE(header + 28);
  return header + 30 + nameLength + extraLength;
}

/** A copy of `file` with one byte in the middle of `entryName`'s compressed data flipped. */
async function corruptCopy(file: string, entryName: string): Promise<string> {
  const entry = (await readZip(file)).find((e) => e.name === entryName)!;
  const bytes = fs.readFileSync(file);
  const at = dataOffset(bytes, entry) + Math.floor(entry.compressedSize / 2);
  bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
  const copy = path.join(newDir('runwatch-corrupt-'), 'corrupt.zip');
  fs.writeFileSync(copy, bytes);
  return copy;
}

describe('writeZip and verifyZip on a real folder', () => {
  let root: string;
  let listing: Listing;
  let zipFile: string;
  let written: WrittenZip;
  const progress: ZipProgress[] = [];
  let entries: ZipEntry[];

  beforeAll(async () => {
    root = buildArtifacts();
    listing = listArtifacts(root, allowing(root));
    zipFile = path.join(newDir('runwatch-zip-'), 'etl-daily-0001.zip');
    written = await writeZip(listing, zipFile, (p) => progress.push({ ...p }));
    entries = await readZip(zipFile);
  });

  it('lists the folder as expected (the premise of what follows)', () => {
    expect(listing.files.map((f) => f.name)).toEqual([
      'README.txt',
      'a/b/c/deep.json',
      'blobs/random.bin',
      'data/table.csv',
      'empty.log',
      'résultats/実験-1 ✓.txt',
    ]);
    expect(listing.skipped).toEqual([]);
  });

  it('holds one entry per listed file, under its relative path, in the listing’s order', () => {
    expect(entries.map((e) => e.name)).toEqual(listing.files.map((f) => f.name));
  });

  it('gives back every file byte for byte', () => {
    for (const file of listing.files) {
      const entry = entries.find((e) => e.name === file.name)!;
      expect(entry, file.name).toBeDefined();
      expect(entry.data.equals(fs.readFileSync(file.source)), file.name).toBe(true);
    }
    expect(entries.find((e) => e.name === 'empty.log')!.data.length).toBe(0);
  });

  it('keeps each file’s modification time (to the 2 s of a DOS time)', () => {
    for (const file of listing.files) {
      const entry = entries.find((e) => e.name === file.name)!;
      expect(Math.abs(entry.modified.getTime() - file.mtimeMs), file.name).toBeLessThanOrEqual(
        2_000,
      );
    }
  });

  it('stores the random bytes as they are and deflates the CSV to a fraction of its size', () => {
    const random = entries.find((e) => e.name === 'blobs/random.bin')!;
    const table = entries.find((e) => e.name === 'data/table.csv')!;
    expect(random.compressionMethod).toBe(0);
    expect(table.compressionMethod).toBe(8);
    expect(table.compressedSize).toBeLessThan(table.data.length / 3);
    expect(written.stored).toBe(1);
  });

  it('reports the zip’s real size and SHA-256', () => {
    const bytes = fs.readFileSync(zipFile);
    expect(written.size).toBe(bytes.length);
    expect(written.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('reports progress ending at every file and every byte', () => {
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual({ files: listing.files.length, bytes: listing.bytes });
  });

  it('refuses to overwrite a zip that is already there', async () => {
    await expect(writeZip(listing, zipFile)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(createHash('sha256').update(fs.readFileSync(zipFile)).digest('hex')).toBe(
      written.sha256,
    );
  });

  it('verifies against the listing, with the right counts', async () => {
    const verifyProgress: { files: number; bytes: number }[] = [];
    const result = await verifyZip(zipFile, listing.files, (p) => verifyProgress.push({ ...p }));
    expect(result).toEqual({ ok: true, files: listing.files.length, bytes: listing.bytes });
    expect(verifyProgress.at(-1)).toEqual({
      files: listing.files.length,
      bytes: listing.bytes,
      entries: listing.files.length,
      totalEntries: listing.files.length,
    });
  });

  it('verifies without a listing too, inflating on this thread or on several', async () => {
    for (const parallel of [1, 4]) {
      expect(await verifyZip(zipFile, undefined, undefined, { parallel })).toEqual({
        ok: true,
        files: listing.files.length,
        bytes: listing.bytes,
      });
    }
  });

  it.skipIf(!HAS_UNZIP)(
    `is accepted by \`unzip -t\` (skipped when ${UNZIP} is not installed)`,
    () => {
      const output = execFileSync(UNZIP, ['-t', zipFile], { encoding: 'utf8' });
      expect(output).toMatch(/No errors detected/);
    },
  );

  it('fails on a flipped byte in a stored entry, naming it and the CRC mismatch', async () => {
    const copy = await corruptCopy(zipFile, 'blobs/random.bin');
    const result = await verifyZip(copy, listing.files);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.entry).toBe('blobs/random.bin');
    expect(result.reason).toMatch(/CRC-32 mismatch/);
  });

  it('fails on a flipped byte in a deflated entry, naming it', async () => {
    const copy = await corruptCopy(zipFile, 'data/table.csv');
    for (const parallel of [1, 4]) {
      const result = await verifyZip(copy, listing.files, undefined, { parallel });
      expect(result).toMatchObject({ ok: false, entry: 'data/table.csv' });
    }
  });

  it('fails when the listing holds a file the zip lacks, naming the missing one', async () => {
    const expected = [...listing.files, { name: 'late/extra.txt', size: 5 }];
    const result = await verifyZip(zipFile, expected);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.entry).toBe('late/extra.txt');
    expect(result.reason).toMatch(/missing/);
  });

  it('fails when the zip holds a file the listing lacks, naming it', async () => {
    const expected = listing.files.filter((f) => f.name !== 'data/table.csv');
    const result = await verifyZip(zipFile, expected);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.entry).toBe('data/table.csv');
  });

  it('reports a truncated zip as not readable', async () => {
    const bytes = fs.readFileSync(zipFile);
    const truncated = path.join(newDir('runwatch-truncated-'), 'truncated.zip');
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const result = await verifyZip(truncated, listing.files);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toMatch(/not a readable zip/);
  });

  it('reports a missing zip file as not readable', async () => {
    const result = await verifyZip(path.join(newDir('runwatch-nozip-'), 'none.zip'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toMatch(/not a readable zip/);
  });
});

describe('verifyZip of deflated entries too large to inflate in place', () => {
  it('checks them on the thread pool, whole or streamed, and names one with a flipped byte', async () => {
    const root = newDir('runwatch-large-');
    put(root, 'medium.csv', csv(400_000));
    put(root, 'large.csv', csv(700_000));
    const listing = listArtifacts(root, allowing(root));
    const zipFile = path.join(newDir('runwatch-large-out-'), 'large.zip');
    await writeZip(listing, zipFile);
    const sizes = (await readZip(zipFile)).map((e) => [e.name, e.compressedSize, e.data.length]);
    // One fits the thread pool's single piece (under 4 MB, 16 MB inflated), one must stream.
    expect(sizes).toEqual([
      ['large.csv', expect.any(Number), expect.toSatisfy((n: number) => n > 16 * 2 ** 20)],
      [
        'medium.csv',
        expect.toSatisfy((n: number) => n > 256 * 1024 && n < 4 * 2 ** 20),
        expect.any(Number),
      ],
    ]);
    for (const name of ['medium.csv', 'large.csv']) {
      const copy = await corruptCopy(zipFile, name);
      for (const parallel of [1, 4]) {
        expect(await verifyZip(zipFile, listing.files, undefined, { parallel })).toMatchObject({
          ok: true,
          files: 2,
        });
        expect(await verifyZip(copy, listing.files, undefined, { parallel })).toMatchObject({
          ok: false,
          entry: name,
        });
      }
    }
  });

  it('names the first bad entry, even one that waited for the thread pool while a later one failed', async () => {
    const root = newDir('runwatch-queued-');
    for (const name of ['a1.csv', 'a2.csv', 'a3.csv']) put(root, name, csv(250_000));
    put(root, 'z.txt', 'the small entry after them\n'.repeat(10));
    const listing = listArtifacts(root, allowing(root));
    const zipFile = path.join(newDir('runwatch-queued-out-'), 'queued.zip');
    await writeZip(listing, zipFile);
    const entries = await readZip(zipFile);
    // Each CSV goes to the thread pool, which takes two at once: the third waits its turn.
    for (const name of ['a1.csv', 'a2.csv', 'a3.csv']) {
      expect(entries.find((e) => e.name === name)?.compressedSize).toBeGreaterThan(256 * 1024);
    }
    const bytes = fs.readFileSync(zipFile);
    for (const name of ['a3.csv', 'z.txt']) {
      const entry = entries.find((e) => e.name === name)!;
      const at = dataOffset(bytes, entry) + Math.floor(entry.compressedSize / 2);
      bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
    }
    const bothBad = path.join(newDir('runwatch-queued-bad-'), 'both-bad.zip');
    fs.writeFileSync(bothBad, bytes);
    expect(await verifyZip(bothBad, listing.files, undefined, { parallel: 2 })).toMatchObject({
      ok: false,
      entry: 'a3.csv',
    });
  });
});

describe('verifyZip on hostile zips', () => {
  /** A zip of `files`, and where its central directory's records are. */
  async function zipOf(files: Record<string, string | Buffer>) {
    const root = newDir('runwatch-hostile-zip-');
    for (const [name, content] of Object.entries(files)) put(root, name, content);
    const zipFile = path.join(newDir('runwatch-hostile-out-'), 'x.zip');
    await writeZip(listArtifacts(root, allowing(root)), zipFile);
    const bytes = fs.readFileSync(zipFile);
    const records: number[] = [];
    for (let at = bytes.indexOf(CENTRAL); at !== -1; at = bytes.indexOf(CENTRAL, at + 1)) {
      records.push(at);
    }
    return { zipFile, bytes, records };
  }
  const CENTRAL = Buffer.from([0x50, 0x4b, 0x01, 0x02]);

  it('stops an entry that inflates past its declared size', async () => {
    const { zipFile, bytes, records } = await zipOf({ 'zeros.bin': Buffer.alloc(50_000_000) });
    bytes.writeUInt32LE(1_000, (records[0] as number) + 24);
    fs.writeFileSync(zipFile, bytes);
    expect(await verifyZip(zipFile)).toEqual({
      ok: false,
      entry: 'zeros.bin',
      reason: 'decompresses to more than its declared 1000 bytes',
    });
  });

  it('refuses entries that share their bytes (a zip bomb’s trick)', async () => {
    const { zipFile, bytes, records } = await zipOf({ 'a.txt': 'same\n', 'b.txt': 'same\n' });
    const first = bytes.readUInt32LE((records[0] as number) + 42);
    bytes.writeUInt32LE(first, (records[1] as number) + 42);
    fs.writeFileSync(zipFile, bytes);
    expect(await verifyZip(zipFile)).toMatchObject({
      ok: false,
      reason: 'overlaps the next entry',
    });
  });

  it('refuses a name that would extract outside the folder', async () => {
    const { zipFile, bytes, records } = await zipOf({ 'ab.txt': 'x' });
    // The 6-byte name "ab.txt" becomes "../txt".
    Buffer.from('../txt').copy(bytes, (records[0] as number) + 46);
    fs.writeFileSync(zipFile, bytes);
    expect(await verifyZip(zipFile)).toEqual({
      ok: false,
      entry: null,
      reason: 'not a readable zip: invalid relative path: ../txt',
    });
  });

  it('refuses a local header that names another file than the central directory', async () => {
    const { zipFile, bytes } = await zipOf({ 'ab.txt': 'x' });
    Buffer.from('zz').copy(bytes, 30);
    fs.writeFileSync(zipFile, bytes);
    expect(await verifyZip(zipFile)).toEqual({
      ok: false,
      entry: 'ab.txt',
      reason: 'its local header names another file',
    });
  });
});

describe('a file rewritten between listing and zipping', () => {
  it('makes verification against the old listing fail, and firstChanged names it', async () => {
    const root = buildArtifacts();
    const listing = listArtifacts(root, allowing(root));
    put(root, 'data/table.csv', csv(25_000)); // the pipeline is still writing it
    const zipFile = path.join(newDir('runwatch-zip-'), 'rewritten.zip');
    await writeZip(listing, zipFile);
    const result = await verifyZip(zipFile, listing.files);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.entry).toBe('data/table.csv');
    expect(firstChanged(listing.files)).toBe('data/table.csv');
  });
});

describe('runArchiveTask (in a worker thread)', () => {
  it('builds and verifies a zip, skipping a symlink to /etc, and reports progress', async () => {
    const root = buildArtifacts();
    fs.symlinkSync('/etc', path.join(root, 'etc-link'));
    const tmpPath = path.join(newDir('runwatch-archive-'), '.tmp-1.zip');
    const messages: ArchiveProgress[] = [];
    const result = await runArchiveTask(
      { kind: 'build', artifactsDir: root, policy: allowing(root), tmpPath },
      (p) => messages.push(p),
    );
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (!result.ok) return;
    const { outcome } = result;
    const listing = JSON.parse(outcome.listingJson) as StoredListing;
    expect(listing.skipped).toEqual(outcome.skipped);
    expect(outcome.skipped).toEqual([
      { path: 'etc-link', reason: expect.stringMatching(/outside/) },
    ]);
    expect(listing.files.map((f) => f.name)).not.toContain('etc-link');
    expect(outcome.files).toBe(6);
    expect(listing.files).toHaveLength(6);
    expect(outcome.bytes).toBe(listing.files.reduce((sum, f) => sum + f.size, 0));
    const bytes = fs.readFileSync(tmpPath);
    expect(outcome.zipSize).toBe(bytes.length);
    expect(outcome.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect((await readZip(tmpPath)).map((e) => e.name)).toEqual(listing.files.map((f) => f.name));
    expect(await verifyZip(tmpPath, listing.files)).toMatchObject({ ok: true, files: 6 });

    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((m) => m.type === 'progress')).toBe(true);
    const zipPhase = messages.filter((m) => m.phase === 'zip');
    const verifyPhase = messages.filter((m) => m.phase === 'verify');
    expect(zipPhase.length).toBeGreaterThan(0);
    expect(verifyPhase.length).toBeGreaterThan(0);
    expect(messages.findIndex((m) => m.phase === 'verify')).toBeGreaterThan(
      messages.findLastIndex((m) => m.phase === 'zip'),
    );
    for (const m of messages) {
      expect(m.totalFiles).toBe(6);
      expect(m.totalBytes).toBe(outcome.bytes);
    }
    expect(verifyPhase.at(-1)).toMatchObject({ files: 6, bytes: outcome.bytes });
  });

  it('sizes its deflate and inflate threads from the cores free, not the cores there are: one when all are busy', async () => {
    const root = buildArtifacts();
    const hogs = Array.from({ length: os.availableParallelism() }, () =>
      spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const tmpPath = path.join(newDir('runwatch-archive-'), '.tmp-3.zip');
      const result = await runArchiveTask({
        kind: 'build',
        artifactsDir: root,
        policy: allowing(root),
        tmpPath,
      });
      expect(result).toMatchObject({ ok: true, outcome: { cores: 1, files: 6 } });
    } finally {
      for (const hog of hogs) hog.kill('SIGKILL');
    }
  });

  it('fails, transient, naming the folder, when the artifacts folder does not exist', async () => {
    const missing = path.join(newDir('runwatch-archive-'), 'not-yet');
    const tmpPath = path.join(newDir('runwatch-archive-'), '.tmp-2.zip');
    const result = await runArchiveTask({
      kind: 'build',
      artifactsDir: missing,
      policy: allowing(path.dirname(missing)),
      tmpPath,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.transient).toBe(true);
    expect(result.failure.reason).toContain(missing);
    expect(fs.existsSync(tmpPath)).toBe(false);
  });
});

describe('a listed file that is no longer a regular file when it is zipped', () => {
  it('ends the zip with a clear error instead of hanging on a FIFO or crashing', async () => {
    const root = newDir('runwatch-swap-');
    put(root, 'big.bin', randomBytes(400 * 1024));
    put(root, 'small.txt', 'small');
    const listing = listArtifacts(root, allowing(root));
    for (const name of ['big.bin', 'small.txt']) {
      fs.rmSync(path.join(root, name));
      execFileSync('mkfifo', [path.join(root, name)]);
    }
    const out = path.join(newDir('runwatch-swap-out-'), 'x.zip');
    await expect(writeZip(listing, out)).rejects.toThrow(/no longer a regular file/);
  });
});

describe('small entries deflated inline', () => {
  it('writes small files deflated, which unzip-like readers and the verifier read back exactly', async () => {
    const root = newDir('runwatch-small-');
    const contents = new Map<string, string>();
    for (let i = 0; i < 300; i++) {
      const text = `step ${i} ok\n`.repeat(1 + (i % 50));
      contents.set(`logs/${i}.log`, text);
      put(root, `logs/${i}.log`, text);
    }
    const listing = listArtifacts(root, allowing(root));
    const out = path.join(newDir('runwatch-small-out-'), 'small.zip');
    const written = await writeZip(listing, out);
    expect(written.stored).toBe(0);
    const entries = await readZip(out);
    expect(entries.length).toBe(300);
    for (const entry of entries) {
      expect(entry.compressionMethod).toBe(8);
      expect(entry.data.toString()).toBe(contents.get(entry.name));
    }
    expect(await verifyZip(out, listing.files)).toMatchObject({ ok: true, files: 300 });
  });
});
