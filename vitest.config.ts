import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The app-data folder of everything the tests start that does not get one of its own: nothing
 * lists itself in the user's watcher registry or keeps a data dir among the user's.
 */
const APP_DATA = fs.mkdtempSync(path.join(os.tmpdir(), 'runwatch-test-app-data-'));
const env = { XDG_CONFIG_HOME: APP_DATA, APPDATA: APP_DATA };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/build-cli.ts', 'test/support/pg-global-setup.ts'],
          env,
          testTimeout: 120_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: [
            'test/browser/build-dashboard.ts',
            'test/support/build-cli.ts',
            'test/support/pg-global-setup.ts',
          ],
          env,
          testTimeout: 120_000,
          hookTimeout: 60_000,
          pool: 'forks',
          // Each file drives its own Chromium and `runwatch serve`: two at a time at most.
          maxWorkers: 2,
          // What a user would see soon; how soon is the benchmark's to measure, not a test's.
          expect: { poll: { timeout: 15_000, interval: 50 } },
        },
      },
    ],
  },
});
