/**
 * Mapping files (`--schema FILE`, and the built-in profiles under config/schemas/): YAML read
 * with positions and checked with zod, every problem at once as `file:line:col: message`. The
 * format is described in README ("Airflow, and any other schema"); config/mapping.schema.json is
 * its JSON Schema for editors.
 */
import { z } from 'zod';
import {
  ConfigError,
  parseAndValidate,
  readConfigText,
  type Path,
} from '../../config/yaml-validate.ts';
import {
  RUN_STATUSES,
  STEP_STATUSES,
  TIMESTAMP_ENCODINGS,
  type ColumnRef,
  type IdPart,
  type SourceProfile,
  type StatusMapping,
  type TimestampEncoding,
  type TimestampRef,
} from './source-profile.ts';

/** SQLite names as written in the database: the mapping quotes them, so any name works. */
const name = z.string().trim().min(1, { error: 'an empty name' }).max(200);

const encoding = z.enum(TIMESTAMP_ENCODINGS, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a timestamp encoding; one of ${TIMESTAMP_ENCODINGS.join(', ')}`,
});
const columnRef = z.union([
  name,
  z.strictObject({
    column: name,
    optional: z.boolean().optional(),
    encoding: encoding.optional(),
    from: name.optional(),
    match: z.record(name, name).optional(),
    json: z
      .string()
      .regex(/^\$/, { error: "a JSON path, from '$'" })
      .optional()
      .describe("A column of JSON text: the value at this path ('$.error.message')."),
  }),
]);

const idPart = z.union([
  name,
  z.strictObject({ column: name, skip: z.union([z.string(), z.number()]).optional() }),
]);

const idParts = z.array(idPart).min(1, { error: 'name at least one column' }).max(8);

function statusSchema<S extends string>(statuses: readonly [S, ...S[]]) {
  const status = z.enum(statuses, {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not a Runwatch status; one of ${statuses.join(', ')}`,
  });
  return z.strictObject({
    column: name,
    map: z.record(z.string(), status).refine((map) => Object.keys(map).length > 0, {
      error: 'map at least one value',
    }),
    when_null: status.optional(),
  });
}

const timestamps = encoding.optional();

const optionalFolder = z
  .boolean()
  .optional()
  .describe('A run may have no folder: one that never appears is not archived, and not a failure.');

const artifacts = z
  .union([
    z.strictObject({ column: name, optional: optionalFolder }),
    z.strictObject({
      optional: optionalFolder,
      template: z
        .string()
        .min(1)
        .refine((text) => /\{[^{}]+\}/.test(text), {
          error: 'name at least one column as {column}',
        }),
    }),
  ])
  .nullish();

const only = z.record(name, z.union([z.string(), z.number()])).optional();

const updated = z
  .union([name, z.array(name).min(1).max(4)])
  .describe(
    'A timestamp written on every change of the row (best with an index); several: the first non-null.',
  );

const runsSchema = z.strictObject({
  table: name.describe('The table of runs.'),
  only: only.describe('Only rows holding these values are runs: { column: value }.'),
  id: idParts.describe("The run's id: its columns, joined with '/'."),
  pipeline: columnRef.nullish().describe('What a run is a run of.'),
  status: statusSchema(RUN_STATUSES).describe("The run's status and what each value means."),
  created: columnRef.nullish().describe('When the run was created (a timestamp).'),
  started: columnRef.nullish().describe('When it started.'),
  finished: columnRef.nullish().describe('When it finished.'),
  updated,
  progress: z
    .array(columnRef)
    .min(1)
    .optional()
    .describe("The run's last progress: the greatest non-null of these (default: updated)."),
  artifacts: artifacts.describe('Its artifacts folder: { column } or { template: "…{column}…" }.'),
  finish_on_steps: z
    .boolean()
    .optional()
    .describe('Whether a run finishes once every step has (default true), or by its status only.'),
  timestamps: timestamps.describe("The encoding of this table's timestamps, over the file's."),
});

const stepEventsSchema = z.strictObject({
  table: name.describe('The table of events.'),
  file: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe(
      "Where the table is when the database does not have it: a file relative to the database's folder; {run_id} names one per run.",
    ),
  order: name.optional().describe('The column events are ordered by (default: the rowid).'),
  at: columnRef.describe('When the event happened (a timestamp).'),
});

