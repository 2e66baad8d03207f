import { SECRET_KEPT } from '../../../shared/api.ts';
import type { Settings } from '../../../shared/settings.ts';
import { parentOf, secretPaths, setOwn } from './secret-fields.ts';

type Json = Record<string, unknown>;

function valueAt(root: unknown, path: readonly string[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

/** Settings for the UI: every secret that is set shows as `SECRET_KEPT`, never as itself. */
export function maskSecrets(settings: Settings): Settings {
  const masked = structuredClone(settings) as unknown as Json;
  for (const path of secretPaths(masked)) {
    const parent = parentOf(masked, path);
    const key = path.at(-1) as string;
    const value = parent && Object.hasOwn(parent, key) ? parent[key] : undefined;
    if (parent && typeof value === 'string' && value !== '') setOwn(parent, key, SECRET_KEPT);
  }
  return masked as unknown as Settings;
}

/**
 * Settings from the UI with each `SECRET_KEPT` put back to the stored secret at the same place;
 * a secret the UI never saw (a new channel, a renamed one) cannot be kept and becomes empty.
 */
export function keepSecrets(input: Json, stored: Settings): Json {
  const merged = structuredClone(input);
  for (const path of secretPaths(merged)) {
    const parent = parentOf(merged, path);
    const key = path.at(-1) as string;
    if (!parent || !Object.hasOwn(parent, key) || parent[key] !== SECRET_KEPT) continue;
    const kept = valueAt(stored, path);
    setOwn(parent, key, typeof kept === 'string' ? kept : '');
  }
  return merged;
}

/** Settings from the UI with nothing stored to keep: each `SECRET_KEPT` becomes empty. */
export function dropKeptSecrets(input: Json): Json {
  return keepSecrets(input, {} as Settings);
}
