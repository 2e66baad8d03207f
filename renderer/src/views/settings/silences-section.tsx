/**
 * Silences added from the dashboard: what each holds back and until when, removed with one click;
 * and a new one, for a while. They take effect at once, apart from Save.
 */
import { useState } from 'react';
import type { SilenceView } from '../../../../shared/api.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { useAction } from '../../components/use-action.ts';
import { useNow } from '../../components/use-now.ts';
import { useRequest } from '../../components/use-request.ts';
import { localText } from '../../format/time-text.ts';
import { useApi } from '../../state/dashboard-store.ts';
import { inputId } from './field-keys.ts';
import { FieldError, SelectField, TextField } from './fields.tsx';
import { Panel } from './panel.tsx';
import { RemoveButton } from './remove-button.tsx';
import { patchRow, rowId } from './form-rows.ts';
import {
  buildSilence,
  matchText,
  SILENCE_FIELDS,
  silenceKey,
  timeLeftText,
  type ConditionRow,
  type SilenceForm,
} from './silence-form.ts';

const PRESETS = ['1h', '4h', '1d', '7d'];

function newCondition(): ConditionRow {
  return { id: rowId('cond'), field: 'pipeline', mode: 'is', value: '' };
}

export function SilencesSection({
  sources,
  transport,
}: {
  sources: readonly string[];
  transport: 'ipc' | 'serve';
}) {
  const api = useApi();
  const now = useNow(30_000);
  const [version, setVersion] = useState(0);
  const list = useRequest(() => api.listSilences({}), [version]);
  const silences = list.value ?? [];
  const many = sources.length > 1;

  const [form, setForm] = useState<SilenceForm>(() => ({
    source: sources[0] ?? '',
    conditions: [newCondition()],
    duration: '2h',
    comment: '',
  }));
  const [tried, setTried] = useState(false);
  const source = sources.includes(form.source) ? form.source : (sources[0] ?? '');
  const built = buildSilence({ ...form, source }, now);
  const errors = tried && !built.ok ? built.errors : new Map<string, string>();

  const remove = useAction(
    (silence: SilenceView) => api.removeSilence({ source: silence.source, id: silence.id }),
    {
      done: () => 'Silence removed',
      failed: 'Could not remove the silence',
    },
  );
  const add = useAction((params: Parameters<typeof api.addSilence>[0]) => api.addSilence(params), {
    done: (silence) => `Silenced until ${localText(silence.until)}`,
    failed: 'Could not add the silence',
  });

  const submit = async () => {
    setTried(true);
    // Until is worked out when the button is pressed, not when the page last drew.
    const checked = buildSilence({ ...form, source }, Date.now());
    if (!checked.ok) {
      const first = [...checked.errors.keys()][0];
      if (first) document.getElementById(inputId(first))?.focus();
      return;
    }
    const added = await add.run(checked.params);
    if (added) {
      setVersion((count) => count + 1);
      setTried(false);
      setForm((current) => ({ ...current, conditions: [newCondition()], comment: '' }));
    }
  };

  const setCondition = (row: ConditionRow, patch: Partial<ConditionRow>) =>
    setForm((current) => ({ ...current, conditions: patchRow(current.conditions, row.id, patch) }));

  return (
    <Panel id="silences" title="Silences" transport={transport}>
      <p className="set-lead">
        A silence holds back the alerts it matches until it ends. Silences take effect at once; they
        are not part of Save.
      </p>
      {list.state === 'failed' && (
        <p className="field-error" role="alert">
          Could not load the silences: {list.error}
        </p>
      )}
      {list.state === 'loading' && list.value === null ? (
        <p className="loading">Loading silences…</p>
      ) : silences.length === 0 ? (
        <EmptyState title="No silences">
          <p className="muted">Every alert goes out as its rules say.</p>
        </EmptyState>
      ) : (
        <table className="table set-table">
          <thead>
            <tr>
              {many && <th scope="col">Source</th>}
              <th scope="col">Holds back</th>
              <th scope="col">Until</th>
              <th scope="col">Comment</th>
              <th scope="col" className="set-col-actions">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {silences.map((silence) => {
              const what = matchText(silence.match);
              return (
                <tr key={`${silence.source}/${silence.id}`}>
                  {many && <td>{silence.source}</td>}
                  <td className="mono">{what}</td>
                  <td>
                    <time dateTime={silence.until}>{localText(silence.until)}</time>{' '}
                    <span className="muted">· {timeLeftText(Date.parse(silence.until), now)}</span>
                  </td>
                  <td>{silence.comment ?? <span className="muted">–</span>}</td>
                  <td className="set-row-actions">
                    <button
                      type="button"
                      aria-label={`Remove silence ${what}`}
                      disabled={remove.busy}
                      onClick={() =>
                        void remove.run(silence).then((done) => {
                          if (done) setVersion((count) => count + 1);
                        })
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
      )}

      <form
        className="set-silence-form"
        aria-labelledby="settings-add-silence"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <h3 id="settings-add-silence" className="set-subhead">
          Add a silence
        </h3>
        {many && (
          <div className="set-grid">
            <SelectField
              fieldKey={silenceKey.source}
              label="Source"
              value={source}
              options={sources.map((name) => ({ value: name, label: name }))}
              onChange={(value) => setForm((current) => ({ ...current, source: value }))}
            />
          </div>
        )}
        <fieldset className="set-conditions">
          <legend>Alerts whose event matches all of</legend>
          {form.conditions.map((row, index) => {
            const key = silenceKey.condition(row.id);
            return (
              <div className="set-condition" key={row.id}>
                <SelectField
                  fieldKey={`${key}-field`}
                  label={`Field of condition ${index + 1}`}
                  hiddenLabel
                  value={row.field}
                  options={SILENCE_FIELDS.map((field) => ({ value: field, label: field }))}
                  onChange={(field) => setCondition(row, { field })}
                />
                <SelectField
                  fieldKey={`${key}-mode`}
                  label={`How condition ${index + 1} compares`}
                  hiddenLabel
                  value={row.mode}
                  options={[
                    { value: 'is', label: 'is' },
                    { value: 'regex', label: 'matches regex' },
                  ]}
                  onChange={(mode) => setCondition(row, { mode })}
                />
                <TextField
                  fieldKey={key}
                  label={`Value of condition ${index + 1}`}
                  hiddenLabel
                  mono
                  list={
                    row.field === 'pipeline' && row.mode === 'is' ? 'settings-pipelines' : undefined
                  }
                  placeholder={
                    row.mode === 'regex'
                      ? 'etl-.*'
                      : row.field === 'pipeline'
                        ? 'etl-nightly'
                        : 'value'
                  }
                  value={row.value}
                  error={errors.get(key)}
                  onChange={(value) => setCondition(row, { value })}
                />
                {form.conditions.length > 1 && (
                  <RemoveButton
                    what={`condition ${index + 1}`}
                    onRemove={() =>
                      setForm((current) => ({
                        ...current,
                        conditions: current.conditions.filter((other) => other.id !== row.id),
                      }))
                    }
                  />
                )}
              </div>
            );
          })}
          <button
            type="button"
            className="link"
            onClick={() =>
              setForm((current) => ({
                ...current,
                conditions: [...current.conditions, newCondition()],
              }))
            }
          >
            Add condition
          </button>
        </fieldset>
        <div className="set-grid">
          <div className="set-field">
            <label htmlFor={inputId(silenceKey.duration)}>For</label>
            <div className="set-duration">
              <input
                id={inputId(silenceKey.duration)}
                value={form.duration}
                autoComplete="off"
                aria-invalid={errors.has(silenceKey.duration) ? true : undefined}
                aria-describedby={`${inputId(silenceKey.duration)}-until ${errors.has(silenceKey.duration) ? `${inputId(silenceKey.duration)}-error` : ''}`.trim()}
                onChange={(event) =>
                  setForm((current) => ({ ...current, duration: event.target.value }))
                }
              />
              {PRESETS.map((preset) => (
                <button
                  key={preset}
                  type="button"
                  className={`set-chip${form.duration === preset ? ' set-chip--on' : ''}`}
                  aria-pressed={form.duration === preset}
                  onClick={() => setForm((current) => ({ ...current, duration: preset }))}
                >
                  {preset}
                </button>
              ))}
            </div>
            <p id={`${inputId(silenceKey.duration)}-until`} className="set-hint">
              {built.ok ? `Until ${localText(built.params.until)}` : 'Like 2h, 1d or 90m.'}
            </p>
            <FieldError fieldKey={silenceKey.duration} error={errors.get(silenceKey.duration)} />
          </div>
          <TextField
            fieldKey="silence.comment"
            label="Comment"
            wide
            placeholder="why, for the others (optional)"
            value={form.comment}
            onChange={(comment) => setForm((current) => ({ ...current, comment }))}
          />
        </div>
        <div className="set-footer">
          <button type="submit" className="primary" disabled={add.busy || sources.length === 0}>
            {add.busy ? 'Adding…' : 'Add silence'}
          </button>
        </div>
      </form>
    </Panel>
  );
}
