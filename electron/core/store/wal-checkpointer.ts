import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { CheckpointReply, CheckpointRequest } from './wal-checkpoint-protocol.ts';

const WORKER_URL = new URL('./wal-checkpoint-worker.ts', import.meta.url);

export interface WalCheckpointerOptions {
  /** The worker closes after this long without a commit, so an idle watch holds no thread. */
  idleMs?: number;
  /**
   * The worker starts once the WAL holds this much: a quiet source's few small commits never
   * cost a thread (whose memory the process keeps after it ends); a burst starts it at once.
   */
  startAtBytes?: number;
  /** Called once if the worker cannot run: the caller checkpoints on its own thread again. */
  onFailure: (reason: string) => void;
  workerUrl?: URL;
}

/**
 * Checkpoints a WAL database from a worker thread. A checkpoint copies the WAL's pages into the
 * database file and fsyncs it: tens of milliseconds that would otherwise fall on whichever commit
 * of the main thread crossed SQLite's autocheckpoint threshold. Requests coalesce: while one
 * checkpoint runs, any number of commits ask for one more.
 */
export class WalCheckpointer {
  private readonly file: string;
  private readonly idleMs: number;
  private readonly startAtBytes: number;
  private readonly onFailure: (reason: string) => void;
  private readonly workerUrl: URL;
  private worker: Worker | null = null;
  private running = false;
  private again = false;
  private failed = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly waiters: (() => void)[] = [];
  private checkpoints = 0;

  constructor(file: string, options: WalCheckpointerOptions) {
    this.file = file;
    this.idleMs = options.idleMs ?? 10_000;
    this.startAtBytes = options.startAtBytes ?? 4 * 2 ** 20;
    this.onFailure = options.onFailure;
    this.workerUrl = options.workerUrl ?? WORKER_URL;
  }

  /** A request now would start the worker: none runs, and the WAL holds `startAtBytes`. */
  wouldStart(): boolean {
    return !this.failed && !this.worker && this.walBytes() >= this.startAtBytes;
  }

  /** After a commit: the WAL grew. */
  requested(): void {
    if (this.failed) return;
    if (!this.worker && this.walBytes() < this.startAtBytes) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.send('checkpoint');
    this.running = true;
  }

  /** The worker can still run (it has not failed, nor been closed). */
  get available(): boolean {
    return !this.failed;
  }

  /** Checkpoints completed so far. */
  get completed(): number {
    return this.checkpoints;
  }

  /** Resolves once no checkpoint is running or asked for. */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.clearIdleTimer();
    this.failed = true;
    this.stopWorker();
    this.settle();
  }

  private walBytes(): number {
    try {
      return fs.statSync(`${this.file}-wal`).size;
    } catch {
      return 0;
    }
  }

  private send(request: CheckpointRequest): void {
    this.clearIdleTimer();
    this.startWorker().postMessage(request);
  }

  private startWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerUrl, { workerData: { file: this.file } });
    // A checkpoint left undone is done by the next one, or by SQLite when the database closes.
    worker.unref();
    worker.on('message', (reply: CheckpointReply) => this.onReply(reply));
    worker.on('error', (error) => this.fail(error.message));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.fail(`the checkpoint worker exited (code ${code})`);
    });
    this.worker = worker;
    return worker;
  }

  private onReply(reply: CheckpointReply): void {
    if (!reply.ok) {
      this.fail(reply.error);
      return;
    }
    this.checkpoints += reply.checkpoints;
    if (this.again) {
      this.again = false;
      this.send('checkpoint');
      return;
    }
    this.running = false;
    this.settle();
    this.idleTimer = setTimeout(() => this.stopWorker(), this.idleMs);
    this.idleTimer.unref();
  }

  private fail(reason: string): void {
    if (this.failed) return;
    this.failed = true;
    this.running = false;
    this.stopWorker();
    this.settle();
    this.onFailure(reason);
  }

  private stopWorker(): void {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    worker.postMessage('close' satisfies CheckpointRequest);
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private settle(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
