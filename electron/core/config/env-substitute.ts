/** `${VAR}` or `${VAR:-default}`; `$${` stands for a literal `${`. */
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export type ValuePath = readonly (string | number)[];

export interface Substituted {
  value: unknown;
  /** Values that named a variable that is unset (or empty) and has no default. */
  unset: { path: ValuePath; variables: string[] }[];
}

function substituteString(text: string, env: NodeJS.ProcessEnv, unset: string[]): string {
  return text.replace(
    REFERENCE,
    (whole, name: string | undefined, fallback: string | undefined) => {
      if (whole === '$${') return '${';
      const value = env[name as string];
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      unset.push(name as string);
      return whole;
    },
  );
}

/**
 * Substitutes environment variables into the parsed values, never the raw text, so positions
 * stay right and a `#` or a quote in a secret changes nothing. Keys are left as written.
 */
export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv): Substituted {
  const unsetAll: Substituted['unset'] = [];
  // One path, grown and shrunk as the walk goes: copied only for a value with an unset variable.
  const path: (string | number)[] = [];
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      if (!node.includes('$')) return node;
      const unset: string[] = [];
      const result = substituteString(node, env, unset);
      if (unset.length > 0) unsetAll.push({ path: [...path], variables: unset });
      return result;
    }
    if (Array.isArray(node)) {
      const out = new Array<unknown>(node.length);
      for (let index = 0; index < node.length; index++) {
        path.push(index);
        out[index] = walk(node[index]);
        path.pop();
      }
      return out;
    }
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(node)) {
        path.push(key);
        const item = walk((node as Record<string, unknown>)[key]);
        if (key === '__proto__') {
          // Data like any other key, not the object's prototype.
          Object.defineProperty(out, key, {
            value: item,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        } else out[key] = item;
        path.pop();
      }
      return out;
    }
    return node;
  };
  return { value: walk(value), unset: unsetAll };
}
