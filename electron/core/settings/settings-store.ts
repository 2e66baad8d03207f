import fs from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../../../shared/error-message.ts';
import {
  checkSettings,
  type Settings,
  type SettingsInput,
  type SettingsIssue,
} from '../../../shared/settings.ts';
import { ConfigError } from '../config/yaml-validate.ts';
import { writeFileAtomically } from '../store/durable-file.ts';
import type { SecretCipher, SecretProtection } from './secret-cipher.ts';
import { openSecrets, sealSecrets } from './secret-fields.ts';
import { parseSettingsText, settingsError } from './settings-file.ts';
import {
  migrateSettings,
  SETTINGS_MIGRATIONS,
  settingsVersion,
  type SettingsMigration,
  type StoredSettings,
} from './settings-migrations.ts';

export interface SettingsStoreOptions {
  /** The settings.json, e.g. `<userData>/settings.json`. */
  file: string;
  cipher: SecretCipher;
  /** What `load()` gives while there is no file: only the caller knows what to watch first. */
  defaults: Settings;
  /** The steps from older versions; Runwatch's own unless given. */
  migrations?: readonly SettingsMigration[];
}

function startsWith(path: readonly PropertyKey[], prefix: readonly PropertyKey[]): boolean {
  return prefix.length <= path.length && prefix.every((part, index) => path[index] === part);
}

/**
 * settings.json: read, validated, upgraded from older versions and decrypted by `load()`;
 * validated, encrypted and written atomically, readable only by its owner, by `save()`. Every
 * problem is a ConfigError naming the file and each field.
 */
export class SettingsStore {
  readonly file: string;
  /** The version this store writes, and the newest it reads. */
  readonly version: number;
  readonly #cipher: SecretCipher;
  readonly #defaults: Settings;
  readonly #migrations: readonly SettingsMigration[];
  /** Saves run one after another: they share a temp file. */
  #saving: Promise<unknown> = Promise.resolve();

  constructor(options: SettingsStoreOptions) {
    this.file = path.resolve(options.file);
    this.#cipher = options.cipher;
    this.#defaults = options.defaults;
    this.#migrations = options.migrations ?? SETTINGS_MIGRATIONS;
    this.version = settingsVersion(this.#migrations);
  }

  /** How this store keeps secrets, for the settings window to say. */
  get protection(): SecretProtection {
    return this.#cipher.protection;
  }

  /**
   * The settings, secrets decrypted; the defaults when there is no file yet. An older file is
   * upgraded in memory and rewritten only by the next save; a newer one is refused and left as
   * it is.
   */
  async load(): Promise<Settings> {
    const text = await this.#readText();
    if (text === null) return structuredClone(this.#defaults);
    const { version, stored } = parseSettingsText(text, this.file);
    this.#refuseNewer(version);
    const opened = openSecrets(this.#migrate(stored, version), this.#cipher);
    const checked = checkSettings(opened.value);
    if (checked.ok && opened.issues.length === 0) return checked.settings;
    // A secret that cannot be decrypted is explained once, not again as a value of a wrong kind.
    const undecrypted = opened.issues.map((issue) => issue.path);
    const issues: SettingsIssue[] = [
      ...opened.issues,
      ...(checked.ok ? [] : checked.issues).filter(
        (issue) => !undecrypted.some((place) => startsWith(issue.path, place)),
      ),
    ];
    throw settingsError(this.file, issues);
  }

  /**
   * Validates `settings` and writes them; nothing is written unless all of it is valid. Resolves
   * with the settings as written, defaults filled in.
   */
  save(settings: SettingsInput): Promise<Settings> {
    const saved = this.#saving.then(() => this.#write(settings));
    this.#saving = saved.catch(() => undefined);
    return saved;
  }

  async #write(settings: SettingsInput): Promise<Settings> {
    const checked = checkSettings(settings);
    if (!checked.ok) throw settingsError(this.file, checked.issues);
    const existing = await this.#readText();
    if (existing !== null) this.#refuseNewer(this.#versionOf(existing));
    const sealed = sealSecrets(checked.settings, this.#cipher);
    if (sealed.issues.length > 0) throw settingsError(this.file, sealed.issues);
    const text = `${JSON.stringify({ version: this.version, ...sealed.stored }, null, 2)}\n`;
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    await writeFileAtomically(this.file, text, { mode: 0o600 });
    return checked.settings;
  }

  #migrate(stored: StoredSettings, version: number): StoredSettings {
    try {
      return migrateSettings(stored, version, this.#migrations);
    } catch (error) {
      throw settingsError(this.file, [{ path: ['version'], message: errorMessage(error) }]);
    }
  }

  /** The file's text, or null when there is none. */
  async #readText(): Promise<string | null> {
    try {
      return await fs.promises.readFile(this.file, 'utf8');
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ENOENT') return null;
      const why = code === 'EISDIR' ? 'is a folder' : `cannot be read: ${errorMessage(error)}`;
      throw new ConfigError(this.file, [{ file: this.file, line: null, col: null, message: why }]);
    }
  }

  /**
   * The version of an existing file; 0 for a corrupt one, which a save may replace: saving from
   * the settings window is how the user starts over.
   */
  #versionOf(text: string): number {
    try {
      return parseSettingsText(text, this.file).version;
    } catch {
      return 0;
    }
  }

  /** A file from a newer Runwatch may hold what this one cannot: never read it half, nor replace it. */
  #refuseNewer(version: number): void {
    if (version <= this.version) return;
    throw settingsError(this.file, [
      {
        path: ['version'],
        message: `${version} is from a newer Runwatch (this one knows up to version ${this.version}); update Runwatch. The file is left as it is`,
      },
    ]);
  }
}
