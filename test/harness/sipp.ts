// Typed SIPp runner: plays one of the scenario templates in ./sipp/ as a UDP
// caller through the harness Kamailio and reports what happened on the wire
// (per-call response codes, 302 Contacts, INVITE->180/final latency stats).
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpPort, freeUdpPortRange, isListening } from './ports.js';
import { spawnManaged, waitFor, type ExitStatus, type ManagedProcess } from './processes.js';
import { makeWorkDir, removeWorkDir } from './workdirs.js';

export type SippScenario = 'answer-then-bye' | 'expect-reject' | 'callee-hangs-up' | 'caller-cancels' | 'caller-talks-then-bye' | 'options-ping';

export interface SippOptions {
  /** The proxy to send to (a harness Kamailio or anything with a UDP port on 127.0.0.1). */
  kamailio: { udpPort: number };
  /** User part of the Request-URI / To. */
  callee: string;
  /** User part of From. */
  caller: string;
  /** Adds P-Asserted-Identity: a user (becomes sip:user@127.0.0.1) or a full sip: URI. */
  assertedIdentity?: string;
  /** The From display name, quoted (default: the caller's user part, unquoted, as SIPp's scenarios send it). */
  displayName?: string;
  /**
   * Host[:port] of the From URI (default: SIPp's own 127.0.0.1:port). Only From changes: Via and Contact keep
   * SIPp's address, so responses and in-dialog requests still reach it. Kamailio doesn't route on From.
   */
  callerHost?: string;
  /** Appended to every Call-ID of the run (SIPp's own "<n>-<pid>@<ip>" then "-<pad>"): a long Call-ID. */
  callIdPad?: string;
  scenario: SippScenario;
  calls?: number;
  ratePerSec?: number;
  /** Call hold before BYE (answer-then-bye, caller-talks-then-bye) or ring time before CANCEL (caller-cancels). */
  holdMs?: number;
  /** caller-talks-then-bye: silence after the ACK (the greeting) before the pcap plays. Default 0. */
  listenMs?: number;
  /** Play sip-tester's g711a.pcap (PCMA, 236 packets of 30 ms: ~7 s of speech) once the call is answered. */
  playPcap?: boolean;
  /** Hard limit for the whole run; SIPp fails calls still open then. */
  timeoutMs: number;
  /** Record every message (needed for responses/contacts302). Default true. */
  traceMessages?: boolean;
}

