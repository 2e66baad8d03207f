import fs from 'node:fs';
import path from 'node:path';
import {
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import type { z } from 'zod';
import { didYouMean } from './did-you-mean.ts';
import { fastDocumentValue } from './yaml-fast-value.ts';
import { documentValue } from './yaml-values.ts';

/** One problem in a file, located for `file:line:col: message`. */
export interface ConfigProblem {
  file: string;
  line: number | null;
  col: number | null;
  message: string;
}

export function formatProblem(problem: ConfigProblem): string {
  return problem.line === null
    ? `${problem.file}: ${problem.message}`
    : `${problem.file}:${problem.line}:${problem.col}: ${problem.message}`;
}

/** Every problem of a file at once, each with its position. */
export class ConfigError extends Error {
  readonly file: string;
  readonly problems: ConfigProblem[];

  constructor(file: string, problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.file = file;
    this.problems = problems;
  }
}

export type Path = readonly PropertyKey[];

/** A config file's text, at its absolute path; ConfigError saying why it cannot be read. */
export function readConfigText(file: string): { absolute: string; text: string } {
  const absolute = path.resolve(file);
  try {
    return { absolute, text: fs.readFileSync(absolute, 'utf8') };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder' : String(error);
    throw new ConfigError(absolute, [{ file: absolute, line: null, col: null, message: why }]);
  }
}

/** What a caller does between parsing and validating: substitute values, add its own problems. */
export interface Prepared {
  value: unknown;
  /** With `key`, the problem is that key of the map at `path`, and is reported where it is written. */
  problems: { path: Path; key?: string; message: string }[];
  /** Places whose problems are expected (a value with an unset variable), not reported. */
  skip: Path[];
}

export interface ValidateOptions {
  /** Keys known at a place, for "did you mean" (the parsed value helps for typed sections). */
  knownKeys: (path: Path, root: unknown) => readonly string[];
  prepare?: (value: unknown) => Prepared;
}

/** Each map's pairs by key as the value has it, made on first use: a map may be huge. */
const pairsByKey = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  let pairs = pairsByKey.get(map);
  if (!pairs) {
    pairs = new Map();
    for (const pair of map.items) {
      if (!isScalar(pair.key)) continue;
      const text = pair.key.value === null ? '' : String(pair.key.value);
      if (!pairs.has(text)) pairs.set(text, pair);
    }
    pairsByKey.set(map, pairs);
  }
  return pairs.get(key);
}

/** The nodes along `path` from the root, as far as the document goes. */
function nodesAlong(doc: Document, path: Path): Node[] {
  const nodes: Node[] = [];
  let node: unknown = doc.contents;
  for (const part of path) {
    if (isMap(node)) node = pairOf(node, String(part))?.value;
    else if (isSeq(node) && typeof part === 'number') node = node.items[part];
    else break;
    if (!isNode(node)) break;
    nodes.push(node);
  }
  return nodes;
}

function locate(doc: Document, lines: LineCounter, path: Path, key?: string) {
  const along = nodesAlong(doc, path);
  let node: Node | undefined = along.length === path.length ? along.at(-1) : undefined;
  if (path.length === 0 && isNode(doc.contents)) node = doc.contents;
  if (key !== undefined && isMap(node)) {
    const pair = pairOf(node, key);
    node = isNode(pair?.key) ? pair.key : node;
  }
  // A place the document does not have (a missing key): where its nearest parent is.
  const root = isNode(doc.contents) ? doc.contents : undefined;
  const found = [node, ...along.reverse(), root].find((candidate) => candidate?.range);
  return lines.linePos(found?.range?.[0] ?? 0);
}

function describePath(path: Path, key?: string): string {
  const parts = [...path, ...(key === undefined ? [] : [key])].map(String);
  return parts.join('.');
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}

function parse(text: string) {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  return { doc, lines };
}

/**
 * A tab used as indentation derails the parser for the rest of the file. To still report every
 * other problem, each such line is re-indented like the line above it and parsed again; line
 * numbers stay the same.
 */
function withoutTabIndents(text: string): string {
  const lines = text.split('\n');
  let previousIndent = '';
  return lines
    .map((line) => {
      const indent = /^[ \t]*/.exec(line)?.[0] ?? '';
      if (line.trim() === '') return line;
      if (indent.includes('\t')) return previousIndent + line.slice(indent.length);
      previousIndent = indent;
      return line;
    })
    .join('\n');
}

/** The value of a file read the fast way, if it is valid: nothing then needs a position. */
function validFast<S extends z.ZodType>(
  text: string,
  schema: S,
  options: ValidateOptions,
): { value: z.output<S> } | null {
  const fast = fastDocumentValue(text);
  if (fast === null) return null;
  const value = fast.value ?? {};
  const prepared = options.prepare?.(value) ?? { value, problems: [], skip: [] };
  if (prepared.problems.length > 0) return null;
  const result = schema.safeParse(prepared.value);
  return result.success ? { value: result.data } : null;
}

/**
 * Parses YAML keeping positions and validates it with a zod schema, reporting every problem at
 * once. Unknown keys get a "did you mean" from the keys the schema knows at that place. A valid
 * file read the fast way is done with; any other is read again, keeping positions.
 */
