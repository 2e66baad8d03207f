import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUESTS, type PushMessage } from '../../shared/api.ts';
import type { runArchiveTask as RunArchiveTask } from '../../electron/core/archive/archive-task.ts';
import type { WalCheckpointer as Checkpointer } from '../../electron/core/store/wal-checkpointer.ts';
import { mainEnvironment, preloadEnvironment } from '../../vite.app.config.ts';
import { buildAppEnvironment } from '../support/app-build.ts';
import { allowing } from '../support/artifact-policy.ts';
import { tempDir } from '../support/orchestration-db.ts';
import { ROOT } from '../support/processes.ts';

function requiresOf(code: string): string[] {
  return [...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map(
    (match) => match[1] as string,
  );
}

describe('the preload bundle', () => {
  let outDir: string;
  let code: string;

  beforeAll(async () => {
    outDir = tempDir('runwatch-preload-');
    await buildAppEnvironment('preload', preloadEnvironment(outDir));
    code = fs.readFileSync(path.join(outDir, 'preload.cjs'), 'utf8');
  });

  it('is one CommonJS file whose only require is electron', () => {
    expect(fs.readdirSync(outDir)).toEqual(['preload.cjs']);
    expect(requiresOf(code)).toEqual(['electron']);
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).not.toMatch(/\bimport\(/);
    // The contract's schemas stay on the main side.
    expect(code).not.toMatch(/\bzod\b/);
  });

  it('exposes the typed API as window.runwatch, and only that, over IPC', async () => {
    const exposed = new Map<string, unknown>();
    const invoked: unknown[][] = [];
    const listeners: [string, (event: unknown, message: PushMessage) => void][] = [];
    const electron = {
      contextBridge: {
        exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api),
      },
      ipcRenderer: {
        invoke: (channel: string, request: unknown) => {
          invoked.push([channel, request]);
          return Promise.resolve({ ok: true, result: { acknowledged: 1 } });
        },
        on: (channel: string, listener: (event: unknown, message: PushMessage) => void) => {
          listeners.push([channel, listener]);
        },
      },
    };
    // A sandboxed preload gets `require` for `electron` and little else: no process, no Node.
    vm.runInNewContext(code, {
      require: (id: string) => {
        if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
        return electron;
      },
    });

    expect([...exposed.keys()]).toEqual(['runwatch']);
    const api = exposed.get('runwatch') as Record<string, (...args: unknown[]) => unknown>;
    expect(Object.keys(api).sort()).toEqual([...Object.keys(REQUESTS), 'subscribe'].sort());

    await expect(api.acknowledge?.({ target: { all: true } })).resolves.toEqual({
      acknowledged: 1,
    });
    expect(invoked).toEqual([
      ['runwatch:request', { name: 'acknowledge', params: { target: { all: true } } }],
    ]);

    expect(listeners.map(([channel]) => channel)).toEqual(['runwatch:push']);
    const received: PushMessage[] = [];
    api.subscribe?.((message: PushMessage) => received.push(message));
    const message: PushMessage = { type: 'navigate', source: 'etl', run_id: 'run-7' };
    listeners[0]?.[1]({}, message);
    expect(received).toEqual([message]);
  });
});

describe('the main-process bundle', () => {
  // Inside the repository at the depth of dist/app: the bundle loads its dependencies from
  // node_modules, and finds what lies outside it as the real bundle would.
  const outDir = path.join(ROOT, 'dist', `app-bundle-test-${process.pid}`);
  const load = async <T>(name: string) =>
    (await import(pathToFileURL(path.join(outDir, `${name}.js`)).href)) as T;

  beforeAll(async () => {
    await buildAppEnvironment(
      'main',
      mainEnvironment(outDir, {
        'archive-task': path.join(ROOT, 'electron/core/archive/archive-task.ts'),
        'wal-checkpointer': path.join(ROOT, 'electron/core/store/wal-checkpointer.ts'),
        'config-file': path.join(ROOT, 'electron/core/alerts/config-file.ts'),
        'ui-folder': path.join(ROOT, 'electron/core/desktop/ui-folder.ts'),
      }),
    );
  });
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('puts the worker threads beside the bundle, and leaves no TypeScript to load', () => {
    const files = fs.readdirSync(outDir);
    expect(files).toEqual(
      expect.arrayContaining(['archive-worker.js', 'wal-checkpoint-worker.js']),
    );
    for (const file of files.filter((name) => name.endsWith('.js'))) {
      expect(fs.readFileSync(path.join(outDir, file), 'utf8'), file).not.toMatch(/\.ts["'`]/);
    }
  });

  it('finds its archive worker and zips in it', async () => {
    const { runArchiveTask } = await load<{ runArchiveTask: typeof RunArchiveTask }>(
      'archive-task',
    );
    const artifacts = tempDir('runwatch-artifacts-');
    fs.writeFileSync(path.join(artifacts, 'metrics.json'), '{"rows": 500}\n');
    fs.writeFileSync(path.join(artifacts, 'train.log'), 'epoch 1\n'.repeat(1_000));
    const tmpPath = path.join(tempDir(), '.tmp-1.zip');
    const result = await runArchiveTask({
      kind: 'build',
      artifactsDir: artifacts,
      policy: allowing(artifacts),
      tmpPath,
    });
    expect(result).toMatchObject({ ok: true, outcome: { files: 2 } });
    expect(fs.statSync(tmpPath).size).toBeGreaterThan(0);
  });

  it('finds its checkpoint worker and empties a WAL with it', async () => {
    const { WalCheckpointer } = await load<{ WalCheckpointer: typeof Checkpointer }>(
      'wal-checkpointer',
    );
    const file = path.join(tempDir(), 'state.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (x TEXT)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    for (let i = 0; i < 500; i++) insert.run('x'.repeat(1_000));
    const failures: string[] = [];
    const checkpointer = new WalCheckpointer(file, {
      onFailure: (reason) => failures.push(reason),
      startAtBytes: 0,
    });
    try {
      checkpointer.requested();
      await checkpointer.idle();
      expect(failures).toEqual([]);
      expect(checkpointer.completed).toBeGreaterThan(0);
    } finally {
      checkpointer.close();
      db.close();
    }
  });

  it('finds the shipped alerts.yaml and the dashboard where the package keeps them', async () => {
    const { DEFAULT_CONFIG_FILE } = await load<{ DEFAULT_CONFIG_FILE: string }>('config-file');
    expect(DEFAULT_CONFIG_FILE).toBe(path.join(ROOT, 'config', 'alerts.yaml'));
    expect(fs.existsSync(DEFAULT_CONFIG_FILE)).toBe(true);
    const { DASHBOARD_DIR } = await load<{ DASHBOARD_DIR: string }>('ui-folder');
    expect(DASHBOARD_DIR).toBe(path.join(ROOT, 'dist', 'renderer') + path.sep);
  });
});
