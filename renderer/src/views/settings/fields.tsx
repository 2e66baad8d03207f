/**
 * The settings form's inputs: each with its <label>, a hint, and its problem in a `.field-error`
 * the input points to (aria-invalid, aria-describedby) and that is announced as it appears.
 */
import type { ReactNode } from 'react';
import { SECRET_KEPT } from '../../../../shared/api.ts';
import { errorId, hintId, inputId, type FieldKey } from './field-keys.ts';
import type { SecretField } from './settings-form.ts';

interface Common {
  fieldKey: FieldKey;
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  /** Wide fields span two columns of the grid. */
  wide?: boolean;
  className?: string;
  /** The label is read by screen readers only (a column header or the row says it). */
  hiddenLabel?: boolean;
}

function describedBy(
  key: FieldKey,
  error: string | undefined,
  hint: ReactNode,
): string | undefined {
  const ids = [error ? errorId(key) : null, hint ? hintId(key) : null].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

/** A field's problem, announced when it appears. */
export function FieldError({ fieldKey, error }: { fieldKey: FieldKey; error: string | undefined }) {
  if (!error) return null;
  return (
    <p id={errorId(fieldKey)} className="field-error" role="alert">
      {error}
    </p>
  );
}

function Hint({ fieldKey, hint }: { fieldKey: FieldKey; hint: ReactNode }) {
  if (!hint) return null;
  return (
    <p id={hintId(fieldKey)} className="set-hint">
      {hint}
    </p>
  );
}

function FieldLabel(props: { fieldKey: FieldKey; label: ReactNode; hidden: boolean | undefined }) {
  return (
    <label
      htmlFor={inputId(props.fieldKey)}
      className={props.hidden ? 'visually-hidden' : undefined}
    >
      {props.label}
    </label>
  );
}

function fieldClass(wide: boolean | undefined, className: string | undefined): string {
  return ['set-field', wide ? 'set-field--wide' : '', className ?? ''].filter(Boolean).join(' ');
}

export interface TextFieldProps extends Common {
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  type?: 'text' | 'password' | 'time' | 'email' | 'url';
  inputMode?: 'text' | 'numeric' | 'decimal' | 'email' | 'url';
  mono?: boolean;
  autoFocus?: boolean;
  list?: string;
}

/**
 * Focuses a field as it is drawn: what `autoFocus` does in React, which Preact (the dashboard's
 * runtime, ARCHITECTURE.md §13) leaves to the `autofocus` attribute, which a browser honours only
 * once a page. (`spellCheck` is given as text for a like reason, §13.)
 */
function focusOnMount(input: HTMLInputElement | null): void {
  input?.focus();
}

export function TextField(props: TextFieldProps) {
  const { fieldKey, label, error, hint, value, onChange } = props;
  return (
    <div className={fieldClass(props.wide, props.className)}>
      <FieldLabel fieldKey={fieldKey} label={label} hidden={props.hiddenLabel} />
      <input
        id={inputId(fieldKey)}
        type={props.type ?? 'text'}
        value={value}
        placeholder={props.placeholder}
        inputMode={props.inputMode}
        className={props.mono ? 'mono' : undefined}
        autoComplete="off"
        spellCheck="false"
        ref={props.autoFocus ? focusOnMount : undefined}
        list={props.list}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(fieldKey, error, hint)}
        onChange={(event) => onChange(event.target.value)}
      />
      <Hint fieldKey={fieldKey} hint={hint} />
      <FieldError fieldKey={fieldKey} error={error} />
    </div>
  );
}

export interface TextAreaFieldProps extends Common {
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  rows?: number;
}

/** Text of several lines, such as a list with one item per line. */
export function TextAreaField(props: TextAreaFieldProps) {
  const { fieldKey, label, error, hint, value, onChange } = props;
  return (
    <div className={fieldClass(props.wide, props.className)}>
      <FieldLabel fieldKey={fieldKey} label={label} hidden={props.hiddenLabel} />
      <textarea
        id={inputId(fieldKey)}
        value={value}
        rows={props.rows ?? 3}
        placeholder={props.placeholder}
        className="mono"
        autoComplete="off"
        spellCheck="false"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(fieldKey, error, hint)}
        onChange={(event) => onChange(event.target.value)}
      />
      <Hint fieldKey={fieldKey} hint={hint} />
      <FieldError fieldKey={fieldKey} error={error} />
    </div>
  );
}

