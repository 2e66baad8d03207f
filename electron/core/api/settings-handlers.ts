import { z } from 'zod';
import { invalidParams, type CheckedParams } from '../../../shared/api.ts';
import {
  settingsChannelSchema,
  type Settings,
  type SettingsInput,
} from '../../../shared/settings.ts';
import { createChannelSender } from '../alerts/channels/channel-factory.ts';
import { sendTestAlert } from '../alerts/test-alert.ts';
import { ConfigError } from '../config/yaml-validate.ts';
import { protectionNotice } from '../settings/protection-notice.ts';
import { keepSecrets, maskSecrets, unkeptSecrets } from '../settings/secret-mask.ts';
import { SettingsError } from '../settings/settings-file.ts';
import { thresholdsInForce } from '../settings/thresholds-in-force.ts';
import type { SettingsAccess } from './api-options.ts';
import { RequestError, type Handlers, type RequestContext } from './request-context.ts';
import { testSource } from './source-test.ts';

/** Where nothing is saved: no secret can be kept. */
const NO_SETTINGS = {} as Settings;
/** A channel to test, checked once its kept secrets are filled in. */
const TESTED_CHANNEL = z.object({ channel: settingsChannelSchema });
type SettingsChannel = z.output<typeof settingsChannelSchema>;

/** The settings window: its settings, saved with their secrets kept, and its tests. */
export const settingsHandlers: Handlers<
  'getSettings' | 'saveSettings' | 'testChannel' | 'testSource'
> = {
  async getSettings(context) {
    const access = settingsAccess(context);
    const protection = access.store.protection;
    // Told apart from other failures: only then may the window offer to start over.
    const settings = await access.store.load().catch((error: unknown) => {
      if (error instanceof ConfigError) throw new RequestError('unreadable', error.message);
      throw error;
    });
    const sections = Object.keys(settings) as (keyof Settings)[];
    return {
      settings: maskSecrets(settings),
      in_force: context.options.sources.map(({ name, session }) =>
        thresholdsInForce(name, session.configFile, session.settings),
      ),
      applies: {
        now: sections.filter((section) => access.appliesAtOnce.includes(section)),
        at_restart: sections.filter((section) => !access.appliesAtOnce.includes(section)),
      },
      protection,
      notice: protectionNotice(protection),
      sources_read_only: access.sourcesReadOnly,
    };
  },

  async saveSettings(context, params) {
    const access = settingsAccess(context);
    const stored = await savedSettings(context);
    const input = keepSecrets(params.settings, stored ?? NO_SETTINGS);
    // Where the sources cannot change, what the UI sends for them is not taken.
    if (access.sourcesReadOnly && stored) input.sources = stored.sources;
    let saved: Settings;
    try {
      saved = await access.store.save(input as SettingsInput);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const problems = error.problems.map((problem) => problem.message);
      const issues =
        error instanceof SettingsError
          ? error.issues.map(({ path, message, key }) => ({
              path: path.map((part) => (typeof part === 'number' ? part : String(part))),
              message,
              ...(key ? { key } : {}),
            }))
          : undefined;
      throw new RequestError('invalid', `saveSettings: ${problems.join('; ')}`, issues);
    }
    await access.applied(saved);
    // Channels and quiet hours now in effect change which channels are inactive.
    context.patches.markChanged('alerts');
    return { saved: true };
  },

  testSource(context, params) {
    return testSource(params, () => savedSettings(context));
  },

  async testChannel(context, params) {
    const channel = await enteredChannel(context, params);
    const setup = createChannelSender(channel, context.options.channels);
    if ('inactive' in setup) throw new RequestError('unavailable', setup.inactive);
    const { result, latencyMs } = await sendTestAlert(channel.type, setup.sender);
    return {
      ok: result.ok,
      latency_ms: latencyMs,
      status: result.status ?? null,
      error: result.ok ? null : result.error,
    };
  },
};

function settingsAccess(context: RequestContext): SettingsAccess {
  const access = context.options.settings;
  if (!access) throw new RequestError('unavailable', 'there are no settings to edit here');
  return access;
}

/**
 * The saved settings, or null where there are none to keep secrets from: no settings here, or
 * a file that cannot be read (corrupt, or a secret that no longer decrypts), which is what
 * saving from the window replaces — its secrets must be entered again.
 */
async function savedSettings(context: RequestContext): Promise<Settings | null> {
  const access = context.options.settings;
  if (!access) return null;
  return access.store.load().catch((error: unknown) => {
    if (error instanceof ConfigError) return null;
    throw error;
  });
}

/**
 * The channel to test: as entered, each secret still `SECRET_KEPT` taken from the saved channel
 * of the same name by the rule `saveSettings` keeps them with, then checked in full. A kept
 * secret with nothing saved behind it is refused rather than sent empty.
 */
async function enteredChannel(
  context: RequestContext,
  params: CheckedParams<'testChannel'>,
): Promise<SettingsChannel> {
  const key = params.name ?? '';
  const input = { channels: { [key]: params.channel } };
  const stored = (params.name === undefined ? null : await savedSettings(context)) ?? NO_SETTINGS;
  const unkept = unkeptSecrets(input, stored)[0];
  if (unkept) {
    const field = ['channel', ...unkept.slice(2)].join('.');
    throw new RequestError(
      'invalid',
      `testChannel: ${field}: no saved secret to keep; enter it again`,
    );
  }
  const filled = keepSecrets(input, stored).channels as Record<string, unknown>;
  const checked = TESTED_CHANNEL.safeParse({ channel: filled[key] });
  if (!checked.success) {
    const invalid = invalidParams('testChannel', checked.error);
    throw new RequestError(invalid.code, invalid.message);
  }
  return checked.data.channel;
}
