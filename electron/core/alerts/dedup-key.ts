import type { EventFields } from './alert-config.ts';

const FIELD = /\{([^{}]*)\}/g;

/** Renders a dedup-key template like `{rule}:{run_id}`; a field the event lacks renders empty. */
export function renderDedupKey(template: string, fields: EventFields): string {
  return template.replace(FIELD, (_, name: string) => {
    const value = fields[name];
    return value === undefined || value === null ? '' : String(value);
  });
}
