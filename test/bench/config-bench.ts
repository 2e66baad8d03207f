/**
 * How long a very large config takes to check and to start a watch with: 150,000 rules in a
 * file of about 10 MB, each step a fresh process as a user runs it, beside the baselines
 * measured in the same run — reading the file, and merely parsing it with the yaml package.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_CONFIG_FILE } from '../../electron/core/alerts/config-file.ts';
import { createDefaultSchema } from '../../electron/core/demo/demo-schema.ts';
import { textTable } from '../../electron/core/cli/text-table.ts';
import { median } from './stats.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'runwatch.js');
const CHILD = path.join(import.meta.dirname, 'config-parse-child.ts');

export interface ConfigBenchRow {
  slug: string;
  label: string;
  /** The step inside its process, where the process says (the parse children do). */
  stepMs: number[];
  /** Its CPU time, main thread and GC threads alike: less moved by a busy machine. */
  stepCpuMs: number[];
  /** From spawn to exit: Node's start and module loading included. */
  processMs: number[];
  exitCodes: (number | null)[];
}

export interface ConfigBenchResult {
  rules: number;
  fileBytes: number;
  repeats: number;
  rows: ConfigBenchRow[];
}

/** Rules of a few kinds (exact, list, regex, negation), one line each: 150,000 make 11 MB. */
function configText(rules: number): string {
  const lines = [
    'channels:',
    '  desktop: { type: desktop }',
    '  h: { type: webhook, url: "http://127.0.0.1:9/hook" }',
    'rules:',
  ];
  for (let i = 0; i < rules; i++) {
    const match =
      i % 20 === 0
        ? `{run_id: {regex: 'r${i}-.*'}}`
        : i % 20 === 1
          ? `{type: [run_stalled, run_overdue]}`
          : i % 20 === 2
            ? `{run_id: {not: r${i}}}`
            : `{run_id: r${i}}`;
    lines.push(`- {name: r${i}, match: ${match}, severity: info, channels: [h]}`);
  }
  return `${lines.join('\n')}\n`;
}

function run(args: string[]): Promise<{ ms: number; stdout: string; code: number | null }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '', DBUS_SESSION_BUS_ADDRESS: '' },
  });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (stdout += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - started, stdout, code }));
  });
}

export async function benchConfigFile(
  quick: boolean,
  workDir: string,
  progress: (message: string) => void,
): Promise<ConfigBenchResult> {
  const rules = 150_000;
  const repeats = quick ? 3 : 5;
  const file = path.join(workDir, 'alerts-150k.yaml');
  fs.writeFileSync(file, configText(rules));
  const db = path.join(workDir, 'config-bench.db');
  const handle = new Database(db);
  handle.pragma('journal_mode = WAL');
  createDefaultSchema(handle);
  handle.close();
  const watchOnce = (config: string) => [
    BIN,
    'watch',
    '--once',
    '--db',
    db,
    '--data-dir',
    path.join(workDir, 'config-bench-data'),
    '--config',
    config,
  ];
  const steps: { slug: string; label: string; args: string[] }[] = [
    { slug: 'read', label: 'read the file (baseline)', args: [CHILD, 'read', file] },
    { slug: 'yaml', label: 'yaml.parse it (baseline)', args: [CHILD, 'yaml', file] },
    { slug: 'check', label: 'check it (parseConfig)', args: [CHILD, 'check', file] },
    { slug: 'check-config', label: 'runwatch check-config', args: [BIN, 'check-config', file] },
    { slug: 'watch', label: 'runwatch watch --once, this config', args: watchOnce(file) },
    {
      slug: 'watch-shipped',
      label: 'runwatch watch --once, shipped config',
      args: watchOnce(DEFAULT_CONFIG_FILE),
    },
  ];
  const rows: ConfigBenchRow[] = steps.map((step) => ({
    slug: step.slug,
    label: step.label,
    stepMs: [],
    stepCpuMs: [],
    processMs: [],
    exitCodes: [],
  }));
  // Rounds rather than one step after another: a busy spell of the machine spreads over all.
  for (let round = 0; round < repeats; round++) {
    progress(`config: round ${round + 1} of ${repeats}`);
    for (const [index, step] of steps.entries()) {
      const row = rows[index] as ConfigBenchRow;
      const result = await run(step.args);
      row.processMs.push(result.ms);
      row.exitCodes.push(result.code);
      const said = /^\{"ms":([\d.]+),"cpuMs":([\d.]+)\}$/m.exec(result.stdout);
      if (said) {
        row.stepMs.push(Number(said[1]));
        row.stepCpuMs.push(Number(said[2]));
      }
    }
  }
  return { rules, fileBytes: fs.statSync(file).size, repeats, rows };
}

const ms = (values: readonly number[]) =>
  values.length === 0 ? '–' : `${Math.round(median(values)).toLocaleString('en-US')} ms`;

export function formatConfigReport(result: ConfigBenchResult): string {
  const yaml = result.rows.find((row) => row.slug === 'yaml');
  const ratio = (row: ConfigBenchRow, pick: (row: ConfigBenchRow) => number[]) =>
    yaml && pick(row).length > 0 && row !== yaml
      ? `${(median(pick(row)) / median(pick(yaml))).toFixed(2)}×`
      : '';
  const rows = result.rows.map((row) => [
    row.label,
    ms(row.stepMs),
    ms(row.stepCpuMs),
    ms(row.processMs),
    ratio(row, (r) => r.stepMs),
    ratio(row, (r) => r.stepCpuMs),
    row.exitCodes.every((code) => code === 0) ? 'ok' : `exit ${row.exitCodes.join(', ')}`,
  ]);
  return [
    `Config: ${result.rules.toLocaleString('en-US')} rules, ${(result.fileBytes / 1e6).toFixed(1)} MB, median of ${result.repeats} fresh processes each`,
    textTable(
      [
        'step',
        'in the process',
        'its CPU',
        'whole process',
        'vs yaml.parse',
        'CPU vs yaml.parse',
        'exit',
      ],
      rows,
    ),
  ].join('\n');
}
