import { appResponse } from '../core/desktop/app-protocol.ts';
import { APP_SCHEME } from '../core/desktop/app-url.ts';
import { withAppCsp, type ResponseHeaders } from '../core/desktop/content-security-policy.ts';
import type { Logger } from '../core/log.ts';

/** What the app needs of the Electron `session` its windows use. */
export interface SessionLike {
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders: ResponseHeaders }) => void,
      ) => void,
    ): void;
  };
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
  protocol: {
    handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
  };
}

/**
 * Prepares the session the app's windows use: `app://runwatch/` serves the UI folder `uiRoot`,
 * every response carries the app's Content-Security-Policy (replacing any it had), and every
 * permission a page asks for (camera, notifications, clipboard, …) is refused: the dashboard
 * needs none, and desktop notifications come from the main side.
 */
export function prepareSession(session: SessionLike, uiRoot: string, log: Logger): void {
  session.protocol.handle(APP_SCHEME, (request) => appResponse(request, uiRoot));
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withAppCsp(details.responseHeaders) });
  });
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn(`refused a page's request for the ${permission} permission`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
}
