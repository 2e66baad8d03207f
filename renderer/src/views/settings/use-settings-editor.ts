/**
 * The settings form's state: loaded with `getSettings`, edited, checked as it is typed, saved in
 * one piece with `saveSettings`, reverted. A field shows its problem once it has been typed in,
 * or once the user asks to see every problem; problems the server named on save show until the
 * field changes. Unsaved changes outlive a visit to another view.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiError, SettingsView } from '../../../../shared/api.ts';
import { ApiRequestError } from '../../../../shared/api-client.ts';
import { errorMessage } from '../../../../shared/error-message.ts';
import { useApi, useDashboard } from '../../state/dashboard-store.ts';
import { changedSections, savedText } from './apply-timing.ts';
import { inputId, type FieldKey } from './field-keys.ts';
import { buildSettings } from './build-settings.ts';
import { freshForm, toForm, type SettingsForm } from './settings-form.ts';
import {
  parseSaveError,
  placeIssues,
  validateForm,
  type Validation,
} from './settings-validation.ts';

export interface Session {
  view: SettingsView;
  /** As loaded: Revert goes back to it, and it tells whether anything changed. */
  initial: SettingsForm;
  form: SettingsForm;
  touched: ReadonlySet<FieldKey>;
  revealAll: boolean;
  /** Problems `saveSettings` named, each until its field changes. */
  serverErrors: ReadonlyMap<FieldKey, string>;
}

/** Unsaved changes kept while the user looks at another view. */
const drafts = new Map<'settings', Session>();

function startSession(view: SettingsView): Session {
  const form = toForm(view.settings);
  return {
    view,
    initial: form,
    form,
    touched: new Set(),
    revealAll: false,
    serverErrors: new Map(),
  };
}

function sameValue(a: SettingsForm, b: SettingsForm): boolean {
  const built = [buildSettings(a), buildSettings(b)] as const;
  if (built[0].errors.size > 0 || built[1].errors.size > 0) {
    // Text that is not a value yet: changed if the text is.
    const text = (form: SettingsForm) =>
      JSON.stringify(form, (key, value: unknown) => (key === 'id' ? undefined : value));
    return text(a) === text(b);
  }
  return JSON.stringify(built[0].value) === JSON.stringify(built[1].value);
}

export interface LoadError {
  message: string;
  /**
   * `unreadable`: settings.json cannot be read or used, and starting over (which saving then
   * replaces it with) is offered; `unavailable`: there are no settings here.
   */
  code: ApiError['code'];
}

export interface SettingsEditor {
  state: 'loading' | 'failed' | 'ready';
  loadError: LoadError | null;
  session: Session | null;
  validation: Validation | null;
  dirty: boolean;
  saving: boolean;
  /** Problems the user has not been shown yet (fields not typed in). */
  hiddenProblems: number;
  /** Changes the form and marks `keys` as typed in. */
  change(keys: FieldKey | readonly FieldKey[], recipe: (form: SettingsForm) => SettingsForm): void;
  /** The problem to show at a field, if any. */
  error(key: FieldKey): string | undefined;
  showProblems(): void;
  save(): Promise<void>;
  revert(): void;
  reload(): void;
  /** Starts from fresh settings when the stored ones cannot be read (`unreadable`). */
  startOver(sources: { name: string; db: string }[], transport: 'ipc' | 'serve'): void;
}

function focusFirst(keys: Iterable<FieldKey>): void {
  requestAnimationFrame(() => {
    const inputs = [...keys]
      .map((key) => document.getElementById(inputId(key)))
      .filter((element): element is HTMLElement => element !== null);
    // The first on the page, not the first found.
    inputs.sort((a, b) =>
      a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1,
    );
    inputs[0]?.focus();
  });
}

