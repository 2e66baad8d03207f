import { Worker } from 'node:worker_threads';
import type {
  ArchiveFailure,
  ArchiveOutcome,
  ArchiveTask,
  WorkerMessage,
} from './archive-protocol.ts';

export type ArchiveProgress = Extract<WorkerMessage, { type: 'progress' }>;

export type ArchiveResult =
  { ok: true; outcome: ArchiveOutcome } | { ok: false; failure: ArchiveFailure };

const WORKER_URL = new URL('./archive-worker.ts', import.meta.url);

/** Thrown when the task was stopped (the process is shutting down); the job stays pending. */
export class ArchiveAborted extends Error {
  constructor() {
    super('archiving was stopped');
    this.name = 'ArchiveAborted';
  }
}

/**
 * Runs one archive task in a worker thread, so that listing, deflating, hashing and verifying
 * never block the thread that watches the database (ARCHITECTURE.md §2).
 */
export function runArchiveTask(
  task: ArchiveTask,
  onProgress: (progress: ArchiveProgress) => void = () => {},
  signal?: AbortSignal,
): Promise<ArchiveResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ArchiveAborted());
      return;
    }
    const worker = new Worker(WORKER_URL, { workerData: task });
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      action();
    };
    let aborting = false;
    // Settled once the worker is gone (its files closed), so the caller can remove its temp zip.
    const onAbort = () => {
      aborting = true;
      void worker.terminate();
    };
    signal?.addEventListener('abort', onAbort);
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') onProgress(message);
      else if (message.type === 'done')
        settle(() => resolve({ ok: true, outcome: message.outcome }));
      else settle(() => resolve({ ok: false, failure: message.failure }));
    });
    worker.on('error', (error) =>
      settle(() => resolve({ ok: false, failure: { reason: error.message, transient: true } })),
    );
    worker.on('exit', (code) =>
      settle(() =>
        aborting
          ? reject(new ArchiveAborted())
          : resolve({
              ok: false,
              failure: { reason: `the archive worker exited (code ${code})`, transient: true },
            }),
      ),
    );
  });
}
