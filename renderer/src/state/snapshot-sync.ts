import type { Patch, PushMessage, RunwatchApi, Snapshot } from '../../../shared/api.ts';
import { applyPatch } from './apply-patch.ts';

export interface SyncListener {
  /** The snapshot as it now stands, after a fresh one or a patch. */
  state(snapshot: Snapshot): void;
  /** Asking for a snapshot failed; the next `resync` tries again. */
  error(error: unknown): void;
  /** Every other pushed message (`alert`, `navigate`). */
  push?(message: PushMessage): void;
}

/**
 * Keeps one snapshot current from pushed patches, in order. A patch that skips a sequence
 * number means one was missed (the server drops patches for a reader that falls behind, and a
 * reconnect starts afresh): the snapshot is asked for again, and patches that arrive meanwhile
 * are held and applied on top of it.
 */
export class SnapshotSync {
  private snapshot: Snapshot | null = null;
  private asking = false;
  private held: Patch[] = [];
  private unsubscribe: (() => void) | null = null;
  /** How many fresh snapshots a gap made necessary. */
  resyncs = 0;

  private readonly api: Pick<RunwatchApi, 'snapshot' | 'subscribe'>;
  private readonly listener: SyncListener;

  constructor(api: Pick<RunwatchApi, 'snapshot' | 'subscribe'>, listener: SyncListener) {
    this.api = api;
    this.listener = listener;
  }

  /** Listens to pushes and asks for the first snapshot. */
  start(): void {
    this.unsubscribe ??= this.api.subscribe((message) => this.onPush(message));
    void this.resync();
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
      fresh = await this.api.snapshot({});
    } catch (error) {
      this.asking = false;
      this.listener.error(error);
      return;
    }
    this.asking = false;
    this.take(fresh);
  }

  private onPush(message: PushMessage): void {
    if (message.type === 'snapshot') this.take(message.snapshot);
    else if (message.type === 'patch') this.onPatch(message.patch);
    else this.listener.push?.(message);
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
    if (patch.seq !== this.snapshot.seq + 1) {
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
