import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { viteBuild } from '../../scripts/vite-build.ts';
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
    expect(lines[1]).toContain('npx --no-install install-electron');
    expect(lines[2]).toContain('npx --no-install runwatch serve --demo');
    expect(lines).toHaveLength(3);
  });
});

describe('the builds npm start makes', () => {
  it('build every environment of a Vite config, as the app (main and preload) needs', async () => {
    const dir = tempDir('runwatch-vite-build-');
    const out = path.join(dir, 'out');
    for (const name of ['main', 'preload']) {
      fs.writeFileSync(path.join(dir, `${name}.js`), `export const name = '${name}';\n`);
    }
    const environment = (name: string) => ({
      consumer: 'server',
      build: {
        outDir: out,
        emptyOutDir: false,
        rollupOptions: {
          input: { [name]: path.join(dir, `${name}.js`) },
          output: { entryFileNames: '[name].js' },
        },
      },
    });
    const environments = { main: environment('main'), preload: environment('preload') };
    // Shaped like vite.app.config.ts: named environments, built in order by its buildApp.
    fs.writeFileSync(
      path.join(dir, 'vite.config.mjs'),
      `export default {
        root: ${JSON.stringify(dir)},
        logLevel: 'warn',
        environments: ${JSON.stringify(environments)},
        builder: {
          async buildApp(builder) {
            for (const name of ['main', 'preload']) await builder.build(builder.environments[name]);
          },
        },
      };\n`,
    );
    await viteBuild(path.join(dir, 'vite.config.mjs'));
    expect(fs.readdirSync(out).sort()).toEqual(['main.js', 'preload.js']);
  });
});
