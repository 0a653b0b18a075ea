/** `--port N` or `--port=N`; 0 or absent means a random free port. */
export function parsePort(argv: readonly string[]): number | undefined {
  const i = argv.indexOf('--port');
  const raw = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--port='))?.slice('--port='.length);
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not "${raw}".`);
  return port;
}

/**
 * FOCUSLINE_WEB_TOKEN, when set: a fixed token, so a restarted host keeps the
 * URL an open tab holds. It guards the socket and the local API, so it must
 * be as hard to guess as the random one (hex, at least 32 characters).
 */
export function parseWebToken(raw: string | undefined): string | undefined {
  const token = raw?.trim();
  if (!token) return undefined;
  if (!/^[0-9a-f]{32,256}$/i.test(token)) {
    throw new Error('FOCUSLINE_WEB_TOKEN must be at least 32 hex characters (for example: openssl rand -hex 24), or unset for a new random token.');
  }
  return token.toLowerCase();
}
