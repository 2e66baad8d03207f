/** Another process's CPU time and memory, read from Linux /proc. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let ticks: number | null = null;

/** Clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
export function clockTicks(): number {
  if (ticks === null) {
    const text = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim();
    ticks = Number(text) > 0 ? Number(text) : 100;
  }
  return ticks;
}

/** utime + stime of every thread of the process, in ms (clock-tick resolution). */
export function processCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: fields are counted after its closing ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000) / clockTicks();
}

/** On-CPU time of all threads in ms from schedstat (ns resolution), or null where unavailable. */
export function processSchedMs(pid: number): number | null {
  try {
    let total = 0;
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      const text = fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8');
      total += Number(text.split(' ')[0]);
    }
    return total / 1e6;
  } catch {
    return null;
  }
}

/** A `Name:  N kB` line of /proc/<pid>/status, in MB. */
function statusMb(pid: number): (name: string) => number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) / 1_024;
}

/** VmRSS (now) and VmHWM (peak) in MB. */
export function processMemoryMb(pid: number): { rss: number; peak: number } {
  const mb = statusMb(pid);
  return { rss: mb('VmRSS'), peak: mb('VmHWM') };
}

export interface MemoryBreakdown {
  rssMb: number;
  anonMb: number;
  fileMb: number;
  /** The brk heap of malloc, where SQLite's page caches live. */
  mallocHeapMb: number;
}

/** Where the resident memory is: anonymous (V8, malloc) or file-backed (the node binary). */
export function memoryBreakdown(pid: number): MemoryBreakdown {
  const mb = statusMb(pid);
  let heapKb = 0;
  let inHeap = false;
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inHeap = line.endsWith('[heap]');
    else if (inHeap && line.startsWith('Rss:')) heapKb += Number(/(\d+)/.exec(line)?.[1] ?? 0);
  }
  return {
    rssMb: mb('VmRSS'),
    anonMb: mb('RssAnon'),
    fileMb: mb('RssFile'),
    mallocHeapMb: heapKb / 1_024,
  };
}
