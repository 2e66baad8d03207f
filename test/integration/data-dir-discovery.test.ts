import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../electron/core/store/data-dir.ts';
import { registryDir } from '../../electron/core/store/watcher-registry.ts';
import { isoNow, OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { killedAfterEach, runwatch, type Child } from '../support/processes.ts';
import { waitFor } from '../support/wait.ts';

const track = killedAfterEach();

/** Each test's own app-data folder: its default data dirs and its watcher registry. */
function appData(): NodeJS.ProcessEnv {
  return { XDG_CONFIG_HOME: tempDir('runwatch-app-data-') };
}

interface Status {
  source: string;
  data_dir: string;
  data_dir_from: string;
  watched_by: number | null;
  runs: { run_id: string }[];
}

async function status(db: string, env: NodeJS.ProcessEnv): Promise<Status> {
  const child = runwatch(['status', '--db', db, '--json'], env);
  const { code } = await child.exited;
  expect(code, child.stderr.join('\n')).toBe(0);
  return JSON.parse(child.stdout.join('\n')) as Status;
}

const ready = (child: Child) =>
  waitFor(() => child.stderr.some((line) => line.includes('schema ok')), 'the first read', 60_000);

function pipelineDb(dir: string): OrchestrationDb {
  const orch = new OrchestrationDb(path.join(dir, 'orchestration.db'));
  orch.insertRun({ runId: 'live-1', steps: [{ stepId: 'load', status: 'running' }] });
  return orch;
}

describe('status, ack and archive find the data dir of the process watching the database', () => {
  it('next to serve --demo --data-dir X, status --db finds X and the demo source in it', async () => {
    const env = appData();
    const dataDir = path.join(tempDir(), 'served');
    const serve = track(
      runwatch(['serve', '--demo', '--port', '0', '--data-dir', dataDir, '--poll', '50ms'], env),
    );
    await waitFor(() => serve.stdout.find((line) => line.startsWith('http://')), 'the URL', 60_000);
    const db = path.join(dataDir, 'demo', 'orchestration.db');
    await waitFor(() => fs.existsSync(db), 'the demo database');

    const found = await status(db, env);
    expect(found).toMatchObject({
      source: 'demo',
      data_dir: dataDir,
      watched_by: serve.process.pid,
      data_dir_from: `used by pid ${serve.process.pid}, which watches this database`,
    });
    const text = runwatch(['status', '--db', db], env);
    expect((await text.exited).code).toBe(0);
    expect(text.stdout).toContain(`watched by pid ${serve.process.pid}`);
    expect(text.stdout).toContain(`data dir ${dataDir} (${found.data_dir_from})`);
  });

  it('acknowledges and archives in the data dir of the watch, then forgets it once it stops', async () => {
    const env = appData();
    const dir = tempDir();
    const orch = pipelineDb(dir);
    const dataDir = path.join(dir, 'state-here');
    const watch = track(runwatch(['watch', '--db', orch.file, '--data-dir', dataDir], env));
    await ready(watch);

    expect(await status(orch.file, env)).toMatchObject({
      data_dir: dataDir,
      watched_by: watch.process.pid,
      runs: [expect.objectContaining({ run_id: 'live-1' })],
    });

    const ack = runwatch(['ack', '--db', orch.file, '--all'], env);
    expect((await ack.exited).code).toBe(0);
    expect(ack.stderr).toContain(
      `runwatch: data dir ${dataDir} (used by pid ${watch.process.pid}, which watches this database)`,
    );

    const artifacts = path.join(dir, 'artifacts', 'done-1');
    fs.mkdirSync(artifacts, { recursive: true });
    fs.writeFileSync(path.join(artifacts, 'out.csv'), 'a,b\n1,2\n');
    orch.insertRun({
      runId: 'done-1',
      status: 'succeeded',
      finishedAt: isoNow(),
      artifactsDir: artifacts,
      steps: [{ stepId: 's', status: 'succeeded' }],
    });
    const archive = runwatch(['archive', '--db', orch.file, '--run', 'done-1'], env);
    expect((await archive.exited).code, archive.stderr.join('\n')).toBe(0);
    expect(archive.stderr.join('\n')).toContain(`a watch (pid ${watch.process.pid}) holds`);
    expect(fs.existsSync(path.join(dataDir, 'archive', 'done-1.zip'))).toBe(true);

    watch.kill('SIGTERM');
    expect((await watch.exited).code).toBe(0);
    expect(fs.readdirSync(registryDir(env))).toEqual([]);
    expect(await status(orch.file, env)).toMatchObject({
      data_dir: defaultDataDir(orch.file, env),
      data_dir_from: 'the default for this database',
      watched_by: null,
    });
  });

  it('ignores the entry of a watch that was killed, and of a pid now reused; clears the first', async () => {
    const env = appData();
    const orch = pipelineDb(tempDir());
    const dataDir = path.join(tempDir(), 'killed');
    const watch = track(runwatch(['watch', '--db', orch.file, '--data-dir', dataDir], env));
    await ready(watch);
    watch.kill('SIGKILL');
    await watch.exited;
    const [left] = fs.readdirSync(registryDir(env));
    expect(left).toBeDefined();
    // This test's own pid is alive but holds no data dir: a pid the OS has given to another process.
    const reused = path.join(registryDir(env), `${process.pid}-00000000.json`);
    fs.writeFileSync(
      reused,
      JSON.stringify({
        db: fs.realpathSync(orch.file),
        source: 'orchestration',
        data_dir: dataDir,
        pid: process.pid,
        started_at: isoNow(),
      }),
    );

    expect(await status(orch.file, env)).toMatchObject({
      data_dir: defaultDataDir(orch.file, env),
      watched_by: null,
    });
    expect(fs.readdirSync(registryDir(env))).toEqual([path.basename(reused)]);

    // A watch that starts clears what a killed one left, so the registry does not grow.
    const killed = track(runwatch(['watch', '--db', orch.file, '--data-dir', dataDir], env));
    await ready(killed);
    killed.kill('SIGKILL');
    await killed.exited;
    expect(fs.readdirSync(registryDir(env))).toHaveLength(2);
    const next = track(
      runwatch(['watch', '--db', orch.file, '--data-dir', path.join(tempDir(), 'next')], env),
    );
    await ready(next);
    expect(fs.readdirSync(registryDir(env)).sort()).toEqual(
      [path.basename(reused), expect.stringMatching(new RegExp(`^${next.process.pid}-`))].sort(),
    );
  });

  it('asks for --data-dir when two processes watch the database in different data dirs', async () => {
    const env = appData();
    const orch = pipelineDb(tempDir());
    const dirs = [path.join(tempDir(), 'one'), path.join(tempDir(), 'two')];
    const watches = dirs.map((dataDir) =>
      track(runwatch(['watch', '--db', orch.file, '--data-dir', dataDir], env)),
    );
    for (const watch of watches) await ready(watch);

    const ambiguous = runwatch(['status', '--db', orch.file], env);
    expect((await ambiguous.exited).code).toBe(1);
    const message = ambiguous.stderr.join('\n');
    expect(message).toContain('is watched by 2 processes');
    for (const [i, watch] of watches.entries()) {
      expect(message).toContain(`pid ${watch.process.pid} in ${dirs[i]}`);
    }
    expect(message).toContain('choose one with --data-dir');

    const given = await (async () => {
      const child = runwatch(
        ['status', '--db', orch.file, '--data-dir', dirs[1] as string, '--json'],
        env,
      );
      await child.exited;
      return JSON.parse(child.stdout.join('\n')) as Status;
    })();
    expect(given).toMatchObject({ data_dir: dirs[1], data_dir_from: 'given by --data-dir' });
  });
});
