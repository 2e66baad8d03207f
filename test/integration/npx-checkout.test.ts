import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/orchestration-db.ts';
import { ROOT } from '../support/processes.ts';

describe('npx --no-install runwatch in the checkout, with the machine’s own npm', () => {
  it('runs this checkout’s runwatch and prints only its output: no EBADENGINE warnings', () => {
    // npx as a user's shell finds it: not on the Node 24 that npm scripts (npm test) put first
    // on the PATH, but on the machine's own, which may be older than the project's engines.
    const PATH = (process.env.PATH ?? '')
      .split(path.delimiter)
      .filter((dir) => !dir.split(path.sep).includes('node_modules'))
      .join(path.delimiter);
    // An empty npm cache: npx links the checkout into it first, the step that warned.
    const result = spawnSync('npx', ['--no-install', 'runwatch', '--version'], {
      cwd: path.join(ROOT, 'electron'),
      encoding: 'utf8',
      env: { ...process.env, PATH, npm_config_cache: tempDir('runwatch-npm-cache-') },
      timeout: 120_000,
    });
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
  });
});
