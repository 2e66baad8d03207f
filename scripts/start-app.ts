/**
 * `npm start`: bundles the dashboard and the desktop app, and starts it in Electron. Where Electron's binary is
 * missing (its download is a separate step since Electron 42, and some networks cannot reach
 * it) or there is no display, it says so in one message, with how to get the binary and how to
 * run the same dashboard in a browser instead.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { whenNpmParentGone } from '../electron/core/cli/stop-request.ts';
import { displayMissing, electronBinary } from './electron-binary.ts';
import { viteBuild } from './vite-build.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

function explain(why: string): never {
  process.stderr.write(
    `runwatch: cannot start the tray app: ${why}.\n` +
      '  Get Electron:  npx --no-install install-electron   (downloads it from GitHub; set ' +
      'ELECTRON_MIRROR to use a mirror)\n' +
      '  Or open the same dashboard in a browser:  npx --no-install runwatch serve --demo\n',
  );
  process.exit(1);
}

const binary = electronBinary();
if ('missing' in binary) explain(`Electron is missing: ${binary.missing}`);
const noDisplay = displayMissing();
if (noDisplay !== null) explain(noDisplay);

for (const config of ['vite.ui.config.ts', 'vite.app.config.ts']) {
  await viteBuild(path.join(ROOT, config));
}

const child = spawn(
  binary.path,
  [path.join(ROOT, 'dist', 'app', 'main.js'), ...process.argv.slice(2)],
  {
    cwd: ROOT,
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => child.kill(signal));
}
whenNpmParentGone(() => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
