/**
 * How secrets are kept at rest: encrypted with a key from the OS keyring, encrypted with a fixed
 * key (Linux without a keyring: obscured, not protected), or not encrypted at all.
 */
export type SecretProtection = 'os' | 'basic_text' | 'none';

/**
 * Encrypts the secrets of settings.json. Core defines it; the app implements it with Electron's
 * `safeStorage`, and `runwatch serve` uses `plainCipher`.
 */
export interface SecretCipher {
  protection: SecretProtection;
  encrypt(plain: string): string;
  /** Throws when `stored` cannot be decrypted here. */
  decrypt(stored: string): string;
}

/**
 * No encryption, for `runwatch serve`: secrets stay in clear in a settings.json that only its
 * owner can read. It cannot read a secret the app encrypted.
 */
export const plainCipher: SecretCipher = {
  protection: 'none',
  encrypt: (plain) => plain,
  decrypt: () => {
    throw new Error('it was encrypted by the Runwatch app, and secrets are not encrypted here');
  },
};
