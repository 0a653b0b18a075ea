import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { resolveDataDir } from '../storage/data-dir.js';
import { OwnerOnlyFileSecretStore } from '../storage/owner-only-file-secret-store.js';
import { createServices } from './services.js';
import { startWebHost } from './web-host.js';
import { APP_VERSION } from './version.js';
import { parsePort, parseWebToken } from './web-args.js';
import { messageOf } from '../../src-shared/errors.js';

/** `npm run start:web`: main's services in plain Node, the UI in any browser on this machine. */
async function main(): Promise<void> {
  const port = parsePort(process.argv.slice(2));
  const token = parseWebToken(process.env.FOCUSLINE_WEB_TOKEN);
  const dataDir = resolveDataDir();
  const secrets = new OwnerOnlyFileSecretStore(dataDir);
  console.warn(`Warning: ${secrets.warning}`);
  const services = await createServices({
    mode: 'web',
    version: APP_VERSION,
    dataDir,
    configPath: process.env.FOCUSLINE_CONFIG?.trim() || undefined,
    secrets,
  });
  const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url));
  if (!existsSync(rendererDir)) throw new Error(`The UI has not been built (${rendererDir} is missing). Run "npm run build" first.`);
  const host = await startWebHost({ services, rendererDir, port, token });
  console.log(`Focusline (web mode) data: ${dataDir}`);
  console.log(`Focusline is running. Open this URL in Chromium or Chrome on this machine:\n${host.url}`);
  const stop = () => {
    void host
      .close()
      .then(() => services.close())
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`Focusline could not start: ${messageOf(err)}`);
  process.exit(1);
});
