/**
 * How fast the command line starts, and in how much memory: the same commands run from the
 * bundle (`bin/runwatch.js`, as users run it) and from the TypeScript sources on Node's type
 * stripping (the baseline, `electron/core/cli/run-cli.ts`), beside a Node that does nothing.
 * The variants take turns, so a busy machine slows them alike. Peak RSS is written at exit by a
 * preload that every variant gets.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import { viteBuild } from '../../scripts/vite-build.ts';
import { distribution, type Distribution } from './stats.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'runwatch.js');
const SOURCES = path.join(ROOT, 'electron', 'core', 'cli', 'run-cli.ts');
/**
 * Writes the process's peak RSS in KB at exit: Linux's VmHWM, which starts afresh at exec, where
 * `maxRSS` would keep the forking parent's. In JavaScript, not TypeScript: a .ts preload would
 * cost the baseline's type stripping to every variant.
 */
const MAX_RSS_PRELOAD =
  'data:text/javascript,import fs from "node:fs";' +
  'process.on("exit", () => { let kb = process.resourceUsage().maxRSS;' +
  ' try { kb = Number(/VmHWM:\\s*(\\d+)/.exec(fs.readFileSync("/proc/self/status", "utf8"))[1]); }' +
  ' catch {} fs.writeFileSync(process.env.RUNWATCH_BENCH_MAX_RSS, String(kb)); });';

export interface StartVariant {
  label: string;
  /** Node's arguments after the preload, for the run with this index. */
  args: (run: number) => string[];
}

export interface StartFigures {
  label: string;
  ms: Distribution;
  /** Median of the runs' peak RSS. */
  peakRssMb: number;
  exitCodes: number[];
}

export interface StartRow {
  command: string;
  variants: StartFigures[];
}

export interface CliStartResult {
  repeats: number;
  rows: StartRow[];
}

/** Builds the bundle as `npm install` does, so the figures are for the sources as they are. */
export function buildCliBundle(): Promise<void> {
  return viteBuild(path.join(ROOT, 'vite.cli.config.ts'));
}

/**
 * One run: until it exits, or with `readyLine`, until it writes that line on stderr (then it is
 * stopped with SIGTERM, and the time is the time to that line).
 */
function runOnce(
  args: string[],
  rssFile: string,
  readyLine: string | undefined,
): Promise<{ ms: number; code: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', MAX_RSS_PRELOAD, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', readyLine === undefined ? 'ignore' : 'pipe'],
    env: { ...process.env, RUNWATCH_BENCH_MAX_RSS: rssFile },
  });
  let readyMs: number | null = null;
  if (readyLine !== undefined) {
    let tail = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      tail += chunk;
      if (readyMs === null && tail.includes(readyLine)) {
        readyMs = performance.now() - started;
        child.kill('SIGTERM');
      }
      tail = tail.slice(-readyLine.length);
    });
  }
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) =>
      resolve({ ms: readyMs ?? performance.now() - started, code: code ?? -1 }),
    );
  });
}

/** Runs each variant `repeats` times, in turns. */
export async function measureStart(
  command: string,
  variants: readonly StartVariant[],
  repeats: number,
  workDir: string,
  readyLine?: string,
): Promise<StartRow> {
  const times = variants.map(() => [] as number[]);
  const rss = variants.map(() => [] as number[]);
  const codes = variants.map(() => [] as number[]);
  const rssFile = path.join(workDir, 'max-rss');
  for (let i = 0; i < repeats; i++) {
    for (const [v, variant] of variants.entries()) {
      fs.rmSync(rssFile, { force: true });
      const { ms, code } = await runOnce(variant.args(i), rssFile, readyLine);
      times[v]?.push(ms);
      codes[v]?.push(code);
      rss[v]?.push(Number(fs.readFileSync(rssFile, 'utf8')) / 1024);
    }
  }
  return {
    command,
    variants: variants.map((variant, v) => ({
      label: variant.label,
      ms: distribution(times[v] ?? []),
      peakRssMb: distribution(rss[v] ?? []).median,
      exitCodes: [...new Set(codes[v])],
    })),
  };
}

/** The sources and the bundle, given the same command line (which may differ run by run). */
export function sourcesAndBundle(args: (run: number, variant: string) => string[]): StartVariant[] {
  return [
    { label: 'sources (type stripping)', args: (run) => [SOURCES, ...args(run, 'sources')] },
    { label: 'bundle (bin/runwatch.js)', args: (run) => [BIN, ...args(run, 'bundle')] },
  ];
}

export const NODE_ALONE: StartVariant = { label: 'node -e 0 (floor)', args: () => ['-e', '0'] };

/** A small zip for `verify`: three files of 20 KB. */
async function smallZip(workDir: string): Promise<string> {
  const file = path.join(workDir, 'small.zip');
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const done = pipeline(archive, fs.createWriteStream(file));
  for (let i = 0; i < 3; i++) archive.append(randomBytes(20_000), { name: `a/f${i}` });
  await archive.finalize();
  await done;
  return file;
}

/**
 * The `cli` section: `--version` (beside a bare Node), `verify` of a small zip, and `watch` on
 * the benchmark's database until its first load is done (each run in a fresh data dir).
 */
export async function benchCliStart(
  dbPath: string,
  quick: boolean,
  workDir: string,
  progress: (message: string) => void,
): Promise<CliStartResult> {
  progress('cli: building the bundle, as npm install does');
  await buildCliBundle();
  const repeats = quick ? 5 : 15;
  const zip = await smallZip(workDir);
  const rows: StartRow[] = [];
  progress(`cli: runwatch --version, ${repeats} times each`);
  rows.push(
    await measureStart(
      'runwatch --version',
      [NODE_ALONE, ...sourcesAndBundle(() => ['--version'])],
      repeats,
      workDir,
    ),
  );
  progress(`cli: runwatch verify on a small zip, ${repeats} times each`);
  rows.push(
    await measureStart(
      'runwatch verify (3 files, 60 KB)',
      sourcesAndBundle(() => ['verify', zip]),
      repeats,
      workDir,
    ),
  );
  const loads = quick ? 2 : 5;
  progress(`cli: runwatch watch to the end of its first load of ${dbPath}, ${loads} times each`);
  rows.push(
    await measureStart(
      'runwatch watch, first load',
      sourcesAndBundle((run, variant) => [
        'watch',
        '--db',
        dbPath,
        '--data-dir',
        path.join(workDir, `data-${variant}-${run}`),
      ]),
      loads,
      workDir,
      'schema ok',
    ),
  );
  return { repeats, rows };
}
