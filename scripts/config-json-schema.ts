import path from 'node:path';
import * as prettier from 'prettier';
import { z } from 'zod';
import { DURATION_PART } from '../shared/duration.ts';
import { ALERT_EVENT_TYPES, EVENT_FIELDS, EVENT_TYPES } from '../shared/events.ts';
import { configSchema } from '../electron/core/alerts/config-file.ts';
import { duration } from '../electron/core/config/duration-schema.ts';
import { CONFIG_KEY_DOCS } from './config-key-docs.ts';

export const CONFIG_SCHEMA_FILE = path.resolve(
  import.meta.dirname,
  '..',
  'config',
  'alerts.schema.json',
);

type Json = Record<string, unknown>;

/**
 * A `${VAR}` or `${VAR:-default}` reference. The file holds these before substitution, so any
 * string with a pattern (a port, a duration, a time of day) also accepts one.
 */
const ENV_REFERENCE = '\\$\\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\\}';
const DURATION = String.raw`^\s*(?:${DURATION_PART})+$`;

const MATCHABLE_TYPES = EVENT_TYPES.filter((type) => !ALERT_EVENT_TYPES.includes(type));

/** What zod cannot say: a duration's form, and the shape of match values. */
const DEFS: Readonly<Json> = {
  duration: {
    type: 'string',
    pattern: `(?:${DURATION})|${ENV_REFERENCE}`,
    description: 'A duration with a unit: 250ms, 10s, 30m, 1h, 7d, or combined, like 1h30m.',
  },
  matchValue: {
    anyOf: [
      { type: ['string', 'number', 'boolean', 'null'] },
      { type: 'array', minItems: 1, items: { $ref: '#/$defs/matchValue' } },
      {
        type: 'object',
        properties: { regex: { type: 'string', description: 'Matches the whole value.' } },
        required: ['regex'],
        additionalProperties: false,
      },
      {
        type: 'object',
        properties: { not: { $ref: '#/$defs/matchValue' } },
        required: ['not'],
        additionalProperties: false,
      },
    ],
  },
  typeMatch: {
    anyOf: [
      { enum: MATCHABLE_TYPES },
      { type: 'array', minItems: 1, items: { enum: MATCHABLE_TYPES } },
      {
        type: 'object',
        properties: { regex: { type: 'string', description: 'Matches the whole type.' } },
        required: ['regex'],
        additionalProperties: false,
      },
      {
        type: 'object',
        properties: { not: { $ref: '#/$defs/typeMatch' } },
        required: ['not'],
        additionalProperties: false,
      },
    ],
  },
  match: {
    type: 'object',
    propertyNames: { enum: [...EVENT_FIELDS] },
    properties: { type: { $ref: '#/$defs/typeMatch' } },
    additionalProperties: { $ref: '#/$defs/matchValue' },
  },
};

const MATCH_KEYS = ['/rules/*/match', '/silences/*/match'];

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Walks the generated schema along the file's keys: gives every key its description, points
 * match mappings at `#/$defs/match`, and lets patterned strings hold a `${VAR}`.
 */
function annotate(node: Json, pointer: string, used: Set<string>): void {
  if (typeof node.pattern === 'string' && node.type === 'string') {
    node.pattern = `(?:${node.pattern})|${ENV_REFERENCE}`;
  }
  if (isObject(node.properties)) {
    for (const [key, child] of Object.entries(node.properties)) {
      if (!isObject(child)) continue;
      const at = `${pointer}/${key}`;
      const description = CONFIG_KEY_DOCS[at];
      if (description === undefined)
        throw new Error(`no description for ${at} in config-key-docs.ts`);
      used.add(at);
      if (MATCH_KEYS.includes(at)) {
        node.properties[key] = { $ref: '#/$defs/match', description };
        continue;
      }
      child.description = description;
      annotate(child, at, used);
    }
  }
  if (isObject(node.additionalProperties))
    annotate(node.additionalProperties, `${pointer}/*`, used);
  if (isObject(node.items)) annotate(node.items, `${pointer}/*`, used);
  for (const branches of [node.anyOf, node.oneOf]) {
    if (!Array.isArray(branches)) continue;
    for (const branch of branches) {
      if (!isObject(branch)) continue;
      // A channel type's branch gets a title, which editors show when offering the types.
      const type = isObject(branch.properties) ? branch.properties.type : undefined;
      if (isObject(type) && typeof type.const === 'string') branch.title = `${type.const} channel`;
      annotate(branch, pointer, used);
    }
  }
}

/** The JSON Schema (draft 2020-12) of the whole config file, before variable substitution. */
export function configJsonSchema(): Json {
  const generated = z.toJSONSchema(configSchema, {
    target: 'draft-2020-12',
    io: 'input',
    override: (ctx) => {
      if (ctx.zodSchema !== duration) return;
      const json = ctx.jsonSchema as Json;
      for (const key of Object.keys(json)) delete json[key];
      json.$ref = '#/$defs/duration';
    },
  });
  // A plain copy: zod may share one object between the places a schema is used.
  const root = JSON.parse(JSON.stringify(generated)) as Json;
  const used = new Set<string>();
  annotate(root, '', used);
  const unused = Object.keys(CONFIG_KEY_DOCS).filter((key) => !used.has(key));
  if (unused.length > 0)
    throw new Error(`config-key-docs.ts describes no such keys: ${unused.join(', ')}`);
  const { $schema, ...rest } = root;
  return {
    $schema,
    title: 'Runwatch config (alerts.yaml)',
    description:
      'Who to tell (channels, rules, defaults, quiet_hours, silences, heartbeat) and the monitoring settings (monitor, pipelines). Values may hold ${VAR} or ${VAR:-default} from the environment. Check a file with `runwatch check-config FILE`.',
    ...rest,
    $defs: DEFS,
  };
}

/** The schema as committed: formatted as the repository's prettier formats JSON. */
export async function renderConfigJsonSchema(): Promise<string> {
  const options = (await prettier.resolveConfig(CONFIG_SCHEMA_FILE)) ?? {};
  return prettier.format(JSON.stringify(configJsonSchema()), { ...options, parser: 'json' });
}
