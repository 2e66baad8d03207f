import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomically } from '../../electron/core/store/durable-file.ts';
import { tempDir } from '../support/orchestration-db.ts';

describe('writeFileAtomically', () => {
  it('replaces the file and leaves nothing else beside it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'state.json');
    await writeFileAtomically(file, 'old\n');
    await writeFileAtomically(file, 'new\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('new\n');
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
  });

  it('creates the file with the mode asked for, even over a temp file a crash left', async () => {
    if (process.platform === 'win32') return;
    const file = path.join(tempDir(), 'secrets.json');
    fs.writeFileSync(`${file}.${process.pid}.tmp`, 'half a file', { mode: 0o644 });
    await writeFileAtomically(file, 'secret\n', { mode: 0o600 });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toBe('secret\n');
  });

  it('leaves no temp file and the old content as it was when the write fails', async () => {
    const dir = tempDir();
    // A rename cannot put a file over a folder: the write fails at its last step.
    const target = path.join(dir, 'taken');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside.txt'), 'old content');
    await expect(writeFileAtomically(target, 'new content')).rejects.toThrow();
    expect(fs.readdirSync(dir)).toEqual(['taken']);
    expect(fs.readFileSync(path.join(target, 'inside.txt'), 'utf8')).toBe('old content');
  });
});
