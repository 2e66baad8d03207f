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

type Path = readonly PropertyKey[];

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

/**
 * Parses YAML keeping positions and validates it with a zod schema. Unknown keys get a
 * "did you mean" from the keys the schema knows at that place.
 */
export function parseAndValidate<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  knownKeys: (path: Path) => readonly string[],
): { value: z.output<S> } | { problems: ConfigProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((error) => {
        const pos = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
        return {
          file,
          line: pos?.line ?? null,
          col: pos?.col ?? null,
          message: error.message.replace(/ at line \d+, column \d+[\s\S]*$/, ''),
        };
      }),
    };
  }
  const result = schema.safeParse(doc.toJS() ?? {});
  if (result.success) return { value: result.data };
  const problems: ConfigProblem[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const known = knownKeys(issue.path);
        const guess = didYouMean(key, known);
        const pos = locate(doc, lines, issue.path, key);
        problems.push({
          file,
          line: pos.line,
          col: pos.col,
          message:
            `unknown key ${describePath(issue.path, key)}` +
            (guess
              ? ` (did you mean ${guess}?)`
              : known.length
                ? ` (known keys: ${known.join(', ')})`
                : ''),
        });
      }
      continue;
    }
    const pos = locate(doc, lines, issue.path);
    const where = describePath(issue.path);
    problems.push({
      file,
      line: pos.line,
      col: pos.col,
      message: where ? `${where}: ${issue.message}` : issue.message,
    });
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
  return { problems };
}
