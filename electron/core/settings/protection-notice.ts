import type { SecretProtection } from './secret-cipher.ts';

/** What the settings window says about how the secrets it saves are kept. */
export function protectionNotice(protection: SecretProtection): string {
  switch (protection) {
    case 'os':
      return 'secrets are encrypted with the OS keyring';
    case 'basic_text':
      return 'secrets are not protected by the OS keyring (none was found): they are only obscured in settings.json';
    case 'none':
      return 'secrets are not encrypted: settings.json is readable only by you';
  }
}
