/**
 * The databases watched: each a name (its folder of history and archives) and the orchestrator's
 * SQLite file. In `serve` the one source it was started with, read-only.
 */
import { useState } from 'react';
import type { SourceView } from '../../../../shared/api.ts';
import { BUILTIN_SCHEMAS } from '../../../../shared/builtin-schemas.ts';
import { StatusBadge } from '../../components/status-badge.tsx';
import { useAction } from '../../components/use-action.ts';
import { useApi } from '../../state/dashboard-store.ts';
import { FieldError, SelectField, TextField } from './fields.tsx';
import { fieldKey } from './field-keys.ts';
import { patchRow, rowId } from './form-rows.ts';
import { isServerUrl, NO_SECRET, type SchemaKind, type SourceRow } from './settings-form.ts';
import { Panel, type SectionProps } from './panel.tsx';
import { rowSchema } from './build-settings.ts';
import { ServerSourceFields } from './server-source-fields.tsx';
import { suggestSourceName } from './source-name.ts';

/** The app's file dialog for a source's database: its path, null when cancelled. */
function useChooseDatabase() {
  const api = useApi();
  return useAction(async () => (await api.chooseDatabase({})).path, {
    done: () => null,
    failed: 'Could not open the file dialog',
  });
}

function SourceState({ row, live }: { row: SourceRow; live: SourceView | undefined }) {
  if (row.savedName === null) return <StatusBadge tone="muted">new</StatusBadge>;
  if (row.name !== row.savedName) return <StatusBadge tone="muted">renamed</StatusBadge>;
  if (!live) return <StatusBadge tone="muted">not running</StatusBadge>;
  if (live.state === 'up') return <StatusBadge tone="succeeded">watching</StatusBadge>;
  if (live.state === 'down') return <StatusBadge tone="failed">unreadable</StatusBadge>;
  return <StatusBadge tone="pending">starting</StatusBadge>;
}

/** The schema a source is read with, as its live view says: `airflow (recognised)`. */
function schemaText(schema: SourceView['schema']): string {
  if (schema === null) return '–';
  return schema.detected ? `${schema.name} (recognised)` : schema.name;
}

const SCHEMA_OPTIONS: { value: SchemaKind; label: string }[] = [
  { value: '', label: 'Recognise it' },
  ...BUILTIN_SCHEMAS.map((name) => ({ value: name, label: name })),
  { value: 'file', label: 'Mapping file…' },
];

/** How the source is read: recognised (saying what was), a built-in schema, or a mapping file. */
function SchemaField({
  row,
  label,
  recognised,
  error,
  onChange,
}: {
  row: SourceRow;
  label: string;
  recognised: SourceView['schema'];
  error: string | undefined;
  onChange: (patch: Partial<SourceRow>) => void;
}) {
  const key = fieldKey.source(row.id, 'schema');
  return (
    <div className="set-schema-field">
      <SelectField<SchemaKind>
        fieldKey={`${key}.kind`}
        label={`Schema of ${label}`}
        hiddenLabel
        value={row.schemaKind}
        options={SCHEMA_OPTIONS}
        hint={row.schemaKind === '' && recognised?.detected ? `now: ${recognised.name}` : undefined}
        onChange={(schemaKind) => onChange({ schemaKind })}
      />
      {row.schemaKind === 'file' && (
        <TextField
          fieldKey={key}
          label={`Mapping file of ${label}`}
          hiddenLabel
          mono
          value={row.schemaFile}
          placeholder="/path/to/mapping.yaml"
          error={error}
          onChange={(schemaFile) => onChange({ schemaFile })}
        />
      )}
      {row.schemaKind !== 'file' && <FieldError fieldKey={key} error={error} />}
    </div>
  );
}