export interface SelectFieldProps<T extends string> extends Common {
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
}

export function SelectField<T extends string>(props: SelectFieldProps<T>) {
  const { fieldKey, label, error, hint } = props;
  return (
    <div className={fieldClass(props.wide, props.className)}>
      <FieldLabel fieldKey={fieldKey} label={label} hidden={props.hiddenLabel} />
      <select
        id={inputId(fieldKey)}
        value={props.value}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(fieldKey, error, hint)}
        onChange={(event) => props.onChange(event.target.value as T)}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <Hint fieldKey={fieldKey} hint={hint} />
      <FieldError fieldKey={fieldKey} error={error} />
    </div>
  );
}

export interface CheckboxFieldProps {
  fieldKey: FieldKey;
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: ReactNode;
  error?: string | undefined;
}

export function CheckboxField(props: CheckboxFieldProps) {
  const { fieldKey, error, hint } = props;
  return (
    <div className="set-check">
      <input
        id={inputId(fieldKey)}
        type="checkbox"
        checked={props.checked}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(fieldKey, error, hint)}
        onChange={(event) => props.onChange(event.target.checked)}
      />
      <div>
        <label htmlFor={inputId(fieldKey)}>{props.label}</label>
        <Hint fieldKey={fieldKey} hint={hint} />
        <FieldError fieldKey={fieldKey} error={error} />
      </div>
    </div>
  );
}

export interface SecretFieldProps extends Common {
  secret: SecretField;
  onChange: (secret: SecretField) => void;
  /** Passwords and signing secrets are masked as typed; URLs are shown, to catch typos. */
  masked?: boolean;
  placeholder?: string;
  /** What to call it in "Replace …". */
  what: string;
}

/**
 * A secret: a stored one shows as dots with Replace (the window never has it); a new one is
 * typed in, with Keep saved to go back.
 */
export function SecretInput(props: SecretFieldProps) {
  const { fieldKey, label, error, secret, onChange, what } = props;
  const hint = secret.kept ? (props.hint ?? 'Saved, and never shown here.') : props.hint;
  return (
    <div className={fieldClass(props.wide, props.className)}>
      <FieldLabel fieldKey={fieldKey} label={label} hidden={props.hiddenLabel} />
      <div className="set-secret">
        {secret.kept ? (
          <input
            id={inputId(fieldKey)}
            type="text"
            value={SECRET_KEPT}
            readOnly
            className="set-secret-kept"
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy(fieldKey, error, hint)}
          />
        ) : (
          <input
            id={inputId(fieldKey)}
            type={props.masked ? 'password' : 'text'}
            value={secret.value}
            placeholder={props.placeholder}
            className={props.masked ? undefined : 'mono'}
            autoComplete={props.masked ? 'new-password' : 'off'}
            spellCheck="false"
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy(fieldKey, error, hint)}
            onChange={(event) => onChange({ ...secret, value: event.target.value })}
          />
        )}
        {secret.kept ? (
          <button
            type="button"
            aria-label={`Replace ${what}`}
            onClick={() => {
              onChange({ ...secret, kept: false, value: '' });
              requestAnimationFrame(() => document.getElementById(inputId(fieldKey))?.focus());
            }}
          >
            Replace
          </button>
        ) : secret.stored ? (
          <button
            type="button"
            className="quiet"
            aria-label={`Keep the saved ${what}`}
            onClick={() => onChange({ ...secret, kept: true, value: '' })}
          >
            Keep saved
          </button>
        ) : null}
      </div>
      <Hint fieldKey={fieldKey} hint={hint} />
      <FieldError fieldKey={fieldKey} error={error} />
    </div>
  );
}
