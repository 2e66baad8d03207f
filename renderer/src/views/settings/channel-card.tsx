/**
 * One channel: its fields checked as they are typed with the channel's schema, its secrets kept
 * or replaced, and a Test that sends a marked alert through it as entered (with the saved
 * secrets it still keeps) and shows what the receiver answered.
 */
import { useState } from 'react';
import type { TestResult } from '../../../../shared/api.ts';
import { errorMessage } from '../../../../shared/error-message.ts';
import { SEVERITIES, type Severity } from '../../../../shared/severity.ts';
import { StatusBadge } from '../../components/status-badge.tsx';
import { useApi } from '../../state/dashboard-store.ts';
import { SecretInput, SelectField, TextField } from './fields.tsx';
import { fieldKey } from './field-keys.ts';
import { RemoveButton } from './remove-button.tsx';
import { patchRow, rowId } from './form-rows.ts';
import {
  CHANNEL_TYPES,
  type ChannelForm,
  type ChannelType,
  type HeaderRow,
  type SecretField,
} from './settings-form.ts';
import { keptSecrets } from './build-settings.ts';
import { channelTest, testResultText } from './settings-validation.ts';
import type { SettingsEditor } from './use-settings-editor.ts';

export const TYPE_LABELS: Record<ChannelType, string> = {
  slack: 'Slack',
  webhook: 'Webhook',
  email: 'Email (SMTP)',
};

const SEVERITY_OPTIONS = SEVERITIES.map((severity) => ({
  value: severity,
  label: severity === 'info' ? 'info (everything)' : `${severity} and above`,
}));

type TestState =
  | { state: 'busy'; signature: string }
  | { state: 'done'; signature: string; ok: boolean; text: string };

