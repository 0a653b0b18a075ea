// baresip as a plain-RTP SIP peer on 127.0.0.1, driven over its ctrl_tcp
// socket (netstring-framed JSON): callers that dial without registering, and
// optionally one callee that REGISTERs with digest auth and auto-answers.
import { writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { freeTcpPort, freeTcpUdpPort, freeUdpPortRange, isListening } from './ports.js';
import { spawnManaged, waitFor, type ManagedProcess } from './processes.js';
import { makeWorkDir, removeWorkDir } from './workdirs.js';

export interface BaresipCallee {
  user: string;
  password: string;
  /** Registrar, e.g. the harness Kamailio. */
  registrar: { udpPort: number };
  /** Answer incoming calls automatically. Default true. */
  autoAnswer?: boolean;
}

// baresip colours its log; ESC is the point of this pattern.
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;

export interface BaresipOptions {
  /** User parts of caller accounts (sip:USER@127.0.0.1, no REGISTER). Default ['alice']. */
  callers?: readonly string[];
  callee?: BaresipCallee;
  /** Bounds startup, including the callee's first REGISTER. Default 10 s. */
  startTimeoutMs?: number;
  /** Simultaneous calls before baresip answers 486 itself. Default 4; load runs need more. */
  maxCalls?: number;
}

/** One ctrl_tcp event, e.g. { type: 'CALL_CLOSED', param: '486 Busy Here' }. */
export interface BaresipEvent {
  type: string;
  class?: string;
  accountaor?: string;
  direction?: string;
  peeruri?: string;
  id?: string;
  /** Event detail; for CALL_CLOSED the SIP reason ("486 Busy Here"). */
  param?: string;
  /** ms since the driver connected. */
  atMs: number;
}

export interface BaresipResponse {
  ok: boolean;
  data: string;
}

export interface Baresip {
  readonly pid: number;
  readonly sipPort: number;
  readonly ctrlPort: number;
  /** Selects the caller account `fromAor` (e.g. sip:alice@127.0.0.1) and dials `targetUri`. */
  dial(fromAor: string, targetUri: string): Promise<BaresipResponse>;
  answer(): Promise<BaresipResponse>;
  hangup(): Promise<BaresipResponse>;
  command(name: string, params?: string): Promise<BaresipResponse>;
  /** The oldest event of this type not yet returned by waitForEvent. */
  waitForEvent(type: string, timeoutMs: number): Promise<BaresipEvent>;
  readonly events: readonly BaresipEvent[];
  log(): string;
  stop(): Promise<void>;
}

const BARESIP = process.env.BARESIP_PATH ?? '/usr/bin/baresip';
const MODULE_PATH = process.env.BARESIP_MODULES ?? '/usr/lib/baresip/modules';
const COMMAND_TIMEOUT_MS = 5_000;

export async function startBaresip(options: BaresipOptions = {}): Promise<Baresip> {
  const workDir = makeWorkDir('baresip');
  const sipPort = await freeTcpUdpPort();
  const ctrlPort = await freeTcpPort();
  const rtp = await freeUdpPortRange(40);
  await writeFile(join(workDir, 'config'), configText(sipPort, ctrlPort, rtp, options.maxCalls ?? 4));
  await writeFile(join(workDir, 'accounts'), accountsText(options));
  await writeFile(join(workDir, 'contacts'), '');
  let proc: ManagedProcess | undefined;
  try {
    proc = await spawnManaged({ name: 'baresip', command: BARESIP, args: ['-f', workDir], cwd: workDir });
    const ready = proc;
    await waitFor(async () => (await isListening('tcp', ctrlPort)) && isListening('udp', sipPort), {
      timeoutMs: options.startTimeoutMs ?? 10_000,
      what: `baresip ctrl_tcp on ${ctrlPort} and SIP on udp:${sipPort}`,
      process: ready,
    });
    const control = await BaresipControl.connect(ctrlPort);
    if (options.callee) await waitForCalleeRegistration(control, options.callee, options.startTimeoutMs ?? 10_000, ready);
    return handle(ready, control, sipPort, ctrlPort, workDir);
  } catch (error) {
    await proc?.stop();
    await removeWorkDir(workDir);
    throw error;
  }
}

// Pitfalls from the testbed notes: net_interface must be an address, not
// "lo"; ausine only does 48 kHz stereo; aubridge,sink stands in for a speaker.
function configText(sipPort: number, ctrlPort: number, rtp: { min: number; max: number }, maxCalls: number): string {
  return [
    'poll_method\t\tepoll',
    `sip_listen\t\t127.0.0.1:${sipPort}`,
    'call_local_timeout\t120',
    `call_max_calls\t\t${maxCalls}`,
    'audio_source\t\tausine,440',
    'audio_player\t\taubridge,sink',
    'audio_alert\t\taubridge,sink',
    'ausrc_srate\t\t48000',
    'ausrc_channels\t\t2',
    'auplay_srate\t\t48000',
    `rtp_ports\t\t${rtp.min}-${rtp.max}`,
    'net_interface\t\t127.0.0.1',
    `module_path\t\t${MODULE_PATH}`,
    'module\t\t\tg711.so',
    'module\t\t\tausine.so',
    'module\t\t\taubridge.so',
    'module_app\t\taccount.so',
    'module_app\t\tmenu.so',
    'module_app\t\tctrl_tcp.so',
    `ctrl_tcp_listen\t\t127.0.0.1:${ctrlPort}`,
    '',
  ].join('\n');
}

function accountsText(options: BaresipOptions): string {
  const codecs = 'audio_codecs=PCMU,PCMA';
  // regint=0: callers never REGISTER; Kamailio does not challenge INVITEs.
  const lines = (options.callers ?? ['alice']).map((user) => `<sip:${user}@127.0.0.1>;regint=0;${codecs}`);
  const callee = options.callee;
  if (callee) {
    const answer = callee.autoAnswer === false ? 'manual' : 'auto';
    const aor = `sip:${callee.user}@127.0.0.1:${callee.registrar.udpPort}`;
    lines.push(`<${aor}>;auth_pass=${callee.password};regint=60;answermode=${answer};${codecs}`);
  }
  return `${lines.join('\n')}\n`;
}

// The first REGISTER usually completes before the ctrl socket is connected,
// so its REGISTER_OK event is never seen: ask for the registration table.
async function waitForCalleeRegistration(control: BaresipControl, callee: BaresipCallee, timeoutMs: number, proc: ManagedProcess): Promise<void> {
  const aor = `sip:${callee.user}@127.0.0.1:${callee.registrar.udpPort}`;
  await waitFor(
    async () => {
      const info = await control.command('reginfo');
      const line = info.data
        .replace(ANSI_ESCAPE, '')
        .split('\n')
        .find((l) => l.includes(aor));
      return line !== undefined && /\bOK\b/.test(line);
    },
    { timeoutMs, intervalMs: 50, what: `baresip callee ${aor} registered`, process: proc },
  );
}

function handle(proc: ManagedProcess, control: BaresipControl, sipPort: number, ctrlPort: number, workDir: string): Baresip {
  return {
    pid: proc.pid,
    sipPort,
    ctrlPort,
    dial: async (fromAor, targetUri) => {
      const found = await control.command('uafind', fromAor);
      if (!found.ok) throw new Error(`baresip has no account ${fromAor}: ${found.data}`);
      return control.command('dial', targetUri);
    },
    answer: () => control.command('accept'),
    hangup: () => control.command('hangup'),
    command: (name, params) => control.command(name, params),
    waitForEvent: (type, timeoutMs) => control.waitForEvent(type, timeoutMs),
    events: control.events,
    log: () => proc.log(),
    stop: async () => {
      control.close();
      await proc.stop();
      await removeWorkDir(workDir);
    },
  };
}

interface Pending {
  resolve: (response: BaresipResponse) => void;
  timer: NodeJS.Timeout;
}

/** Netstring JSON client for baresip's ctrl_tcp module. */
class BaresipControl {
  readonly events: BaresipEvent[] = [];
  private readonly returned = new Set<BaresipEvent>();
  private readonly pending = new Map<string, Pending>();
  private readonly waiters = new Set<() => void>();
  private buffer = Buffer.alloc(0);
  private nextToken = 1;
  private readonly connectedAt = performance.now();

  private constructor(private readonly socket: Socket) {
    socket.on('data', (data) => this.receive(data));
    socket.on('error', () => undefined); // baresip going away is handled by stop()
  }

  static connect(port: number): Promise<BaresipControl> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => resolve(new BaresipControl(socket)));
      socket.once('error', reject);
    });
  }

  command(name: string, params?: string): Promise<BaresipResponse> {
    const token = String(this.nextToken++);
    const payload = JSON.stringify({ command: name, params, token });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        resolve({ ok: false, data: `no response to ${name} within ${COMMAND_TIMEOUT_MS} ms` });
      }, COMMAND_TIMEOUT_MS);
      this.pending.set(token, { resolve, timer });
      this.socket.write(`${Buffer.byteLength(payload)}:${payload},`);
    });
  }

  async waitForEvent(type: string, timeoutMs: number): Promise<BaresipEvent> {
    const found = await waitForSignal(() => this.takeEvent(type), this.waiters, timeoutMs);
    if (!found) {
      const seen = this.events.map((e) => e.type).join(', ') || 'none';
      throw new Error(`baresip: no ${type} event within ${timeoutMs} ms (events so far: ${seen})`);
    }
    return found;
  }

  close(): void {
    this.socket.destroy();
  }

  private takeEvent(type: string): BaresipEvent | undefined {
    const event = this.events.find((e) => e.type === type && !this.returned.has(e));
    if (event) this.returned.add(event);
    return event;
  }

  private receive(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    for (let message = this.nextNetstring(); message !== undefined; message = this.nextNetstring()) {
      this.dispatch(message);
    }
  }

  // Netstring framing: "<length>:<payload>,"
  private nextNetstring(): string | undefined {
    const colon = this.buffer.indexOf(58);
    if (colon < 0) return undefined;
    const length = Number(this.buffer.subarray(0, colon).toString());
    if (this.buffer.length < colon + 1 + length + 1) return undefined;
    const payload = this.buffer.subarray(colon + 1, colon + 1 + length).toString('utf8');
    this.buffer = this.buffer.subarray(colon + length + 2);
    return payload;
  }

  private dispatch(payload: string): void {
    const message = parseJsonObject(payload);
    if (!message) return;
    if (message.event === true && typeof message.type === 'string') {
      this.events.push(toEvent(message, Math.round(performance.now() - this.connectedAt)));
      for (const wake of this.waiters) wake();
      return;
    }
    const token = typeof message.token === 'string' ? message.token : undefined;
    const pending = token === undefined ? undefined : this.pending.get(token);
    if (!pending || token === undefined) return;
    clearTimeout(pending.timer);
    this.pending.delete(token);
    pending.resolve({ ok: message.ok === true, data: typeof message.data === 'string' ? message.data : '' });
  }
}

type JsonObject = Record<string, unknown>;

function parseJsonObject(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

function toEvent(message: JsonObject, atMs: number): BaresipEvent {
  const text = (key: string): string | undefined => (typeof message[key] === 'string' ? (message[key] as string) : undefined);
  return {
    type: text('type') ?? '',
    class: text('class'),
    accountaor: text('accountaor'),
    direction: text('direction'),
    peeruri: text('peeruri'),
    id: text('id'),
    param: text('param'),
    atMs,
  };
}

// Resolves with check()'s value as soon as it has one (re-checked whenever
// a waiter is woken), or undefined after timeoutMs.
function waitForSignal<T>(check: () => T | undefined, waiters: Set<() => void>, timeoutMs: number): Promise<T | undefined> {
  const immediate = check();
  if (immediate !== undefined) return Promise.resolve(immediate);
  return new Promise((resolve) => {
    const finish = (value: T | undefined): void => {
      clearTimeout(timer);
      waiters.delete(wake);
      resolve(value);
    };
    const wake = (): void => {
      const value = check();
      if (value !== undefined) finish(value);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    waiters.add(wake);
  });
}
