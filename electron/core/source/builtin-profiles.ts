/**
 * The built-in source profiles: mapping files shipped under config/schemas/ of the installation,
 * in the format any user's own mapping uses (profile/profile-file.ts). Read once, on first use.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_SCHEMAS } from '../../../shared/builtin-schemas.ts';
import { ConfigError } from '../config/yaml-validate.ts';
import { loadProfileFile } from './profile/profile-file.ts';
import type { SourceProfile } from './profile/source-profile.ts';
import type { SchemaChoice } from './profile/source-profile.ts';

export const BUILTIN_SCHEMA_DIR = fileURLToPath(
  new URL('../../../config/schemas/', import.meta.url),
);

/** In the order detection tries them: the default schema first. */
export const BUILTIN_PROFILES = BUILTIN_SCHEMAS;

let loaded: Map<string, SourceProfile> | null = null;

/** Every built-in profile, by name, in detection order. */
export function builtinProfiles(): ReadonlyMap<string, SourceProfile> {
  if (loaded) return loaded;
  const profiles = new Map<string, SourceProfile>();
  for (const name of BUILTIN_PROFILES) {
    profiles.set(name, loadProfileFile(path.join(BUILTIN_SCHEMA_DIR, `${name}.yaml`)).profile);
  }
  loaded = profiles;
  return profiles;
}

/**
 * `--schema VALUE`: a built-in profile's name, or a mapping file. Throws ConfigError with every
 * problem of the file, or saying what VALUE could have been.
 */
export function schemaChoice(value: string): SchemaChoice {
  const builtin = builtinProfiles().get(value);
  if (builtin) return { profile: builtin, text: null };
  if (!fs.existsSync(value) && !/[./\\]/.test(value)) {
    throw new ConfigError(value, [
      {
        file: value,
        line: null,
        col: null,
        message: `not a built-in schema (${BUILTIN_PROFILES.join(', ')}) nor a mapping file`,
      },
    ]);
  }
  const { profile, text } = loadProfileFile(value);
  return { profile, text };
}
