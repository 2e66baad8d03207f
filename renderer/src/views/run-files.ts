/**
 * A finished run's zip and report: what state its archive is in, and which buttons reach the
 * files — the desktop app shows them in their folder, a browser on `runwatch serve` downloads.
 */
import type { ArchiveView, FinishedRunView, Snapshot } from '../../../shared/api.ts';
import { formatBytes } from '../../../shared/bytes.ts';

export type ArchiveState =
  | { kind: 'verified'; archive: ArchiveView }
  | { kind: 'unverified'; archive: ArchiveView }
  | { kind: 'failed'; error: string }
  /** Its archive job has not ended yet (no archive, no error, no report so far). */
  | { kind: 'pending' }
  /** Finished with a report but nothing archived: the run had no artifacts. */
  | { kind: 'none' };

type ArchiveFields = Pick<FinishedRunView, 'archive' | 'archive_error' | 'report'>;

export function archiveState(run: ArchiveFields): ArchiveState {
  if (run.archive !== null) {
    return run.archive.verified
      ? { kind: 'verified', archive: run.archive }
      : { kind: 'unverified', archive: run.archive };
  }
  if (run.archive_error !== null) return { kind: 'failed', error: run.archive_error };
  // The report is written after the archive job ends: no report yet means it is still running.
  return run.report === null ? { kind: 'pending' } : { kind: 'none' };
}

/**
 * The zip in brief, each size named, since the zip is smaller than its files (or, with files
 * that do not compress, a little larger): `zip 4.20 MB · 12 files, 9.85 MB unzipped`.
 */
export function archiveSummary(archive: ArchiveView): string {
  const files = `${archive.files} file${archive.files === 1 ? '' : 's'}`;
  return `zip ${formatBytes(archive.bytes)} · ${files}, ${formatBytes(archive.files_bytes)} unzipped`;
}

/** Whether a list holds a run whose archive or report is still to come (worth asking again). */
export function anyPending(runs: readonly ArchiveFields[]): boolean {
  return runs.some((run) => archiveState(run).kind === 'pending');
}

export type RunFile = 'zip' | 'report';

export interface FileAction {
  file: RunFile;
  label: string;
  /** The label where a column header already says the verb (`filesVerb`). */
  short: string;
  /** Said to screen readers: the label with the run it is for. */
  name: string;
  available: boolean;
  /** Why it cannot be used, when not available. */
  why: string | null;
}

/** What the file buttons do, as a column header over their short labels. */
export function filesVerb(transport: Snapshot['transport']): string {
  return transport === 'serve' ? 'Download' : 'Open';
}

/** The zip and report buttons of a finished run, as the transport allows. */
export function fileActions(
  run: Pick<FinishedRunView, 'run_id' | 'attempt'> & ArchiveFields,
  transport: Snapshot['transport'],
): FileAction[] {
  const download = transport === 'serve';
  const state = archiveState(run);
  const of = run.attempt > 1 ? `${run.run_id} (attempt ${run.attempt})` : run.run_id;
  const zipWhy =
    state.kind === 'pending'
      ? 'Still archiving'
      : state.kind === 'failed'
        ? `Not archived: ${state.error}`
        : state.kind === 'none'
          ? 'Nothing was archived'
          : null;
  const zipLabel = download ? 'Download zip' : 'Show zip';
  const reportLabel = download ? 'Download report' : 'Open report';
  return [
    {
      file: 'zip',
      label: zipLabel,
      short: 'Zip',
      name: `${zipLabel} of ${of}`,
      available: run.archive !== null,
      why: zipWhy,
    },
    {
      file: 'report',
      label: reportLabel,
      short: 'Report',
      name: `${reportLabel} of ${of}`,
      available: run.report !== null,
      why: run.report === null ? 'The report is not written yet' : null,
    },
  ];
}
