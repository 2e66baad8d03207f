/**
 * The bundled main process (`dist/app/main.js` as `npm run build:app` writes it) run under plain
 * Node, its `electron` import answered by test/support/fake-electron-main.ts: the composition
 * root wired for real — settings, the demo's session, the API over IPC, the protocol serving the
 * page, the tray — and a quit that stops every session before the process ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiReply, Snapshot } from '../../shared/api.ts';
import { APP_CSP } from '../../electron/core/desktop/content-security-policy.ts';
import { acquireDataDirLock } from '../../electron/core/store/data-dir-lock.ts';
import { mainEnvironment, preloadEnvironment } from '../../vite.app.config.ts';
import { buildAppEnvironment } from '../support/app-build.ts';
import { tempDir } from '../support/orchestration-db.ts';
import { ROOT } from '../support/processes.ts';
import { waitFor } from '../support/wait.ts';

const HOOKS = path.join(ROOT, 'test', 'support', 'fake-electron-hooks.ts');
// At the depth of dist/app, inside the repository, as the package lays it out.
const OUT_DIR = path.join(ROOT, 'dist', `app-main-test-${process.pid}`);

type Told = Record<string, unknown> & { event: string };

/** The app's process: what it told, and a way to talk to it as Electron would. */
class AppProcess {
  readonly child: ChildProcess;
  readonly told: Told[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(userData: string) {
    this.child = spawn(
      process.execPath,
      ['--import', HOOKS, path.join(OUT_DIR, 'main.js'), `--user-data-dir=${userData}`],
      {
        cwd: ROOT,
        env: { ...process.env, FAKE_APP_DATA: path.join(userData, 'app-data') },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.told.push(JSON.parse(line) as Told);
    });
    readline.createInterface({ input: this.child.stderr! }).on('line', (line) => {
      this.stderr.push(line);
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  send(command: Record<string, unknown>): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  /** The first `event` told after the first `from` lines; fails at once if the process ended. */
  async next(event: string, from: number, what = event): Promise<Told> {
    return waitFor(
      () => {
        const found = this.told.slice(from).find((told) => told.event === event);
        if (!found && this.child.exitCode !== null) {
          throw new Error(
            `exited (${this.child.exitCode}) before ${what}:\n${this.stderr.join('\n')}`,
          );
        }
        return found;
      },
      what,
      30_000,
    );
  }

  /** An API request from a frame at `sender`, answered as the IPC transport answers it. */
  async invoke(request: unknown, sender: string | null): Promise<ApiReply<never>> {
    const from = this.told.length;
    this.send({ invoke: request, sender });
    return (await this.next('reply', from)).reply as ApiReply<never>;
  }

  async snapshot(): Promise<Snapshot> {
    const reply = await this.invoke({ name: 'snapshot', params: {} }, 'app://runwatch/index.html');
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.result as Snapshot;
  }
}

const started: AppProcess[] = [];

beforeAll(async () => {
  await buildAppEnvironment('main', mainEnvironment(OUT_DIR));
  await buildAppEnvironment('preload', preloadEnvironment(OUT_DIR));
});
afterEach(() => {
  for (const app of started.splice(0)) app.child.kill('SIGKILL');
});
afterAll(() => fs.rmSync(OUT_DIR, { recursive: true, force: true }));

function start(userData: string): AppProcess {
  const app = new AppProcess(userData);
  started.push(app);
  return app;
}

describe('the bundled main process', () => {
  it('starts on the demo, answers its own page over IPC and refuses others, and quits cleanly', async () => {
    const userData = tempDir('runwatch-app-');
    const app = start(userData);

    // A first start opens the dashboard, served by the app's protocol with its policy.
    const window = await app.next('window', 0, 'the dashboard to load');
    expect(window).toMatchObject({
      url: 'app://runwatch/index.html',
      status: 200,
      type: 'text/html; charset=utf-8',
      csp: APP_CSP,
      preload: path.join(OUT_DIR, 'preload.cjs'),
    });
    expect(fs.existsSync(window.preload as string)).toBe(true);
    const labels = (await app.next('tray-menu', 0, 'the tray menu')).labels as string[];
    expect(labels).toContain('Open dashboard');
    expect(labels).toContain('Quit Runwatch');

    const snapshot = await app.snapshot();
    expect(snapshot).toMatchObject({ transport: 'ipc', sources: [{ name: 'demo', demo: true }] });
    const foreign = await app.invoke({ name: 'snapshot', params: {} }, 'https://evil.example/');
    expect(foreign).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const invalid = await app.invoke({ name: 'dropTables' }, 'app://runwatch/index.html');
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid' } });

    // The demo's runs reach the tray.
    await waitFor(
      () =>
        app.told.some(
          (told) => told.event === 'tray-menu' && (told.labels as string[]).length > labels.length,
        ),
      'a demo run in the tray menu',
      30_000,
    );

    const demoDir = path.join(userData, 'sources', 'demo');
    const from = app.told.length;
    app.send({ quit: true });
    expect(await app.exited).toBe(0);
    expect(app.told.slice(from).map((told) => told.event)).toContain('quit');
    // state.db was closed, not abandoned: SQLite removes its WAL and shared-memory files when
    // the last connection closes, and a killed process leaves them. The data dir is free.
    expect(fs.readdirSync(demoDir).filter((name) => name.startsWith('state.db'))).toEqual([
      'state.db',
    ]);
    acquireDataDirLock(demoDir).release();
  });

  it("keeps the tray's pause across a restart", async () => {
    const userData = tempDir('runwatch-app-');
    const first = start(userData);
    await first.next('tray-menu', 0, 'the tray menu');
    const from = first.told.length;
    first.send({ tray: 'pause-hour' });
    expect((await first.next('tray-click', from)).clicked).toBe(true);
    const paused = await waitFor(
      async () => (await first.snapshot()).notifications_paused_until,
      'the pause to show in the snapshot',
    );
    first.send({ quit: true });
    expect(await first.exited).toBe(0);

    const second = start(userData);
    await second.next('window', 0, 'the dashboard to load');
    expect((await second.snapshot()).notifications_paused_until).toBe(paused);
    second.send({ quit: true });
    expect(await second.exited).toBe(0);
  });
});
