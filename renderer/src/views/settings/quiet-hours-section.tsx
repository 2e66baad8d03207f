/** Quiet hours: a daily span in local time when alerts are held, optionally per channel. */
import { SEVERITIES, type Severity } from '../../../../shared/severity.ts';
import { CheckboxField, SelectField, TextField } from './fields.tsx';
import { fieldKey } from './field-keys.ts';
import type { QuietForm } from './settings-form.ts';
import { Panel, type SectionProps } from './panel.tsx';

const EXCEPT_OPTIONS: { value: Severity | ''; label: string }[] = [
  { value: '', label: 'nothing: hold every alert' },
  ...SEVERITIES.filter((severity) => severity !== 'info').map((severity) => ({
    value: severity,
    label: severity === 'critical' ? 'critical alerts' : `${severity} and above`,
  })),
];

export function QuietHoursSection({ editor, transport }: SectionProps) {
  const form = editor.session?.form;
  if (!form) return null;
  const quiet = form.quiet;
  const set = (field: keyof QuietForm, patch: Partial<QuietForm>) =>
    editor.change(fieldKey.quiet(field), (current) => ({
      ...current,
      quiet: { ...current.quiet, ...patch },
    }));
  const known = form.channels.map((channel) => channel.name.trim()).filter(Boolean);

  return (
    <Panel id="quiet" title="Quiet hours" section="quiet_hours" transport={transport}>
      <CheckboxField
        fieldKey={fieldKey.quiet('enabled')}
        label="Hold alerts during quiet hours"
        checked={quiet.enabled}
        hint={
          quiet.enabled
            ? 'Times are this computer’s local time; a span that ends earlier than it starts runs past midnight.'
            : 'Off here: the quiet_hours of alerts.yaml apply, if it has any.'
        }
        onChange={(enabled) => set('enabled', { enabled })}
      />
      {quiet.enabled && (
        <div className="set-grid set-grid--indented">
          <TextField
            fieldKey={fieldKey.quiet('from')}
            label="From"
            type="time"
            value={quiet.from}
            error={editor.error(fieldKey.quiet('from'))}
            onChange={(from) => set('from', { from })}
          />
          <TextField
            fieldKey={fieldKey.quiet('to')}
            label="Until"
            type="time"
            value={quiet.to}
            error={editor.error(fieldKey.quiet('to'))}
            onChange={(to) => set('to', { to })}
          />
          <SelectField<Severity | ''>
            fieldKey={fieldKey.quiet('except')}
            label="Still send"
            value={quiet.except}
            options={EXCEPT_OPTIONS}
            error={editor.error(fieldKey.quiet('except'))}
            onChange={(except) => set('except', { except })}
          />
          <TextField
            fieldKey={fieldKey.quiet('channels')}
            label="Only on channels"
            mono
            wide
            value={quiet.channels}
            placeholder="every channel"
            hint={
              known.length > 0
                ? `Names separated by commas, e.g. ${known.slice(0, 3).join(', ')}. Empty: every channel.`
                : 'Names separated by commas, e.g. desktop, slack. Empty: every channel.'
            }
            error={editor.error(fieldKey.quiet('channels'))}
            onChange={(channels) => set('channels', { channels })}
          />
        </div>
      )}
    </Panel>
  );
}
