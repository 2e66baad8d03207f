import { useEffect, useRef } from 'react';
import { SHORTCUTS } from './shortcuts.ts';

/** The keyboard shortcuts, in a dialog that `?` opens and Esc closes. */
export function ShortcutSheet({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog
      ref={dialog}
      className="shortcuts panel"
      aria-labelledby="shortcuts-title"
      onClose={onClose}
      onClick={(event) => {
        // A click outside the sheet (on its backdrop) closes it.
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div className="shortcuts-head">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <button type="button" className="quiet" aria-label="Close" onClick={onClose}>
          ✕
        </button>
      </div>
      <table className="shortcuts-table">
        <tbody>
          {SHORTCUTS.map(({ keys, what }) => (
            <tr key={what}>
              <td>
                {keys.map((sequence, index) => (
                  <span key={sequence.join(' ')}>
                    {index > 0 && ' '}
                    {sequence.map((key, at) => (
                      <span key={key}>
                        {at > 0 && <span className="muted"> then </span>}
                        <kbd>{key}</kbd>
                      </span>
                    ))}
                  </span>
                ))}
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </dialog>
  );
}
