/**
 * `runwatch serve` as a user starts it, on a real orchestration database that the test writes
 * to from its own connection, with the URL it prints.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OrchestrationDb, tempDir } from './orchestration-db.ts';
import { runwatch, type Child } from './processes.ts';
import { waitFor } from './wait.ts';

export interface DashboardServer {
  url: string;
  origin: string;
  db: OrchestrationDb;
  dataDir: string;
  child: Child;
  stop(): Promise<void>;
}

export async function startDashboardServer(
  options: { args?: string[]; config?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<DashboardServer> {
  const dir = tempDir('runwatch-browser-');
  const db = new OrchestrationDb(path.join(dir, 'orders.db'));
  const dataDir = path.join(dir, 'data');
  const args = ['serve', '--db', db.file, '--data-dir', dataDir, '--port', '0', '--poll', '50ms'];
  if (options.config !== undefined) {
    const file = path.join(dir, 'alerts.yaml');
    fs.writeFileSync(file, options.config);
    args.push('--config', file);
  }
  const child = runwatch([...args, ...(options.args ?? [])], options.env);
  const url = await waitFor(
    () => child.stdout.find((line) => /^http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(line)),
    'the URL serve prints',
    30_000,
  ).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}; serve said: ${child.stderr.join('\n')}`);
  });
  return {
    url,
    origin: new URL(url).origin,
    db,
    dataDir,
    child,
    async stop() {
      child.kill('SIGTERM');
      await child.exited;
      db.db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
