/**
 * What a save changed, and when each part takes effect. The main side applies channels, quiet
 * hours and start at login as soon as they are saved; the rest when Runwatch next starts (the
 * app's `applied`, and `serve`'s). The API does not say so: this mirrors electron/app/main.ts
 * and the serve command.
 */

type Json = Record<string, unknown>;

const NAMES: Record<string, string> = {
  sources: 'sources',
  monitor: 'thresholds',
  archive: 'archiving',
  alerts_config: 'the alerts file',
  channels: 'channels',
  quiet_hours: 'quiet hours',
  start_at_login: 'start at login',
};

/** Sections that apply at once. */
export const LIVE_SECTIONS: readonly string[] = ['channels', 'quiet_hours', 'start_at_login'];

/** The top-level settings that differ between two values sent to `saveSettings`. */
export function changedSections(before: Json, after: Json): string[] {
  return Object.keys(NAMES).filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
}

function words(keys: readonly string[]): string {
  const names = keys.map((key) => NAMES[key] ?? key);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** What the notice line says after a save. */
export function savedText(changed: readonly string[], transport: 'ipc' | 'serve'): string {
  const live = changed.filter((key) => LIVE_SECTIONS.includes(key));
  const later = changed.filter((key) => !LIVE_SECTIONS.includes(key));
  const next =
    transport === 'serve' ? 'when runwatch serve is next started' : 'when Runwatch next starts';
  const parts = [
    live.length > 0 ? `${words(live)} in effect now` : null,
    later.length > 0 ? `${words(later)} ${next}` : null,
  ].filter((part): part is string => part !== null);
  return parts.length === 0 ? 'Saved' : `Saved. ${capitalized(parts.join('; '))}.`;
}

/** A panel's note on when its settings apply. */
export function appliesText(section: string, transport: 'ipc' | 'serve'): string {
  if (LIVE_SECTIONS.includes(section)) return 'Applies on save';
  return transport === 'serve' ? 'Applies when serve restarts' : 'Applies at next start';
}
