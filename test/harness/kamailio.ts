// Kamailio as the loopback SIP proxy/registrar for integration tests: UDP for
// SIPp/baresip, plain WS for sip.js/the app, optional digest auth and
// optional rtpengine media anchoring (see kamailio/kamailio.cfg).
import { execFile } from 'node:child_process';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeTcpPort, freeUdpPort, isListening } from './ports.js';
import { spawnManaged, waitFor, type ManagedProcess } from './processes.js';
import { makeWorkDir, removeWorkDir } from './workdirs.js';

export interface SipUser {
  user: string;
  password: string;
}

export const DEFAULT_USERS: readonly SipUser[] = [
  { user: 'tech1', password: 'secret1' },
  { user: 'tech2', password: 'secret2' },
  { user: 'manager', password: 'secret3' },
];

export interface KamailioOptions {
  /** Require digest auth on REGISTER (db_text users). Default false. */
  auth?: boolean;
  users?: readonly SipUser[];
  /** Anchor UDP<->WS calls' media through the rtpengine on this ng port. */
  rtpengineNgPort?: number;
  /** Relay SUBSCRIBEs for message-summary to a voicemail server (e.g. a SIPp UAS) on this UDP port of 127.0.0.1. */
  mwiServerPort?: number;
  /** Be the presence server (presence + presence_xml on db_text): PUBLISH/SUBSCRIBE/NOTIFY for Event: presence. */
  presence?: boolean;
  /**
   * With presence: leave presence_xml's force_active at its default (0), as a
   * PBX without an XCAP server and without that setting does: every watcher
   * stays pending and its NOTIFYs carry no body.
   */
  presenceWatchersPending?: boolean;
  udpPort?: number;
  wsPort?: number;
  startTimeoutMs?: number;
}

export interface Kamailio {
  readonly udpPort: number;
  readonly wsPort: number;
  readonly wsUrl: string;
  readonly domain: '127.0.0.1';
  /** PID of the current main process (changes on restart()). */
  readonly pid: number;
  /** ms from spawn until both listeners were up, for the latest start. */
  readonly startupMs: number;
  /** sip:user@127.0.0.1:udpPort, a target that UDP peers can dial directly. */
  uri(user: string): string;
  stop(): Promise<void>;
  /** Stop and start again on the same ports with the same users (registrations are lost). */
  restart(): Promise<void>;
  /** Stop the server but keep its config, so that restart() brings it back later (an outage). */
  kill(): Promise<void>;
  /** Output of every run of this instance so far. */
  log(): string;
}

const TEMPLATE = fileURLToPath(new URL('./kamailio/kamailio.cfg', import.meta.url));
const KAMAILIO = process.env.KAMAILIO_PATH ?? '/usr/sbin/kamailio';
const DOMAIN = '127.0.0.1';
const CHECK_TIMEOUT_MS = 10_000;

interface Layout {
  workDir: string;
  cfgPath: string;
  defines: string[];
}

export async function startKamailio(options: KamailioOptions = {}): Promise<Kamailio> {
  [options.udpPort, options.wsPort, options.rtpengineNgPort, options.mwiServerPort].forEach(assertPort);
  const udpPort = options.udpPort ?? (await freeUdpPort());
  const wsPort = options.wsPort ?? (await freeTcpPort());
  const layout = await writeInstanceFiles(options, udpPort, wsPort);
  try {
    await checkConfig(layout);
  } catch (error) {
    await removeWorkDir(layout.workDir);
    throw error;
  }
  return new KamailioInstance(layout, udpPort, wsPort, options.startTimeoutMs ?? 10_000).start();
}

// Kamailio silently wraps out-of-range ports (70000 -> 4464) instead of failing.
function assertPort(port: number | undefined): void {
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65_536)) throw new Error(`invalid port ${port}`);
}

async function writeInstanceFiles(options: KamailioOptions, udpPort: number, wsPort: number): Promise<Layout> {
  const workDir = makeWorkDir('kamailio');
  const dbDir = join(workDir, 'db');
  const values: Record<string, string> = {
    HARNESS_UDP_PORT: String(udpPort),
    HARNESS_WS_PORT: String(wsPort),
    HARNESS_DB_URL: `text://${dbDir}`,
    HARNESS_RTPENGINE_SOCK: `udp:127.0.0.1:${options.rtpengineNgPort ?? 0}`,
    HARNESS_MWI_PORT: String(options.mwiServerPort ?? 0),
  };
  const cfgPath = join(workDir, 'kamailio.cfg');
  await writeFile(cfgPath, substituteDefaults(await readFile(TEMPLATE, 'utf8'), values));
  const defines: string[] = [];
  await mkdir(dbDir, { recursive: true });
  await writeFile(join(dbDir, 'version'), 'id(int,auto) table_name(string) table_version(int) \n');
  if (options.auth) {
    await writeUserTable(dbDir, options.users ?? DEFAULT_USERS);
    defines.push('WITH_AUTH');
  }
  if (options.presence) {
    await writePresenceTables(dbDir);
    defines.push('WITH_PRESENCE');
    if (options.presenceWatchersPending) defines.push('WITH_PRESENCE_PENDING');
  }
  if (options.rtpengineNgPort !== undefined) defines.push('WITH_RTPENGINE');
  if (options.mwiServerPort !== undefined) defines.push('WITH_MWI_SERVER');
  return { workDir, cfgPath, defines };
}

