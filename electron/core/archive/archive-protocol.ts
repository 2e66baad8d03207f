import type { ListedFile, SkippedFile } from './artifact-listing.ts';
import type { ArtifactPolicy } from './artifact-policy.ts';

/**
 * The listing taken before zipping, kept with the job so that a zip left under its final name
 * by a crash can be adopted. It travels as JSON text: one string crosses threads and goes into
 * state.db without the main thread walking 50,000 objects.
 */
export interface StoredListing {
  files: ListedFile[];
  skipped: SkippedFile[];
}

/** What the archive worker is asked to do. */
export type ArchiveTask =
  | {
      /** List the folder, zip it into `tmpPath`, verify it, and re-stat every source file. */
      kind: 'build';
      artifactsDir: string;
      /** Where the folder may be and how much it may hold. */
      policy: ArtifactPolicy;
      tmpPath: string;
    }
  | {
      /** Check a zip left under its final name against the listing taken before it was written. */
      kind: 'adopt';
      zipPath: string;
      /** A `StoredListing` as JSON. */
      listingJson: string;
    };

export interface ArchiveOutcome {
  files: number;
  skipped: SkippedFile[];
  /** A `StoredListing` as JSON. */
  listingJson: string;
  /** Bytes of the archived files. */
  bytes: number;
  /** Size of the zip itself. */
  zipSize: number;
  sha256: string;
  /** Entries stored as they are (compressed already) rather than deflated. */
  stored: number;
  /** Cores found free, and so the blocks deflated or entries inflated at once. */
  cores: number;
  /** Where the time went, for the log and the benchmark. */
  timings: { listMs: number; zipMs: number; verifyMs: number };
}

/** Why a try failed; `missing`: the artifacts folder does not exist. */
export type ArchiveFailure = { reason: string; transient: boolean; missing?: boolean };

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
