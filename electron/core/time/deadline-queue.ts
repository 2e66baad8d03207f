import type { Clock, TimerHandle } from './clock.ts';

export interface DeadlineQueueOptions {
  clock: Clock;
  /** Keys whose deadline has passed, earliest first. */
  onDue: (keys: string[]) => void;
  /**
   * The wall clock moved against the monotonic one (the machine slept, or the clock was set).
   * The queue pauses itself: the owner re-reads what it needs, then calls `resume()`.
   */
  onClockJump: (wallDeltaMs: number) => void;
  /** Timers are armed at most this far ahead, so a long wait never overflows `setTimeout`. */
  maxArmMs?: number;
  jumpThresholdMs?: number;
}

interface Entry {
  key: string;
  due: number;
  version: number;
}

/**
 * Wall-clock deadlines (stall, overdue, settle) with one timer for all of them, re-armed at most
 * a minute ahead. Keys are replaced in place; deleted entries are dropped lazily from the heap.
 */
export class DeadlineQueue {
  private readonly clock: Clock;
  private readonly options: Required<Omit<DeadlineQueueOptions, 'clock'>>;
  private readonly current = new Map<string, Entry>();
  private heap: Entry[] = [];
  private timer: TimerHandle | null = null;
  private armedFor = Infinity;
  private paused = false;
  private disposed = false;
  private version = 0;
  private drift: number;

  constructor(options: DeadlineQueueOptions) {
    this.clock = options.clock;
    this.options = {
      onDue: options.onDue,
      onClockJump: options.onClockJump,
      maxArmMs: options.maxArmMs ?? 60_000,
      jumpThresholdMs: options.jumpThresholdMs ?? 2_000,
    };
    this.drift = this.clock.now() - this.clock.monotonic();
  }

  get size(): number {
    return this.current.size;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get(key: string): number | undefined {
    return this.current.get(key)?.due;
  }

  set(key: string, due: number): void {
    const existing = this.current.get(key);
    if (existing && existing.due === due) return;
    const entry = { key, due, version: ++this.version };
    this.current.set(key, entry);
    this.push(entry);
    this.arm();
  }

  delete(key: string): void {
    this.current.delete(key);
  }

  /** Stops firing (while the source is down, or until a re-read after a clock jump). */
  pause(): void {
    this.paused = true;
    this.disarm();
  }

  resume(): void {
    if (this.disposed || !this.paused) return;
    this.paused = false;
    this.drift = this.clock.now() - this.clock.monotonic();
    this.fire();
  }

  /**
   * Compares the wall clock with the monotonic one since the last check. Returns true (and
   * pauses, and tells the owner) when they moved apart by more than the threshold.
   */
  checkClock(): boolean {
    const drift = this.clock.now() - this.clock.monotonic();
    const delta = drift - this.drift;
    this.drift = drift;
    if (Math.abs(delta) <= this.options.jumpThresholdMs) return false;
    this.pause();
    this.options.onClockJump(delta);
    return true;
  }

  dispose(): void {
    this.disposed = true;
    this.disarm();
    this.current.clear();
    this.heap = [];
  }

  private fire(): void {
    this.timer = null;
    this.armedFor = Infinity;
    if (this.paused || this.disposed) return;
    if (this.checkClock()) return;
    const now = this.clock.now();
    const due: string[] = [];
    for (;;) {
      const top = this.peek();
      if (!top || top.due > now) break;
      this.pop();
      this.current.delete(top.key);
      due.push(top.key);
    }
    this.arm();
    if (due.length > 0) this.options.onDue(due);
  }

  private arm(): void {
    if (this.paused || this.disposed) return;
    const top = this.peek();
    if (!top) {
      this.disarm();
      return;
    }
    const now = this.clock.now();
    const target = Math.min(top.due, now + this.options.maxArmMs);
    if (this.timer !== null && this.armedFor <= target) return;
    this.disarm();
    this.armedFor = target;
    this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, target - now));
  }

  private disarm(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
  }

  /** The earliest live entry, discarding replaced or deleted ones on the way. */
  private peek(): Entry | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0] as Entry;
      if (this.current.get(top.key)?.version === top.version) return top;
      this.pop();
    }
    return undefined;
  }

  private push(entry: Entry): void {
    if (this.heap.length > 2 * this.current.size + 64) {
      this.rebuild();
      return;
    }
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as Entry).due <= entry.due) break;
      heap[i] = heap[parent] as Entry;
      i = parent;
    }
    heap[i] = entry;
  }

  /**
   * Drops replaced entries so a queue whose keys move often stays the size of its live set.
   * The live set already holds the entry being pushed; a sorted array is a valid heap.
   */
  private rebuild(): void {
    const live = [...this.current.values()].sort((a, b) => a.due - b.due);
    this.heap = live;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child =
        right < heap.length && (heap[right] as Entry).due < (heap[left] as Entry).due
          ? right
          : left;
      if ((heap[child] as Entry).due >= last.due) break;
      heap[i] = heap[child] as Entry;
      i = child;
    }
    heap[i] = last;
  }
}
