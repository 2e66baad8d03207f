/**
 * What a user waits for: `node bin/runwatch.js archive …` as a user runs it (process start,
 * listing, writing, verifying, report), beside `zip -r -6` followed by `unzip -t` on the same
 * tree, each pair run one after the other; on a quiet machine and with every core kept busy by
 * a CPU hog started here. And `runwatch verify` beside `unzip -t` on the same zip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_SCHEMA_SQL } from '../../electron/core/demo/demo-schema.ts';
import type { ArtifactTree } from './artifact-tree.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'runwatch.js');
const RUN_ID = 'bench-run';

export type Load = 'quiet' | 'busy';

/** One pair: Runwatch's whole command and the reference, in milliseconds. */
export interface CommandPair {
  runwatchMs: number;
  referenceMs: number;
}

export interface CommandRow {
  tree: string;
  bytes: number;
  files: number;
  load: Load;
  pairs: CommandPair[];
}

export interface VerifyRow {
  tree: string;
  load: Load;
  /** `runwatch verify` and `unzip -t` of Runwatch's zip, pair by pair. */
  pairs: CommandPair[];
}

export interface CommandBenchResult {
  /** Cores the hog kept busy (one busy loop per core). */
  cores: number;
  rows: CommandRow[];
  verify: VerifyRow[];
}

function timed(command: string, args: string[], cwd: string): number {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - started;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.toString().trim()}`);
  }
  return ms;
}

/** A finished run whose artifacts folder is the tree, in a database of its own. */
function databaseFor(tree: ArtifactTree, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'orchestration.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(DEFAULT_SCHEMA_SQL);
  const at = new Date().toISOString();
  db.prepare(
    `INSERT INTO runs (run_id, pipeline, status, created_at, started_at, updated_at, finished_at, artifacts_dir)
     VALUES (?, 'bench', 'succeeded', ?, ?, ?, ?, ?)`,
  ).run(RUN_ID, at, at, at, at, tree.root);
  db.close();
  return file;
}

/** One busy loop per core, until stopped: the machine as a running pipeline keeps it. */
async function startHog(cores: number): Promise<() => void> {
  const hogs: ChildProcess[] = Array.from({ length: cores }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  return () => {
    for (const hog of hogs) hog.kill('SIGKILL');
  };
}

export interface CommandTree {
  label: string;
  tree: ArtifactTree;
  repeats: number;
}

export async function benchArchiveCommand(
  trees: readonly CommandTree[],
  workDir: string,
  progress: (message: string) => void,
): Promise<CommandBenchResult> {
  const cores = os.availableParallelism();
  const rows: CommandRow[] = [];
  const verify: VerifyRow[] = [];
  for (const { label, tree, repeats } of trees) {
    const dir = path.join(workDir, `command-${label.replace(/\W+/g, '-')}`);
    const db = databaseFor(tree, path.join(dir, 'db'));
    const dataDir = path.join(dir, 'data');
    const zip = path.join(dataDir, 'archive', `${RUN_ID}.zip`);
    const reference = path.join(dir, 'reference.zip');
    const archiveArgs = [
      BIN,
      ...['archive', '--db', db, '--run', RUN_ID, '--data-dir', dataDir],
      ...['--artifact-root', tree.root],
    ];
    for (const load of ['quiet', 'busy'] as const) {
      const stopHog = load === 'busy' ? await startHog(cores) : () => {};
      try {
        const pairs: CommandPair[] = [];
        const checks: CommandPair[] = [];
        for (let i = 0; i < repeats; i++) {
          progress(`archive command: ${label}, ${load}, pair ${i + 1} of ${repeats}`);
          const runwatchMs = timed(process.execPath, archiveArgs, ROOT);
          fs.rmSync(reference, { force: true });
          const zipMs = timed('zip', ['-r', '-6', '-q', reference, '.'], tree.root);
          const unzipMs = timed('unzip', ['-tq', reference], dir);
          pairs.push({ runwatchMs, referenceMs: zipMs + unzipMs });
          checks.push({
            runwatchMs: timed(process.execPath, [BIN, 'verify', zip], ROOT),
            referenceMs: timed('unzip', ['-tq', zip], dir),
          });
        }
        rows.push({ tree: label, bytes: tree.bytes, files: tree.files, load, pairs });
        verify.push({ tree: label, load, pairs: checks });
      } finally {
        stopHog();
        fs.rmSync(reference, { force: true });
      }
    }
  }
  return { cores, rows, verify };
}

export function hasInfoZip(): boolean {
  return ['zip', 'unzip'].every(
    (tool) => spawnSync(tool, ['-v'], { stdio: 'ignore' }).status === 0,
  );
}
