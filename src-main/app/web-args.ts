/** `--port N` or `--port=N`; 0 or absent means a random free port. */
export function parsePort(argv: readonly string[]): number | undefined {
  const i = argv.indexOf('--port');
  const raw = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--port='))?.slice('--port='.length);
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not "${raw}".`);
  return port;
}
