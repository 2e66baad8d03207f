import v8 from 'node:v8';
import vm from 'node:vm';

type Collect = (options: { type: 'major'; execution: 'async' }) => Promise<void>;

let collect: Collect | null | undefined;

/**
 * After a burst of allocation (the first read of a large database) most of what V8's heap grew
 * to is garbage. A full collection, marked in the background and in small steps (a synchronous,
 * memory-reducing one held the thread for about half a second after a 10,000-run read), frees
 * it; V8's memory reducer then gives the pages back some seconds later. Node offers it only
 * through `gc`, which this exposes once, for this one call; if that is not possible, nothing
 * happens.
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
  void collect?.({ type: 'major', execution: 'async' });
}
