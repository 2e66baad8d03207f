/**
 * A PostgreSQL source's own fields: its password, kept with the other secrets (the window never
 * has a saved one), and a Test button that connects and names the schema it recognised.
 */
import { useState } from 'react';
import { SECRET_KEPT } from '../../../../shared/api.ts';
import { errorMessage } from '../../../../shared/error-message.ts';
import { useApi } from '../../state/dashboard-store.ts';
import { SecretInput } from './fields.tsx';
import { fieldKey } from './field-keys.ts';
import type { SecretField, SourceRow } from './settings-form.ts';
import { sourceTestText } from './source-test-text.ts';

export function ServerSourceFields({
  row,
  label,
  schema,
  error,
  onPassword,
}: {
  row: SourceRow;
  label: string;
  /** The schema as it would be saved; absent, recognised. */
  schema: string | undefined;
  error: string | undefined;
  onPassword: (password: SecretField) => void;
}) {
  const api = useApi();
  const [test, setTest] = useState<{ signature: string; ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const password = row.password.kept ? SECRET_KEPT : row.password.value;
  const request = {
    db: row.db.trim(),
    ...(password === '' ? {} : { password }),
    ...(schema === undefined ? {} : { schema }),
    ...(row.savedName === null ? {} : { name: row.savedName }),
  };
  const signature = JSON.stringify(request);
  // A result is about the source as it was tested: once it changes, the result goes.
  const shown = test !== null && test.signature === signature ? test : null;
  const runTest = async () => {
    setBusy(true);
    try {
      const result = await api.testSource(request);
      setTest({ signature, ok: result.ok, text: sourceTestText(result) });
    } catch (thrown) {
      setTest({ signature, ok: false, text: `Failed: ${errorMessage(thrown)}` });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="set-server-source">
      <SecretInput
        fieldKey={fieldKey.source(row.id, 'password')}
        label={`Password of ${label}`}
        what="the password"
        masked
        placeholder="or from ~/.pgpass"
        secret={row.password}
        error={error}
        onChange={onPassword}
      />
      <div className="set-test-row">
        <button
          type="button"
          aria-label={`Test the connection of ${label}`}
          disabled={busy}
          onClick={() => void runTest()}
        >
          Test
        </button>
        <span className="set-test-result" role="status" aria-live="polite">
          {busy ? (
            <span className="muted">Connecting…</span>
          ) : shown ? (
            <span className={shown.ok ? 'set-ok' : 'set-bad'}>{shown.text}</span>
          ) : null}
        </span>
      </div>
    </div>
  );
}
