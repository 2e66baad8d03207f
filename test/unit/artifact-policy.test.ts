import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { listArtifacts } from '../../electron/core/archive/artifact-listing.ts';
import {
  artifactPolicy,
  ArtifactsError,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_FILES,
  NO_ARTIFACT_RULES,
} from '../../electron/core/archive/artifact-policy.ts';
import { allowing } from '../support/artifact-policy.ts';
import { tempDir } from '../support/orchestration-db.ts';

const dirs: string[] = [];
function newDir(): string {
  const dir = tempDir('runwatch-policy-');
  dirs.push(dir);
  return dir;
}

function write(root: string, rel: string, content: string): string {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

function refusal(fn: () => unknown): ArtifactsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ArtifactsError);
    return error as ArtifactsError;
  }
  throw new Error('expected the folder to be refused');
}

afterEach(() => vi.restoreAllMocks());
afterAll(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the artifact roots', () => {
  it('allow the database folder and below by default, plus the roots configured', () => {
    const policy = artifactPolicy('/data/pipelines/o.db', '/home/me/.config/runwatch/x', {
      roots: ['/mnt/scratch', 'relative/out'],
      maxFiles: null,
      maxBytes: null,
    });
    expect(policy.roots).toEqual(['/data/pipelines', '/mnt/scratch', path.resolve('relative/out')]);
    expect(policy.exclude).toEqual(['/home/me/.config/runwatch/x']);
    expect(policy.unexcluded).toEqual([]);
    expect(policy.maxFiles).toBe(DEFAULT_MAX_FILES);
    expect(policy.maxBytes).toBe(DEFAULT_MAX_BYTES);
  });

  it('refuse /etc, at once and for good, naming the folder and the roots', () => {
    const dbFolder = newDir();
    const policy = artifactPolicy(
      path.join(dbFolder, 'o.db'),
      path.join(dbFolder, 'data'),
      NO_ARTIFACT_RULES,
    );
    const error = refusal(() => listArtifacts('/etc', policy));
    expect(error.transient).toBe(false);
    expect(error.message).toContain('/etc');
    expect(error.message).toContain('outside the allowed artifact roots');
    expect(error.message).toContain(dbFolder);
  });

  it('are checked on the real path: a symlinked folder inside a root cannot lead out of it', () => {
    const root = newDir();
    fs.symlinkSync('/etc', path.join(root, 'out'));
    const error = refusal(() => listArtifacts(path.join(root, 'out'), allowing(root)));
    expect(error.transient).toBe(false);
    expect(error.message).toContain(`${path.join(root, 'out')} (/etc)`);
  });

  it('refuse at once a missing folder that could never be allowed, and wait for one that could', () => {
    const root = newDir();
    const never = refusal(() => listArtifacts('/etc/not-there-yet', allowing(root)));
    expect(never.transient).toBe(false);
    expect(never.message).toMatch(/outside the allowed artifact roots/);
    const later = refusal(() => listArtifacts(path.join(root, 'not-yet', 'out'), allowing(root)));
    expect(later.transient).toBe(true);
    expect(later.message).toMatch(/does not exist/);
  });

  it("add the folder a schema names for every run's artifacts, and wait for it until known", () => {
    const home = newDir();
    const dbPath = path.join(home, 'history', 'runs.db');
    const storage = path.join(home, 'storage');
    write(storage, 'r1/compute_logs/step.out', 'ok\n');
    let schema = { known: false, roots: [] as string[], optional: false };
    const policy = artifactPolicy(dbPath, path.join(home, 'data'), NO_ARTIFACT_RULES, () => schema);
    // Before the database is opened its schema is not known: a folder outside may yet be allowed.
    const early = refusal(() => listArtifacts(path.join(storage, 'r1'), policy));
    expect(early.transient).toBe(true);
    schema = { known: true, roots: [storage], optional: true };
    expect(policy.roots).toEqual([path.dirname(dbPath), storage]);
    expect(policy.folderOptional).toBe(true);
    const listing = listArtifacts(path.join(storage, 'r1'), policy);
    expect(listing.files.map((file) => file.name)).toEqual(['compute_logs/step.out']);
    schema = { known: true, roots: [], optional: false };
    expect(refusal(() => listArtifacts(path.join(storage, 'r1'), policy)).transient).toBe(false);
  });

  it('let the folder of a root archive that is itself reached through a symlink', () => {
    const real = newDir();
    write(real, 'out/metrics.csv', 'a,b\n');
    const alias = path.join(newDir(), 'alias');
    fs.symlinkSync(real, alias);
    const listing = listArtifacts(path.join(alias, 'out'), allowing(alias));
    expect(listing.files.map((file) => file.name)).toEqual(['metrics.csv']);
  });
});

