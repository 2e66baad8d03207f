/**
 * Settings: the sources watched, thresholds, channels (tested before they are saved), quiet
 * hours, archiving and start at login, edited as one form and saved in one piece with the same
 * schema the store checks; and silences, which apply at once.
 */
import { useEffect, useMemo } from 'react';
import type { AlertsView } from '../../../shared/api.ts';
import { useDashboard } from '../state/dashboard-store.ts';
import { AppliesContext } from './settings/applies-context.ts';
import { ChannelsSection } from './settings/channels-section.tsx';
import { GeneralSection } from './settings/general-section.tsx';
import { QuietHoursSection } from './settings/quiet-hours-section.tsx';
import { SilencesSection } from './settings/silences-section.tsx';
import { SourcesSection } from './settings/sources-section.tsx';
import { ThresholdsSection } from './settings/thresholds-section.tsx';
import { useSettingsEditor, type SettingsEditor } from './settings/use-settings-editor.ts';
import './settings/settings.css';

const NO_ALERTS: Record<string, AlertsView> = {};

/** Pipelines seen running, offered while typing a pattern or a silence. */
function PipelineOptions() {
  const runs = useDashboard((state) => state.snapshot?.runs);
  const names = useMemo(() => [...new Set((runs ?? []).map((run) => run.pipeline))].sort(), [runs]);
  return (
    <datalist id="settings-pipelines">
      {names.map((name) => (
        <option key={name} value={name} />
      ))}
    </datalist>
  );
}

const SECTIONS: { id: string; label: string; serve: boolean }[] = [
  { id: 'sources', label: 'Sources', serve: true },
  { id: 'thresholds', label: 'Thresholds', serve: true },
  { id: 'channels', label: 'Channels', serve: true },
  { id: 'quiet', label: 'Quiet hours', serve: true },
  { id: 'archive', label: 'Archive', serve: true },
  { id: 'app', label: 'App', serve: false },
  { id: 'silences', label: 'Silences', serve: true },
];

function SaveBar({ editor, transport }: { editor: SettingsEditor; transport: 'ipc' | 'serve' }) {
  const { validation, dirty, saving, hiddenProblems } = editor;
  const problems = validation ? validation.errors.size + validation.general.length : 0;
  const status = saving
    ? 'Saving…'
    : !dirty
      ? 'No unsaved changes'
      : problems > 0
        ? `${problems} problem${problems === 1 ? '' : 's'} to fix before saving`
        : 'Unsaved changes';
  return (
    <div className="set-bar">
      <nav className="set-jump" aria-label="Settings sections">
        {SECTIONS.filter((section) => transport === 'ipc' || section.serve).map((section) => (
          <button
            key={section.id}
            type="button"
            className="quiet"
            onClick={() =>
              document
                .getElementById(`settings-${section.id}`)
                ?.scrollIntoView({ behavior: 'smooth', block: 'start' })
            }
          >
            {section.label}
          </button>
        ))}
      </nav>
      <div className="set-bar-actions">
        <span className={`set-bar-status${dirty && problems > 0 ? ' set-bad' : ''}`}>
          {status}
          {dirty && hiddenProblems > 0 && (
            <>
              {' '}
              <button type="button" className="link" onClick={editor.showProblems}>
                Show
              </button>
            </>
          )}
        </span>
        <button type="button" disabled={!dirty || saving} onClick={editor.revert}>
          Revert
        </button>
        <button
          type="button"
          className="primary"
          disabled={!dirty || problems > 0 || saving}
          onClick={() => void editor.save()}
        >
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </div>
  );
}

export function SettingsView() {
  const transport = useDashboard((state) => state.snapshot?.transport ?? 'ipc');
  const sources = useDashboard((state) => state.snapshot?.sources);
  const alerts = useDashboard((state) => state.snapshot?.alerts ?? NO_ALERTS);
  const editor = useSettingsEditor(transport);
  const live = sources ?? [];
  const sourceNames = useMemo(() => (sources ?? []).map((source) => source.name), [sources]);
  const session = editor.session;
  const section = useDashboard((state) =>
    state.route.view === 'settings' ? state.route.section : undefined,
  );
  const ready = session !== null;
  // Asked for a part of the settings (the channels, when alerts reach nobody): shown first.
  useEffect(() => {
    if (ready && section !== undefined) {
      document.getElementById(`settings-${section}`)?.scrollIntoView({ block: 'start' });
    }
  }, [ready, section]);

  return (
    <div className="set-view">
      <h2 className="view-title">
        Settings
        {session && session.view.sources_read_only && <small>runwatch serve</small>}
      </h2>
      <PipelineOptions />

      {editor.state === 'loading' && (
        <p className="loading" role="status">
          Loading settings…
        </p>
      )}
      {editor.state === 'failed' && editor.loadError && (
        <div className="banner banner--error" role="alert">
          <p className="set-banner-text">Could not load the settings: {editor.loadError.message}</p>
          {editor.loadError.code === 'unreadable' && (
            <p className="set-banner-text">
              Starting over shows fresh settings for the sources being watched; saving them replaces
              the settings file, and its secrets must be entered again.
            </p>
          )}
          <div className="actions">
            <button type="button" onClick={editor.reload}>
              Try again
            </button>
            {editor.loadError.code === 'unreadable' && (
              <button
                type="button"
                onClick={() =>
                  editor.startOver(
                    live.map((source) => ({ name: source.name, db: source.db })),
                    transport,
                  )
                }
              >
                Start over with fresh settings
              </button>
            )}
          </div>
        </div>
      )}

      {session && (
        <AppliesContext value={session.view.applies}>
          <SaveBar editor={editor} transport={transport} />
          <form
            className="set-form"
            noValidate
            aria-label="Settings"
            onSubmit={(event) => {
              event.preventDefault();
              void editor.save();
            }}
          >
            <SourcesSection
              editor={editor}
              live={live}
              readOnly={session.view.sources_read_only}
              transport={transport}
            />
            <ThresholdsSection editor={editor} transport={transport} />
            <ChannelsSection
              editor={editor}
              view={session.view}
              alerts={alerts}
              transport={transport}
            />
            <QuietHoursSection editor={editor} transport={transport} />
            <GeneralSection editor={editor} transport={transport} />
          </form>
        </AppliesContext>
      )}
      <SilencesSection sources={sourceNames} transport={transport} />
    </div>
  );
}
