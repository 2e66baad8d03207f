/**
 * The app's pages are served from their own origin, `app://runwatch`, never from `file://`: an
 * origin names exactly the app's pages, so navigation, new windows and IPC senders can be judged
 * by it, and no other file on the disk counts as the app.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'runwatch';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Whether `url` is a page or file of the app at `appOrigin`; false for anything unparsable. */
export function isAppUrl(url: string | null | undefined, appOrigin: string = APP_ORIGIN): boolean {
  if (!url) return false;
  let candidate: URL;
  let origin: URL;
  try {
    candidate = new URL(url);
    origin = new URL(appOrigin);
  } catch {
    return false;
  }
  // Compared part by part: Node gives custom schemes the opaque origin "null".
  return (
    candidate.protocol === origin.protocol &&
    candidate.host === origin.host &&
    candidate.username === '' &&
    candidate.password === ''
  );
}

/** The dashboard's page. */
export const DASHBOARD_URL = `${APP_ORIGIN}/index.html`;
/** The settings window: the same page, opened on its settings view. */
export const SETTINGS_URL = `${APP_ORIGIN}/index.html#/settings`;
