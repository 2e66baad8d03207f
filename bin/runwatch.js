#!/usr/bin/env node
// Runwatch's command line. It runs the bundle `npm install` builds into dist/cli/
// (`npm run build:cli`), unless a file the bundle was built from has changed since (its size or
// modification time differs from those recorded in dist/cli/inputs.json) or there is no complete
// bundle: then it runs the TypeScript sources on Node's type stripping, so a checkout never runs
// a stale bundle. `npx --no-install runwatch` and npm scripts use the Node 24 the project pins.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `runwatch: needs Node 22.18 or newer (this is ${process.version}); in the project, run it with npx --no-install runwatch\n`,
  );
  process.exit(1);
}

const ROOT = path.join(import.meta.dirname, '..');

/** Whether every input the bundle lists is as it was built; a file gone is no evidence. */
function bundleIsCurrent() {
  let inputs;
  try {
    inputs = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist/cli/inputs.json'), 'utf8')).files;
  } catch {
    return false;
  }
  for (const [file, [size, mtimeMs]] of Object.entries(inputs)) {
    const stat = fs.statSync(path.join(ROOT, file), { throwIfNoEntry: false });
    if (stat && (stat.size !== size || stat.mtimeMs !== mtimeMs)) return false;
  }
  return true;
}

const entry = bundleIsCurrent() ? 'dist/cli/runwatch.js' : 'electron/core/cli/run-cli.ts';
await import(pathToFileURL(path.join(ROOT, entry)).href);
