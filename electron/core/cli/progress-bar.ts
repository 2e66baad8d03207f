import { formatBytes } from '../../../shared/bytes.ts';

export interface BarProgress {
  phase: 'zip' | 'verify';
  files: number;
  bytes: number;
  totalFiles: number;
  /** Null when not known ahead (a zip's entries say their sizes only as they are read). */
  totalBytes: number | null;
}

const PHASES = { zip: 'zipping  ', verify: 'verifying' } as const;

/** One line of the archive progress bar, at most `width` columns: bar, files, bytes. */
export function progressLine(progress: BarProgress, width: number): string {
  const { phase, files, bytes, totalFiles, totalBytes } = progress;
  const share =
    totalBytes !== null && totalBytes > 0
      ? Math.min(1, bytes / totalBytes)
      : totalFiles > 0
        ? Math.min(1, files / totalFiles)
        : 1;
  const ofBytes = totalBytes === null ? '' : `/${formatBytes(totalBytes)}`;
  const counts = `${files.toLocaleString('en-US')}/${totalFiles.toLocaleString('en-US')} files  ${formatBytes(bytes)}${ofBytes}`;
  const percent = `${String(Math.floor(share * 100)).padStart(3)}%`;
  const fixed = `${PHASES[phase]} [] ${percent}  ${counts}`.length;
  const barWidth = Math.max(10, Math.min(40, width - fixed));
  const filled = Math.round(share * barWidth);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}`;
  return `${PHASES[phase]} [${bar}] ${percent}  ${counts}`.slice(0, Math.max(width, 20));
}
