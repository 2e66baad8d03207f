import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach } from 'vitest';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin', 'runwatch.js');

/** A child process with its output collected line by line. */
export class Child {
  readonly process: ChildProcess;
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /** `command` is the project's Node unless given (`npx`, `npm`, a service's ExecStart). */
  constructor(args: string[], env: NodeJS.ProcessEnv = {}, command = process.execPath) {
    this.process = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (stream: NodeJS.ReadableStream | null, into: string[]) => {
      let buffer = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        into.push(...lines);
      });
      stream?.on('end', () => {
        if (buffer) into.push(buffer);
      });
    };
    collect(this.process.stdout, this.stdout);
    collect(this.process.stderr, this.stderr);
    this.exited = new Promise((resolve) =>
      this.process.on('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** Events printed with `--json`. */
  events(): Record<string, unknown>[] {
    return this.stdout
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** The events of one type printed with `--json`, in order. */
  eventsOf(type: string): Record<string, unknown>[] {
    return this.events().filter((event) => event.type === type);
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.process.kill(signal);
  }
}

/** `runwatch …` as a user runs it, on the project's Node. */
export function runwatch(args: string[], env: NodeJS.ProcessEnv = {}): Child {
  return new Child([BIN, ...args], env);
}

/** `runwatch watch --json` on a database, checking every 50 ms. */
export function watchDatabase(
  file: string,
  dataDir: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Child {
  return runwatch(
    ['watch', '--json', '--poll', '50ms', '--db', file, '--data-dir', dataDir, ...args],
    env,
  );
}

export function writer(args: string[]): Child {
  return new Child([path.join(ROOT, 'test', 'support', 'child-writer.ts'), ...args]);
}

/** Children started through this are killed after each test that left them running. */
export function killedAfterEach(): (child: Child) => Child {
  const children: Child[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.process.exitCode === null && child.process.signalCode === null) {
        child.kill('SIGKILL');
        await child.exited;
      }
    }
  });
  return (child) => {
    children.push(child);
    return child;
  };
}
