import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../../shared/error-message.ts';
import { firstChanged, listArtifacts, type ListedFile } from './artifact-listing.ts';
import { ArtifactsError } from './artifact-policy.ts';
import type {
  ArchiveOutcome,
  ArchiveTask,
  StoredListing,
  WorkerMessage,
} from './archive-protocol.ts';
import { cpuSample, freeCores } from './free-cores.ts';
import { verifyZip } from './zip-verify.ts';
import { writeZip } from './zip-writer.ts';

/** Progress goes to the main thread at most this often. */
const PROGRESS_EVERY_MS = 100;

class Failed extends Error {
  readonly transient: boolean;
  constructor(reason: string, transient: boolean) {
    super(reason);
    this.transient = transient;
  }
}

/** Errors that another try may not meet: a full disk, a file that moved under us. */
const TRANSIENT_CODES = new Set([
  'ENOSPC',
  'EDQUOT',
  'ENOENT',
  'EBUSY',
  'EAGAIN',
  'EMFILE',
  'ENFILE',
  'EIO',
]);

function post(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

function progressPoster(phase: 'zip' | 'verify', totalFiles: number, totalBytes: number) {
  let last = 0;
  return (progress: { files: number; bytes: number }, force = false) => {
    const now = Date.now();
    if (!force && now - last < PROGRESS_EVERY_MS) return;
    last = now;
    post({ type: 'progress', phase, ...progress, totalFiles, totalBytes });
  };
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

/** The zip read back against the listing; `restat` also checks that no source file changed. */
async function verified(
  zipPath: string,
  files: readonly ListedFile[],
  bytes: number,
  restat: boolean,
  parallel: number,
) {
  const report = progressPoster('verify', files.length, bytes);
  const result = await verifyZip(
    zipPath,
    files,
    (p) => report({ files: p.files, bytes: p.bytes }),
    { parallel },
  );
  report({ files: files.length, bytes }, true);
  if (!result.ok) {
    throw new Failed(
      `verification failed${result.entry === null ? '' : ` at ${result.entry}`}: ${result.reason}`,
      true,
    );
  }
  if (!restat) return;
  const changed = firstChanged(files);
  if (changed !== null) throw new Failed(`${changed} changed while it was being zipped`, true);
}

async function build(task: Extract<ArchiveTask, { kind: 'build' }>): Promise<ArchiveOutcome> {
  const started = performance.now();
  const sample = cpuSample();
  const listing = listArtifacts(task.artifactsDir, task.policy);
  const cores = await freeCores(sample);
  const listed = performance.now();
  const report = progressPoster('zip', listing.files.length, listing.bytes);
  let written;
  try {
    written = await writeZip(listing, task.tmpPath, (p) => report(p), { parallel: cores });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = errorMessage(error);
    throw new Failed(
      `writing the zip failed: ${reason}`,
      code === undefined || TRANSIENT_CODES.has(code),
    );
  }
  report({ files: listing.files.length, bytes: listing.bytes }, true);
  const zipped = performance.now();
  await verified(task.tmpPath, listing.files, listing.bytes, true, cores);
  const stored: StoredListing = { files: listing.files, skipped: listing.skipped };
  return {
    files: listing.files.length,
    skipped: listing.skipped,
    listingJson: JSON.stringify(stored),
    bytes: listing.bytes,
    zipSize: written.size,
    sha256: written.sha256,
    stored: written.stored,
    cores,
    timings: {
      listMs: listed - started,
      zipMs: zipped - listed,
      verifyMs: performance.now() - zipped,
    },
  };
}

/**
 * A zip left under its final name: it was verified and its sources re-stat'ed before the rename,
 * so only the zip itself is checked against the listing (the artifacts may be gone by now).
 */
async function adopt(task: Extract<ArchiveTask, { kind: 'adopt' }>): Promise<ArchiveOutcome> {
  const listing = JSON.parse(task.listingJson) as StoredListing;
  const bytes = listing.files.reduce((sum, file) => sum + file.size, 0);
  const started = performance.now();
  const cores = await freeCores(cpuSample());
  await verified(task.zipPath, listing.files, bytes, false, cores);
  return {
    files: listing.files.length,
    skipped: listing.skipped,
    listingJson: task.listingJson,
    bytes,
    zipSize: fs.statSync(task.zipPath).size,
    sha256: await sha256Of(task.zipPath),
    stored: 0,
    cores,
    timings: { listMs: 0, zipMs: 0, verifyMs: performance.now() - started },
  };
}

async function main(task: ArchiveTask): Promise<void> {
  try {
    const outcome = task.kind === 'build' ? await build(task) : await adopt(task);
    post({ type: 'done', outcome });
  } catch (error) {
    if (error instanceof ArtifactsError) {
      const { message: reason, transient, missing } = error;
      post({ type: 'failed', failure: { reason, transient, missing } });
    } else if (error instanceof Failed) {
      post({ type: 'failed', failure: { reason: error.message, transient: error.transient } });
    } else {
      const reason = errorMessage(error);
      post({ type: 'failed', failure: { reason, transient: true } });
    }
  }
}

await main(workerData as ArchiveTask);
