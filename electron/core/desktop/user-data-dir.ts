import path from 'node:path';

const FLAG = '--user-data-dir=';

/**
 * Where the app keeps its settings, its sources' data dirs and Chromium's files: the OS's
 * app-data folder + `runwatch`, the folder the CLI's data dirs live in too (ARCHITECTURE.md §2), or
 * the folder `--user-data-dir=DIR` names (a second profile, a test).
 */
export function userDataDir(argv: readonly string[], appData: string): string {
  const given = argv.findLast((arg) => arg.startsWith(FLAG))?.slice(FLAG.length);
  return given ? path.resolve(given) : path.join(appData, 'runwatch');
}