export function SourcesSection({
  editor,
  live,
  readOnly,
  transport,
}: SectionProps & { live: readonly SourceView[]; readOnly: boolean }) {
  const [added, setAdded] = useState<string | null>(null);
  const choose = useChooseDatabase();
  const form = editor.session?.form;
  if (!form) return null;
  const byName = new Map(live.map((source) => [source.name, source]));

  if (readOnly) {
    return (
      <Panel id="sources" title="Sources" section="sources" transport={transport}>
        <p className="set-lead">
          <code>runwatch serve</code> watches the one database it was started with. To watch
          another, start it again with{' '}
          <code>npx --no-install runwatch serve --db /path/to/orchestration.db</code>.
        </p>
        <table className="table set-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Database</th>
              <th scope="col">Schema</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {form.sources.map((row) => (
              <tr key={row.id}>
                <td>{row.name}</td>
                <td className="mono set-path">{row.db}</td>
                <td>{schemaText(byName.get(row.name)?.schema ?? null)}</td>
                <td>
                  <SourceState row={row} live={byName.get(row.name)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    );
  }

  const set = (row: SourceRow, field: 'name' | 'db', value: string) =>
    editor.change(fieldKey.source(row.id, field), (current) => ({
      ...current,
      sources: patchRow(current.sources, row.id, { [field]: value }),
    }));
  // A chosen file also names a source that has no name yet.
  const chooseFor = async (row: SourceRow) => {
    const chosen = await choose.run();
    if (!chosen) return;
    editor.change(fieldKey.source(row.id, 'db'), (current) => {
      const others = current.sources.filter((source) => source.id !== row.id);
      const name =
        row.name ||
        suggestSourceName(
          chosen,
          others.map((source) => source.name),
        );
      return { ...current, sources: patchRow(current.sources, row.id, { db: chosen, name }) };
    });
  };

  return (
    <Panel id="sources" title="Sources" section="sources" transport={transport}>
      <p className="set-lead">
        The orchestration databases Runwatch watches. Choose each SQLite file or enter its full
        path, or enter a PostgreSQL URL (<code>postgresql://user@host:5432/db</code>); it is only
        ever read. A source’s name is the folder its history and archives are kept in.
      </p>
      <table className="table set-table">
        <thead>
          <tr>
            <th scope="col" className="set-col-name">
              Name
            </th>
            <th scope="col">Database</th>
            <th scope="col" className="set-col-schema">
              Schema
            </th>
            <th scope="col" className="set-col-state">
              State
            </th>
            <th scope="col" className="set-col-actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {form.sources.map((row, index) => {
            const label = row.name || `source ${index + 1}`;
            const renamed = row.savedName !== null && row.name !== row.savedName;
            return (
              <tr key={row.id}>
                <td>
                  <TextField
                    fieldKey={fieldKey.source(row.id, 'name')}
                    label={`Name of source ${index + 1}`}
                    hiddenLabel
                    value={row.name}
                    placeholder="prod"
                    autoFocus={added === row.id}
                    error={editor.error(fieldKey.source(row.id, 'name'))}
                    hint={
                      renamed
                        ? `Starts a new history; “${row.savedName}”’s stays on disk.`
                        : undefined
                    }
                    onChange={(value) => set(row, 'name', value)}
                  />
                </td>
                <td>
                  <div className="set-db-field">
                    <TextField
                      fieldKey={fieldKey.source(row.id, 'db')}
                      label={`Database of ${label}`}
                      hiddenLabel
                      mono
                      value={row.db}
                      placeholder="/path/to/orchestration.db"
                      error={editor.error(fieldKey.source(row.id, 'db'))}
                      onChange={(value) => set(row, 'db', value)}
                    />
                    {transport === 'ipc' && (
                      <button
                        type="button"
                        className="set-choose"
                        aria-label={`Choose the database file of ${label}`}
                        disabled={choose.busy}
                        onClick={() => void chooseFor(row)}
                      >
                        Choose…
                      </button>
                    )}
                  </div>
                  {isServerUrl(row.db) && (
                    <ServerSourceFields
                      row={row}
                      label={label}
                      schema={rowSchema(row).schema}
                      error={editor.error(fieldKey.source(row.id, 'password'))}
                      onPassword={(password) =>
                        editor.change(fieldKey.source(row.id, 'password'), (current) => ({
                          ...current,
                          sources: patchRow(current.sources, row.id, { password }),
                        }))
                      }
                    />
                  )}
                </td>
                <td>
                  <SchemaField
                    row={row}
                    label={label}
                    recognised={byName.get(row.savedName ?? '')?.schema ?? null}
                    error={editor.error(fieldKey.source(row.id, 'schema'))}
                    onChange={(patch) =>
                      editor.change(fieldKey.source(row.id, 'schema'), (current) => ({
                        ...current,
                        sources: patchRow(current.sources, row.id, patch),
                      }))
                    }
                  />
                </td>
                <td>
                  <SourceState row={row} live={byName.get(row.savedName ?? '')} />
                </td>
                <td className="set-row-actions">
                  <button
                    type="button"
                    className="quiet set-remove"
                    aria-label={`Remove source ${label}`}
                    title={
                      form.sources.length === 1
                        ? 'At least one source is needed'
                        : `Remove ${label}`
                    }
                    disabled={form.sources.length === 1}
                    onClick={() =>
                      editor.change(fieldKey.sources, (current) => ({
                        ...current,
                        sources: current.sources.filter((source) => source.id !== row.id),
                      }))
                    }
                  >
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <FieldError fieldKey={fieldKey.sources} error={editor.error(fieldKey.sources)} />
      <div className="set-footer">
        <button
          type="button"
          onClick={() => {
            const id = rowId('src');
            setAdded(id);
            editor.change([], (current) => ({
              ...current,
              sources: [
                ...current.sources,
                {
                  id,
                  name: '',
                  db: '',
                  schemaKind: '',
                  schemaFile: '',
                  password: NO_SECRET,
                  savedName: null,
                },
              ],
            }));
          }}
        >
          Add source
        </button>
      </div>
    </Panel>
  );
}
