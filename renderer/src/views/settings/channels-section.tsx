/**
 * Where alerts are sent: the channels set here (each replaces alerts.yaml's channel of the same
 * name), what keeps secrets on disk, and the channels and rules that send nowhere now.
 */
import { useState } from 'react';
import type { AlertsView, SettingsView } from '../../../../shared/api.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { alertRouting, sourcesText } from './alert-routing.ts';
import { ChannelCard, TYPE_LABELS } from './channel-card.tsx';
import {
  CHANNEL_TYPES,
  freeChannelName,
  guessChannelType,
  newChannel,
  type ChannelType,
} from './settings-form.ts';
import { Panel, type SectionProps } from './panel.tsx';

const DEFAULT_NAMES: Record<ChannelType, string> = {
  slack: 'slack',
  webhook: 'ops-hook',
  email: 'email',
};

function CodeList({ items }: { items: readonly string[] }) {
  return (
    <>
      {[...new Set(items)].map((item, index) => (
        <span key={item}>
          {index > 0 && ', '}
          <code>{item}</code>
        </span>
      ))}
    </>
  );
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function ChannelsSection({
  editor,
  view,
  alerts,
  transport,
}: SectionProps & {
  view: SettingsView;
  alerts: Readonly<Record<string, AlertsView>>;
}) {
  const [added, setAdded] = useState<string | null>(null);
  const form = editor.session?.form;
  if (!form) return null;
  const { inactive, silentRules } = alertRouting(alerts);
  const sourceCount = Object.keys(alerts).length;
  const names = new Set(form.channels.map((channel) => channel.name.trim()));
  const savedNames = new Set(
    (editor.session?.initial.channels ?? []).map((channel) => channel.name.trim()),
  );

  const add = (type: ChannelType, name: string) => {
    const channel = newChannel(type, name);
    setAdded(channel.id);
    editor.change([], (current) => ({ ...current, channels: [...current.channels, channel] }));
  };

  return (
    <Panel id="channels" title="Channels" section="channels" transport={transport}>
      <p className="set-lead">
        Alert rules live in alerts.yaml and send to channels by name. A channel set here replaces
        the file’s channel of the same name, so its secrets need not sit in the file or the
        environment.
      </p>

      {view.protection !== 'os' && view.notice !== '' && (
        <p className="set-callout set-callout--warning" role="note">
          <strong>How secrets are kept:</strong> {capitalized(view.notice)}.
        </p>
      )}

      {(inactive.length > 0 || silentRules.length > 0) && (
        <div className="set-callout set-callout--warning set-routing" role="note">
          <strong>Not every alert can be sent now</strong>
          {silentRules.length > 0 && (
            <p className="set-bad">
              Alerts of {silentRules.length === 1 ? 'rule' : 'rules'}{' '}
              <CodeList items={silentRules.map((entry) => entry.rule)} /> reach nobody: none of
              their channels can send
              {sourcesText(
                silentRules.flatMap((entry) => entry.sources),
                sourceCount,
              )}
              .
            </p>
          )}
          {inactive.length > 0 && (
            <ul>
              {inactive.map((entry) => {
                const here = names.has(entry.channel);
                const type = guessChannelType(entry.channel);
                return (
                  <li key={`${entry.channel}:${entry.why}`}>
                    <code>{entry.channel}</code> is inactive: {entry.why}
                    {sourcesText(entry.sources, sourceCount)}.{' '}
                    {entry.rules.length > 0 && (
                      <span className="muted">
                        Used by <CodeList items={entry.rules} />.{' '}
                      </span>
                    )}
                    {here ? (
                      <span className="muted">
                        {savedNames.has(entry.channel)
                          ? 'Set below.'
                          : 'Set below: it takes over once saved.'}
                      </span>
                    ) : type !== null ? (
                      <button
                        type="button"
                        className="link"
                        onClick={() => add(type, entry.channel)}
                      >
                        Set up “{entry.channel}” here
                      </button>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}

      {form.channels.length === 0 ? (
        <EmptyState title="No channels set here">
          <p className="muted">
            Alerts go to the channels of alerts.yaml. Add one to send to Slack, a webhook or email
            without editing the file.
          </p>
        </EmptyState>
      ) : (
        <div className="set-cards">
          {form.channels.map((channel) => {
            const entry = inactive.find((item) => item.channel === channel.savedName);
            return (
              <ChannelCard
                key={channel.id}
                channel={channel}
                editor={editor}
                autoFocus={added === channel.id}
                inactive={entry && channel.name === channel.savedName ? entry.why : null}
              />
            );
          })}
        </div>
      )}

      <div className="set-footer">
        {CHANNEL_TYPES.map((type) => (
          <button
            key={type}
            type="button"
            onClick={() => add(type, freeChannelName(form, DEFAULT_NAMES[type]))}
          >
            Add {TYPE_LABELS[type]}
          </button>
        ))}
      </div>
    </Panel>
  );
}
