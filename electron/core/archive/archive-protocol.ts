import type { ListedFile, SkippedFile } from './artifact-listing.ts';

/** What the archive worker is asked to do. */
export type ArchiveTask =
  | {
      /** List the folder, zip it into `tmpPath`, verify it, and re-stat every source file. */
      kind: 'build';
      artifactsDir: string;
      tmpPath: string;
    }
  | {
      /** Check a zip left under its final name against the listing taken before it was written. */
      kind: 'adopt';
      zipPath: string;
      files: ListedFile[];
    };

export interface ArchiveOutcome {
  files: ListedFile[];
  skipped: SkippedFile[];
  /** Bytes of the archived files. */
  bytes: number;
  /** Size of the zip itself. */
  zipSize: number;
  sha256: string;
  /** Entries stored as they are (compressed already) rather than deflated. */
  stored: number;
  /** Where the time went, for the log and the benchmark. */
  timings: { listMs: number; zipMs: number; verifyMs: number };
}

export type ArchiveFailure = { reason: string; transient: boolean };

export type WorkerMessage =
  | {
      type: 'progress';
      phase: 'zip' | 'verify';
      files: number;
      bytes: number;
      totalFiles: number;
      totalBytes: number;
    }
  | { type: 'done'; outcome: ArchiveOutcome }
  | { type: 'failed'; failure: ArchiveFailure };
