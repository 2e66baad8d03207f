import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shouldStore } from '../../electron/core/archive/compressibility.ts';
import { tempDir } from '../support/orchestration-db.ts';

const MB = 1024 * 1024;

let dir: string;
const files = new Map<string, string>();

function fileOf(name: string): string {
  const file = files.get(name);
  if (file === undefined) throw new Error(`no test file ${name}`);
  return file;
}

function csvText(bytes: number): string {
  const lines: string[] = ['run_id,step,rows,status'];
  let size = 'run_id,step,rows,status'.length + 1;
  for (let i = 0; size < bytes; i++) {
    const line = `etl-daily-${String(i % 1000).padStart(4, '0')},load,${i % 97},succeeded`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(() => {
  dir = tempDir('runwatch-compress-');
  const put = (name: string, content: string | Buffer) => {
    files.set(name, path.join(dir, name));
    fs.writeFileSync(fileOf(name), content);
  };
  put('notes.txt', 'hello hello hello\n');
  put('random.bin', randomBytes(MB));
  put('table.csv', csvText(MB));
  put('table-text.png', csvText(MB));
  put('small-text.parquet', 'a,b,c\n1,2,3\n');
  put('tiny.gz', 'plain text, not gzip at all');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const check = (name: string) => shouldStore(name, fileOf(name), fs.statSync(fileOf(name)).size);

describe('shouldStore', () => {
  it('stores files in compressed formats by their extension, whatever they hold', () => {
    expect(check('table-text.png')).toBe(true); // 1 MB of very compressible text
    expect(check('small-text.parquet')).toBe(true);
    expect(check('tiny.gz')).toBe(true);
  });

  it('matches the extension case-insensitively and only on the name in the zip', () => {
    expect(shouldStore('plots/FIGURE.PNG', fileOf('table.csv'), MB)).toBe(true);
    expect(shouldStore('data/part-0000.Parquet', fileOf('table.csv'), MB)).toBe(true);
    expect(shouldStore('logs.tar.GZ', fileOf('notes.txt'), 18)).toBe(true);
  });

  it('deflates a small text file', () => {
    expect(check('notes.txt')).toBe(false);
  });

  it('stores a 1 MB file of random bytes with a neutral extension', () => {
    expect(fs.statSync(fileOf('random.bin')).size).toBe(MB);
    expect(check('random.bin')).toBe(true);
  });

  it('deflates a 1 MB file of repetitive CSV text', () => {
    expect(fs.statSync(fileOf('table.csv')).size).toBeGreaterThanOrEqual(MB);
    expect(check('table.csv')).toBe(false);
  });

  it('deflates rather than fails when the file cannot be read', () => {
    expect(shouldStore('gone.bin', path.join(dir, 'gone.bin'), MB)).toBe(false);
  });
});
