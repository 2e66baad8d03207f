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
export function secretPaths(settings: unknown): Path[] {
  return Object.entries(asRecord(asRecord(settings)?.channels) ?? {}).flatMap(([name, channel]) =>
    channelSecretPaths(name, channel),
  );
}

/** The object holding a path's last key, if every step exists. */
export function parentOf(root: Json, path: Path): Json | null {
  let node: Json | null = root;
  for (const key of path.slice(0, -1)) {
    node = node && Object.hasOwn(node, key) ? asRecord(node[key]) : null;
  }
  return node;
}

/** Sets an own property, even one named `__proto__` (a header may be called anything). */
export function setOwn(object: Json, key: string, value: unknown): void {
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
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
  const stored = structuredClone(settings) as Json;
  const issues: SettingsIssue[] = [];
  for (const path of secretPaths(stored)) {
    const parent = parentOf(stored, path);
    const key = path.at(-1) as string;
    const plain = parent?.[key];
    if (!parent || typeof plain !== 'string' || plain === '') continue;
    try {
      const sealed = cipher.encrypt(plain);
      setOwn(parent, key, cipher.protection === 'none' ? sealed : { [SEALED_KEY]: sealed });
    } catch (error) {
      issues.push({ path: [...path], message: `cannot be encrypted: ${errorMessage(error)}` });
    }
  }
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
  const value = structuredClone(stored);
  const issues: SettingsIssue[] = [];
  for (const path of secretPaths(value)) {
    const parent = parentOf(value, path);
    const key = path.at(-1) as string;
    const sealed = asRecord(parent?.[key]);
    if (!parent || !sealed || !Object.hasOwn(sealed, SEALED_KEY)) continue;
    const ciphertext = sealed[SEALED_KEY];
    let message = 'expected text or { "$secret": "<ciphertext>" }';
    if (typeof ciphertext === 'string' && Object.keys(sealed).length === 1) {
      try {
        setOwn(parent, key, cipher.decrypt(ciphertext));
        continue;
      } catch (error) {
        message = `cannot be decrypted (${errorMessage(error)}); enter it again`;
      }
    }
    issues.push({ path: [...path], message });
  }
  return { value, issues };
}
