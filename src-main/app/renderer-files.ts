import { extname, join, normalize, sep } from 'node:path';

/**
 * Serving the built renderer, shared by Electron's app:// handler and the
 * web-mode host so both apply the same path check and the same headers.
 */

/** SIP goes out over ws:/wss:; everything else stays on our own origin. */
export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; media-src 'self' blob: mediastream:; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Maps a URL path into rootDir; anything that escapes it (traversal, encoded or not, or a NUL) is undefined. */
export function resolveInsideRoot(rootDir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^[/\\]+/, '');
  const full = normalize(join(rootDir, relative));
  const root = normalize(rootDir.endsWith(sep) ? rootDir : rootDir + sep);
  return full.startsWith(root) ? full : undefined;
}

export function rendererHeaders(path: string): Record<string, string> {
  return {
    'Content-Type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
    'Content-Security-Policy': RENDERER_CSP,
    'X-Content-Type-Options': 'nosniff',
  };
}
