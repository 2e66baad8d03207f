/** Every request of the API goes over this channel (`ipcRenderer.invoke` → `ipcMain.handle`). */
export const REQUEST_CHANNEL = 'runwatch:request';
/** Every pushed message goes to the app's windows over this one. */
export const PUSH_CHANNEL = 'runwatch:push';
