/**
 * Archiving one run's artifacts, measured in the same run against Info-ZIP on the same tree:
 * Runwatch's archive task (worker thread, stored-when-compressed, verified) beside `zip -r -6`,
 * archiver used plainly on the main thread, and `unzip -t` for verification; with the main
 * event loop's delay while each one runs.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import { runArchiveTask } from '../../electron/core/archive/archive-task.ts';
import { allowing } from '../support/artifact-policy.ts';
import type { CommandBenchResult } from './archive-command-bench.ts';
import type { ArtifactTree } from './artifact-tree.ts';

export interface LoopDelay {
  p99Ms: number;
  maxMs: number;
}

export interface ToolRun {
  ms: number;
  zipBytes: number;
}

export interface ArchiveBenchResult {
  tree: Omit<ArtifactTree, 'root'>;
  /** The whole `runwatch archive` and `runwatch verify` beside Info-ZIP; null without it. */
  command: CommandBenchResult | null;
  infoZip: ToolRun | null;
  unzipTestMs: number | null;
  runwatch: ToolRun & {
    listMs: number;
    zipMs: number;
    verifyMs: number;
    stored: number;
    loop: LoopDelay;
  };
  plainArchiver: ToolRun & { loop: LoopDelay };
}

function hasTool(name: string): boolean {
  return spawnSync(name, ['-v'], { stdio: 'ignore' }).status === 0;
}

/** Runs `work` with the main thread's event-loop delay recorded (10 ms resolution). */
async function withLoopDelay<T>(work: () => Promise<T>): Promise<{ value: T; loop: LoopDelay }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  try {
    const value = await work();
    return {
      value,
      loop: { p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 },
    };
  } finally {
    histogram.disable();
  }
}

function timed(command: string, args: string[], cwd: string): number {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.toString().trim()}`);
  }
  return performance.now() - started;
}

export async function benchArchive(
  tree: ArtifactTree,
  workDir: string,
  progress: (message: string) => void,
): Promise<Omit<ArchiveBenchResult, 'command'>> {
  const { root, ...description } = tree;
  const zipFile = (name: string) => path.join(workDir, name);

  let infoZip: ToolRun | null = null;
  if (hasTool('zip')) {
    progress('archive: Info-ZIP zip -r -6');
    const ms = timed('zip', ['-r', '-6', '-q', zipFile('infozip.zip'), '.'], root);
    infoZip = { ms, zipBytes: fs.statSync(zipFile('infozip.zip')).size };
    fs.rmSync(zipFile('infozip.zip'));
  } else progress('archive: zip is not installed (apt-get install zip): no Info-ZIP figure');

  progress('archive: Runwatch (worker thread, verified)');
  const started = performance.now();
  const { value: result, loop } = await withLoopDelay(() =>
    runArchiveTask({
      kind: 'build',
      artifactsDir: root,
      policy: allowing(root),
      tmpPath: zipFile('runwatch.zip'),
    }),
  );
  const ms = performance.now() - started;
  if (!result.ok) throw new Error(`Runwatch's archive failed: ${result.failure.reason}`);
  const { outcome } = result;

  let unzipTestMs: number | null = null;
  if (hasTool('unzip')) {
    progress('archive: unzip -t on the same zip');
    unzipTestMs = timed('unzip', ['-tq', zipFile('runwatch.zip')], workDir);
  }
  fs.rmSync(zipFile('runwatch.zip'));

  progress('archive: archiver used plainly (main thread, everything deflated, no verification)');
  const plainStarted = performance.now();
  const plain = await withLoopDelay(async () => {
    const archive = new ZipArchive({ zlib: { level: 6 } });
    const done = pipeline(archive, fs.createWriteStream(zipFile('plain.zip')));
    archive.directory(root, false);
    await archive.finalize();
    await done;
  });
  const plainMs = performance.now() - plainStarted;
  const plainBytes = fs.statSync(zipFile('plain.zip')).size;
  fs.rmSync(zipFile('plain.zip'));

  return {
    tree: description,
    infoZip,
    unzipTestMs,
    runwatch: {
      ms,
      zipBytes: outcome.zipSize,
      ...outcome.timings,
      stored: outcome.stored,
      loop,
    },
    plainArchiver: { ms: plainMs, zipBytes: plainBytes, loop: plain.loop },
  };
}
