import type { Patch, PushMessage, RunwatchApi, Snapshot } from '../../../shared/api.ts';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import { decodeRuns } from '../../../shared/run-table.ts';
import { applyPatch } from './apply-patch.ts';

export interface SyncListener {
  /**
   * The snapshot as it now stands, after a fresh one or a patch. While runs are still to come
   * (`more`), it is the first screen: the top of the Active list, with every count whole.
   */
  state(snapshot: Snapshot): void;
  /** Asking for a snapshot failed; the next `resync` tries again. */
  error(error: unknown): void;
  /** Every other pushed message (`alert`, `navigate`). */
  push?(message: PushMessage): void;
}

type SyncApi = Pick<RunwatchApi, 'snapshot' | 'snapshotRest' | 'subscribe'>;

/**
 * Keeps one snapshot current from pushed patches, in order. A patch that skips a sequence
 * number means one was missed (the server drops patches for a reader that falls behind, and a
 * reconnect starts afresh): the snapshot is asked for again, and patches that arrive meanwhile
 * are held and applied on top of it.
 *
 * With `first`, a snapshot comes in two parts: the first screen of runs, shown at once, then the
 * rest as of the same `seq`; patches are held until both are in.
 */
export class SnapshotSync {
  private snapshot: Snapshot | null = null;
  /** A snapshot, or the rest of one, is on its way: patches wait. */
  private asking = false;
  private held: Patch[] = [];
  /** Bumped by each snapshot taken, so the rest of an older one is dropped. */
  private generation = 0;
  private unsubscribe: (() => void) | null = null;
  /** How many fresh snapshots a gap made necessary. */
  resyncs = 0;

  private readonly api: SyncApi;
  private readonly listener: SyncListener;
  private readonly first: number | undefined;

  constructor(api: SyncApi, listener: SyncListener, options: { first?: number } = {}) {
    this.api = api;
    this.listener = listener;
    this.first = options.first;
  }

  /** Listens to pushes and asks for the first snapshot. */
  start(): void {
    this.unsubscribe ??= this.api.subscribe((message) => this.onPush(message));
    void this.resync();
  }

  /**
   * Shows a snapshot got apart from the API (the page's preloaded first screen) while the API's
   * own is on its way. Patches never build on it: they wait for the API's snapshot, which
   * replaces it; once that is in, a preview that comes late is dropped.
   */
  preview(snapshot: Snapshot): void {
    if (this.snapshot === null) this.listener.state(snapshot);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /**
   * Asks for a fresh snapshot, as after a reconnect: a restarted server counts its sequence
   * afresh, so only its own snapshot applies.
   */
  async resync(): Promise<void> {
    if (this.asking) return;
    this.asking = true;
    this.held = [];
    let fresh: Snapshot;
    try {
      fresh = await this.api.snapshot(this.first === undefined ? {} : { first: this.first });
    } catch (error) {
      this.asking = false;
      this.listener.error(error);
      return;
    }
    await this.load(fresh);
  }

  private onPush(message: PushMessage): void {
    if (message.type === 'snapshot') void this.load(message.snapshot);
    else if (message.type === 'patch') this.onPatch(message.patch);
    else this.listener.push?.(message);
  }

  /** Takes a fresh snapshot: at once when whole, else its first screen, then its rest. */
  private async load(fresh: Snapshot): Promise<void> {
    const generation = ++this.generation;
    const { more, ...whole } = fresh;
    if (more === undefined) {
      this.asking = false;
      this.take(fresh);
      return;
    }
    this.asking = true;
    this.snapshot = fresh;
    this.listener.state(fresh);
    let rest: ActiveRunStatus[];
    try {
      rest = decodeRuns(await this.api.snapshotRest({ cursor: more.cursor }));
    } catch (error) {
      if (generation !== this.generation) return;
      // The first screen stays; the next patch finds it incomplete and asks again.
      this.asking = false;
      this.listener.error(error);
      return;
    }
    if (generation !== this.generation) return;
    this.asking = false;
    this.take({ ...whole, runs: [...fresh.runs, ...rest] });
  }

  private take(fresh: Snapshot): void {
    let snapshot = fresh;
    const queued = this.held.sort((a, b) => a.seq - b.seq);
    this.held = [];
    for (const patch of queued) {
      if (patch.seq <= snapshot.seq) continue;
      if (patch.seq !== snapshot.seq + 1) {
        this.snapshot = snapshot;
        this.gap();
        return;
      }
      snapshot = applyPatch(snapshot, patch);
    }
    this.snapshot = snapshot;
    this.listener.state(snapshot);
  }

  private onPatch(patch: Patch): void {
    if (this.asking || this.snapshot === null) {
      this.held.push(patch);
      return;
    }
    if (patch.seq <= this.snapshot.seq) return;
    if (patch.seq !== this.snapshot.seq + 1 || this.snapshot.more !== undefined) {
      this.gap();
      return;
    }
    this.snapshot = applyPatch(this.snapshot, patch);
    this.listener.state(this.snapshot);
  }

  private gap(): void {
    this.resyncs += 1;
    void this.resync();
  }
}
