import { describe, expect, it } from 'vitest';
import {
  safeStorageCipher,
  type SafeStorageLike,
} from '../../electron/core/desktop/safe-storage-cipher.ts';

/** Reverses the bytes: enough to tell encrypted text from clear. */
function fakeSafeStorage(backend: string, available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (plain) => Buffer.from(plain, 'utf8').reverse(),
    decryptString: (encrypted) => Buffer.from(encrypted).reverse().toString('utf8'),
    getSelectedStorageBackend: () => backend,
  };
}

describe('safeStorageCipher', () => {
  it('says secrets are protected by the OS keyring, unless Linux found none', () => {
    expect(safeStorageCipher(fakeSafeStorage('gnome_libsecret'), 'linux').protection).toBe('os');
    expect(safeStorageCipher(fakeSafeStorage('kwallet6'), 'linux').protection).toBe('os');
    expect(safeStorageCipher(fakeSafeStorage('basic_text'), 'linux').protection).toBe('basic_text');
    // The backend is a Linux notion: macOS and Windows always use the OS's own store.
    expect(safeStorageCipher(fakeSafeStorage('basic_text'), 'darwin').protection).toBe('os');
    expect(safeStorageCipher(fakeSafeStorage('unknown'), 'win32').protection).toBe('os');
  });

  it('never stores a secret in clear, and reads back what it stored', () => {
    const cipher = safeStorageCipher(fakeSafeStorage('gnome_libsecret'), 'linux');
    const stored = cipher.encrypt('https://hooks.slack.com/services/T/B/secret');
    expect(stored).not.toContain('secret');
    expect(cipher.decrypt(stored)).toBe('https://hooks.slack.com/services/T/B/secret');
  });

  it('refuses to encrypt or decrypt while the keyring is unavailable', () => {
    const cipher = safeStorageCipher(fakeSafeStorage('gnome_libsecret', false), 'linux');
    expect(() => cipher.encrypt('password')).toThrow(/keyring is not available/);
    expect(() => cipher.decrypt('AAAA')).toThrow(/keyring is not available/);
  });
});
