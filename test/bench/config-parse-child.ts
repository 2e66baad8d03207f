/**
 * One step of the config benchmark in a fresh process, as a user's command meets it (cold):
 * `read` the file only, `yaml` parse it with the yaml package (the baseline), or `check` it as
 * `check-config` does. Prints the step's wall-clock and CPU milliseconds inside the process.
 */
import fs from 'node:fs';
import { parse } from 'yaml';
import { parseConfig } from '../../electron/core/alerts/config-file.ts';

const [mode, file] = process.argv.slice(2) as [string, string];
const started = performance.now();
const cpu = process.cpuUsage();
const text = fs.readFileSync(file, 'utf8');
if (mode === 'yaml') parse(text, { maxAliasCount: -1 });
else if (mode === 'check') parseConfig(text, file, { env: {} });
else if (mode !== 'read') throw new Error(`unknown mode ${mode}`);
const used = process.cpuUsage(cpu);
const cpuMs = (used.user + used.system) / 1_000;
process.stdout.write(`${JSON.stringify({ ms: performance.now() - started, cpuMs })}\n`);
