import fs from 'node:fs';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_CONFIG_FILE } from '../../electron/core/alerts/config-file.ts';
import { CONFIG_SCHEMA_FILE, renderConfigJsonSchema } from '../../scripts/config-json-schema.ts';

const SCHEMA = JSON.parse(fs.readFileSync(CONFIG_SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(
  SCHEMA,
);

/** Where the schema refuses a file, as `instancePath keyword`. */
function refusals(yaml: string): string[] {
  if (validate(parse(yaml))) return [];
  return (validate.errors ?? []).map(
    (error: ErrorObject) => `${error.instancePath} ${error.keyword}`,
  );
}

const RULE = `rules:
  - name: failed
    match: { type: run_completed, outcome: failed }
    severity: critical
    channels: [desktop]
`;
const DESKTOP = 'channels:\n  desktop:\n    type: desktop\n';

describe('config/alerts.schema.json', () => {
  it('is what `npm run schema` writes from the config schema, so it cannot go stale', async () => {
    expect(fs.readFileSync(CONFIG_SCHEMA_FILE, 'utf8')).toBe(await renderConfigJsonSchema());
  });

  it('is named on the first line of the shipped alerts.yaml, for the YAML language server', () => {
    const first = fs.readFileSync(DEFAULT_CONFIG_FILE, 'utf8').split('\n')[0];
    expect(first).toBe('# yaml-language-server: $schema=./alerts.schema.json');
  });

  it('accepts the shipped alerts.yaml, ${VAR} references and all', () => {
    expect(refusals(fs.readFileSync(DEFAULT_CONFIG_FILE, 'utf8'))).toEqual([]);
  });

  it('accepts ${VAR} where a port, a duration or a time of day is expected', () => {
    const yaml = `channels:
  mail:
    type: email
    host: \${SMTP_HOST}
    port: \${SMTP_PORT:-587}
    from: a@example.com
    to: [b@example.com]
rules:
  - name: stalled
    match: { type: [run_stalled, run_overdue] }
    severity: warning
    channels: [mail]
    repeat_every: \${REPEAT:-1h}
quiet_hours: { from: "\${QUIET_FROM}", to: "07:00", except: critical }
monitor: { stall_after: 1h30m }
`;
    expect(refusals(yaml)).toEqual([]);
  });

  it('refuses a misspelt key, an unknown severity, a unitless duration and an alert event type', () => {
    expect(refusals(`${DESKTOP}${RULE}    severty: error\n`)).toEqual([
      '/rules/0 additionalProperties',
    ]);
    expect(refusals(`${DESKTOP}${RULE.replace('critical', 'critcal')}`)).toEqual([
      '/rules/0/severity enum',
    ]);
    expect(refusals(`${DESKTOP}${RULE}    throttle: 300\n`)).toEqual(['/rules/0/throttle type']);
    expect(refusals(`${DESKTOP}${RULE.replace('run_completed', 'alert_failed')}`)).toContain(
      '/rules/0/match/type enum',
    );
    expect(refusals(`${DESKTOP}${RULE.replace('outcome', 'outcom')}`)).toContain(
      '/rules/0/match propertyNames',
    );
  });

  it('refuses a channel of no known type and a port that is not a number', () => {
    expect(refusals('channels:\n  hook:\n    type: webhok\n    url: http://x/\n')).toContain(
      '/channels/hook oneOf',
    );
    const email = 'channels:\n  m: { type: email, host: h, from: a, to: b, port: smtp }\n';
    expect(refusals(email)).toContain('/channels/m/port pattern');
  });

  it('describes every key for the editor to show', () => {
    const missing: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (node === null || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      const properties = record.properties as Record<string, Record<string, unknown>> | undefined;
      for (const [key, child] of Object.entries(properties ?? {})) {
        if (!at.startsWith('/$defs') && typeof child.description !== 'string') {
          missing.push(`${at}/${key}`);
        }
      }
      for (const [key, child] of Object.entries(record)) walk(child, `${at}/${key}`);
    };
    walk(SCHEMA, '');
    expect(missing).toEqual([]);
    const port = JSON.stringify(SCHEMA).match(/"description":"The SMTP port[^"]*"/);
    expect(port?.[0]).toContain('Default: 587');
  });
});
