/**
 * What a save changed, and when each part takes effect, as the main side says in `getSettings`
 * (`applies`): the app and `runwatch serve` each know what they put into effect at once.
 */
import type { SettingsView } from '../../../../shared/api.ts';

type Json = Record<string, unknown>;
export type Applies = SettingsView['applies'];

const NAMES: Record<string, string> = {
  sources: 'sources',
  monitor: 'thresholds',
  archive: 'archiving',
  alerts_config: 'the alerts file',
  channels: 'channels',
  quiet_hours: 'quiet hours',
  start_at_login: 'start at login',
};

/** The top-level settings that differ between two values sent to `saveSettings`. */
export function changedSections(before: Json, after: Json): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

function words(keys: readonly string[]): string {
  const names = keys.map((key) => NAMES[key] ?? key.replaceAll('_', ' '));
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const isNow = (applies: Applies, key: string) => applies.now.some((section) => section === key);
const isLater = (applies: Applies, key: string) =>
  applies.at_restart.some((section) => section === key);

/** What the notice line says after a save; a section the main side has not placed goes unsaid. */
export function savedText(
  changed: readonly string[],
  transport: 'ipc' | 'serve',
  applies: Applies,
): string {
  const live = changed.filter((key) => isNow(applies, key));
  const later = changed.filter((key) => isLater(applies, key));
  const next =
    transport === 'serve' ? 'when runwatch serve is next started' : 'when Runwatch next starts';
  const parts = [
    live.length > 0 ? `${words(live)} in effect now` : null,
    later.length > 0 ? `${words(later)} ${next}` : null,
  ].filter((part): part is string => part !== null);
  return parts.length === 0 ? 'Saved' : `Saved. ${capitalized(parts.join('; '))}.`;
}

/** A panel's note on when its settings apply; nothing where the main side has not said. */
export function appliesText(section: string, transport: 'ipc' | 'serve', applies: Applies): string {
  if (isNow(applies, section)) return 'Applies on save';
  if (!isLater(applies, section)) return '';
  return transport === 'serve' ? 'Applies when serve restarts' : 'Applies at next start';
}
