/**
 * The real CLI, `runwatch watch`, as child processes on the big database: how long each first
 * load takes, then CPU share and memory over one idle window, read from /proc. Several
 * configurations (the default poll, and a slower one for comparison) idle side by side with
 * timer-only Node processes at the same intervals, so they all share one window.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PlatformFloor, type FloorResult } from './platform-floor.ts';
import {
  memoryBreakdown,
  processCpuMs,
  processMemoryMb,
  processSchedMs,
  type MemoryBreakdown,
} from './proc-stats.ts';
import { sleep } from './stats.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/runwatch.js');
/** The command line's TypeScript sources, run on Node's type stripping as before the bundle. */
export const CLI_SOURCES = path.resolve(import.meta.dirname, '../../electron/core/cli/run-cli.ts');
const READY_TIMEOUT_MS = 120_000;
/**
 * After the first load V8 finishes its background work (concurrent marking, sweeping, compiling)
 * for some ten seconds: idle is measured once that has settled.
 */
const SETTLE_MS = 15_000;
/** The early window, from 10 s after the process started: a quiet source right after start. */
const EARLY_FROM_MS = 10_000;
const EARLY_FOR_MS = 20_000;

export interface CliConfig {
  label: string;
  dbPath: string;
  /** Extra `watch` arguments, e.g. `--poll 1s`. */
  args: string[];
  /** The script Node runs: `bin/runwatch.js` (the bundle, as users run it) unless given. */
  entry?: string;
  /** Node's own flags, before the script. */
  nodeArgs?: string[];
}

export interface CliRun {
  label: string;
  args: string[];
  /** From spawn to the "schema ok" line: Node start, module load and the first complete read. */
  firstLoadMs: number;
  /** Share of a core from `EARLY_FROM_MS` after spawn, for `EARLY_FOR_MS` (schedstat). */
  earlyCpuPercent: number | null;
  cpuMs: number;
  cpuPercent: number;
  /** The same from schedstat, where the kernel keeps it (finer than clock ticks). */
  schedCpuMs: number | null;
  schedCpuPercent: number | null;
  rssMaxIdleMb: number;
  peakRssMb: number;
  peakAfterLoadMb: number;
  memory: MemoryBreakdown;
  exitCode: number | null;
  stderr: string[];
}

export interface CliIdleResult {
  idleSeconds: number;
  runs: CliRun[];
  /** Timer-only Node processes at the compared poll intervals, over the same window. */
  floors: FloorResult[];
}

interface Started {
  config: CliConfig;
  child: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  stderr: string[];
  firstLoadMs: number;
  peakAfterLoadMb: number;
  /** Resolves with the early window's CPU share, sampled on timers from spawn. */
  early: Promise<number | null>;
}

/** CPU share of `pid` from `from` ms after `spawnedAt` for `span` ms, from schedstat. */
async function windowCpu(pid: number, spawnedAt: number, from: number, span: number) {
  await sleep(Math.max(0, spawnedAt + from - performance.now()));
  const cpu0 = processSchedMs(pid);
  const t0 = performance.now();
  await sleep(span);
  const cpu1 = processSchedMs(pid);
  return cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) / (performance.now() - t0)) * 100;
}

async function startCli(config: CliConfig, workDir: string, index: number): Promise<Started> {
  const dataDir = path.join(workDir, `cli-data-${index}`);
  const configHome = path.join(workDir, `cli-config-home-${index}`);
  fs.mkdirSync(configHome, { recursive: true });
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...(config.nodeArgs ?? []),
      config.entry ?? BIN,
      'watch',
      '--db',
      config.dbPath,
      '--data-dir',
      dataDir,
      ...config.args,
    ],
    {
      // Its 10,000 first-start events go to stdout; nothing here needs them.
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, XDG_CONFIG_HOME: configHome },
    },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const stderr: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    let buffer = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        stderr.push(line);
        if (line.includes('schema ok')) resolve();
      }
    });
    void exited.then((code) =>
      reject(new Error(`runwatch watch exited ${code}: ${stderr.join('\n')}`)),
    );
    setTimeout(
      () => reject(new Error('runwatch watch did not finish its first load')),
      READY_TIMEOUT_MS,
    ).unref();
  });
  const pid = child.pid as number;
  const early = windowCpu(pid, started, EARLY_FROM_MS, EARLY_FOR_MS).catch(() => null);
  try {
    await ready;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    config,
    child,
    pid,
    exited,
    stderr,
    firstLoadMs: performance.now() - started,
    peakAfterLoadMb: processMemoryMb(pid).peak,
    early,
  };
}

function kill(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export async function measureCliIdle(options: {
  configs: CliConfig[];
  workDir: string;
  idleMs: number;
  floorPollsMs: number[];
}): Promise<CliIdleResult> {
  const started: Started[] = [];
  const floors: PlatformFloor[] = [];
  try {
    // One at a time, so no first load competes with another for the two cores.
    for (const [index, config] of options.configs.entries()) {
      started.push(await startCli(config, options.workDir, index));
    }
    for (const pollMs of options.floorPollsMs) floors.push(new PlatformFloor(pollMs));
    await sleep(SETTLE_MS);
    const early = await Promise.all(started.map((s) => s.early));
    for (const floor of floors) floor.begin();
    const before = started.map((s) => ({ cpu: processCpuMs(s.pid), sched: processSchedMs(s.pid) }));
    const rssMax = started.map(() => 0);
    const t0 = performance.now();
    while (performance.now() - t0 < options.idleMs) {
      await sleep(Math.min(1_000, options.idleMs - (performance.now() - t0)));
      started.forEach((s, i) => {
        rssMax[i] = Math.max(rssMax[i] ?? 0, processMemoryMb(s.pid).rss);
      });
    }
    const wall = performance.now() - t0;
    const floorResults = floors.map((floor) => floor.end());
    const runs: CliRun[] = [];
    for (const [i, s] of started.entries()) {
      const cpu = processCpuMs(s.pid) - (before[i]?.cpu ?? 0);
      const sched0 = before[i]?.sched ?? null;
      const sched1 = processSchedMs(s.pid);
      const schedCpuMs = sched0 !== null && sched1 !== null ? sched1 - sched0 : null;
      const memory = memoryBreakdown(s.pid);
      const peakRssMb = processMemoryMb(s.pid).peak;
      s.child.kill('SIGTERM');
      const exitCode = await s.exited;
      runs.push({
        label: s.config.label,
        args: s.config.args,
        firstLoadMs: s.firstLoadMs,
        earlyCpuPercent: early[i] ?? null,
        cpuMs: cpu,
        cpuPercent: (cpu / wall) * 100,
        schedCpuMs,
        schedCpuPercent: schedCpuMs === null ? null : (schedCpuMs / wall) * 100,
        rssMaxIdleMb: rssMax[i] ?? Number.NaN,
        peakRssMb,
        peakAfterLoadMb: s.peakAfterLoadMb,
        memory,
        exitCode,
        stderr: s.stderr,
      });
    }
    return { idleSeconds: wall / 1_000, runs, floors: floorResults };
  } finally {
    for (const floor of floors) floor.stop();
    for (const s of started) kill(s.child);
  }
}
