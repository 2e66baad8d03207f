/**
 * The Electron executable the `electron` package would start, found without loading the package:
 * its index.js downloads the binary when it is missing, which neither `npm start` nor a test
 * should do behind the user's back.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type ElectronBinary = { path: string } | { missing: string };

export function electronBinary(): ElectronBinary {
  let packageDir: string;
  try {
    packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed (run npm install)' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  if (!fs.existsSync(pathFile)) {
    return { missing: 'its binary has not been downloaded' };
  }
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(packageDir, 'dist');
  const executable = path.join(distDir, fs.readFileSync(pathFile, 'utf8').trim());
  if (!fs.existsSync(executable)) return { missing: `there is no binary at ${executable}` };
  return { path: executable };
}

/** Where a window could be shown; on Linux, only with an X or Wayland display. */
export function displayMissing(): string | null {
  if (process.platform !== 'linux') return null;
  if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return null;
  return 'there is no display to show it on (DISPLAY and WAYLAND_DISPLAY are unset)';
}
