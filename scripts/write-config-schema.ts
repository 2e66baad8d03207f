/**
 * `npm run schema`: writes config/alerts.schema.json and config/mapping.schema.json from the
 * zod schemas that read those files, so editors complete and check them. Unit tests fail when
 * a committed file is stale.
 */
import fs from 'node:fs';
import { CONFIG_SCHEMA_FILE, renderConfigJsonSchema } from './config-json-schema.ts';
import { MAPPING_SCHEMA_FILE, renderMappingJsonSchema } from './mapping-json-schema.ts';

fs.writeFileSync(CONFIG_SCHEMA_FILE, await renderConfigJsonSchema());
process.stdout.write(`wrote ${CONFIG_SCHEMA_FILE}\n`);
fs.writeFileSync(MAPPING_SCHEMA_FILE, await renderMappingJsonSchema());
process.stdout.write(`wrote ${MAPPING_SCHEMA_FILE}\n`);