export interface Stats {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface CallResponses {
  callId: string;
  /** Status codes of INVITE responses, in arrival order (retransmissions included). */
  codes: number[];
  /** The first final (>= 200) INVITE response code, if any came. */
  final?: number;
  ringing: boolean;
}

export interface SippResult {
  /** 0 = all calls successful, 1 = some failed, 97/99/255 = SIPp aborted. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  successful: number;
  failed: number;
  retransmissions: number;
  responses: CallResponses[];
  /** Milliseconds, quantized by SIPp's clock (typically 4 ms steps). */
  rtt: { ring: Stats; final: Stats };
  /** Contact header values of every 302 received. */
  contacts302: string[];
  wallMs: number;
  /** SIPp's error log (unexpected messages, timeouts). */
  errors: string;
  /** SIPp's own stdout/stderr. */
  log: string;
}

export interface SippCall {
  readonly pid: number;
  readonly done: Promise<SippResult>;
  /** Ends SIPp early (SIGTERM/SIGKILL) and resolves with what it recorded. */
  stop(): Promise<SippResult>;
}

const SIPP = process.env.SIPP_PATH ?? '/usr/bin/sipp';
const SCENARIO_DIR = fileURLToPath(new URL('./sipp/', import.meta.url));
const G711A_PCAP = process.env.SIPP_PCAP ?? '/usr/share/sip-tester/g711a.pcap';
const KILL_MARGIN_MS = 5_000;

export async function runSipp(options: SippOptions): Promise<SippResult> {
  return (await startSippCall(options)).done;
}

/** Starts SIPp in the background (e.g. a call that the app under test answers). */
export async function startSippCall(options: SippOptions): Promise<SippCall> {
  const workDir = makeWorkDir('sipp');
  const scenarioPath = join(workDir, `${options.scenario}.xml`);
  await writeFile(scenarioPath, await renderScenario(options));
  const args = await sippArgs(options, workDir, scenarioPath);
  const startedAt = performance.now();
  const proc = await spawnManaged({ name: `sipp ${options.scenario}`, command: SIPP, args, cwd: workDir, logBytes: 256 * 1024 });
  const watchdog = setTimeout(() => void proc.stop({ graceMs: 1_000 }), options.timeoutMs + KILL_MARGIN_MS);
  let collected: Promise<SippResult> | undefined;
  const collect = (status: ExitStatus): Promise<SippResult> => {
    clearTimeout(watchdog);
    collected ??= collectResult(proc, status, workDir, performance.now() - startedAt);
    return collected;
  };
  const done = proc.exited.then(collect);
  return {
    pid: proc.pid,
    done,
    stop: async () => collect(await proc.stop({ graceMs: 1_000 })),
  };
}

async function renderScenario(options: SippOptions): Promise<string> {
  const template = await readFile(join(SCENARIO_DIR, `${options.scenario}.xml`), 'utf8');
  const headers = options.assertedIdentity ? `      P-Asserted-Identity: ${assertedUri(options.assertedIdentity)}\n` : '';
  const play = options.playPcap ? `  <nop>\n    <action>\n      <exec play_pcap_audio="${G711A_PCAP}"/>\n    </action>\n  </nop>\n` : '';
  const listen = options.listenMs ? `  <pause milliseconds="${Math.round(options.listenMs)}"/>\n` : '';
  const named =
    options.displayName === undefined ? template : template.replaceAll('From: [caller] <', `From: "${options.displayName.replace(/["\\]/g, '')}" <`);
  const hosted =
    options.callerHost === undefined ? named : named.replaceAll('<sip:[caller]@[local_ip]:[local_port]>;tag=', `<sip:[caller]@${options.callerHost}>;tag=`);
  return hosted
    .replace(/^[ \t]*<!-- HARNESS_EXTRA_HEADERS -->\n/m, headers)
    .replace(/^[ \t]*<!-- HARNESS_LISTEN -->\n/m, listen)
    .replace(/^[ \t]*<!-- HARNESS_PLAY_PCAP -->\n/m, play);
}

function assertedUri(identity: string): string {
  if (identity.startsWith('<')) return identity;
  return identity.startsWith('sip:') ? `<${identity}>` : `<sip:${identity}@127.0.0.1>`;
}

async function sippArgs(options: SippOptions, workDir: string, scenarioPath: string): Promise<string[]> {
  const sipPort = await freeUdpPort();
  // SIPp binds media_port and media_port+2 (audio, video); keep four spare.
  const media = await freeUdpPortRange(4);
  return [
    `127.0.0.1:${options.kamailio.udpPort}`,
    '-sf',
    scenarioPath,
    '-s',
    options.callee,
    '-key',
    'caller',
    options.caller,
    '-i',
    '127.0.0.1',
    '-p',
    String(sipPort),
    '-mi',
    '127.0.0.1',
    '-mp',
    String(media.min),
    '-m',
    String(options.calls ?? 1),
    '-r',
    String(options.ratePerSec ?? 10),
    '-rp',
    '1000',
    '-d',
    String(options.holdMs ?? 1_000),
    '-nostdin',
    '-trace_err',
    '-error_file',
    join(workDir, 'errors.log'),
    '-trace_stat',
    '-stf',
    join(workDir, 'stat.csv'),
    '-trace_rtt',
    '-rtt_freq',
    '1',
    // SIPp matches its messages by the Call-ID it made: a longer one must be made by SIPp too (its default format, padded).
    ...(options.callIdPad === undefined ? [] : ['-cid_str', `%u-%p@%s-${options.callIdPad}`]),
    ...(options.traceMessages === false ? [] : ['-trace_msg', '-message_file', join(workDir, 'messages.log')]),
    '-timeout',
    `${Math.ceil(options.timeoutMs / 1000)}s`,
    '-timeout_error',
  ];
}

async function collectResult(proc: ManagedProcess, status: ExitStatus, workDir: string, wallMs: number): Promise<SippResult> {
  try {
    const counters = parseStatCsv(await readOptional(join(workDir, 'stat.csv')));
    const calls = parseMessageLog(await readOptional(join(workDir, 'messages.log')));
    return {
      exitCode: status.code,
      signal: status.signal,
      successful: counters.get('SuccessfulCall(C)') ?? 0,
      failed: counters.get('FailedCall(C)') ?? 0,
      retransmissions: counters.get('Retransmissions(C)') ?? 0,
      responses: calls.responses,
      rtt: parseRttCsv(await readRttFile(workDir)),
      contacts302: calls.contacts302,
      wallMs: Math.round(wallMs),
      errors: await readOptional(join(workDir, 'errors.log')),
      log: proc.log(),
    };
  } finally {
    await removeWorkDir(workDir);
  }
}

async function readOptional(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return ''; // SIPp writes some files only when there is something to say
  }
}

