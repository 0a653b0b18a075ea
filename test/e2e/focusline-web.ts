// Starts Focusline the way a tech would in web mode (`node out/main/web.js`),
// with its own settings file and data folder, and stops it by PID.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnManaged, waitFor, type ManagedProcess } from '../harness/processes.js';

const WEB_ENTRY = fileURLToPath(new URL('../../out/main/web.js', import.meta.url));

export type FocuslineWebOptions = {
  user: string;
  password: string;
  wsUrl: string;
  domain?: string;
  displayName?: string;
  /** Start like a fresh install: no settings file, so the tech sets the account up in the UI. */
  firstRun?: boolean;
  /** Extra environment, e.g. FOCUSLINE_POLICY_DIR for managed policy. */
  env?: NodeJS.ProcessEnv;
  /** Start again on an earlier run's folder (its settings, data and queued handoffs): a restart after a crash. */
  dir?: string;
  /** A fixed port (`--port`), so a restart is found by the open tab; with FOCUSLINE_WEB_TOKEN in env, the same URL. */
  port?: number;
};

export type FocuslineWeb = {
  url: string;
  /** The web host's base URL and token, for its local /api/v1 endpoint. */
  base: string;
  token: string;
  dataDir: string;
  configPath: string;
  /** The run's folder: pass it as `dir` to start again on the same data. */
  dir: string;
  process: ManagedProcess;
  /** ms from spawn until the host printed its URL. */
  startupMs: number;
  stop(): Promise<void>;
  /** SIGKILL by PID: no shutdown code runs, as when the OS kills the app. The folder is kept. */
  kill(): Promise<void>;
};

export async function startFocuslineWeb(options: FocuslineWebOptions): Promise<FocuslineWeb> {
  if (!existsSync(WEB_ENTRY)) throw new Error(`${WEB_ENTRY} is missing: run "npm run build" before the end-to-end tests.`);
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), `focusline-${options.user}-`)));
  const configPath = join(dir, 'config.json');
  const dataDir = join(dir, 'data');
  const domain = options.domain ?? '127.0.0.1';
  if (!options.firstRun && !options.dir)
    await writeFile(
      configPath,
      JSON.stringify({
        account: {
          wsServer: options.wsUrl,
          sipUri: `sip:${options.user}@${domain}`,
          authUser: options.user,
          displayName: options.displayName ?? options.user,
          password: options.password,
        },
      }),
    );
  const t0 = Date.now();
  const proc = await spawnManaged({
    name: `focusline-web-${options.user}`,
    command: process.execPath,
    args: [WEB_ENTRY, '--port', String(options.port ?? 0)],
    // No OS policy leaks in from the machine running the tests: an empty policy folder unless the test gives one.
    env: { ...process.env, FOCUSLINE_POLICY_DIR: join(dir, 'no-policy'), ...options.env, FOCUSLINE_CONFIG: configPath, FOCUSLINE_DATA_DIR: dataDir },
  });
  const url = await waitFor(() => /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(proc.log())?.[0], {
    timeoutMs: 15_000,
    what: `Focusline web host for ${options.user} to print its URL`,
    process: proc,
  });
  const parsed = new URL(url);
  return {
    url,
    base: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    dataDir,
    configPath,
    dir,
    process: proc,
    startupMs: Date.now() - t0,
    stop: async () => {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
    kill: async () => {
      process.kill(proc.pid, 'SIGKILL');
      await proc.exited;
    },
  };
}