export function useSettingsEditor(transport: 'ipc' | 'serve'): SettingsEditor {
  const api = useApi();
  const say = useDashboard((state) => state.say);
  const [session, setSession] = useState<Session | null>(() => drafts.get('settings') ?? null);
  const [loads, setLoads] = useState(() => (drafts.has('settings') ? 0 : 1));
  const [loadError, setLoadError] = useState<LoadError | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (loads === 0) return;
    let live = true;
    api.getSettings({}).then(
      (view) => {
        if (!live) return;
        setSession(startSession(view));
        setLoadError(null);
      },
      (error: unknown) => {
        if (!live) return;
        const code = error instanceof ApiRequestError ? error.code : 'failed';
        setLoadError({ message: errorMessage(error), code });
      },
    );
    return () => {
      live = false;
    };
  }, [api, loads]);

  const validation = useMemo(() => (session ? validateForm(session.form) : null), [session]);
  const dirty = useMemo(
    () => session !== null && !sameValue(session.form, session.initial),
    [session],
  );

  // Unsaved changes wait for the user's return; saved or reverted ones are not kept.
  const latest = useRef<{ session: Session | null; dirty: boolean }>({ session, dirty });
  useEffect(() => {
    latest.current = { session, dirty };
  });
  useEffect(
    () => () => {
      const { session: last, dirty: changed } = latest.current;
      if (last && changed) drafts.set('settings', last);
      else drafts.delete('settings');
    },
    [],
  );

  // Closing or reloading the browser tab with unsaved changes asks first. Not in the app, where
  // a cancelled unload would silently keep the window from closing.
  useEffect(() => {
    if (!dirty || transport !== 'serve') return;
    const onLeave = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', onLeave);
    return () => window.removeEventListener('beforeunload', onLeave);
  }, [dirty, transport]);

  const change = useCallback(
    (keys: FieldKey | readonly FieldKey[], recipe: (form: SettingsForm) => SettingsForm) => {
      const list: readonly FieldKey[] = typeof keys === 'string' ? [keys] : keys;
      setSession((current) => {
        if (!current) return current;
        const touched = new Set(current.touched);
        const serverErrors = new Map(current.serverErrors);
        for (const key of list) {
          touched.add(key);
          serverErrors.delete(key);
        }
        return { ...current, form: recipe(current.form), touched, serverErrors };
      });
    },
    [],
  );

  const error = useCallback(
    (key: FieldKey): string | undefined => {
      if (!session || !validation) return undefined;
      const fromServer = session.serverErrors.get(key);
      if (fromServer !== undefined) return fromServer;
      if (!session.revealAll && !session.touched.has(key) && !validation.eager.has(key)) {
        return undefined;
      }
      return validation.errors.get(key);
    },
    [session, validation],
  );

  const hiddenProblems =
    session && validation && !session.revealAll
      ? [...validation.errors.keys()].filter(
          (key) => !session.touched.has(key) && !validation.eager.has(key),
        ).length
      : 0;

  const showProblems = useCallback(() => {
    setSession((current) => (current ? { ...current, revealAll: true } : current));
    if (validation) focusFirst(validation.errors.keys());
  }, [validation]);

  const save = useCallback(async () => {
    if (!session || !validation || saving) return;
    if (validation.errors.size > 0 || validation.general.length > 0) {
      showProblems();
      say({ text: 'Not saved: fix the fields marked in red first.', tone: 'error' });
      return;
    }
    setSaving(true);
    try {
      await api.saveSettings({ settings: validation.value });
      const changed = changedSections(buildSettings(session.initial).value, validation.value);
      say({ text: savedText(changed, transport, session.view.applies), tone: 'ok' });
      // Loaded again as saved; which channels now send comes with the next patch.
      setLoads((count) => count + 1);
    } catch (failure) {
      // Each problem at its field where the main side says so; else read from the message.
      const { issues, other } =
        failure instanceof ApiRequestError && failure.issues
          ? { issues: failure.issues, other: [] }
          : parseSaveError(errorMessage(failure));
      const errors = new Map<FieldKey, string>();
      const general = [...other];
      placeIssues(issues, session.form, errors, general);
      setSession((current) =>
        current ? { ...current, serverErrors: errors, revealAll: true } : current,
      );
      const fields = errors.size;
      say({
        text: [
          'Not saved:',
          ...(general.length > 0 ? [`${general.join('; ')}.`] : []),
          ...(fields > 0
            ? [`${fields} field${fields === 1 ? ' needs' : 's need'} attention, marked in red.`]
            : []),
        ].join(' '),
        tone: 'error',
      });
      if (fields > 0) focusFirst(errors.keys());
    } finally {
      setSaving(false);
    }
  }, [api, say, saving, session, showProblems, transport, validation]);

  const revert = useCallback(() => {
    setSession((current) => (current ? startSessionFrom(current) : current));
    say({ text: 'Changes reverted', tone: 'ok' });
  }, [say]);

  const reload = useCallback(() => setLoads((count) => count + 1), []);

  const startOver = useCallback((sources: { name: string; db: string }[], on: 'ipc' | 'serve') => {
    const form = freshForm(sources);
    setSession({
      view: {
        // A fresh form holds every field of the settings and nothing else: its value is their
        // shape, typed as plain JSON by the form.
        settings: buildSettings(form).value as unknown as SettingsView['settings'],
        // Not known until the settings load: no panel claims when its settings apply.
        in_force: [],
        applies: { now: [], at_restart: [] },
        protection: 'none',
        notice: '',
        sources_read_only: on === 'serve',
      },
      initial: freshForm([]),
      form,
      touched: new Set(),
      revealAll: true,
      serverErrors: new Map(),
    });
    setLoadError(null);
  }, []);

  return {
    state: session ? 'ready' : loadError !== null ? 'failed' : 'loading',
    loadError,
    session,
    validation,
    dirty,
    saving,
    hiddenProblems,
    change,
    error,
    showProblems,
    save,
    revert,
    reload,
    startOver,
  };
}

/** The session as it was loaded, edits and problems gone. */
function startSessionFrom(current: Session): Session {
  return {
    ...current,
    form: current.initial,
    touched: new Set(),
    revealAll: false,
    serverErrors: new Map(),
  };
}
