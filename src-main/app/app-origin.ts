/**
 * The renderer's origin in Electron: a custom, privileged `app://` scheme
 * instead of file://, so the page gets a real origin that the IPC sender
 * check, navigation guard and permission handlers can compare against.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'focusline';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const RENDERER_URL = `${APP_ORIGIN}/index.html`;

/** True only for URLs on our own origin (scheme and host both match; no port, no credentials). */
export function isAppUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  // Node reports "null" as the origin of non-special schemes, so compare the parts.
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === '';
}
