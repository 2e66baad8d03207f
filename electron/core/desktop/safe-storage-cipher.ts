import type { SecretCipher } from '../settings/secret-cipher.ts';

/** What the cipher needs of Electron's `safeStorage`. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: which keyring Chromium chose; `basic_text` when there is none. */
  getSelectedStorageBackend(): string;
}

/**
 * Secrets sealed with the OS keyring through Electron's `safeStorage`, stored as base64. On
 * Linux without a keyring Chromium falls back to a fixed key: secrets are then only obscured,
 * and the settings window says so (`basic_text`). The app never stores secrets in clear.
 */
export function safeStorageCipher(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
): SecretCipher {
  const basicText =
    platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
  return {
    protection: basicText ? 'basic_text' : 'os',
    encrypt(plain) {
      if (!safeStorage.isEncryptionAvailable()) {
        throw new Error('the OS keyring is not available');
      }
      return safeStorage.encryptString(plain).toString('base64');
    },
    decrypt(stored) {
      if (!safeStorage.isEncryptionAvailable()) {
        throw new Error('the OS keyring is not available');
      }
      return safeStorage.decryptString(Buffer.from(stored, 'base64'));
    },
  };
}
