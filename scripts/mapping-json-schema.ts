/**
 * The JSON Schema of mapping files (`--schema FILE`, config/schemas/*.yaml), written by
 * `npm run schema` to config/mapping.schema.json from the zod schema that reads them. A unit
 * test fails when the committed file is stale.
 */
import path from 'node:path';
import * as prettier from 'prettier';
import { z } from 'zod';
import { profileFileSchema } from '../electron/core/source/profile/profile-file.ts';

export const MAPPING_SCHEMA_FILE = path.resolve(
  import.meta.dirname,
  '..',
  'config',
  'mapping.schema.json',
);

export function mappingJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(profileFileSchema, { target: 'draft-2020-12', io: 'input' });
  const { $schema, ...rest } = JSON.parse(JSON.stringify(generated)) as Record<string, unknown>;
  return {
    $schema,
    title: 'Runwatch mapping file (--schema FILE)',
    description:
      'Where another schema keeps runs and steps: each value names a column of that table. Check a file with `runwatch check-config FILE [--db DB]`; README\'s "Airflow, and any other schema" describes every key.',
    ...rest,
  };
}

export async function renderMappingJsonSchema(): Promise<string> {
  const options = (await prettier.resolveConfig(MAPPING_SCHEMA_FILE)) ?? {};
  return prettier.format(JSON.stringify(mappingJsonSchema()), { ...options, parser: 'json' });
}
