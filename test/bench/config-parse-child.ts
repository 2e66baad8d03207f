/**
 * One step of the config benchmark in a fresh process, as a user's command meets it (cold):
 * `read` the file only, `yaml` parse it with the yaml package (the baseline), or `check` it as
 * `check-config` does. Prints the step's milliseconds inside the process.
 */
import fs from 'node:fs';
import { parse } from 'yaml';
import { parseConfig } from '../../electron/core/config/config-file.ts';

const [mode, file] = process.argv.slice(2) as [string, string];
const started = performance.now();
const text = fs.readFileSync(file, 'utf8');
if (mode === 'yaml') parse(text, { maxAliasCount: -1 });
else if (mode === 'check') parseConfig(text, file, { env: {} });
else if (mode !== 'read') throw new Error(`unknown mode ${mode}`);
process.stdout.write(`${JSON.stringify({ ms: performance.now() - started })}\n`);
