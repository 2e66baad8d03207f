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
  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === 'string') {
      const unset: string[] = [];
      const result = substituteString(node, env, unset);
      if (unset.length > 0) unsetAll.push({ path: [...path], variables: unset });
      return result;
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node).map(([key, item]) => [key, walk(item, [...path, key])]),
      );
    }
    return node;
  };
  return { value: walk(value, []), unset: unsetAll };
}
