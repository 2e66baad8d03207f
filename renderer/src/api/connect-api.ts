import type { RunwatchApi, Snapshot } from '../../../shared/api.ts';
import { fetchFirstScreen } from './first-screen.ts';
import { socketApiClient, type Connection } from './socket-api-client.ts';

declare global {
  interface Window {
    /** Exposed by the app's preload; absent in a browser. */
    runwatch?: RunwatchApi;
  }
}

export interface ConnectedApi {
  api: RunwatchApi;
  /** The socket's state in a browser; the app's IPC is always there. */
  onConnection(listener: (connection: Connection) => void): () => void;
  /** In a browser, the first screen of runs fetched apart from the socket, to show until its own. */
  firstScreen: Promise<Snapshot | null>;
}

/** The app's IPC when the preload gave one, else the `/api` socket of the serving origin. */
export function connectApi(): ConnectedApi {
  if (window.runwatch) {
    return {
      api: window.runwatch,
      onConnection(listener) {
        listener({ state: 'open' });
        return () => {};
      },
      firstScreen: Promise.resolve(null),
    };
  }
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const firstScreen = fetchFirstScreen();
  const api = socketApiClient({ url: `${scheme}//${location.host}/api` });
  return { api, onConnection: (listener) => api.onConnection(listener), firstScreen };
}