describe('pseudo file systems', () => {
  it.each(['/proc/self', '/proc', '/sys/kernel', '/dev/pts', '/dev'])(
    'are refused even under a root that allows everything: %s',
    (dir) => {
      const error = refusal(() => listArtifacts(dir, allowing('/')));
      expect(error.transient).toBe(false);
      expect(error.message).toMatch(/pseudo file system/);
    },
  );

  it('are refused when a symlink leads there', () => {
    const root = newDir();
    fs.symlinkSync('/proc/self', path.join(root, 'self'));
    const error = refusal(() => listArtifacts(path.join(root, 'self'), allowing('/')));
    expect(error.message).toMatch(/pseudo file system \(\/proc\)/);
  });
});

describe("Runwatch's own data dir", () => {
  it('is skipped, with the reason, when it lies inside the artifacts folder', () => {
    const root = newDir();
    write(root, 'out.csv', '1\n');
    write(root, 'data/archive/old.zip', 'PK');
    const listing = listArtifacts(root, allowing(root, { exclude: [path.join(root, 'data')] }));
    expect(listing.files.map((file) => file.name)).toEqual(['out.csv']);
    expect(listing.skipped).toEqual([
      { path: 'data', reason: "Runwatch's own data dir, not archived" },
    ]);
  });

  it('still holds the demo, whose database and artifacts it keeps: those are archived', () => {
    const dataDir = newDir();
    write(dataDir, 'state.db', 'x');
    write(dataDir, 'demo/artifacts/run-1/out.csv', 'a\n');
    const policy = artifactPolicy(
      path.join(dataDir, 'demo', 'orchestration.db'),
      dataDir,
      NO_ARTIFACT_RULES,
    );
    expect(policy.unexcluded).toEqual([path.join(dataDir, 'demo')]);
    const listing = listArtifacts(path.join(dataDir, 'demo', 'artifacts', 'run-1'), policy);
    expect(listing.files.map((file) => file.name)).toEqual(['out.csv']);
    const whole = refusal(() => listArtifacts(dataDir, allowing(dataDir, { exclude: [dataDir] })));
    expect(whole.message).toMatch(/inside Runwatch's data dir/);
  });

  it('is never archived as the artifacts folder', () => {
    const root = newDir();
    write(root, 'data/state.db', 'x');
    const error = refusal(() =>
      listArtifacts(
        path.join(root, 'data'),
        allowing(root, { exclude: [path.join(root, 'data')] }),
      ),
    );
    expect(error.message).toMatch(/inside Runwatch's data dir/);
  });
});

describe('the caps per archive', () => {
  it('stop the listing past the number of files, saying which limit and how to raise it', () => {
    const root = newDir();
    for (let i = 0; i < 5; i++) write(root, `f${i}.txt`, 'x');
    const error = refusal(() => listArtifacts(root, allowing(root, { maxFiles: 3 })));
    expect(error.transient).toBe(false);
    expect(error.message).toContain('more than 3 files');
    expect(error.message).toContain('archive.max_files_per_run');
    expect(listArtifacts(root, allowing(root, { maxFiles: 5 })).files).toHaveLength(5);
  });

  it('stop the listing past the number of bytes', () => {
    const root = newDir();
    write(root, 'a.bin', 'x'.repeat(600));
    write(root, 'b.bin', 'x'.repeat(600));
    const error = refusal(() => listArtifacts(root, allowing(root, { maxBytes: 1_000 })));
    expect(error.transient).toBe(false);
    expect(error.message).toContain('more than 1000 B');
    expect(error.message).toContain('archive.max_gb_per_run');
  });
});

describe('a file that vanishes while the folder is listed', () => {
  it('between realpath and stat is skipped with the reason, and the rest is listed', () => {
    const root = newDir();
    write(root, 'a.txt', 'a');
    const target = fs.realpathSync(write(root, 'data/target.txt', 'gone soon'));
    // Listed first, before the folder that holds its target.
    fs.symlinkSync('data/target.txt', path.join(root, 'a-link.txt'));
    const realpath = fs.realpathSync;
    vi.spyOn(fs, 'realpathSync').mockImplementation(((file: fs.PathLike) => {
      const resolved = realpath(file);
      // The pipeline deletes the file right after its link was resolved.
      if (resolved === target) fs.rmSync(target);
      return resolved;
    }) as typeof fs.realpathSync);
    const listing = listArtifacts(root, allowing(root));
    expect(listing.files.map((file) => file.name)).toEqual(['a.txt']);
    expect(listing.skipped).toEqual([
      { path: 'a-link.txt', reason: 'vanished while the folder was being listed' },
    ]);
  });
});
