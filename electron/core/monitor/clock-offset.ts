/**
 * The writer's clock offset: how far the database's timestamps sit from Runwatch's clock, learned
 * from changes seen live (observation time minus the row's `updated_at`). A robust median, so a
 * writer that stores naive local time, or whose clock is off, does not make runs stall early or
 * late, and a few odd rows do not move it.
 */
export class ClockOffset {
  private readonly samples: number[];
  private readonly capacity: number;
  private readonly minSamples: number;
  private cached: number | null = null;

  constructor(samples: readonly number[] = [], capacity = 63, minSamples = 3) {
    this.capacity = capacity;
    this.minSamples = minSamples;
    this.samples = samples.filter(Number.isFinite).slice(-capacity);
  }

  add(sampleMs: number): void {
    if (!Number.isFinite(sampleMs)) return;
    this.samples.push(sampleMs);
    if (this.samples.length > this.capacity) this.samples.shift();
    this.cached = null;
  }

  /** Milliseconds to add to a database time; 0 until enough changes were seen. */
  get value(): number {
    if (this.samples.length < this.minSamples) return 0;
    if (this.cached === null) {
      const sorted = [...this.samples].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      this.cached =
        sorted.length % 2
          ? (sorted[mid] as number)
          : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
    }
    return this.cached;
  }

  toJSON(): number[] {
    return [...this.samples];
  }
}
