/**
 * The preload of every window: it exposes the typed `RunwatchApi` (shared/api.ts) as
 * `window.runwatch`, and nothing else — the page never sees `ipcRenderer`, Node or Electron.
 * Sandboxed, it is bundled into one CommonJS file that requires only `electron`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { PushMessage } from '../../shared/api.ts';
import { ipcApiClient } from '../core/desktop/ipc-api-client.ts';
import { PUSH_CHANNEL, REQUEST_CHANNEL } from '../core/desktop/ipc-channels.ts';

contextBridge.exposeInMainWorld(
  'runwatch',
  ipcApiClient({
    invoke: (request) => ipcRenderer.invoke(REQUEST_CHANNEL, request),
    onPush: (listener) => {
      ipcRenderer.on(PUSH_CHANNEL, (_event, message: PushMessage) => listener(message));
    },
  }),
);
