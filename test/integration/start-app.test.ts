import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/processes.ts';
import { tempDir } from '../support/orchestration-db.ts';

describe('npm start', () => {
  it('says in one message why the tray app cannot start, how to get Electron, and what else works', () => {
    // An empty Electron folder stands for a machine where the binary was never downloaded.
    const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'start-app.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: tempDir() },
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^runwatch: cannot start the tray app: Electron is missing: /);
    expect(lines[1]).toContain('npx install-electron');
    expect(lines[2]).toContain('npx runwatch serve --demo');
    expect(lines).toHaveLength(3);
  });
});