// Rewrites `#!substdef "!NAME!default!g"` lines so the template stays a
// valid config on its own.
function substituteDefaults(template: string, values: Record<string, string>): string {
  let text = template;
  for (const [name, value] of Object.entries(values)) {
    if (value.includes('!')) throw new Error(`kamailio substdef value for ${name} must not contain '!'`);
    const line = new RegExp(`^#!substdef "!${name}![^\\n]*$`, 'm');
    if (!line.test(text)) throw new Error(`kamailio template has no substdef for ${name}`);
    text = text.replace(line, `#!substdef "!${name}!${value}!g"`);
  }
  return text;
}

// db_text needs a version table, and nullable ha1 columns (calculate_ha1 uses
// the plaintext password column).
async function writeUserTable(dbDir: string, users: readonly SipUser[]): Promise<void> {
  await appendFile(join(dbDir, 'version'), '0:subscriber:7\n');
  const rows = users.map((u, i) => `${i + 1}:${dbTextField(u.user)}:${DOMAIN}:${dbTextField(u.password)}::`);
  const header = 'id(int,auto) username(string) domain(string) password(string) ha1(string,null) ha1b(string,null) ';
  await writeFile(join(dbDir, 'subscriber'), `${header}\n${rows.join('\n')}\n`);
}

// The presence server's tables, from the package's empty db_text files with
// every column made nullable: db_text reads an empty string back as null, and
// with the package's `not null` columns Kamailio refused to start again on
// its own presentity rows (sip-presence.md, gotcha 2).
const DBTEXT_SCHEMAS = process.env.KAMAILIO_DBTEXT_DIR ?? '/usr/share/kamailio/dbtext/kamailio';
const PRESENCE_TABLES = { presentity: 5, active_watchers: 12, watchers: 3, xcap: 4 } as const;

async function writePresenceTables(dbDir: string): Promise<void> {
  for (const [table, version] of Object.entries(PRESENCE_TABLES)) {
    const schema = await readFile(join(DBTEXT_SCHEMAS, table), 'utf8');
    await writeFile(join(dbDir, table), schema.replace(/\((int|string)\)/g, '($1,null)'));
    await appendFile(join(dbDir, 'version'), `0:${table}:${version}\n`);
  }
}

function dbTextField(value: string): string {
  if (/[:\n\\]/.test(value)) throw new Error(`db_text field must not contain ':', '\\' or newline: ${value}`);
  return value;
}

function defineArgs(layout: Layout): string[] {
  return layout.defines.flatMap((name) => ['-A', name]);
}

function checkConfig(layout: Layout): Promise<void> {
  const args = ['-c', '-f', layout.cfgPath, ...defineArgs(layout)];
  return new Promise((resolve, reject) => {
    execFile(KAMAILIO, args, { timeout: CHECK_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (!error) {
        resolve();
        return;
      }
      const problems = `${stdout}${stderr}`.split('\n').filter((l) => /ERROR|CRITICAL/.test(l));
      reject(new Error(`kamailio -c rejected ${layout.cfgPath}:\n${problems.join('\n') || stderr}`));
    });
  });
}

class KamailioInstance implements Kamailio {
  readonly domain = DOMAIN;
  readonly wsUrl: string;
  startupMs = 0;
  private proc: ManagedProcess | undefined;
  private earlierLogs = '';

  constructor(
    private readonly layout: Layout,
    readonly udpPort: number,
    readonly wsPort: number,
    private readonly startTimeoutMs: number,
  ) {
    this.wsUrl = `ws://${DOMAIN}:${wsPort}`;
  }

  get pid(): number {
    if (!this.proc) throw new Error('kamailio is not running');
    return this.proc.pid;
  }

  uri(user: string): string {
    return `sip:${user}@${DOMAIN}:${this.udpPort}`;
  }

  async start(): Promise<this> {
    const startedAt = performance.now();
    const args = ['-f', this.layout.cfgPath, '-DD', '-E', '-m', '64', '-M', '16', ...defineArgs(this.layout)];
    this.proc = await spawnManaged({
      name: 'kamailio',
      command: KAMAILIO,
      args,
      cwd: this.layout.workDir,
      // SIGKILL would orphan its forked workers; on SIGTERM it stops them itself.
      parentDeathSignal: 'TERM',
    });
    try {
      await waitFor(async () => (await isListening('udp', this.udpPort)) && isListening('tcp', this.wsPort), {
        timeoutMs: this.startTimeoutMs,
        intervalMs: 5,
        what: `kamailio listening on udp:${this.udpPort} and ws:${this.wsPort}`,
        process: this.proc,
      });
    } catch (error) {
      await this.stopProcess();
      await removeWorkDir(this.layout.workDir);
      throw error;
    }
    this.startupMs = Math.round(performance.now() - startedAt);
    return this;
  }

  async restart(): Promise<void> {
    await this.stopProcess();
    await this.start();
  }

  async kill(): Promise<void> {
    await this.stopProcess();
  }

  async stop(): Promise<void> {
    await this.stopProcess();
    await removeWorkDir(this.layout.workDir);
  }

  log(): string {
    return this.earlierLogs + (this.proc?.log() ?? '');
  }

  private async stopProcess(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    await proc.stop();
    this.earlierLogs += proc.log();
    this.proc = undefined;
  }
}