export function ChannelCard({
  channel,
  editor,
  inactive,
  autoFocus,
}: {
  channel: ChannelForm;
  editor: SettingsEditor;
  /** Why the channel of this name does not send, as the running config says. */
  inactive: string | null;
  autoFocus: boolean;
}) {
  const api = useApi();
  const [test, setTest] = useState<TestState | null>(null);
  const key = (field: string) => fieldKey.channel(channel.id, field);
  const error = (field: string) => editor.error(key(field));
  const title = channel.name.trim() || 'new channel';

  const set = (field: string, patch: Partial<ChannelForm>) =>
    editor.change(key(field), (form) => ({
      ...form,
      channels: patchRow(form.channels, channel.id, patch),
    }));
  const text = (field: 'name' | 'rate_limit' | 'host' | 'port' | 'user' | 'from' | 'to') => ({
    fieldKey: key(field),
    value: channel[field],
    error: error(field),
    onChange: (value: string) => set(field, { [field]: value }),
  });
  const secret = (field: 'webhook_url' | 'url' | 'secret' | 'password') => ({
    fieldKey: key(field),
    secret: channel[field],
    error: error(field),
    onChange: (value: SecretField) => set(field, { [field]: value }),
  });
  const setHeaders = (keys: string[], headers: (rows: HeaderRow[]) => HeaderRow[]) =>
    editor.change(keys, (form) => ({
      ...form,
      channels: form.channels.map((row) =>
        row.id === channel.id ? { ...row, headers: headers(row.headers) } : row,
      ),
    }));

  const testable = channelTest(channel);
  const signature = testable.ready ? JSON.stringify(testable.request) : '';
  const withSaved = testable.ready && keptSecrets(channel).length > 0;
  // A result is about the channel as it was sent: once it changes, the result goes.
  const shown = test !== null && test.signature === signature ? test : null;
  const runTest = async () => {
    if (!testable.ready) return;
    setTest({ state: 'busy', signature });
    let result: TestResult | null = null;
    let failure: string | null = null;
    try {
      result = await api.testChannel(testable.request);
    } catch (thrown) {
      failure = errorMessage(thrown);
    }
    setTest({
      state: 'done',
      signature,
      ok: result?.ok ?? false,
      text: result ? testResultText(result) : `Failed: ${failure ?? 'no answer'}`,
    });
  };

  return (
    <article className="set-card" aria-labelledby={`${key('name')}-title`}>
      <header className="set-card-head">
        <h3 id={`${key('name')}-title`}>
          <span className="set-card-type">{TYPE_LABELS[channel.type]}</span>
          <span className="set-card-name">{title}</span>
          {inactive !== null && <StatusBadge tone="warning">not sending</StatusBadge>}
          {channel.savedName === null && <StatusBadge tone="info">new</StatusBadge>}
        </h3>
        <RemoveButton
          what={`channel ${title}`}
          onRemove={() =>
            editor.change([], (form) => ({
              ...form,
              channels: form.channels.filter((row) => row.id !== channel.id),
            }))
          }
        />
      </header>
      {inactive !== null && (
        <p className="set-inline-warning">
          The running config says: {inactive}. Saving this channel replaces it.
        </p>
      )}
      <div className="set-grid">
        <TextField
          {...text('name')}
          label="Name"
          mono
          autoFocus={autoFocus}
          placeholder="slack"
          hint="Rules in alerts.yaml send to channels by this name."
        />
        {channel.savedType === null && (
          <SelectField
            fieldKey={key('type')}
            label="Type"
            value={channel.type}
            error={error('type')}
            options={CHANNEL_TYPES.map((type) => ({ value: type, label: TYPE_LABELS[type] }))}
            onChange={(type) => set('type', { type })}
          />
        )}
        {channel.type === 'slack' && (
          <SecretInput
            {...secret('webhook_url')}
            label="Webhook URL"
            what="webhook URL"
            wide
            placeholder="https://hooks.slack.com/services/…"
          />
        )}
        {channel.type === 'webhook' && (
          <>
            <SecretInput
              {...secret('url')}
              label="URL"
              what="URL"
              wide
              placeholder="https://example.org/runwatch"
              hint={channel.url.kept ? undefined : 'Each alert is POSTed here as JSON.'}
            />
            <SecretInput
              {...secret('secret')}
              label="Signing secret"
              what="signing secret"
              masked
              placeholder="none"
              hint={
                channel.secret.kept
                  ? undefined
                  : 'Signs each body: X-Runwatch-Signature: sha256=<HMAC>. Empty: unsigned.'
              }
            />
          </>
        )}
        {channel.type === 'email' && (
          <>
            <TextField {...text('host')} label="SMTP host" mono placeholder="smtp.example.org" />
            <TextField {...text('port')} label="Port" inputMode="numeric" placeholder="587" />
            <TextField {...text('user')} label="User" placeholder="none" />
            <SecretInput
              {...secret('password')}
              label="Password"
              what="password"
              masked
              placeholder="none"
            />
            <TextField {...text('from')} label="From" placeholder="runwatch@example.org" />
            <TextField
              {...text('to')}
              label="To"
              wide
              placeholder="oncall@example.org, team@example.org"
              hint="One or more addresses, separated by commas."
            />
          </>
        )}
        <SelectField<Severity>
          fieldKey={key('min_severity')}
          label="Send"
          value={channel.min_severity}
          error={error('min_severity')}
          options={SEVERITY_OPTIONS}
          onChange={(min_severity) => set('min_severity', { min_severity })}
        />
        <TextField
          {...text('rate_limit')}
          label="At most per minute"
          inputMode="numeric"
          placeholder="20"
          hint="The overflow goes out as one digest."
        />
      </div>

      {channel.type === 'webhook' && (
        <fieldset className="set-headers">
          <legend>Headers</legend>
          {channel.headers.length === 0 && <p className="set-hint">None.</p>}
          {channel.headers.map((header, index) => {
            const nameKey = fieldKey.header(channel.id, header.id, 'name');
            const valueKey = fieldKey.header(channel.id, header.id, 'value');
            const label = header.name || `header ${index + 1}`;
            return (
              <div className="set-header-row" key={header.id}>
                <TextField
                  fieldKey={nameKey}
                  label={`Name of header ${index + 1}`}
                  hiddenLabel
                  mono
                  placeholder="Authorization"
                  value={header.name}
                  error={editor.error(nameKey)}
                  onChange={(name) =>
                    setHeaders([nameKey], (rows) => patchRow(rows, header.id, { name }))
                  }
                />
                <SecretInput
                  fieldKey={valueKey}
                  label={<span className="visually-hidden">Value of {label}</span>}
                  what={`value of ${label}`}
                  masked
                  secret={header.value}
                  placeholder="value"
                  error={editor.error(valueKey)}
                  onChange={(value) =>
                    setHeaders([valueKey], (rows) => patchRow(rows, header.id, { value }))
                  }
                />
                <RemoveButton
                  what={`header ${label}`}
                  onRemove={() =>
                    setHeaders([], (rows) => rows.filter((row) => row.id !== header.id))
                  }
                />
              </div>
            );
          })}
          <button
            type="button"
            className="link"
            onClick={() =>
              setHeaders([], (rows) => [
                ...rows,
                {
                  id: rowId('hd'),
                  name: '',
                  value: { kept: false, value: '', stored: false },
                  savedName: null,
                },
              ])
            }
          >
            Add header
          </button>
        </fieldset>
      )}

      <footer className="set-card-foot">
        <button
          type="button"
          disabled={!testable.ready || shown?.state === 'busy'}
          aria-describedby={`${key('test')}-result`}
          onClick={() => void runTest()}
        >
          {shown?.state === 'busy' ? 'Sending…' : 'Test'}
          <span className="visually-hidden"> {title}</span>
        </button>
        <p
          id={`${key('test')}-result`}
          className="set-test-result"
          role="status"
          aria-live="polite"
        >
          {!testable.ready ? (
            <span className="muted">{testable.why}</span>
          ) : shown?.state === 'done' ? (
            <span className={shown.ok ? 'set-ok' : 'set-bad'}>{shown.text}</span>
          ) : shown?.state === 'busy' ? (
            <span className="muted">Sending a test alert…</span>
          ) : (
            <span className="muted">
              {withSaved
                ? 'Sends a test alert as entered here, with the saved secrets where they are kept.'
                : 'Sends a test alert as entered here, saved or not.'}
            </span>
          )}
        </p>
      </footer>
    </article>
  );
}
