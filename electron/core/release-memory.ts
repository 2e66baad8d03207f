import v8 from 'node:v8';
import vm from 'node:vm';

type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

let collect: Collect | null | undefined;

/**
 * After a burst of allocation (the first read of a large database) V8 keeps the young
 * generation it grew for the burst, some 30 MB, for as long as the process then stays idle.
 * A memory-reducing collection gives it back. Node offers it only through `gc`, which this
 * exposes once, for this one call; if that is not possible, nothing happens.
 */
export function releaseMemory(): void {
  if (collect === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      collect = vm.runInNewContext('gc') as Collect;
    } catch {
      collect = null;
    }
  }
  collect?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
