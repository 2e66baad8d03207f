/**
 * Real Chromium for the dashboard's tests and benchmark: Debian's `/usr/bin/chromium` (or
 * `RUNWATCH_CHROMIUM`), driven by Playwright. A machine without it fails with how to install it
 * (`.ci/run` does).
 */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.RUNWATCH_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set RUNWATCH_CHROMIUM`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
