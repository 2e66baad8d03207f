/** Archiving of finished runs, the alerts.yaml used, and starting at login (the app only). */
import { CheckboxField, TextAreaField, TextField } from './fields.tsx';
import { fieldKey } from './field-keys.ts';
import { Panel, type SectionProps } from './panel.tsx';
import type { ArchiveForm } from './settings-form.ts';

export function GeneralSection({ editor, transport }: SectionProps) {
  const form = editor.session?.form;
  if (!form) return null;
  const serve = transport === 'serve';
  const setArchive = (field: keyof ArchiveForm, value: boolean | string) =>
    editor.change(fieldKey.archive(field), (current) => ({
      ...current,
      archive: { ...current.archive, [field]: value },
    }));

  return (
    <>
      <Panel id="archive" title="Archive" section="archive" transport={transport}>
        <CheckboxField
          fieldKey={fieldKey.archive('enabled')}
          label="Archive each finished run’s artifacts as a zip"
          hint="Each finished run’s artifacts folder is zipped, and the zip verified, beside the run’s report."
          checked={form.archive.enabled}
          error={editor.error(fieldKey.archive('enabled'))}
          onChange={(enabled) => setArchive('enabled', enabled)}
        />
        {serve ? (
          <p className="set-lead set-lead--after">
            How long archives are kept is set by <code>--archive-keep-days</code> and{' '}
            <code>--archive-max-gb</code> when serve starts.
          </p>
        ) : (
          <div className="set-grid set-grid--indented">
            <TextField
              fieldKey={fieldKey.archive('keep_days')}
              label="Keep for (days)"
              inputMode="numeric"
              placeholder="forever"
              value={form.archive.keep_days}
              error={editor.error(fieldKey.archive('keep_days'))}
              onChange={(value) => setArchive('keep_days', value)}
            />
            <TextField
              fieldKey={fieldKey.archive('max_gb')}
              label="Keep at most (GB)"
              inputMode="decimal"
              placeholder="no limit"
              hint="The oldest archives go first."
              value={form.archive.max_gb}
              error={editor.error(fieldKey.archive('max_gb'))}
              onChange={(value) => setArchive('max_gb', value)}
            />
          </div>
        )}
        <div className="set-grid set-grid--indented">
          <TextAreaField
            fieldKey={fieldKey.archive('artifact_roots')}
            label="Also archive artifacts folders under"
            wide
            placeholder="/mnt/pipeline-outputs"
            hint="One full path per line. An artifacts folder is archived only when it lies under the database’s own folder or one of these (symlinks resolved); any other, and /proc, /sys or /dev, is refused."
            value={form.archive.artifact_roots}
            error={editor.error(fieldKey.archive('artifact_roots'))}
            onChange={(value) => setArchive('artifact_roots', value)}
          />
          <TextField
            fieldKey={fieldKey.archive('max_files_per_run')}
            label="Files per archive, at most"
            inputMode="numeric"
            placeholder="100000"
            value={form.archive.max_files_per_run}
            error={editor.error(fieldKey.archive('max_files_per_run'))}
            onChange={(value) => setArchive('max_files_per_run', value)}
          />
          <TextField
            fieldKey={fieldKey.archive('max_gb_per_run')}
            label="GB per archive, at most"
            inputMode="decimal"
            placeholder="50"
            hint="A folder that holds more is refused, not archived in part."
            value={form.archive.max_gb_per_run}
            error={editor.error(fieldKey.archive('max_gb_per_run'))}
            onChange={(value) => setArchive('max_gb_per_run', value)}
          />
        </div>
      </Panel>

      {!serve && (
        <Panel id="app" title="App" transport={transport}>
          <div className="set-grid">
            <TextField
              fieldKey={fieldKey.alertsConfig}
              label="Alert rules file"
              wide
              mono
              placeholder="the alerts.yaml shipped with Runwatch"
              hint="The full path of an alerts.yaml with your rules and channels; empty: the shipped one. Takes effect at the next start."
              value={form.alerts_config}
              error={editor.error(fieldKey.alertsConfig)}
              onChange={(alerts_config) =>
                editor.change(fieldKey.alertsConfig, (current) => ({ ...current, alerts_config }))
              }
            />
          </div>
          <CheckboxField
            fieldKey={fieldKey.startAtLogin}
            label="Start Runwatch when I log in"
            hint="Applies on save: watching starts without opening the app."
            checked={form.start_at_login}
            error={editor.error(fieldKey.startAtLogin)}
            onChange={(start_at_login) =>
              editor.change(fieldKey.startAtLogin, (current) => ({ ...current, start_at_login }))
            }
          />
        </Panel>
      )}
    </>
  );
}
