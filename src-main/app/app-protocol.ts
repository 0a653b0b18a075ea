import { readFile } from 'node:fs/promises';
import { APP_HOST, APP_SCHEME } from './app-origin.js';
import { rendererHeaders, resolveInsideRoot } from './renderer-files.js';

export { RENDERER_CSP } from './renderer-files.js';

/**
 * Registered before `ready`: standard + secure gives the page a real origin and
 * a secure context (getUserMedia needs one); stream lets <audio> play ringtones
 * from it. No bypassCSP, no service workers.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
} as const;

export type ReadFileBytes = (path: string) => Promise<Uint8Array>;

/** Maps an app:// URL onto a file in the renderer folder; anything else (other host, escape, NUL) is undefined. */
export function resolveRendererFile(rendererDir: string, requestUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return undefined;
  return resolveInsideRoot(rendererDir, url.pathname);
}

/** The `protocol.handle('app', …)` handler: GET/HEAD of files under rendererDir, nothing else. */
export function createAppProtocolHandler(rendererDir: string, read: ReadFileBytes = readFile) {
  return async function serveApp(request: Request): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405 });
    const path = resolveRendererFile(rendererDir, request.url);
    if (!path) return new Response('Not found', { status: 404 });
    let body: Uint8Array;
    try {
      body = await read(path);
    } catch {
      return new Response('Not found', { status: 404 });
    }
    return new Response(request.method === 'HEAD' ? null : Buffer.from(body), { status: 200, headers: rendererHeaders(path) });
  };
}