export function parseAndValidate<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  options: ValidateOptions,
): { value: z.output<S> } | { problems: ConfigProblem[] } {
  const valid = validFast(text, schema, options);
  if (valid) return valid;
  let { doc, lines } = parse(text);
  const problems: ConfigProblem[] = [];
  const at = (pos: { line: number; col: number } | undefined, message: string) =>
    problems.push({ file, line: pos?.line ?? null, col: pos?.col ?? null, message });
  if (doc.errors.length > 0) {
    const tabs = doc.errors.filter((error) => error.code === 'TAB_AS_INDENT');
    const retry = tabs.length > 0 ? parse(withoutTabIndents(text)) : null;
    const reported = retry && retry.doc.errors.length === 0 ? tabs : doc.errors;
    for (const error of reported) {
      at(
        lines.linePos(error.pos[0]),
        error.message.replace(/ at line \d+, column \d+[\s\S]*$/, '') +
          (error.code === 'TAB_AS_INDENT' ? '; indent with spaces' : ''),
      );
    }
    if (!retry || retry.doc.errors.length > 0) return { problems };
    ({ doc, lines } = retry);
  }
  const read = documentValue(doc);
  if ('problems' in read) {
    for (const problem of read.problems) at(lines.linePos(problem.offset), problem.message);
    return { problems };
  }
  const parsed: unknown = read.value ?? {};
  const prepared = options.prepare?.(parsed) ?? { value: parsed, problems: [], skip: [] };
  for (const problem of prepared.problems) {
    const where = describePath(problem.path);
    at(
      locate(doc, lines, problem.path, problem.key),
      where ? `${where}: ${problem.message}` : problem.message,
    );
  }
  const result = schema.safeParse(prepared.value);
  if (result.success && problems.length === 0) return { value: result.data };
  const issues = result.success ? [] : result.error.issues;
  // A misspelt key already says "did you mean"; the missing key it was meant to be is not news.
  const guessed = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const known = options.knownKeys(issue.path, prepared.value);
    for (const key of issue.keys) {
      const guess = didYouMean(key, known);
      if (guess) guessed.add(describePath(issue.path, guess));
    }
  }
  const skips = new Set(prepared.skip.map((place) => JSON.stringify(place)));
  const skipped = (path: Path) =>
    skips.size > 0 && path.some((_, index) => skips.has(JSON.stringify(path.slice(0, index + 1))));
  // When only skipped places fail (an unset variable where a number belongs, say), they are
  // the problem after all: report them rather than nothing.
  const reportSkipped = issues.every((issue) => skipped(issue.path)) && problems.length === 0;
  for (const issue of issues) {
    if (!reportSkipped && skipped(issue.path)) continue;
    if (
      guessed.has(describePath(issue.path)) &&
      valueAt(prepared.value, issue.path) === undefined
    ) {
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const known = options.knownKeys(issue.path, prepared.value);
        const guess = didYouMean(key, known);
        at(
          locate(doc, lines, issue.path, key),
          `unknown key ${describePath(issue.path, key)}` +
            (guess
              ? ` (did you mean ${guess}?)`
              : known.length
                ? ` (known keys: ${known.join(', ')})`
                : ''),
        );
      }
      continue;
    }
    if (issue.code === 'invalid_key') {
      // A key that is wrong in itself: said with its own words, where the key is written.
      const parent = issue.path.slice(0, -1);
      const key = String(issue.path.at(-1));
      const why = issue.issues.map((inner) => inner.message).join('; ');
      at(
        locate(doc, lines, parent, key),
        `${describePath(parent)}: ${JSON.stringify(key)}: ${why}`,
      );
      continue;
    }
    const where = describePath(issue.path);
    let message = issue.message;
    if (issue.code === 'invalid_union' && 'discriminator' in issue && 'options' in issue) {
      const value = valueAt(prepared.value, issue.path);
      const options = (issue.options as unknown[]).map(String);
      const guess = typeof value === 'string' ? didYouMean(value, options) : null;
      message =
        value === undefined
          ? `required; one of ${options.join(', ')}`
          : `unknown ${String(issue.discriminator)} ${JSON.stringify(value)}${guess ? ` (did you mean ${guess}?)` : ''}; one of ${options.join(', ')}`;
    }
    at(locate(doc, lines, issue.path), where ? `${where}: ${message}` : message);
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
  return { problems };
}

/**
 * Problems found after a file was read (a mapping that names a column the database lacks),
 * placed where the file writes each one, sorted by position.
 */
export function locateProblems(
  text: string,
  file: string,
  found: readonly { path: Path; key?: string; message: string }[],
): ConfigProblem[] {
  const { doc, lines } = parse(text);
  return found
    .map((problem) => {
      const pos = locate(doc, lines, problem.path, problem.key);
      const where = describePath(problem.path, problem.key);
      return {
        file,
        line: pos.line,
        col: pos.col,
        message: where ? `${where}: ${problem.message}` : problem.message,
      };
    })
    .sort((a, b) => a.line - b.line || a.col - b.col);
}