const stepsSchema = z.strictObject({
  events: stepEventsSchema
    .optional()
    .describe(
      "Steps as the latest event per step key: id names the key, status.column the event's type; table, updated and the times are then the events'.",
    ),
  table: name.optional().describe('The table of steps.'),
  only: only.describe('Only rows holding these values are steps: { column: value }.'),
  run: z
    .array(name)
    .min(1)
    .max(8)
    .describe("The step's run: one column per part of the run's id, in order."),
  id: idParts.describe("The step's id within its run: its columns, joined with '/'."),
  name: columnRef.nullish().describe("The step's name as shown."),
  position: columnRef.nullish().describe('Its place in the run (else: the order steps started).'),
  status: statusSchema(STEP_STATUSES).describe("The step's status and what each value means."),
  started: columnRef.nullish().describe('When it started.'),
  finished: columnRef.nullish().describe('When it finished.'),
  updated: updated.optional(),
  progress: z
    .array(columnRef)
    .min(1)
    .optional()
    .describe("The step's last progress: the greatest non-null of these (default: updated)."),
  message: columnRef.nullish().describe('Why a failed step failed.'),
  timestamps: timestamps.describe("The encoding of this table's timestamps, over the file's."),
});

export const profileFileSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,39}$/, { error: 'lower-case letters, digits and -, up to 40' })
    .describe("The schema's name, as messages and the dashboard say it."),
  description: z.string().min(1).max(200).describe('What the schema is, in a few words.'),
  detect: z
    .record(name, z.array(name).min(1))
    .refine((tables) => Object.keys(tables).length > 0, { error: 'name at least one table' })
    .describe('Tables and columns whose presence says a database has this schema.'),
  timestamps: encoding
    .default('iso')
    .describe(
      'How timestamps are written: iso, naive-utc, naive-local, epoch-s, epoch-ms, epoch-us.',
    ),
  runs: runsSchema.describe('Where runs are.'),
  steps: stepsSchema.nullable().describe('Where steps are; null for runs without steps.'),
});

type ProfileFile = z.output<typeof profileFileSchema>;
type ColumnInput = z.output<typeof columnRef>;

const SECTION_KEYS: Record<string, readonly string[]> = {
  '': Object.keys(profileFileSchema.shape),
  runs: Object.keys(runsSchema.shape),
  steps: Object.keys(stepsSchema.shape),
};

function knownKeys(at: Path): readonly string[] {
  if (at.length === 0) return SECTION_KEYS[''] ?? [];
  if (at.length === 1) return SECTION_KEYS[String(at[0])] ?? [];
  if (at.length === 2 && at[1] === 'events') return Object.keys(stepEventsSchema.shape);
  if (at[1] === 'status') return ['column', 'map', 'when_null'];
  if (at[1] === 'artifacts') return ['column', 'template', 'optional'];
  if (at[1] === 'id') return ['column', 'skip'];
  return ['column', 'optional', 'encoding', 'from', 'match', 'json'];
}

function column(input: ColumnInput): ColumnRef {
  if (typeof input === 'string') return { column: input, optional: false, from: null };
  return {
    column: input.column,
    optional: input.optional ?? false,
    ...(input.json === undefined ? {} : { json: input.json }),
    from:
      input.from === undefined
        ? null
        : { table: input.from, match: new Map(Object.entries(input.match ?? {})) },
  };
}

function timestamp(input: ColumnInput, encoding: TimestampEncoding): TimestampRef {
  return {
    ...column(input),
    encoding: typeof input === 'string' ? encoding : (input.encoding ?? encoding),
  };
}

function idPartOf(input: z.output<typeof idPart>): IdPart {
  return typeof input === 'string'
    ? { column: input, skip: null }
    : { column: input.column, skip: input.skip ?? null };
}

function statusOf<S extends string>(input: {
  column: string;
  map: Record<string, S>;
  when_null?: S | undefined;
}): StatusMapping<S> {
  const map = new Map<string, S>();
  for (const [value, status] of Object.entries(input.map))
    map.set(value.trim().toLowerCase(), status);
  return { column: input.column, map, ifNull: input.when_null ?? null };
}

function updatedColumns(updated: string | readonly string[]): string[] {
  return typeof updated === 'string' ? [updated] : [...updated];
}

function templateColumns(template: string): string[] {
  return [...template.matchAll(/\{([^{}]+)\}/g)].map((match) => (match[1] as string).trim());
}

