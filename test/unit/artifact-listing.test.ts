import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  firstChanged,
  listArtifacts as listWithPolicy,
  type Listing,
} from '../../electron/core/archive/artifact-listing.ts';
import { ArtifactsError } from '../../electron/core/archive/artifact-policy.ts';
import { allowing } from '../support/artifact-policy.ts';
import { tempDir } from '../support/orchestration-db.ts';

/** Lists a folder allowed as a root of its own. */
const listArtifacts = (dir: string) => listWithPolicy(dir, allowing(path.dirname(dir)));

const roots: string[] = [];
function newRoot(): string {
  const dir = tempDir('runwatch-listing-');
  roots.push(dir);
  return dir;
}

function write(root: string, rel: string, content: string | Buffer): string {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

afterAll(() => {
  for (const dir of roots) fs.rmSync(dir, { recursive: true, force: true });
});

describe('listArtifacts on a real folder', () => {
  let root: string;
  let server: net.Server;
  let listing: Listing;
  let elapsedMs: number;

  beforeAll(async () => {
    root = newRoot();
    write(root, 'b.txt', 'bee\n');
    write(root, 'a.csv', 'x,y\n1,2\n');
    write(root, 'nested/deep/model.bin', Buffer.alloc(1000, 7));
    write(root, 'nested/notes.md', '# notes\n');
    write(root, 'empty.log', '');
    fs.symlinkSync('/etc', path.join(root, 'etc-link'));
    fs.symlinkSync('nested/notes.md', path.join(root, 'notes-link.md'));
    fs.symlinkSync('nested', path.join(root, 'nested-link'));
    fs.symlinkSync('does-not-exist.txt', path.join(root, 'broken-link'));
    execFileSync('mkfifo', [path.join(root, 'pipe.fifo')]);
    server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(root, 'ctl.sock'), resolve));
    const started = Date.now();
    listing = listArtifacts(root);
    elapsedMs = Date.now() - started;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('lists every regular file, nested ones under their relative path with `/`, sorted', () => {
    expect(listing.files.map((f) => f.name)).toEqual([
      'a.csv',
      'b.txt',
      'empty.log',
      'nested/deep/model.bin',
      'nested/notes.md',
      'notes-link.md',
    ]);
  });

  it('records each file’s size and modification time as they were on disk', () => {
    for (const file of listing.files) {
      const stat = fs.statSync(file.source);
      expect(file.size, file.name).toBe(stat.size);
      expect(file.mtimeMs, file.name).toBe(stat.mtimeMs);
    }
    const model = listing.files.find((f) => f.name === 'nested/deep/model.bin')!;
    expect(model.size).toBe(1000);
    expect(model.source).toBe(path.join(fs.realpathSync(root), 'nested/deep/model.bin'));
  });

  it('totals the bytes of the listed files', () => {
    expect(listing.bytes).toBe(8 + 4 + 0 + 1000 + 8 + 8);
    expect(listing.bytes).toBe(listing.files.reduce((sum, f) => sum + f.size, 0));
  });

  it('archives a relative symlink to a file inside under the link’s name, reading the target', () => {
    const link = listing.files.find((f) => f.name === 'notes-link.md')!;
    expect(link).toBeDefined();
    expect(link.source).toBe(path.join(fs.realpathSync(root), 'nested/notes.md'));
    expect(link.size).toBe(8);
  });

  it('skips a symlink to outside the folder, saying so', () => {
    const skip = listing.skipped.find((s) => s.path === 'etc-link');
    expect(skip).toBeDefined();
    expect(skip!.reason).toMatch(/outside/);
    expect(listing.files.some((f) => f.name.startsWith('etc-link'))).toBe(false);
  });

  it('skips a symlink to a folder inside (its files are listed where they are)', () => {
    const skip = listing.skipped.find((s) => s.path === 'nested-link');
    expect(skip).toBeDefined();
    expect(skip!.reason).toMatch(/folder/);
    expect(listing.files.some((f) => f.name.startsWith('nested-link'))).toBe(false);
  });

  it('skips a broken symlink', () => {
    const skip = listing.skipped.find((s) => s.path === 'broken-link');
    expect(skip).toBeDefined();
    expect(skip!.reason).toMatch(/broken/);
  });

  it('skips a FIFO without opening it (the listing returns promptly)', () => {
    const skip = listing.skipped.find((s) => s.path === 'pipe.fifo');
    expect(skip).toBeDefined();
    expect(skip!.reason).toMatch(/FIFO|pipe/i);
    expect(elapsedMs).toBeLessThan(5_000);
  });

  it('skips a unix socket', () => {
    const skip = listing.skipped.find((s) => s.path === 'ctl.sock');
    expect(skip).toBeDefined();
    expect(skip!.reason).toMatch(/socket/);
  });

  it('skips exactly the unarchivable entries, nothing else', () => {
    expect(listing.skipped.map((s) => s.path).sort()).toEqual([
      'broken-link',
      'ctl.sock',
      'etc-link',
      'nested-link',
      'pipe.fifo',
    ]);
  });

  it('gives the same listing twice', () => {
    const again = listArtifacts(root);
    expect(again.files).toEqual(listing.files);
    expect(again.skipped).toEqual(listing.skipped);
  });

  it('reports the real path of the folder as its root', () => {
    expect(listing.root).toBe(fs.realpathSync(root));
  });
});

describe('listArtifacts on a folder it cannot archive', () => {
  it('a missing folder is a transient ArtifactsError naming the path', () => {
    const missing = path.join(newRoot(), 'not-yet');
    const error = thrown(() => listArtifacts(missing));
    expect(error).toBeInstanceOf(ArtifactsError);
    expect((error as ArtifactsError).transient).toBe(true);
    expect((error as ArtifactsError).message).toContain(missing);
  });

  it('a regular file given as the folder is an ArtifactsError that is not transient', () => {
    const file = write(newRoot(), 'artifacts', 'not a folder');
    const error = thrown(() => listArtifacts(file));
    expect(error).toBeInstanceOf(ArtifactsError);
    expect((error as ArtifactsError).transient).toBe(false);
    expect((error as ArtifactsError).message).toContain(file);
  });

  it('an empty folder lists nothing', () => {
    const listing = listArtifacts(newRoot());
    expect(listing.files).toEqual([]);
    expect(listing.skipped).toEqual([]);
    expect(listing.bytes).toBe(0);
  });
});

describe('firstChanged', () => {
  function setup() {
    const root = newRoot();
    write(root, 'one.txt', 'one');
    write(root, 'two.txt', 'two');
    write(root, 'three.txt', 'three');
    const old = new Date('2024-01-02T03:04:05Z');
    for (const name of ['one.txt', 'two.txt', 'three.txt']) {
      fs.utimesSync(path.join(root, name), old, old);
    }
    return { root, listing: listArtifacts(root) };
  }

  it('is null when nothing changed', () => {
    const { listing } = setup();
    expect(firstChanged(listing.files)).toBeNull();
  });

  it('names a file whose size changed', () => {
    const { root, listing } = setup();
    const file = path.join(root, 'two.txt');
    const { mtime } = fs.statSync(file);
    fs.writeFileSync(file, 'two and more');
    fs.utimesSync(file, mtime, mtime); // same mtime: the size alone must give it away
    expect(firstChanged(listing.files)).toBe('two.txt');
  });

  it('names a file whose modification time changed at the same size', () => {
    const { root, listing } = setup();
    const file = path.join(root, 'three.txt');
    fs.writeFileSync(file, 'THREE');
    const later = new Date('2024-01-02T03:04:06Z');
    fs.utimesSync(file, later, later);
    expect(firstChanged(listing.files)).toBe('three.txt');
  });

  it('names a file that was deleted', () => {
    const { root, listing } = setup();
    fs.unlinkSync(path.join(root, 'one.txt'));
    expect(firstChanged(listing.files)).toBe('one.txt');
  });
});

describe('listArtifacts and names a zip cannot hold', () => {
  it('follows a symlink to a file whose name starts with `..`: it is inside the folder', () => {
    const root = newRoot();
    write(root, '..notes.txt', 'notes');
    fs.symlinkSync('..notes.txt', path.join(root, 'link.txt'));
    const listing = listArtifacts(root);
    expect(listing.files.map((f) => f.name)).toEqual(['..notes.txt', 'link.txt']);
    expect(listing.skipped).toEqual([]);
  });

  it('skips a symlink to the folder itself as a folder link, not as outside', () => {
    const root = newRoot();
    write(root, 'a.txt', 'a');
    fs.symlinkSync('.', path.join(root, 'self'));
    expect(listArtifacts(root).skipped).toEqual([
      { path: 'self', reason: 'symlink to a folder (its files are archived there)' },
    ]);
  });

  it('skips, with the reason, names that zip tools would change: backslash, drive prefix, control characters', () => {
    const root = newRoot();
    write(root, 'ok.log', 'ok');
    write(root, 'win\\style.txt', 'w');
    write(root, 'step1:out.log', 's');
    write(root, 'line\nbreak.txt', 'l');
    write(root, 'logs/step2:fine.log', 'f');
    const listing = listArtifacts(root);
    expect(listing.files.map((f) => f.name)).toEqual(['logs/step2:fine.log', 'ok.log']);
    const reasons = Object.fromEntries(listing.skipped.map((s) => [s.path, s.reason]));
    expect(reasons['win\\style.txt']).toMatch(/backslash/);
    expect(reasons['step1:out.log']).toMatch(/drive letter/);
    expect(reasons['line\nbreak.txt']).toMatch(/control character/);
  });

  it('lists a file whose name is not valid UTF-8 as skipped, never drops it silently', () => {
    const root = newRoot();
    write(root, 'ok.txt', 'ok');
    fs.writeFileSync(
      Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]),
      'x',
    );
    const listing = listArtifacts(root);
    expect(listing.files.map((f) => f.name)).toEqual(['ok.txt']);
    expect(listing.skipped).toHaveLength(1);
    expect(listing.skipped[0]?.reason).toBe('name is not valid UTF-8');
    expect(listing.skipped[0]?.path).toMatch(/^bad-/);
  });
});
