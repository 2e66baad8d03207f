import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isoNow, OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { BIN, ROOT } from '../support/processes.ts';

const CLI_DIR = path.join(ROOT, 'dist', 'cli');

/** Records, from inside the process, every file URL Node loads as a module, one per line. */
const LOGGED_LOADS =
  'data:text/javascript,import { registerHooks } from "node:module"; import fs from "node:fs";' +
  'registerHooks({ load(url, context, next) {' +
  ' if (url.startsWith("file:")) fs.appendFileSync(process.env.RUNWATCH_LOADS, url + "\\n");' +
  ' return next(url, context); } });';

function run(
  node: string[],
  env: NodeJS.ProcessEnv = {},
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, node, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the bundled command line', () => {
  it('is what bin/runwatch.js runs after a build: no TypeScript is loaded', () => {
    const loads = path.join(tempDir(), 'loads');
    const result = run(['--import', LOGGED_LOADS, BIN, '--version'], { RUNWATCH_LOADS: loads });
    const version = (
      JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    expect(result).toMatchObject({ status: 0, stdout: `${version}\n` });
    const loaded = fs.readFileSync(loads, 'utf8').trim().split('\n');
    expect(loaded).toContain(`file://${path.join(CLI_DIR, 'runwatch.js')}`);
    expect(loaded.filter((url) => url.endsWith('.ts'))).toEqual([]);
  });

  it('keeps its worker threads beside it, and only better-sqlite3 and node-notifier outside', () => {
    const files = fs.readdirSync(CLI_DIR);
    expect(files).toEqual(
      expect.arrayContaining(['runwatch.js', 'archive-worker.js', 'wal-checkpoint-worker.js']),
    );
    const imported = new Set<string>();
    const code = [CLI_DIR, path.join(CLI_DIR, 'chunks')]
      .flatMap((dir) => fs.readdirSync(dir).map((name) => path.join(dir, name)))
      .filter((file) => file.endsWith('.js'))
      .map((file) => fs.readFileSync(file, 'utf8'));
    for (const text of code) {
      // Static imports, and those loaded on first use (`import("node-notifier")`).
      for (const match of text.matchAll(/^import .*?from "([^"]+)";$|\bimport\("([^"]+)"\)/gm)) {
        const id = (match[1] ?? match[2]) as string;
        if (!id.startsWith('.') && !id.startsWith('node:')) imported.add(id);
      }
    }
    const builtins = new Set(['fs', 'path', 'zlib', 'util', 'events', 'stream', 'buffer']);
    expect([...imported].filter((id) => !builtins.has(id)).sort()).toEqual([
      'better-sqlite3',
      'node-notifier',
    ]);
  });

  it('is Latin-1 throughout, so Node keeps its sources at one byte a character', () => {
    const chunks = path.join(CLI_DIR, 'chunks');
    const files = [
      ...fs.readdirSync(CLI_DIR).map((name) => path.join(CLI_DIR, name)),
      ...fs.readdirSync(chunks).map((name) => path.join(chunks, name)),
    ].filter((file) => file.endsWith('.js'));
    const wide = files.filter((file) => /[\u0100-\uffff]/.test(fs.readFileSync(file, 'utf8')));
    expect(wide).toEqual([]);
    // The messages that had such characters still say them.
    const help = run([BIN, 'watch', '--archive-max-files-per-run', '0']);
    expect(help.stderr).toContain('a whole number \u2265 1');
  });

  it('loads no mail or notification code into a watch that sends neither', () => {
    const dir = tempDir();
    const orch = new OrchestrationDb(path.join(dir, 'o.db'));
    orch.insertRun({ runId: 'r1', status: 'running' });
    orch.db.close();
    const loads = path.join(dir, 'loads');
    const watched = run(['--import', LOGGED_LOADS, BIN, 'watch', '--once', '--db', orch.file], {
      RUNWATCH_LOADS: loads,
      XDG_DATA_HOME: path.join(dir, 'data'),
      SMTP_HOST: '',
    });
    expect(watched).toMatchObject({ status: 0, stdout: expect.stringContaining('r1') });
    const loaded = fs.readFileSync(loads, 'utf8').trim().split('\n');
    expect(loaded.filter((url) => url.includes('node-notifier'))).toEqual([]);
    // nodemailer is bundled: no module loaded holds its SMTP client.
    const withMail = loaded.filter((url) =>
      fs.readFileSync(new URL(url), 'utf8').includes('SMTPConnection'),
    );
    expect(withMail).toEqual([]);
  });

  it('starts its WAL-checkpoint worker from beside it (the archive worker zips in every archive test)', async () => {
    const file = path.join(tempDir(), 'state.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (x TEXT)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    // Above the 4 MB a WAL is left at once writes stop: the worker empties this one.
    db.transaction(() => {
      for (let i = 0; i < 6_000; i++) insert.run('x'.repeat(1_000));
    })();
    const worker = new Worker(path.join(CLI_DIR, 'wal-checkpoint-worker.js'), {
      workerData: { file },
    });
    try {
      const reply = await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage('checkpoint');
      });
      expect(reply).toMatchObject({ ok: true, checkpoints: expect.any(Number) });
      expect(fs.statSync(`${file}-wal`).size).toBe(0);
    } finally {
      worker.postMessage('close');
      await new Promise((resolve) => worker.once('exit', resolve));
      db.close();
    }
  });

  it('archives and verifies a run from the bundle, its worker included: no TypeScript is loaded', () => {
    const dir = tempDir();
    const artifacts = path.join(dir, 'artifacts', 'r1');
    fs.mkdirSync(artifacts, { recursive: true });
    fs.writeFileSync(path.join(artifacts, 'out.csv'), 'a,b\n1,2\n'.repeat(10_000));
    const orch = new OrchestrationDb(path.join(dir, 'o.db'));
    orch.insertRun({
      runId: 'r1',
      status: 'succeeded',
      finishedAt: isoNow(),
      artifactsDir: artifacts,
    });
    orch.db.close();
    const dataDir = path.join(dir, 'data');
    const loads = path.join(dir, 'loads');
    const archived = run(
      [
        '--import',
        LOGGED_LOADS,
        BIN,
        'archive',
        '--db',
        orch.file,
        '--data-dir',
        dataDir,
        '--run',
        'r1',
      ],
      { RUNWATCH_LOADS: loads },
    );
    expect(archived).toMatchObject({ status: 0, stdout: expect.stringContaining('verified') });
    const verified = run(
      ['--import', LOGGED_LOADS, BIN, 'verify', path.join(dataDir, 'archive', 'r1.zip')],
      { RUNWATCH_LOADS: loads },
    );
    expect(verified).toMatchObject({ status: 0, stdout: expect.stringContaining(': ok, 1 file') });
    const loaded = fs.readFileSync(loads, 'utf8').trim().split('\n');
    expect(loaded).toContain(`file://${path.join(CLI_DIR, 'archive-worker.js')}`);
    expect(loaded.filter((url) => url.endsWith('.ts'))).toEqual([]);
  });

  it('lists what it was built from: its sources, its workers, each bundled package', () => {
    const { files } = JSON.parse(fs.readFileSync(path.join(CLI_DIR, 'inputs.json'), 'utf8')) as {
      files: Record<string, [number, number]>;
    };
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'electron/core/cli/main.ts',
        'electron/core/archive/archive-worker.ts',
        'electron/core/store/wal-checkpoint-worker.ts',
        'shared/duration.ts',
        'node_modules/commander/package.json',
        'vite.cli.config.ts',
      ]),
    );
    const main = fs.statSync(path.join(ROOT, 'electron/core/cli/main.ts'));
    expect(files['electron/core/cli/main.ts']).toEqual([main.size, main.mtimeMs]);
  });
});

