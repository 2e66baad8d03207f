import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLAIN_DIR, uiFolder } from '../../electron/core/desktop/ui-folder.ts';
import { tempDir } from '../support/orchestration-db.ts';

function folders() {
  const base = fs.realpathSync(tempDir());
  const dashboard = path.join(base, 'dist', 'renderer');
  const plain = path.join(base, 'renderer', 'plain');
  fs.mkdirSync(dashboard, { recursive: true });
  fs.mkdirSync(plain, { recursive: true });
  fs.writeFileSync(path.join(plain, 'index.html'), 'plain');
  return { dashboard, plain };
}

describe('uiFolder', () => {
  it('serves the built dashboard when there is one', () => {
    const dirs = folders();
    fs.writeFileSync(path.join(dirs.dashboard, 'index.html'), 'dashboard');
    expect(uiFolder(dirs)).toEqual({ root: dirs.dashboard, plain: false });
  });

  it('falls back to the plain page in a checkout without a UI build, and says so', () => {
    const dirs = folders();
    expect(uiFolder(dirs)).toEqual({ root: dirs.plain, plain: true });
  });

  it('finds nothing when neither has a page', () => {
    const dirs = folders();
    fs.rmSync(path.join(dirs.plain, 'index.html'));
    expect(uiFolder(dirs)).toBeNull();
  });

  it("finds the repository's plain page from core's own sources", () => {
    expect(fs.existsSync(path.join(PLAIN_DIR, 'index.html'))).toBe(true);
  });
});