/** The validated file as a profile: shorthands expanded, encodings settled. */
function toProfile(value: ProfileFile, file: string): SourceProfile {
  const { runs, steps } = value;
  const runTime = runs.timestamps ?? value.timestamps;
  const stamp = (input: ColumnInput | null | undefined, encoding: TimestampEncoding) =>
    input === null || input === undefined ? null : timestamp(input, encoding);
  const stepTime = steps?.timestamps ?? value.timestamps;
  return {
    name: value.name,
    description: value.description,
    detect: new Map(Object.entries(value.detect)),
    file,
    runs: {
      table: runs.table,
      only: new Map(Object.entries(runs.only ?? {})),
      id: runs.id.map(idPartOf),
      pipeline: runs.pipeline ? column(runs.pipeline) : null,
      status: statusOf(runs.status),
      created: stamp(runs.created, runTime),
      started: stamp(runs.started, runTime),
      finished: stamp(runs.finished, runTime),
      updated: typeof runs.updated === 'string' ? [runs.updated] : runs.updated,
      updatedEncoding: runTime,
      progress: (runs.progress ?? updatedColumns(runs.updated)).map((ref) =>
        timestamp(ref, runTime),
      ),
      progressGiven: runs.progress !== undefined,
      finishOnSteps: runs.finish_on_steps ?? true,
      artifacts: !runs.artifacts
        ? null
        : 'column' in runs.artifacts
          ? { column: runs.artifacts.column, optional: runs.artifacts.optional ?? false }
          : {
              template: runs.artifacts.template,
              columns: templateColumns(runs.artifacts.template),
              optional: runs.artifacts.optional ?? false,
            },
    },
    steps: steps && {
      events: steps.events
        ? {
            table: steps.events.table,
            file: steps.events.file ?? null,
            order: steps.events.order ?? null,
            at: timestamp(steps.events.at, stepTime),
          }
        : null,
      table: steps.events?.table ?? steps.table ?? '',
      only: new Map(Object.entries(steps.only ?? {})),
      run: steps.run,
      id: steps.id.map(idPartOf),
      name: steps.name ? column(steps.name) : null,
      position: steps.position ? column(steps.position) : null,
      status: statusOf(steps.status),
      started: stamp(steps.started, stepTime),
      finished: stamp(steps.finished, stepTime),
      updated: updatedColumns(steps.updated ?? []),
      updatedEncoding: stepTime,
      progress: (steps.progress ?? updatedColumns(steps.updated ?? [])).map((ref) =>
        timestamp(ref, stepTime),
      ),
      progressGiven: steps.progress !== undefined,
      message: steps.message ? column(steps.message) : null,
    },
  };
}

/**
 * What the schema cannot check alone: a step's run has as many columns as a run's id, and a
 * column from another table says how its rows match (`from` and `match` go together).
 */
function crossChecks(value: unknown): { path: Path; key?: string; message: string }[] {
  const problems: { path: Path; key?: string; message: string }[] = [];
  const file = value as Partial<ProfileFile> | null;
  const runId = file?.runs?.id;
  const stepRun = file?.steps?.run;
  if (Array.isArray(runId) && Array.isArray(stepRun) && runId.length !== stepRun.length) {
    problems.push({
      path: ['steps', 'run'],
      message: `names ${stepRun.length} column${stepRun.length === 1 ? '' : 's'}, but runs.id has ${runId.length}: one per part of a run's id`,
    });
  }
  problems.push(...stepFormChecks(file?.steps));
  const visit = (node: unknown, path: Path) => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, [...path, i]));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    const from = 'from' in record;
    const match = 'match' in record && record.match !== null && typeof record.match === 'object';
    if (from && (!match || Object.keys(record.match as object).length === 0)) {
      problems.push({
        path,
        message: 'from names a table: match says which of its rows (its column: ours)',
      });
    } else if (!from && 'match' in record) {
      problems.push({ path, message: 'match goes with from: the table whose rows it matches' });
    }
    for (const [key, child] of Object.entries(record)) {
      if (key !== 'match' && key !== 'map' && key !== 'only') visit(child, [...path, key]);
    }
  };
  visit(file?.runs, ['runs']);
  visit(file?.steps, ['steps']);
  return problems;
}

/** Keys of `steps` that only steps as rows have: with `events`, the events decide them. */
const ROW_ONLY_KEYS = ['table', 'only', 'position', 'started', 'finished', 'updated', 'progress'];

/**
 * Steps are rows of a table (which needs `table` and `updated`) or the latest event per key
 * (`events`, where the row keys have no meaning): one or the other, said where it is wrong.
 */
function stepFormChecks(steps: unknown): { path: Path; message: string; key?: string }[] {
  if (steps === null || typeof steps !== 'object' || Array.isArray(steps)) return [];
  const given = steps as Record<string, unknown>;
  if ('events' in given) {
    return ROW_ONLY_KEYS.filter((key) => key in given).map((key) => ({
      path: ['steps'],
      key,
      message: `${key} is for steps as rows; with events, a step's times and progress come from its events`,
    }));
  }
  return ['table', 'updated']
    .filter((key) => !(key in given))
    .map((key) => ({
      path: ['steps'],
      message: `${key} is missing: steps as rows name their table and updated column (or give events)`,
    }));
}

/** Reads a mapping file's text; throws ConfigError listing every problem with its place. */
export function parseProfile(text: string, file: string): SourceProfile {
  const result = parseAndValidate(text, file, profileFileSchema, {
    knownKeys,
    prepare: (value) => ({ value, problems: crossChecks(value), skip: [] }),
  });
  if ('problems' in result) throw new ConfigError(file, result.problems);
  return toProfile(result.value, file);
}

export function loadProfileFile(file: string): { profile: SourceProfile; text: string } {
  const { absolute, text } = readConfigText(file);
  return { profile: parseProfile(text, absolute), text };
}
