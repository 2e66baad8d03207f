/**
 * The zip and report of a finished run, reached the way the transport allows: the desktop app
 * shows them in their folder; a browser on `runwatch serve` downloads them.
 */
import type { FinishedRunView, RunwatchApi } from '../../../shared/api.ts';
import { useAction } from '../components/use-action.ts';
import { useApi, useDashboard } from '../state/dashboard-store.ts';
import { clockText } from '../format/time-text.ts';
import { archiveState, archiveSummary, fileActions, type RunFile } from './run-files.ts';
import './run-files.css';

type FileRun = Pick<
  FinishedRunView,
  'source' | 'run_id' | 'attempt' | 'archive' | 'archive_error' | 'archive_retry_at' | 'report'
>;

async function showFile(api: RunwatchApi, run: FileRun, file: RunFile) {
  const result = await api.showRunFile({
    source: run.source,
    run_id: run.run_id,
    attempt: run.attempt,
    file,
  });
  if ('download' in result) location.assign(result.download);
  return { result, file };
}

const SHOW = {
  done: ({ result, file }: Awaited<ReturnType<typeof showFile>>) =>
    'download' in result
      ? null
      : file === 'zip'
        ? 'Shown the zip in its folder'
        : 'Opened the report',
  failed: 'Could not open the file',
};

/**
 * "Show zip" / "Open report" in the app, "Download zip" / "Download report" in a browser; in a
 * table (`compact`) just "Zip" / "Report" under a header with the verb, named in full for
 * screen readers either way.
 */
export function RunFileButtons({ run, compact = false }: { run: FileRun; compact?: boolean }) {
  const api = useApi();
  const transport = useDashboard((state) => state.snapshot?.transport ?? 'ipc');
  const { run: act, busy } = useAction((file: RunFile) => showFile(api, run, file), SHOW);
  return (
    <div className={`actions rf-buttons${compact ? ' rf-compact' : ''}`}>
      {fileActions(run, transport).map((action) => (
        <button
          key={action.file}
          type="button"
          aria-label={action.name}
          title={action.why ?? action.name}
          disabled={!action.available || busy}
          onClick={() => void act(action.file)}
        >
          {compact ? action.short : action.label}
        </button>
      ))}
    </div>
  );
}

/** The archive in a few words: size, files and ✓ verified, the error, or that it is coming. */
export function ArchiveCell({ run }: { run: FileRun }) {
  const state = archiveState(run);
  switch (state.kind) {
    case 'verified':
    case 'unverified':
      return (
        <span className="rf-archive" title={`sha256 ${state.archive.sha256}`}>
          {archiveSummary(state.archive)}{' '}
          {state.kind === 'verified' ? (
            <span className="rf-verified">✓ verified</span>
          ) : (
            <span className="rf-unverified">not verified</span>
          )}
        </span>
      );
    case 'failed':
      return <span className="rf-error">Not archived: {state.error}</span>;
    case 'retrying':
      return (
        <span className="rf-error" role="status">
          Not archived yet: {state.error}; trying again at {clockText(state.at)}
        </span>
      );
    case 'pending':
      return (
        <span className="muted rf-pending" role="status">
          archiving…
        </span>
      );
    case 'none':
      return <span className="muted">no artifacts</span>;
  }
}

/** "Open archive folder", once per source; only the desktop app can open folders. */
export function ArchiveFolderButtons({ sources }: { sources: string[] }) {
  const api = useApi();
  const transport = useDashboard((state) => state.snapshot?.transport);
  const { run: open, busy } = useAction(
    (source: string) => api.openArchiveFolder({ source }),
    OPEN_FOLDER,
  );
  if (transport !== 'ipc' || sources.length === 0) return null;
  return (
    <div className="actions">
      {sources.map((source) => (
        <button
          key={source}
          type="button"
          disabled={busy}
          onClick={() => void open(source)}
          aria-label={
            sources.length > 1 ? `Open archive folder of ${source}` : 'Open archive folder'
          }
        >
          {sources.length > 1 ? `Open ${source} archive folder` : 'Open archive folder'}
        </button>
      ))}
    </div>
  );
}

const OPEN_FOLDER = {
  done: (result: { opened: boolean }) => (result.opened ? null : 'The archive folder did not open'),
  failed: 'Could not open the archive folder',
};
