import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MAPPING_SCHEMA_FILE, renderMappingJsonSchema } from '../../scripts/mapping-json-schema.ts';
import { ConfigError } from '../../electron/core/config/yaml-validate.ts';
import {
  BUILTIN_SCHEMA_DIR,
  builtinProfiles,
} from '../../electron/core/source/builtin-profiles.ts';
import { parseProfile } from '../../electron/core/source/profile/profile-file.ts';
import { JOBS_MAPPING as MAPPING } from '../support/jobs-mapping.ts';

function problemsOf(text: string): string[] {
  try {
    parseProfile(text, 'mapping.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n');
    throw error;
  }
  throw new Error('the mapping was accepted');
}

describe('a mapping file', () => {
  it('reads shorthands as their long forms, with the file-wide encoding where none is given', () => {
    const profile = parseProfile(MAPPING, 'mapping.yaml');
    expect(profile.runs.id).toEqual([
      { column: 'queue', skip: null },
      { column: 'job_key', skip: null },
    ]);
    expect(profile.runs.started).toEqual({
      column: 'began',
      optional: false,
      from: null,
      encoding: 'epoch-s',
    });
    expect(profile.runs.progress).toEqual([
      { column: 'touched', optional: false, from: null, encoding: 'naive-utc' },
      { column: 'beat', optional: true, from: null, encoding: 'naive-utc' },
    ]);
    expect(profile.steps?.id[1]).toEqual({ column: 'shard', skip: -1 });
    // Written values match whatever their case; NULL has its own entry.
    expect([...(profile.steps?.status.map ?? [])]).toEqual([
      ['done', 'succeeded'],
      ['failed', 'failed'],
      ['going', 'running'],
    ]);
    expect(profile.steps?.status.ifNull).toBe('pending');
    // Without `progress`, the updated column is the progress.
    expect(profile.steps?.progress).toEqual([
      { column: 'touched', optional: false, from: null, encoding: 'naive-utc' },
    ]);
  });

  it('names every problem at once, each at its line and column', () => {
    const broken = MAPPING.replace('  pipeline: queue\n', '  pipline: queue\n')
      .replace('busy: running', 'busy: working')
      .replace('  run: [queue, job_key]', '  run: [job_key]')
      .replace('timestamps: naive-utc', 'timestamps: local');
    expect(problemsOf(broken)).toEqual([
      'mapping.yaml:5:13: timestamps: "local" is not a timestamp encoding; one of iso, naive-utc, naive-local, epoch-s, epoch-ms, epoch-us',
      'mapping.yaml:9:3: unknown key runs.pipline (did you mean pipeline?)',
      'mapping.yaml:12:36: runs.status.map.busy: "working" is not a Runwatch status; one of pending, running, succeeded, failed, cancelled',
      "mapping.yaml:20:8: steps.run: names 1 column, but runs.id has 2: one per part of a run's id",
    ]);
  });

  it('reads steps as the latest event per key, and keeps the forms apart, saying where', () => {
    const events = MAPPING.replace(
      '  table: task\n  run: [queue, job_key]',
      '  events: { table: task_log, file: "logs/{run_id}.db", order: seq, at: logged }\n  run: [queue, job_key]',
    ).replace(/ {2}updated: touched\n$/, '');
    const steps = parseProfile(events, 'mapping.yaml').steps;
    expect(steps?.events).toEqual({
      table: 'task_log',
      file: 'logs/{run_id}.db',
      order: 'seq',
      at: { column: 'logged', optional: false, from: null, encoding: 'naive-utc' },
    });
    expect(steps?.table).toBe('task_log');
    expect(problemsOf(`${events}  updated: touched\n`)).toEqual([
      "mapping.yaml:27:3: steps: updated is for steps as rows; with events, a step's times and progress come from its events",
    ]);
    expect(problemsOf(MAPPING.replace(/ {2}updated: touched\n$/, ''))).toEqual([
      'mapping.yaml:19:3: steps: updated is missing: steps as rows name their table and updated column (or give events)',
    ]);
  });

  it('ships the built-in profiles in the same format', () => {
    const names = [...builtinProfiles().keys()];
    expect(names).toEqual(['runwatch', 'airflow', 'prefect', 'dagster', 'mlflow']);
    expect(builtinProfiles().get('airflow')?.runs.table).toBe('dag_run');
  });
});

describe('config/mapping.schema.json', () => {
  it('is what `npm run schema` writes, and every shipped mapping names it and passes it', async () => {
    expect(fs.readFileSync(MAPPING_SCHEMA_FILE, 'utf8')).toBe(await renderMappingJsonSchema());
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(
      JSON.parse(fs.readFileSync(MAPPING_SCHEMA_FILE, 'utf8')) as object,
    );
    const files = fs.readdirSync(BUILTIN_SCHEMA_DIR).filter((file) => file.endsWith('.yaml'));
    expect(files.length).toBe(builtinProfiles().size);
    for (const file of files) {
      const text = fs.readFileSync(path.join(BUILTIN_SCHEMA_DIR, file), 'utf8');
      expect(text.split('\n')[0], file).toBe(
        '# yaml-language-server: $schema=../mapping.schema.json',
      );
      expect(validate(parse(text)), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(validate(parse(MAPPING.replace('busy: running', 'busy: working')))).toBe(false);
  });
});
