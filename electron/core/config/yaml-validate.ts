import {
  isMap,
  isPair,
  isScalar,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import type { z } from 'zod';
import { didYouMean } from './did-you-mean.ts';
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

function locate(doc: Document, lines: LineCounter, path: Path, key?: string) {
  let node = doc.getIn(path as unknown[], true) as Node | undefined;
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find(
      (item) => isPair(item) && isScalar(item.key) && item.key.value === key,
    );
    node = (pair?.key as Node | undefined) ?? node;
  }
  for (let depth = path.length; !node?.range && depth > 0; depth--) {
    node = doc.getIn(path.slice(0, depth - 1) as unknown[], true) as Node | undefined;
  }
  const offset = node?.range?.[0] ?? 0;
  return lines.linePos(offset);
}

function describePath(path: Path, key?: string): string {
  const parts = [...path, ...(key === undefined ? [] : [key])].map(String);
  return parts.join('.');
}

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((part, index) => path[index] === part);
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

/**
 * Parses YAML keeping positions and validates it with a zod schema, reporting every problem at
 * once. Unknown keys get a "did you mean" from the keys the schema knows at that place.
 */
export function parseAndValidate<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  options: ValidateOptions,
): { value: z.output<S> } | { problems: ConfigProblem[] } {
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
  const skipped = (path: Path) => prepared.skip.some((place) => startsWith(path, place));
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
