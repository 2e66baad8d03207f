import { errorMessage } from '../../../shared/error-message.ts';

/** settings.json as stored, without its `version`: secrets still sealed, shape of its version. */
export type StoredSettings = Record<string, unknown>;

/** Turns the stored settings of one version into those of the next. */
export type SettingsMigration = (stored: StoredSettings) => StoredSettings;

/**
 * Runwatch's migrations: `SETTINGS_MIGRATIONS[i]` takes version i + 1 to i + 2. Version 1 is the
 * first, so there are none yet; a change to the settings' shape appends one.
 */
export const SETTINGS_MIGRATIONS: readonly SettingsMigration[] = [];

/** The version settings.json is written at: the one the last migration leads to. */
export function settingsVersion(migrations: readonly SettingsMigration[]): number {
  return migrations.length + 1;
}

/** Brings stored settings of `version` to the current one, one version at a time. */
export function migrateSettings(
  stored: StoredSettings,
  version: number,
  migrations: readonly SettingsMigration[],
): StoredSettings {
  let current = stored;
  for (let from = version; from < settingsVersion(migrations); from++) {
    const migrate = migrations[from - 1] as SettingsMigration;
    try {
      current = migrate(current);
    } catch (error) {
      throw new Error(
        `cannot be upgraded from version ${from} to ${from + 1}: ${errorMessage(error)}`,
        { cause: error },
      );
    }
  }
  return current;
}
