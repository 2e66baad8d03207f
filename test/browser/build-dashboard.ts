/**
 * Builds the dashboard once before the browser tests, as `npm run build:ui` does, so they test
 * the renderer as it is now rather than a build left over from before.
 */
import path from 'node:path';
import { build } from 'vite';

export default async function buildDashboard(): Promise<void> {
  // Vitest sets NODE_ENV=test, which would bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.resolve(import.meta.dirname, '../../vite.ui.config.ts'),
      logLevel: 'warn',
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}
