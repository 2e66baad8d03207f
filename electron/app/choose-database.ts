import { BrowserWindow, dialog, type OpenDialogOptions } from 'electron';

const OPTIONS: OpenDialogOptions = {
  title: 'Choose the orchestration database to watch',
  properties: ['openFile', 'dontAddToRecent'],
  filters: [
    { name: 'SQLite databases', extensions: ['db', 'sqlite', 'sqlite3', 'db3'] },
    { name: 'All files', extensions: ['*'] },
  ],
};

/** The settings window's "Choose…": a file dialog over the window that asked, if any. */
export async function chooseDatabase(): Promise<string | null> {
  const owner = BrowserWindow.getFocusedWindow();
  const result = owner
    ? await dialog.showOpenDialog(owner, OPTIONS)
    : await dialog.showOpenDialog(OPTIONS);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}
