import type { ApiReply, PushMessage, RequestName } from '../../shared/api.ts';
import { errorMessage } from '../../shared/error-message.ts';
import type { ApiEndpoint } from '../core/api/api-endpoint.ts';
import { APP_ORIGIN, isAppUrl } from '../core/desktop/app-url.ts';
import { PUSH_CHANNEL, REQUEST_CHANNEL } from '../core/desktop/ipc-channels.ts';
import type { Logger } from '../core/log.ts';

/** What the transport needs of an `ipcMain.handle` event: the frame that sent it. */
export interface InvokeEvent {
  readonly senderFrame: { readonly url: string } | null;
}

/** What the transport needs of Electron's `ipcMain`. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** What the transport needs of a window's `webContents` to push to it. */
export interface PushTarget {
  send(channel: string, message: PushMessage): void;
  getURL(): string;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

export interface IpcTransportOptions {
  ipcMain: IpcMainLike;
  endpoint: ApiEndpoint;
  log: Logger;
  appOrigin?: string;
}

/**
 * The IPC side of the API contract: one channel for requests, answered by the endpoint once the
 * sending frame is known to be one of the app's own pages; one channel for pushes, sent to each
 * of the app's windows until it is destroyed. Every request gets a reply, never a throw.
 */
export class IpcTransport {
  private readonly options: IpcTransportOptions;
  private readonly appOrigin: string;
  private readonly unsubscribers = new Set<() => void>();

  constructor(options: IpcTransportOptions) {
    this.options = options;
    this.appOrigin = options.appOrigin ?? APP_ORIGIN;
  }

  start(): void {
    this.options.ipcMain.handle(REQUEST_CHANNEL, (event, request) => this.answer(event, request));
  }

  /** Sends every push to `contents` from now on, until it is destroyed. */
  attach(contents: PushTarget): void {
    const unsubscribe = this.options.endpoint.subscribe((message) => this.send(contents, message));
    this.unsubscribers.add(unsubscribe);
    contents.once('destroyed', () => {
      unsubscribe();
      this.unsubscribers.delete(unsubscribe);
    });
  }

  /** One message to one window: a `navigate` for the dashboard. */
  send(contents: PushTarget, message: PushMessage): void {
    // A window that somehow left the app's pages is sent nothing.
    if (contents.isDestroyed() || !isAppUrl(contents.getURL(), this.appOrigin)) return;
    contents.send(PUSH_CHANNEL, message);
  }

  stop(): void {
    this.options.ipcMain.removeHandler(REQUEST_CHANNEL);
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers.clear();
  }

  private async answer(event: InvokeEvent, request: unknown): Promise<ApiReply<RequestName>> {
    const sender = event.senderFrame?.url;
    if (!isAppUrl(sender, this.appOrigin)) {
      this.options.log.warn(
        `refused an API request from a page that is not Runwatch's (${String(sender).slice(0, 200)})`,
      );
      return {
        ok: false,
        error: {
          code: 'unavailable',
          message: "requests are answered only for Runwatch's own pages",
        },
      };
    }
    try {
      return await this.options.endpoint.handle(request);
    } catch (error) {
      return { ok: false, error: { code: 'failed', message: errorMessage(error) } };
    }
  }
}
