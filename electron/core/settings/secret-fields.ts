import { errorMessage } from '../../../shared/error-message.ts';
import type { Settings, SettingsIssue } from '../../../shared/settings.ts';
import type { SecretCipher } from './secret-cipher.ts';

type Path = readonly string[];
type Json = Record<string, unknown>;

const SEALED_KEY = '$secret';

function asRecord(value: unknown): Json | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Json)
    : null;
}

/** Where a channel keeps what grants access: webhook URLs, passwords, signing secrets, headers. */
function channelSecretPaths(name: string, channel: unknown): Path[] {
  const config = asRecord(channel);
  const at = (...keys: string[]) => ['channels', name, ...keys];
  switch (config?.type) {
    case 'slack':
      return [at('webhook_url')];
    case 'webhook':
      return [
        at('url'),
        at('secret'),
        ...Object.keys(asRecord(config.headers) ?? {}).map((header) => at('headers', header)),
      ];
    case 'email':
      return [at('password')];
    default:
      return [];
  }
}

/** Every secret's place in settings, or in settings.json of the current version. */
function secretPaths(settings: unknown): Path[] {
  const channels = Object.entries(asRecord(asRecord(settings)?.channels) ?? {}).flatMap(
    ([name, channel]) => channelSecretPaths(name, channel),
  );
  // A PostgreSQL source's password.
  const list = asRecord(settings)?.sources;
  const sources = (Array.isArray(list) ? list : []).flatMap((source, index): Path[] =>
    asRecord(source) && Object.hasOwn(source as Json, 'password')
      ? [['sources', String(index), 'password']]
      : [],
  );
  return [...channels, ...sources];
}

/** An object or a list (the sources), whose keys a path steps through. */
function asContainer(value: unknown): Json | null {
  return value !== null && typeof value === 'object' ? (value as Json) : null;
}

/** The object holding a path's last key, if every step exists. */
function parentOf(root: Json, path: Path): Json | null {
  let node: Json | null = root;
  for (const key of path.slice(0, -1)) {
    node = node && Object.hasOwn(node, key) ? asContainer(node[key]) : null;
  }
  return node;
}

/** Sets an own property, even one named `__proto__` (a header may be called anything). */
function setOwn(object: Json, key: string, value: unknown): void {
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * A copy of `settings` with each secret that is there replaced by what `replace` returns for it;
 * `undefined` leaves it as it is. The one place that knows where secrets are: sealing, opening,
 * masking and keeping them all go through it.
 */
export function mapSecrets<T>(settings: T, replace: (value: unknown, path: Path) => unknown): T {
  const copy = structuredClone(settings);
  for (const path of secretPaths(copy)) {
    const parent = parentOf(copy as Json, path);
    const key = path.at(-1) as string;
    if (!parent || !Object.hasOwn(parent, key)) continue;
    const replaced = replace(parent[key], path);
    if (replaced !== undefined) setOwn(parent, key, replaced);
  }
  return copy;
}

/**
 * Settings as settings.json keeps them: each secret encrypted as `{ "$secret": "<ciphertext>" }`,
 * or in clear when the cipher does not encrypt. Empty values have nothing to hide and stay as
 * they are.
 */
export function sealSecrets(
  settings: Settings,
  cipher: SecretCipher,
): { stored: Json; issues: SettingsIssue[] } {
  const issues: SettingsIssue[] = [];
  const stored = mapSecrets(settings as Json, (plain, path) => {
    if (typeof plain !== 'string' || plain === '') return undefined;
    try {
      const sealed = cipher.encrypt(plain);
      return cipher.protection === 'none' ? sealed : { [SEALED_KEY]: sealed };
    } catch (error) {
      issues.push({ path: [...path], message: `cannot be encrypted: ${errorMessage(error)}` });
      return undefined;
    }
  });
  return { stored, issues };
}

/**
 * Stored settings with each `{ "$secret": … }` decrypted, and the secrets that could not be. A
 * secret in clear is taken as it is (written where secrets are not encrypted, or by hand); the
 * next save encrypts it.
 */
export function openSecrets(
  stored: Json,
  cipher: SecretCipher,
): { value: Json; issues: SettingsIssue[] } {
  const issues: SettingsIssue[] = [];
  const value = mapSecrets(stored, (secret, path) => {
    const sealed = asRecord(secret);
    if (!sealed || !Object.hasOwn(sealed, SEALED_KEY)) return undefined;
    const ciphertext = sealed[SEALED_KEY];
    if (typeof ciphertext !== 'string' || Object.keys(sealed).length !== 1) {
      issues.push({ path: [...path], message: 'expected text or { "$secret": "<ciphertext>" }' });
      return undefined;
    }
    try {
      return cipher.decrypt(ciphertext);
    } catch (error) {
      const message = `cannot be decrypted (${errorMessage(error)}); enter it again`;
      issues.push({ path: [...path], message });
      return undefined;
    }
  });
  return { value, issues };
}
