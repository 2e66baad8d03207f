import v8 from 'node:v8';

/** V8's flags for a process that watches for days, and the V8 flag each one sets. */
const SMALL_HEAP_FLAGS = ['--optimize-for-size', '--no-turbofan', '--memory-reducer-gc-count=1'];

/** A V8 flag's name as written on node's command line: `--no-turbofan=x` names `turbofan`. */
function flagName(arg: string): string {
  return arg
    .replace(/^--(no-)?/, '')
    .split('=')[0]!
    .replaceAll('_', '-');
}

/** The small-heap flags not already set, one way or the other, on node's command line. */
export function smallHeapFlags(execArgv: readonly string[]): string[] {
  const given = new Set(execArgv.filter((arg) => arg.startsWith('--')).map(flagName));
  return SMALL_HEAP_FLAGS.filter((flag) => !given.has(flagName(flag)));
}

/**
 * For a process that watches for days: V8 sized for memory rather than peak speed. Its heap
 * grows in smaller steps and every full collection compacts it; hot code is optimized by Maglev
 * only, not also by Turbofan, whose compiler alone pages megabytes of Node's binary into memory;
 * and the memory reducer, which collects again once the process goes quiet, collects once where
 * it would twice (the second found nothing more to return: every collection already compacts).
 * The work of `watch` and `serve` is mostly SQLite's, in native code: their first read of a
 * 10,000-run database takes about as long, at a fifth less peak memory (ARCHITECTURE.md §2).
 * V8 reads these flags when it uses them, so setting them after start works; a flag given on
 * node's command line is left as given. With them, no collection needs asking for after the
 * first read: the one V8 makes when the process goes quiet, some 8 s after, returns its memory.
 */
export function preferSmallHeap(): void {
  for (const flag of smallHeapFlags(process.execArgv)) v8.setFlagsFromString(flag);
}
