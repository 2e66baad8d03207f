import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { desktopFiles, type FileShell } from '../../electron/core/desktop/desktop-files.ts';
import { tempDir } from '../support/orchestration-db.ts';

class FakeShell implements FileShell {
  readonly opened: string[] = [];
  readonly shown: string[] = [];
  failure = '';

  openPath(folder: string): Promise<string> {
    this.opened.push(folder);
    return Promise.resolve(this.failure);
  }

  showItemInFolder(file: string): void {
    this.shown.push(file);
  }
}

const noDialog = () => Promise.resolve(null);

let dataDir: string;
let elsewhere: string;
let shell: FakeShell;

beforeEach(() => {
  const base = fs.realpathSync(tempDir());
  dataDir = path.join(base, 'sources', 'etl');
  elsewhere = path.join(base, 'home');
  fs.mkdirSync(path.join(dataDir, 'archive'), { recursive: true });
  fs.mkdirSync(path.join(dataDir, 'reports'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'archive', 'run-1.zip'), 'zip');
  fs.mkdirSync(elsewhere);
  fs.writeFileSync(path.join(elsewhere, 'payload.sh'), '#!/bin/sh');
  fs.symlinkSync(elsewhere, path.join(dataDir, 'reports', 'out'));
  shell = new FakeShell();
});

describe('desktopFiles', () => {
  it('opens a folder inside a watched data dir, and says whether the shell could', async () => {
    const files = desktopFiles(shell, () => [dataDir], noDialog);
    expect(await files.openFolder?.(path.join(dataDir, 'archive'))).toBe(true);
    shell.failure = 'no file manager';
    expect(await files.openFolder?.(path.join(dataDir, 'archive'))).toBe(false);
    expect(shell.opened).toEqual([path.join(dataDir, 'archive'), path.join(dataDir, 'archive')]);
  });

  it('shows a file Runwatch wrote, selected in its folder', async () => {
    const files = desktopFiles(shell, () => [dataDir], noDialog);
    const zip = path.join(dataDir, 'archive', 'run-1.zip');
    await expect(files.showFile(zip)).resolves.toEqual({ shown: true });
    expect(shell.shown).toEqual([zip]);
  });

  it('hands nothing outside the data dirs to the shell, through a symlink neither', async () => {
    const files = desktopFiles(shell, () => [dataDir], noDialog);
    expect(await files.openFolder?.(elsewhere)).toBe(false);
    expect(await files.openFolder?.(path.join(dataDir, 'reports', 'out'))).toBe(false);
    expect(await files.openFolder?.(path.join(dataDir, '..', '..', 'home'))).toBe(false);
    await expect(files.showFile(path.join(elsewhere, 'payload.sh'))).rejects.toThrow(
      /only files Runwatch wrote/,
    );
    await expect(
      files.showFile(path.join(dataDir, 'reports', 'out', 'payload.sh')),
    ).rejects.toThrow(/only files Runwatch wrote/);
    expect(shell.opened).toEqual([]);
    expect(shell.shown).toEqual([]);
  });

  it("offers the dialog's choice, or nothing when it was cancelled", async () => {
    const answers = ['/data/orders.db', null];
    const files = desktopFiles(
      shell,
      () => [dataDir],
      () => Promise.resolve(answers.shift() ?? null),
    );
    expect(await files.chooseDatabase?.()).toBe('/data/orders.db');
    expect(await files.chooseDatabase?.()).toBeNull();
  });
});
