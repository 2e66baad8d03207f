/**
 * `npm run schema`: writes config/alerts.schema.json from the config's zod schema, so editors
 * complete and check alerts.yaml. A unit test fails when the committed file is stale.
 */
import fs from 'node:fs';
import { CONFIG_SCHEMA_FILE, renderConfigJsonSchema } from './config-json-schema.ts';

fs.writeFileSync(CONFIG_SCHEMA_FILE, await renderConfigJsonSchema());
process.stdout.write(`wrote ${CONFIG_SCHEMA_FILE}\n`);
