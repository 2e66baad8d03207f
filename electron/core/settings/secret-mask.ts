import { SECRET_KEPT } from '../../../shared/api.ts';
import type { Settings } from '../../../shared/settings.ts';
import { mapSecrets } from './secret-fields.ts';

type Json = Record<string, unknown>;

function valueAt(root: unknown, path: readonly string[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

/**
 * The stored secret a secret of the UI's settings stands for: at the same place, but a source's
 * by its name (sources are a list the UI may reorder; a renamed one's cannot be kept).
 */
function storedAt(input: unknown, stored: Settings, path: readonly string[]): unknown {
  if (path[0] !== 'sources') return valueAt(stored, path);
  const name = valueAt(input, ['sources', path[1] ?? '', 'name']);
  const index = stored.sources.findIndex((source) => source.name === name);
  return index < 0 ? undefined : valueAt(stored, ['sources', String(index), ...path.slice(2)]);
}

/** Settings for the UI: every secret that is set shows as `SECRET_KEPT`, never as itself. */
export function maskSecrets(settings: Settings): Settings {
  return mapSecrets(settings, (value) =>
    typeof value === 'string' && value !== '' ? SECRET_KEPT : undefined,
  );
}

/**
 * Settings from the UI with each `SECRET_KEPT` put back to the stored secret at the same place;
 * a secret the UI never saw (a new channel, a renamed one) cannot be kept and becomes empty.
 */
export function keepSecrets(input: Json, stored: Settings): Json {
  return mapSecrets(input, (value, path) => {
    if (value !== SECRET_KEPT) return undefined;
    const kept = storedAt(input, stored, path);
    return typeof kept === 'string' ? kept : '';
  });
}

/** Where settings from the UI hold `SECRET_KEPT` with no stored secret there to put back. */
export function unkeptSecrets(input: Json, stored: Settings): (readonly string[])[] {
  const unkept: (readonly string[])[] = [];
  mapSecrets(input, (value, path) => {
    if (value === SECRET_KEPT && typeof storedAt(input, stored, path) !== 'string') {
      unkept.push(path);
    }
    return undefined;
  });
  return unkept;
}
