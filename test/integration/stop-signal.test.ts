import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../electron/core/store/data-dir.ts';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { Child, killedAfterEach, ROOT, runwatch } from '../support/processes.ts';
import { waitFor } from '../support/wait.ts';

const track = killedAfterEach();
const cleanup = cleanupAfterEach();

/** Pids of the processes (this one aside) whose command line or environment mention `text`. */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (args.includes(text) || env.includes(text)) found.push(pid);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid of the process holding the data dir, once it has taken it; killed if left behind. */
async function holderOf(dataDir: string): Promise<number> {
  const file = path.join(dataDir, 'watch.pid');
  const pid = await waitFor(
    () => fs.existsSync(file) && Number(fs.readFileSync(file, 'utf8')),
    `a watch holding ${dataDir}`,
    60_000,
  );
  cleanup.push(() => isAlive(pid) && process.kill(pid, 'SIGKILL'));
  return pid;
}

/** Another watch takes the data dir at once: the first one let it go. */
async function expectReleased(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const next = runwatch(['watch', '--once', ...args], env);
  const { code } = await next.exited;
  expect(code, next.stderr.join('\n')).toBe(0);
}

/** Stops the command as a user or a service manager would, and sees everything go. */
async function stopAndCheck(started: Child, dataDir: string, mentioned: string): Promise<void> {
  const runwatchPid = await holderOf(dataDir);
  await waitFor(
    () => started.stderr.some((line) => line.includes('schema ok')),
    'the first read',
    60_000,
  );
  started.kill('SIGTERM');
  await started.exited;
  await waitFor(() => !isAlive(runwatchPid), `runwatch (pid ${runwatchPid}) to exit`, 30_000);
  expect(processesMentioning(mentioned)).toEqual([]);
  expect(started.stderr.join('\n')).toMatch(/runwatch: stopping \(/);
}

describe('the documented ways of running runwatch stop on SIGTERM', () => {
  it('npx --no-install runwatch watch: SIGTERM to npx stops runwatch and frees the data dir', async () => {
    const dir = tempDir();
    const orch = new OrchestrationDb(path.join(dir, 'orchestration.db'));
    const dataDir = path.join(dir, 'data');
    const args = ['--db', orch.file, '--data-dir', dataDir];
    const npx = track(new Child(['--no-install', 'runwatch', 'watch', ...args], {}, 'npx'));
    await stopAndCheck(npx, dataDir, dataDir);
    await expectReleased(args, {});
  });

  it('npm run demo: SIGTERM to npm stops the demo watch and frees its data dir', async () => {
    const env = { XDG_CONFIG_HOME: tempDir('runwatch-app-data-') };
    const dataDir = path.join(env.XDG_CONFIG_HOME, 'runwatch', 'sources', 'demo');
    const npm = track(new Child(['run', 'demo'], env, 'npm'));
    await stopAndCheck(npm, dataDir, env.XDG_CONFIG_HOME);
    await expectReleased(['--demo'], env);
  });

  it('the ExecStart of docs/runwatch.service: SIGTERM, the stop signal it names, exits 0', async () => {
    const unit = fs.readFileSync(path.join(ROOT, 'docs', 'runwatch.service'), 'utf8');
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
    const execStart = /^ExecStart=(.+)$/m.exec(unit)?.[1] ?? '';
    const orch = new OrchestrationDb(path.join(tempDir(), 'orchestration.db'));
    const [command, ...args] = execStart
      .replaceAll('/home/me/runwatch', ROOT)
      .replace('/home/me/pipelines/orchestration.db', orch.file)
      .split(' ');
    expect(command).toBe(path.join(ROOT, 'node_modules', 'node', 'bin', 'node'));
    expect(args[0]).toBe(path.join(ROOT, 'dist', 'cli', 'runwatch.js'));
    const env = { XDG_CONFIG_HOME: tempDir('runwatch-app-data-') };
    const service = track(new Child(args, env, command));
    const dataDir = defaultDataDir(orch.file, env);
    await stopAndCheck(service, dataDir, orch.file);
    expect((await service.exited).code).toBe(0);
    await expectReleased(['--db', orch.file], env);
  });
});
