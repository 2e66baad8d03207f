/** Runs the timer-only floor process beside a measurement and reports its CPU over a window. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { processCpuMs, processMemoryMb, processSchedMs } from './proc-stats.ts';

const FLOOR = path.join(import.meta.dirname, 'timer-floor.ts');

export interface FloorResult {
  pollMs: number;
  seconds: number;
  cpuMs: number;
  /** Share of one core, from schedstat when available (finer than clock ticks). */
  cpuPercent: number;
  cpuPerWakeUs: number;
  /** Resident memory of a Node process that does nothing. */
  rssMb: number;
}

export class PlatformFloor {
  private readonly child: ChildProcess;
  private readonly pollMs: number;
  private start: { wall: number; cpu: number } | null = null;

  constructor(pollMs: number) {
    this.pollMs = pollMs;
    this.child = spawn(process.execPath, [FLOOR, String(pollMs)], { stdio: 'ignore' });
  }

  private cpu(): number {
    const pid = this.child.pid as number;
    return processSchedMs(pid) ?? processCpuMs(pid);
  }

  /** Starts the window; call after the child had time to load (a second or so). */
  begin(): void {
    this.start = { wall: performance.now(), cpu: this.cpu() };
  }

  end(): FloorResult {
    const start = this.start ?? { wall: performance.now(), cpu: this.cpu() };
    const wall = performance.now() - start.wall;
    const cpu = this.cpu() - start.cpu;
    const wakes = wall / this.pollMs;
    const rssMb = processMemoryMb(this.child.pid as number).rss;
    this.stop();
    return {
      pollMs: this.pollMs,
      seconds: wall / 1_000,
      cpuMs: cpu,
      cpuPercent: (cpu / wall) * 100,
      cpuPerWakeUs: (cpu * 1_000) / Math.max(1, wakes),
      rssMb,
    };
  }

  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
  }
}
