import type { RunFiles } from '../api/api-options.ts';
import { insideDataDir } from '../api/inside-data-dir.ts';

/** What the app's shell does with files: Electron's `shell`. */
export interface FileShell {
  /** Resolves with an error message, or '' when the folder was opened. */
  openPath(folder: string): Promise<string>;
  showItemInFolder(file: string): void;
}

/** The desktop's file dialog: the path chosen, or null when the user cancelled. */
export type ChooseFile = () => Promise<string | null>;

/**
 * A run's files as the app opens them: a folder in the file manager, a file shown selected in
 * its folder. Only what lies inside one of the watched data dirs is ever handed to the shell,
 * whatever asked for it.
 */
export function desktopFiles(
  shell: FileShell,
  dataDirs: () => readonly string[],
  chooseDatabase: ChooseFile,
): RunFiles {
  const inside = (target: string) =>
    dataDirs()
      .map((dir) => insideDataDir(dir, target))
      .find((found) => found !== null) ?? null;
  return {
    chooseDatabase,
    async openFolder(folder) {
      const found = inside(folder);
      if (found === null) return false;
      return (await shell.openPath(found)) === '';
    },
    async showFile(file) {
      const found = inside(file);
      if (found === null) throw new Error('only files Runwatch wrote can be shown');
      shell.showItemInFolder(found);
      return { shown: true };
    },
  };
}
