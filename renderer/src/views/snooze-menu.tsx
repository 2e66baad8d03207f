import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { SilenceView } from '../../../shared/api.ts';
import { useAction } from '../components/use-action.ts';
import { useApi } from '../state/dashboard-store.ts';
import { SNOOZE_OPTIONS, snoozeEndText, snoozeUntil, type SnoozeId } from './snooze-choices.ts';

/**
 * "Snooze" a pipeline's alerts for a while: a silence on its source that matches the pipeline
 * and ends by itself. A small disclosure: the button opens the three choices under it; Escape
 * or a click elsewhere closes them.
 */
export function SnoozeMenu({
  source,
  pipeline,
  runId,
}: {
  source: string;
  pipeline: string;
  runId: string;
}) {
  const api = useApi();
  const menuId = useId();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);

  const snooze = useCallback(
    (id: SnoozeId) =>
      api.addSilence({
        source,
        match: { pipeline },
        until: snoozeUntil(id, new Date()).toISOString(),
        comment: `Snoozed from the dashboard while ${runId} was stuck`,
      }),
    [api, source, pipeline, runId],
  );
  const describe = useMemo(
    () => ({
      done: (silence: SilenceView) =>
        `Alerts of ${pipeline} snoozed until ${snoozeEndText(new Date(silence.until), new Date())}`,
      failed: `Could not snooze ${pipeline}`,
    }),
    [pipeline],
  );
  const { run, busy } = useAction(snooze, describe);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  return (
    <div
      className="snooze"
      ref={root}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          event.stopPropagation();
          setOpen(false);
          toggle.current?.focus();
        }
      }}
    >
      <button
        ref={toggle}
        type="button"
        aria-expanded={open}
        aria-controls={menuId}
        aria-label={`Snooze alerts of pipeline ${pipeline}`}
        disabled={busy || pipeline === ''}
        onClick={() => setOpen((was) => !was)}
      >
        Snooze <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="snooze-menu" id={menuId} role="group" aria-label={`Snooze ${pipeline}`}>
          {SNOOZE_OPTIONS.map((option) => (
            <button
              key={option.id}
              type="button"
              className="quiet"
              aria-label={`Snooze ${pipeline} ${option.phrase}`}
              onClick={() => {
                setOpen(false);
                toggle.current?.focus();
                void run(option.id);
              }}
            >
              {option.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