// SIPp names the rtt file after the scenario and its PID; there is no flag to set it.
async function readRttFile(workDir: string): Promise<string> {
  const name = (await readdir(workDir)).find((file) => file.endsWith('_rtt.csv'));
  return name ? readOptional(join(workDir, name)) : '';
}

/** Last row of SIPp's ;-separated statistics file, as counter name -> value. */
export function parseStatCsv(text: string): Map<string, number> {
  const rows = text.split('\n').filter((row) => row.trim() !== '');
  const header = rows[0]?.split(';') ?? [];
  const last = rows.length > 1 ? (rows[rows.length - 1]?.split(';') ?? []) : [];
  const counters = new Map<string, number>();
  header.forEach((name, i) => {
    const value = Number(last[i]);
    if (name && Number.isFinite(value)) counters.set(name, value);
  });
  return counters;
}

/** Stats per RTD name from SIPp's rtt csv ("Date_ms;response_time_ms;rtd_no"). */
export function parseRttCsv(text: string): { ring: Stats; final: Stats } {
  const samples = new Map<string, number[]>();
  for (const row of text.split('\n').slice(1)) {
    const [, ms, name] = row.trim().split(';');
    if (!name || ms === undefined || !Number.isFinite(Number(ms))) continue;
    const list = samples.get(name) ?? [];
    list.push(Number(ms));
    samples.set(name, list);
  }
  return { ring: statsOf(samples.get('ring') ?? []), final: statsOf(samples.get('final') ?? []) };
}

export function statsOf(values: readonly number[]): Stats {
  if (values.length === 0) return { n: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  // nearest-rank percentile
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? 0;
  const mean = sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
  return { n: sorted.length, mean, p50: rank(0.5), p95: rank(0.95), p99: rank(0.99), max: sorted[sorted.length - 1] ?? 0 };
}

interface SipMessage {
  direction: 'sent' | 'received';
  firstLine: string;
  headers: Map<string, string[]>;
}

const BLOCK_SEPARATOR = /^-{20,} .*$/m;

/** Splits SIPp's -trace_msg log into messages with their headers. */
export function parseSippMessages(text: string): SipMessage[] {
  const messages: SipMessage[] = [];
  for (const block of text.split(BLOCK_SEPARATOR)) {
    const lines = block.replace(/\r/g, '').split('\n');
    const intro = lines.findIndex((line) => / message (sent|received)/.test(line));
    if (intro < 0 || /^Dead call/.test(lines[intro] ?? '')) continue;
    const direction = lines[intro]?.includes('received') ? 'received' : 'sent';
    const rest = lines.slice(intro + 1);
    const start = rest.findIndex((line) => line.trim() !== '');
    if (start < 0) continue;
    messages.push({ direction, firstLine: rest[start] ?? '', headers: parseHeaders(rest.slice(start + 1)) });
  }
  return messages;
}

function parseHeaders(lines: string[]): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    if (line.trim() === '') break; // end of the header section
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return headers;
}

function parseMessageLog(text: string): { responses: CallResponses[]; contacts302: string[] } {
  const calls = new Map<string, CallResponses>();
  const contacts302: string[] = [];
  for (const message of parseSippMessages(text)) {
    const callId = message.headers.get('call-id')?.[0] ?? message.headers.get('i')?.[0];
    if (!callId) continue;
    const call = calls.get(callId) ?? { callId, codes: [], ringing: false };
    calls.set(callId, call);
    const status = /^SIP\/2\.0 (\d{3})/.exec(message.firstLine);
    const cseq = message.headers.get('cseq')?.[0] ?? '';
    if (message.direction !== 'received' || !status || !/ INVITE$/i.test(cseq)) continue;
    recordInviteResponse(call, Number(status[1]), message, contacts302);
  }
  return { responses: [...calls.values()], contacts302 };
}

function recordInviteResponse(call: CallResponses, code: number, message: SipMessage, contacts302: string[]): void {
  call.codes.push(code);
  if (code === 180) call.ringing = true;
  if (code >= 200 && call.final === undefined) {
    call.final = code;
    if (code === 302) contacts302.push(...(message.headers.get('contact') ?? message.headers.get('m') ?? []));
  }
}

// ---- SIPp as a UAS behind the harness Kamailio (e.g. a PBX voicemail server) ----

export type SippServerScenario = 'mwi-server' | 'mwi-reject';

