import { useContext, type ReactNode } from 'react';
import { AppliesContext } from './applies-context.ts';
import { appliesText } from './apply-timing.ts';
import type { SettingsEditor } from './use-settings-editor.ts';

/** What a section of the settings form is given: the form's editor, and how the page is served. */
export interface SectionProps {
  editor: SettingsEditor;
  transport: 'ipc' | 'serve';
}

/** One section of the settings page: a titled panel, with when its settings take effect. */
export function Panel({
  id,
  title,
  section,
  transport,
  children,
}: {
  id: string;
  title: string;
  /** The settings key it edits, for "Applies on save" / "Applies at next start". */
  section?: string;
  transport: 'ipc' | 'serve';
  children: ReactNode;
}) {
  const applies = useContext(AppliesContext);
  const when = section !== undefined && applies ? appliesText(section, transport, applies) : '';
  return (
    <section
      className="panel set-panel"
      id={`settings-${id}`}
      aria-labelledby={`settings-${id}-title`}
    >
      <h2 id={`settings-${id}-title`}>
        <span>{title}</span>
        {when !== '' && <span className="set-when">{when}</span>}
      </h2>
      <div className="set-body">{children}</div>
    </section>
  );
}
