import { describe, expect, it } from 'vitest';
import { protectionNotice } from '../../electron/core/settings/protection-notice.ts';
import { plainCipher, type SecretCipher } from '../../electron/core/settings/secret-cipher.ts';
import { openSecrets, sealSecrets } from '../../electron/core/settings/secret-fields.ts';
import { defaultSettings, type Settings } from '../../shared/settings.ts';

/** Stands in for safeStorage: hex behind a marker, so no plain text survives in the output. */
const hexCipher: SecretCipher = {
  protection: 'os',
  encrypt: (plain) => `v10:${Buffer.from(plain).toString('hex')}`,
  decrypt: (stored) => {
    if (!stored.startsWith('v10:')) throw new Error('not ciphertext');
    return Buffer.from(stored.slice(4), 'hex').toString();
  },
};

function withChannels(): Settings {
  return {
    ...defaultSettings([{ name: 'etl', db: '/data/o.db' }]),
    channels: {
      slack: {
        type: 'slack',
        webhook_url: 'https://hooks.slack.com/services/T0/B0/SLACKPATH',
        min_severity: 'info',
        rate_limit: 20,
      },
      'ops-hook': {
        type: 'webhook',
        url: 'https://ops.example.com/hook?token=HOOKTOKEN',
        headers: { Authorization: 'Bearer BEARERTOKEN' },
        secret: 'SIGNINGSECRET',
        min_severity: 'warning',
        rate_limit: 20,
      },
      email: {
        type: 'email',
        host: 'smtp.example.com',
        port: 587,
        user: 'runwatch',
        password: 'SMTPPASSWORD',
        from: 'runwatch@example.com',
        to: ['oncall@example.com'],
        min_severity: 'error',
        rate_limit: 20,
      },
      relay: {
        type: 'email',
        host: 'relay.local',
        port: 25,
        user: '',
        password: '',
        from: 'runwatch@example.com',
        to: ['ops@example.com'],
        min_severity: 'info',
        rate_limit: 20,
      },
    },
  };
}

describe('secrets in settings.json', () => {
  it('seals every URL, password, signing secret and header value, and nothing else', () => {
    const { stored, issues } = sealSecrets(withChannels(), hexCipher);
    expect(issues).toEqual([]);
    const sealed = (plain: string) => ({ $secret: hexCipher.encrypt(plain) });
    expect(stored.channels).toEqual({
      slack: {
        type: 'slack',
        webhook_url: sealed('https://hooks.slack.com/services/T0/B0/SLACKPATH'),
        min_severity: 'info',
        rate_limit: 20,
      },
      'ops-hook': {
        type: 'webhook',
        url: sealed('https://ops.example.com/hook?token=HOOKTOKEN'),
        headers: { Authorization: sealed('Bearer BEARERTOKEN') },
        secret: sealed('SIGNINGSECRET'),
        min_severity: 'warning',
        rate_limit: 20,
      },
      email: {
        type: 'email',
        host: 'smtp.example.com',
        port: 587,
        user: 'runwatch',
        password: sealed('SMTPPASSWORD'),
        from: 'runwatch@example.com',
        to: ['oncall@example.com'],
        min_severity: 'error',
        rate_limit: 20,
      },
      relay: withChannels().channels.relay,
    });
  });

  it('opens what it sealed', () => {
    const settings = withChannels();
    const opened = openSecrets(sealSecrets(settings, hexCipher).stored, hexCipher);
    expect(opened).toEqual({ value: settings, issues: [] });
  });

  it('keeps secrets in clear where the cipher does not encrypt', () => {
    const settings = withChannels();
    expect(sealSecrets(settings, plainCipher)).toEqual({ stored: settings, issues: [] });
  });

  it('takes a secret in clear as it is, whatever the cipher', () => {
    const stored = structuredClone(withChannels()) as Record<string, unknown>;
    expect(openSecrets(stored, hexCipher)).toEqual({ value: stored, issues: [] });
  });

  it('names each secret it cannot decrypt, and why', () => {
    const stored = sealSecrets(withChannels(), hexCipher).stored;
    const channels = stored.channels as Record<string, Record<string, unknown>>;
    (channels['ops-hook'] as Record<string, unknown>).secret = { $secret: 42 };
    expect(openSecrets(stored, plainCipher).issues).toEqual([
      {
        path: ['channels', 'slack', 'webhook_url'],
        message:
          'cannot be decrypted (it was encrypted by the Runwatch app, and secrets are not encrypted here); enter it again',
      },
      expect.objectContaining({ path: ['channels', 'ops-hook', 'url'] }),
      {
        path: ['channels', 'ops-hook', 'secret'],
        message: 'expected text or { "$secret": "<ciphertext>" }',
      },
      expect.objectContaining({ path: ['channels', 'ops-hook', 'headers', 'Authorization'] }),
      expect.objectContaining({ path: ['channels', 'email', 'password'] }),
    ]);
  });

  it('names a secret the cipher fails to encrypt', () => {
    const broken: SecretCipher = {
      ...hexCipher,
      encrypt: () => {
        throw new Error('the keyring is locked');
      },
    };
    const settings = withChannels();
    settings.channels = { slack: settings.channels.slack as Settings['channels'][string] };
    expect(sealSecrets(settings, broken).issues).toEqual([
      {
        path: ['channels', 'slack', 'webhook_url'],
        message: 'cannot be encrypted: the keyring is locked',
      },
    ]);
  });
});

describe('protectionNotice', () => {
  it('says plainly when secrets are not protected', () => {
    expect(protectionNotice('os')).toBe('secrets are encrypted with the OS keyring');
    expect(protectionNotice('basic_text')).toMatch(/^secrets are not protected by the OS keyring/);
    expect(protectionNotice('none')).toMatch(/^secrets are not encrypted/);
  });
});