export interface SippServerOptions {
  scenario: SippServerScenario;
  /** UDP port on 127.0.0.1 to listen on: the one Kamailio relays to (startKamailio({ mwiServerPort })). */
  port: number;
  /**
   * Injection rows, one per incoming call (a new Call-ID), used in turn and
   * wrapping around: [field0], [field1]... in the scenario. mwi-server reads
   * new count, old count, Messages-Waiting (yes/no), Message-Account.
   */
  rows?: readonly (readonly string[])[];
  /** SIPp exits by itself after this many calls. Default: runs until stop(). */
  calls?: number;
  /** Hard limit for the whole run. */
  timeoutMs: number;
}

export interface SippServerResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  successful: number;
  failed: number;
  /** Every SIP message SIPp sent or received, in order, with its headers. */
  messages: ReturnType<typeof parseSippMessages>;
  errors: string;
  log: string;
}

export interface SippServer {
  readonly pid: number;
  readonly port: number;
  /** Settles when SIPp exits by itself (calls reached, or timeout). */
  readonly done: Promise<SippServerResult>;
  /** Ends SIPp (SIGTERM, then SIGKILL) and resolves with what it recorded. */
  stop(): Promise<SippServerResult>;
}

/** Starts SIPp as a UAS on 127.0.0.1:port and resolves once it listens there. */
export async function startSippServer(options: SippServerOptions): Promise<SippServer> {
  const workDir = makeWorkDir('sipp-uas');
  const scenarioPath = join(workDir, `${options.scenario}.xml`);
  await writeFile(scenarioPath, await readFile(join(SCENARIO_DIR, `${options.scenario}.xml`), 'utf8'));
  const args = await sippServerArgs(options, workDir, scenarioPath);
  const proc = await spawnManaged({ name: `sipp uas ${options.scenario}`, command: SIPP, args, cwd: workDir, logBytes: 256 * 1024 });
  const watchdog = setTimeout(() => void proc.stop({ graceMs: 1_000 }), options.timeoutMs + KILL_MARGIN_MS);
  let collected: Promise<SippServerResult> | undefined;
  const collect = (status: ExitStatus): Promise<SippServerResult> => {
    clearTimeout(watchdog);
    collected ??= collectServerResult(proc, status, workDir);
    return collected;
  };
  const done = proc.exited.then(collect);
  try {
    await waitFor(() => isListening('udp', options.port), { timeoutMs: 5_000, intervalMs: 10, what: `sipp listening on udp:${options.port}`, process: proc });
  } catch (error) {
    await collect(await proc.stop({ graceMs: 1_000 }));
    throw error;
  }
  return { pid: proc.pid, port: options.port, done, stop: async () => collect(await proc.stop({ graceMs: 1_000 })) };
}

async function sippServerArgs(options: SippServerOptions, workDir: string, scenarioPath: string): Promise<string[]> {
  const media = await freeUdpPortRange(4);
  const args = [
    '-sf',
    scenarioPath,
    '-i',
    '127.0.0.1',
    '-p',
    String(options.port),
    '-mi',
    '127.0.0.1',
    '-mp',
    String(media.min),
    '-nostdin',
    '-trace_err',
    '-error_file',
    join(workDir, 'errors.log'),
    '-trace_stat',
    '-stf',
    join(workDir, 'stat.csv'),
    '-trace_msg',
    '-message_file',
    join(workDir, 'messages.log'),
    '-timeout',
    `${Math.ceil(options.timeoutMs / 1000)}s`,
  ];
  if (options.calls !== undefined) args.push('-m', String(options.calls));
  if (options.rows && options.rows.length > 0) {
    const injection = join(workDir, 'rows.csv');
    await writeFile(injection, `SEQUENTIAL\n${options.rows.map(injectionRow).join('\n')}\n`);
    args.push('-inf', injection);
  }
  return args;
}

function injectionRow(row: readonly string[]): string {
  for (const field of row) if (/[;\n\r]/.test(field)) throw new Error(`sipp injection field must not contain ';' or a line break: ${field}`);
  return row.join(';');
}

async function collectServerResult(proc: ManagedProcess, status: ExitStatus, workDir: string): Promise<SippServerResult> {
  try {
    const counters = parseStatCsv(await readOptional(join(workDir, 'stat.csv')));
    return {
      exitCode: status.code,
      signal: status.signal,
      successful: counters.get('SuccessfulCall(C)') ?? 0,
      failed: counters.get('FailedCall(C)') ?? 0,
      messages: parseSippMessages(await readOptional(join(workDir, 'messages.log'))),
      errors: await readOptional(join(workDir, 'errors.log')),
      log: proc.log(),
    };
  } finally {
    await removeWorkDir(workDir);
  }
}