describe('bin/runwatch.js in a checkout', () => {
  /** A checkout in miniature: the real bin, a bundle and sources that say which one ran. */
  function checkout(): { root: string; bin: string; source: string } {
    const root = tempDir('runwatch-checkout-');
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    write('package.json', '{ "type": "module" }\n');
    fs.cpSync(BIN, path.join(root, 'bin', 'runwatch.js'));
    write('electron/core/cli/run-cli.ts', "process.stdout.write('sources\\n');\n");
    write('electron/core/cli/main.ts', 'export {};\n');
    write('dist/cli/runwatch.js', "process.stdout.write('bundle\\n');\n");
    const source = path.join(root, 'electron/core/cli/main.ts');
    const stat = fs.statSync(source);
    write(
      'dist/cli/inputs.json',
      JSON.stringify({
        files: {
          'electron/core/cli/main.ts': [stat.size, stat.mtimeMs],
          'node_modules/commander/package.json': [1234, 1_700_000_000_000],
        },
      }),
    );
    return { root, bin: path.join(root, 'bin', 'runwatch.js'), source };
  }

  it('runs the bundle while every file it was built from is as it was', () => {
    const { bin } = checkout();
    expect(run([bin]).stdout).toBe('bundle\n');
  });

  it('runs the sources once one of them is edited, even to the same size', () => {
    const { bin, source } = checkout();
    const built = fs.statSync(source);
    fs.writeFileSync(source, 'export{};\n\n');
    expect(fs.statSync(source).size).toBe(built.size);
    // Set apart from the build's time on any file system, however coarse its clock.
    const edited = new Date(built.mtimeMs + 5_000);
    fs.utimesSync(source, edited, edited);
    expect(run([bin]).stdout).toBe('sources\n');
  });

  it('runs the sources when the bundle is unfinished (no list of inputs) or missing', () => {
    const { root, bin } = checkout();
    fs.rmSync(path.join(root, 'dist/cli/inputs.json'));
    expect(run([bin]).stdout).toBe('sources\n');
    fs.rmSync(path.join(root, 'dist'), { recursive: true });
    expect(run([bin]).stdout).toBe('sources\n');
  });

  it('runs the bundle where the sources are not shipped beside it', () => {
    const { root, bin } = checkout();
    fs.rmSync(path.join(root, 'electron/core/cli/main.ts'));
    expect(run([bin]).stdout).toBe('bundle\n');
  });
});
