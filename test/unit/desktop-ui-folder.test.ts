import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardFolder } from '../../electron/core/desktop/ui-folder.ts';
import { tempDir } from '../support/orchestration-db.ts';

describe('dashboardFolder', () => {
  it("is the built dashboard's real folder", () => {
    const base = fs.realpathSync(tempDir());
    const built = path.join(base, 'dist', 'renderer');
    fs.mkdirSync(built, { recursive: true });
    fs.writeFileSync(path.join(built, 'index.html'), 'dashboard');
    fs.symlinkSync(built, path.join(base, 'link'));
    expect(dashboardFolder(path.join(base, 'link'))).toBe(built);
  });

  it('says how to build the dashboard where it is missing', () => {
    const dir = path.join(tempDir(), 'dist', 'renderer');
    expect(() => dashboardFolder(dir)).toThrow(
      `the dashboard is not built (no ${path.join(dir, 'index.html')}): run npm run build:ui`,
    );
  });
});
