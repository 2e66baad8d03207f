/**
 * Throwaway PostgreSQL clusters: `initdb` into a temp folder, started on a free port of
 * 127.0.0.1 with the socket in that folder, stopped and removed at the end; never the system's
 * service. As root the server runs as the `postgres` user (PostgreSQL refuses root). One cluster
 * serves a test run (pg-global-setup.ts); a test that stops or restarts the server starts its own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Where Debian puts a version's programs, or pg_config's; null when none is installed. */
export function pgBinDir(): string | null {
  const found = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const fromConfig = found.status === 0 ? found.stdout.trim() : null;
  if (fromConfig && fs.existsSync(path.join(fromConfig, 'initdb'))) return fromConfig;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

export const PG_MISSING =
  'PostgreSQL is not installed (apt-get install -y postgresql; .ci/run does)';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export class PgCluster {
  readonly port: number;
  readonly dir: string;
  private readonly bin: string;

  private readonly settings: string[];

  private constructor(bin: string, dir: string, port: number, settings: string[]) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.settings = settings;
  }

  /**
   * A new cluster, started; throws PG_MISSING without PostgreSQL. `settings`: more server
   * settings (`shared_preload_libraries=pg_stat_statements`, for a benchmark that counts queries).
   */
  static async start(settings: string[] = []): Promise<PgCluster> {
    const bin = pgBinDir();
    if (!bin) throw new Error(PG_MISSING);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runwatch-pg-'));
    if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir]);
    const cluster = new PgCluster(bin, dir, await freePort(), settings);
    cluster.server('initdb', [
      '-D',
      cluster.data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '--no-sync',
      '-E',
      'UTF8',
    ]);
    // The superuser over TCP without a password; every other role by password, as on a server.
    fs.writeFileSync(
      path.join(cluster.data, 'pg_hba.conf'),
      [
        'local all all trust',
        'host all postgres 127.0.0.1/32 trust',
        'host all all 127.0.0.1/32 scram-sha-256',
        '',
      ].join('\n'),
    );
    cluster.startServer();
    return cluster;
  }

  private get data(): string {
    return path.join(this.dir, 'data');
  }

  /** The URL of a database as a role (the superuser, trusted, by default). */
  url(database: string, user = 'postgres', password?: string): string {
    const who = password === undefined ? user : `${user}:${encodeURIComponent(password)}`;
    return `postgresql://${who}@127.0.0.1:${this.port}/${database}`;
  }

  startServer(): void {
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      "-c listen_addresses='127.0.0.1'",
      // Not synced to disk, but every commit written: a server stopped at once keeps them.
      '-c fsync=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
      ...this.settings.map((setting) => `-c ${setting}`),
    ].join(' ');
    this.server('pg_ctl', [
      '-D',
      this.data,
      '-l',
      path.join(this.dir, 'server.log'),
      '-o',
      options,
      '-w',
      'start',
    ]);
  }

  /** Stops the server at once, as a crash or a failover would. */
  stopServer(): void {
    this.server('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
  }

  stop(): void {
    try {
      this.stopServer();
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private server(program: string, args: string[]): void {
    const command = path.join(this.bin, program);
    const [file, argv] =
      process.getuid?.() === 0
        ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
        : [command, args];
    execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: this.dir });
  }
}
