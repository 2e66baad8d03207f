import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Where commands are documented or printed: the docs, the scripts, and every source file. */
const PLACES = ['README.md', 'docs', 'build', 'scripts', 'bin', 'electron', 'shared', 'renderer'];
const PLACES_FILES = ['.ci/run', 'package.json', 'config/alerts.yaml'];
const TEXT = /\.(md|ts|tsx|js|html|ya?ml|json|service|sh)$/;

/**
 * The parts of a file that are commands to run or text a program prints: code blocks and
 * `code spans` of Markdown, quoted strings and `code spans` of source files, whole lines of
 * anything else (a unit file, a shell script, package.json). Prose may speak of npx.
 */
function commandTexts(file: string, text: string): { line: number; text: string }[] {
  const lines = text.split('\n');
  const spans = (line: string, pattern: RegExp) => [...line.matchAll(pattern)].map((m) => m[0]);
  const out: { line: number; text: string }[] = [];
  let fenced = false;
  lines.forEach((line, i) => {
    const at = (found: string[]) => found.forEach((t) => out.push({ line: i + 1, text: t }));
    if (file.endsWith('.md')) {
      if (line.startsWith('```')) fenced = !fenced;
      else at(fenced ? [line] : spans(line, /`[^`]+`/g));
    } else if (/\.(ts|tsx|js)$/.test(file)) {
      at(spans(line, /`[^`]+`|'[^'\n]*'|"[^"\n]*"/g));
    } else {
      at([line]);
    }
  });
  return out;
}

function filesUnder(place: string): string[] {
  const full = path.join(ROOT, place);
  if (!fs.statSync(full).isDirectory()) return [place];
  return fs
    .readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && TEXT.test(entry.name))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}

describe('documented commands and printed hints', () => {
  it('run npx only with --no-install, so no command can fetch a package of the same name', () => {
    const files = [...PLACES.flatMap(filesUnder), ...PLACES_FILES];
    expect(files).toEqual(expect.arrayContaining(['README.md', 'scripts/start-app.ts']));
    const bare: string[] = [];
    for (const file of files) {
      for (const { line, text } of commandTexts(
        file,
        fs.readFileSync(path.join(ROOT, file), 'utf8'),
      )) {
        if (/\bnpx[ \t]+(?!--no-install\b)\S/.test(text)) bare.push(`${file}:${line}: ${text}`);
      }
    }
    expect(bare).toEqual([]);
  });

  it('name a package that is not the registry’s unrelated `runwatch`, whose command is runwatch', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      name: string;
      bin: Record<string, string>;
    };
    expect(pkg.name).not.toBe('runwatch');
    expect(Object.keys(pkg.bin)).toEqual(['runwatch']);
  });
});
