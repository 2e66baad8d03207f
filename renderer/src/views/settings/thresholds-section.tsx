/**
 * When a run is judged stalled, late or overdue: the global thresholds as durations ("30m"), and
 * per-pipeline overrides by glob, tried in order.
 */
import { useState } from 'react';
import { TextField } from './fields.tsx';
import { fieldKey } from './field-keys.ts';
import { emptyFieldValue, inForceLines, overridesInForce } from './in-force.ts';
import { moveRow, patchRow, rowId } from './form-rows.ts';
import { MONITOR_KEYS, type MonitorKey, type OverrideRow } from './settings-form.ts';
import { Panel, type SectionProps } from './panel.tsx';
import { RemoveButton } from './remove-button.tsx';

/** Each threshold's label and what it does. */
const THRESHOLDS: Record<MonitorKey, { label: string; hint: string }> = {
  stall_after: {
    label: 'Stalled after',
    hint: 'A running run with no progress this long is stalled.',
  },
  source_grace: {
    label: 'Database down after',
    hint: 'How long the database may be unreadable before a source_down alert.',
  },
  stale_after: {
    label: 'Stale after',
    hint: 'A run first seen idle this long is recorded as stale, without alerts.',
  },
  max_alert_age: {
    label: 'Late after',
    hint: 'Events found this long after they happened are marked late.',
  },
  settle: {
    label: 'Settle for',
    hint: 'Wait this long before finishing a run on its steps alone.',
  },
  poll: {
    label: 'Check every',
    hint: 'How often the database is read while runs are moving.',
  },
  keep_history: {
    label: 'Keep history for',
    hint: 'Events, finished runs and alert deliveries older than this are removed.',
  },
};

export function ThresholdsSection({ editor, transport }: SectionProps) {
  const [added, setAdded] = useState<string | null>(null);
  const form = editor.session?.form;
  if (!form) return null;
  const inForce = editor.session?.view.in_force ?? [];
  const overridesNow = overridesInForce(inForce);

  const setOverride = (
    row: OverrideRow,
    field: 'pattern' | 'stall_after' | 'max_duration',
    value: string,
  ) =>
    editor.change(fieldKey.override(row.id, field), (current) => ({
      ...current,
      overrides: patchRow(current.overrides, row.id, { [field]: value }),
    }));
  const move = (row: OverrideRow, by: number) =>
    editor.change([], (current) => ({
      ...current,
      overrides: moveRow(current.overrides, row.id, by),
    }));

  return (
    <Panel id="thresholds" title="Thresholds" section="monitor" transport={transport}>
      <p className="set-lead">
        Durations like <code>45s</code>, <code>30m</code> or <code>1h 30m</code>. An empty field
        takes the value shown in grey: the demo’s, else the <code>monitor:</code> section of
        alerts.yaml’s, else the built-in default. Under each field, the value in force now.
        {transport === 'serve' && (
          <>
            {' '}
            A <code>--stall-after</code> or <code>--poll</code> given to serve beats these.
          </>
        )}
      </p>
      <div className="set-grid">
        {MONITOR_KEYS.map((key) => {
          const info = THRESHOLDS[key];
          const now = inForceLines(key, inForce);
          return (
            <TextField
              key={key}
              fieldKey={fieldKey.monitor(key)}
              label={info.label}
              hint={
                <>
                  {info.hint}
                  {now.length > 0 && (
                    <span className="set-in-force" data-threshold={key}>
                      In force: {now.join('; ')}
                    </span>
                  )}
                </>
              }
              value={form.monitor[key]}
              placeholder={emptyFieldValue(key, inForce)}
              error={editor.error(fieldKey.monitor(key))}
              onChange={(value) =>
                editor.change(fieldKey.monitor(key), (current) => ({
                  ...current,
                  monitor: { ...current.monitor, [key]: value },
                }))
              }
            />
          );
        })}
      </div>

      <h3 className="set-subhead">Per pipeline</h3>
      <p className="set-lead">
        Pipelines by name, with <code>*</code> for any characters, <code>?</code> for one and{' '}
        <code>[a-z]</code> for one of a set. For each pipeline the first row that matches and sets a
        value wins; these rows come before alerts.yaml’s <code>pipelines:</code>.
      </p>
      {form.overrides.length > 0 && (
        <table className="table set-table">
          <thead>
            <tr>
              <th scope="col">Pipelines</th>
              <th scope="col">Stalled after</th>
              <th scope="col">Overdue after</th>
              <th scope="col" className="set-col-actions">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {form.overrides.map((row, index) => {
              const label = row.pattern || `row ${index + 1}`;
              return (
                <tr key={row.id}>
                  <td>
                    <TextField
                      fieldKey={fieldKey.override(row.id, 'pattern')}
                      label={`Pipelines of override ${index + 1}`}
                      hiddenLabel
                      mono
                      list="settings-pipelines"
                      autoFocus={added === row.id}
                      value={row.pattern}
                      placeholder="train-*"
                      error={editor.error(fieldKey.override(row.id, 'pattern'))}
                      onChange={(value) => setOverride(row, 'pattern', value)}
                    />
                  </td>
                  <td>
                    <TextField
                      fieldKey={fieldKey.override(row.id, 'stall_after')}
                      label={`Stalled after, for ${label}`}
                      hiddenLabel
                      value={row.stall_after}
                      placeholder="global"
                      error={editor.error(fieldKey.override(row.id, 'stall_after'))}
                      onChange={(value) => setOverride(row, 'stall_after', value)}
                    />
                  </td>
                  <td>
                    <TextField
                      fieldKey={fieldKey.override(row.id, 'max_duration')}
                      label={`Overdue after, for ${label}`}
                      hiddenLabel
                      value={row.max_duration}
                      placeholder="never"
                      error={editor.error(fieldKey.override(row.id, 'max_duration'))}
                      onChange={(value) => setOverride(row, 'max_duration', value)}
                    />
                  </td>
                  <td className="set-row-actions">
                    <button
                      type="button"
                      className="quiet"
                      aria-label={`Move ${label} up`}
                      title="Move up"
                      disabled={index === 0}
                      onClick={() => move(row, -1)}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="quiet"
                      aria-label={`Move ${label} down`}
                      title="Move down"
                      disabled={index === form.overrides.length - 1}
                      onClick={() => move(row, 1)}
                    >
                      ↓
                    </button>
                    <RemoveButton
                      what={`override ${label}`}
                      onRemove={() =>
                        editor.change([], (current) => ({
                          ...current,
                          overrides: current.overrides.filter((other) => other.id !== row.id),
                        }))
                      }
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {overridesNow.length > 0 && (
        <div className="set-in-force-list">
          <h4 className="set-in-force-title">In force now, in the order tried</h4>
          <ul aria-label="Per-pipeline overrides in force">
            {overridesNow.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="set-footer">
        <button
          type="button"
          onClick={() => {
            const id = rowId('ov');
            setAdded(id);
            editor.change([], (current) => ({
              ...current,
              overrides: [
                ...current.overrides,
                { id, pattern: '', stall_after: '', max_duration: '' },
              ],
            }));
          }}
        >
          Add pipeline override
        </button>
      </div>
    </Panel>
  );
}
