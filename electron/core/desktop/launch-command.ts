export interface LaunchFacts {
  /** Running from an installed package rather than `electron dist/app/main.js` in a checkout. */
  isPackaged: boolean;
  execPath: string;
  /** `APPIMAGE`: the AppImage file itself; `execPath` is inside its mount, gone at exit. */
  appImage: string | undefined;
  /** The main bundle, which a checkout's Electron must be given. */
  mainScript: string;
}

/** The command that starts this Runwatch again: what start at login runs. */
export function launchCommand(facts: LaunchFacts): string[] {
  if (!facts.isPackaged) return [facts.execPath, facts.mainScript];
  return [facts.appImage || facts.execPath];
}
