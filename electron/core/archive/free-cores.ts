import os from 'node:os';

/** The machine's and this process's CPU counters at one moment. */
export interface CpuSample {
  at: number;
  idle: number;
  total: number;
  own: number;
}

/** Shorter than this, a sample says little: the remainder is waited for. */
const MIN_SAMPLE_MS = 50;

export function cpuSample(): CpuSample {
  let idle = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  const own = process.cpuUsage();
  return { at: performance.now(), idle, total, own: (own.user + own.system) / 1_000 };
}

/**
 * How many cores are free for this process's work, from `since` until now: the machine's idle
 * time plus what this process used itself, at least one. Sizing the threads that deflate and
 * inflate by it leaves the cores a running pipeline keeps busy to that pipeline, rather than
 * taking one thread per core whatever else runs.
 */
export async function freeCores(since: CpuSample): Promise<number> {
  const wait = MIN_SAMPLE_MS - (performance.now() - since.at);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const now = cpuSample();
  const cores = os.cpus().length;
  const total = now.total - since.total;
  if (total <= 0) return cores;
  const perCore = total / cores;
  const free = (now.idle - since.idle + (now.own - since.own)) / perCore;
  return Math.min(cores, Math.max(1, Math.round(free)));
}
