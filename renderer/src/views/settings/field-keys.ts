/**
 * Each field of the settings form has a key: where its error is kept, and (made into an element
 * id) what its input and its error message are called on the page. Rows are keyed by their id,
 * not their position or name, so an error stays with its row while others move.
 */
export type FieldKey = string;

export const fieldKey = {
  /** Problems with the list of sources as a whole ("at least one source is needed"). */
  sources: 'sources',
  source: (id: string, field: 'name' | 'db' | 'schema' | 'password') => `source.${id}.${field}`,
  monitor: (key: string) => `monitor.${key}`,
  override: (id: string, field: string) => `override.${id}.${field}`,
  archive: (field: string) => `archive.${field}`,
  alertsConfig: 'alerts_config',
  quiet: (field: string) => `quiet.${field}`,
  startAtLogin: 'start_at_login',
  channel: (id: string, field: string) => `channel.${id}.${field}`,
  header: (channelId: string, headerId: string, field: 'name' | 'value') =>
    `header.${channelId}.${headerId}.${field}`,
} as const;

/** The element id of a field's input. */
export function inputId(key: FieldKey): string {
  return `set-${key.replace(/[^\w-]/g, '_')}`;
}

/** The element id of a field's error message. */
export function errorId(key: FieldKey): string {
  return `${inputId(key)}-error`;
}

/** The element id of a field's hint. */
export function hintId(key: FieldKey): string {
  return `${inputId(key)}-hint`;
}
