/**
 * Builds the command line's bundle before the tests that start it, as `npm install` does, so
 * that they run what users run (bin/runwatch.js picks the bundle) and never a build left over
 * from before.
 */
import path from 'node:path';
import { viteBuild } from '../../scripts/vite-build.ts';

export default async function buildCli(): Promise<void> {
  await viteBuild(path.resolve(import.meta.dirname, '../../vite.cli.config.ts'));
}
