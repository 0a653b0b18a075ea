// Child processes of the test harness: spawned with their PID tracked, output
// kept in a bounded buffer, stopped by PID with SIGTERM then SIGKILL, and
// remembered in a registry that kills whatever is left when this process
// exits or is signalled (a crashed test must not leave SIP peers behind).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<ExitStatus>;
  isRunning(): boolean;
  /** The most recent stdout+stderr output, bounded in size. */
  log(): string;
  /** SIGTERM, then SIGKILL to its process group after graceMs. */
  stop(options?: { graceMs?: number }): Promise<ExitStatus>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Bytes of output kept for log(); older output is dropped. */
  logBytes?: number;
  /** Called with every output chunk (e.g. to scan for a readiness line). */
  onOutput?: (text: string) => void;
  /**
   * Signal the kernel sends the child if this Node process dies without
   * cleaning up (SIGKILL of the test runner). Default KILL; TERM suits
   * programs that must take their own workers down (Kamailio).
   */
  parentDeathSignal?: 'KILL' | 'TERM';
}

const DEFAULT_LOG_BYTES = 2 * 1024 * 1024;
const DEFAULT_GRACE_MS = 3_000;
const SETPRIV = '/usr/bin/setpriv';

const live = new Map<number, ManagedProcess>();
const everStarted: { name: string; pid: number }[] = [];

class OutputRing {
  private chunks: string[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}

  push(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    while (this.size > this.limit && this.chunks.length > 1) {
      this.size -= this.chunks.shift()?.length ?? 0;
    }
  }

  text(): string {
    return this.chunks.join('');
  }
}

// setpriv --pdeathsig makes the kernel signal the child if this Node process
// dies without running its exit handlers (e.g. SIGKILL of the test runner).
// setpriv execs the command, so the PID stays the command's own.
function launchCommand(options: SpawnOptions): { command: string; args: string[] } {
  if (!existsSync(SETPRIV)) return { command: options.command, args: [...options.args] };
  const signal = options.parentDeathSignal ?? 'KILL';
  return { command: SETPRIV, args: ['--pdeathsig', signal, '--', options.command, ...options.args] };
}

/** Starts a process in its own process group and registers it for cleanup. */
export async function spawnManaged(options: SpawnOptions): Promise<ManagedProcess> {
  installExitHandlers();
  const launch = launchCommand(options);
  const child = spawn(launch.command, launch.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: SIGKILL can then reach workers it forked (Kamailio).
    detached: true,
  });
  const ring = new OutputRing(options.logBytes ?? DEFAULT_LOG_BYTES);
  const onData = (data: Buffer): void => {
    const text = data.toString('utf8');
    ring.push(text);
    options.onOutput?.(text);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  const pid = await spawnedPid(child, options.name);
  let running = true;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      live.delete(pid);
      resolve({ code, signal });
    });
  });
  const managed: ManagedProcess = {
    name: options.name,
    pid,
    exited,
    isRunning: () => running,
    log: () => ring.text(),
    stop: (stopOptions) => stopProcess(managed, stopOptions?.graceMs ?? DEFAULT_GRACE_MS),
  };
  live.set(pid, managed);
  everStarted.push({ name: options.name, pid });
  return managed;
}

function spawnedPid(child: ReturnType<typeof spawn>, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    if (child.pid !== undefined) {
      resolve(child.pid);
      return;
    }
    child.once('error', (error) => reject(new Error(`could not start ${name}: ${error.message}`)));
  });
}

async function stopProcess(proc: ManagedProcess, graceMs: number): Promise<ExitStatus> {
  if (!proc.isRunning()) return proc.exited;
  signalPid(proc.pid, 'SIGTERM');
  const graceful = await Promise.race([proc.exited, delay(graceMs).then(() => undefined)]);
  if (graceful !== undefined) {
    killGroup(proc.pid);
    return graceful;
  }
  killGroup(proc.pid);
  const forced = await Promise.race([proc.exited, delay(graceMs).then(() => undefined)]);
  if (forced === undefined) throw new Error(`${proc.name} (pid ${proc.pid}) survived SIGKILL for ${graceMs} ms`);
  return forced;
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone: nothing to stop.
  }
}

// Leftover workers of a stopped leader (e.g. Kamailio children) share its
// process group id, which is the leader's PID because we spawned it detached.
function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // Group already empty.
  }
}

/** Stops every process still running, in reverse start order. */
export async function stopAll(graceMs = DEFAULT_GRACE_MS): Promise<void> {
  const running = [...live.values()].reverse();
  for (const proc of running) await proc.stop({ graceMs });
}

/** Processes started by this Node process that are still running. */
export function runningProcesses(): { name: string; pid: number }[] {
  return [...live.values()].map(({ name, pid }) => ({ name, pid }));
}

/** Every process (name, PID) this Node process has started so far. */
export function startedProcesses(): readonly { name: string; pid: number }[] {
  return everStarted;
}

/**
 * Whether the PID, or any process in the group it leads, still exists
 * (zombies count as gone: they no longer run anything).
 */
export function isPidOrGroupAlive(pid: number): boolean {
  return processStates().some((p) => (p.pid === pid || p.pgid === pid) && p.state !== 'Z');
}

interface ProcState {
  pid: number;
  pgid: number;
  state: string;
}

function processStates(): ProcState[] {
  const states: ProcState[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parsed = readProcStat(entry);
    if (parsed) states.push(parsed);
  }
  return states;
}

// /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may contain spaces.
function readProcStat(pid: string): ProcState | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid: Number(pid), state: fields[0] ?? '?', pgid: Number(fields[2]) };
  } catch {
    return undefined; // exited while we read /proc
  }
}

/** PIDs of direct children of this Node process whose cmdline contains `needle`. */
export function childPidsMatching(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) pids.push(Number(entry));
    } catch {
      // exited while we read /proc
    }
  }
  return pids;
}

let handlersInstalled = false;
const CLEANUP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function killAllNow(): void {
  for (const proc of live.values()) {
    signalPid(proc.pid, 'SIGKILL');
    killGroup(proc.pid);
  }
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // 'exit' handlers must be synchronous, so only SIGKILL is possible here.
  process.on('exit', killAllNow);
  for (const signal of CLEANUP_SIGNALS) {
    process.once(signal, () => {
      killAllNow();
      // Keep the default outcome of the signal when nobody else handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Named in the timeout error: "timed out after 5000 ms waiting for <what>". */
  what: string;
  /** Give up early, with its log tail, if this process exits meanwhile. */
  process?: ManagedProcess;
}

type Probe<T> = () => T | undefined | null | false | Promise<T | undefined | null | false>;

/** Polls `probe` until it returns a truthy value, bounded in time and count. */
export async function waitFor<T>(probe: Probe<T>, options: WaitOptions): Promise<T> {
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + options.timeoutMs;
  const maxRounds = Math.ceil(options.timeoutMs / intervalMs) + 1;
  let lastError: unknown;
  for (let round = 0; round < maxRounds && Date.now() <= deadline; round++) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (options.process && !options.process.isRunning()) throw exitedWhileWaiting(options);
    await delay(intervalMs);
  }
  const cause = lastError instanceof Error ? ` (last probe error: ${lastError.message})` : '';
  throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${cause}`);
}

function exitedWhileWaiting(options: WaitOptions): Error {
  const proc = options.process;
  const tail = proc ? proc.log().slice(-2_000) : '';
  return new Error(`${proc?.name ?? 'process'} exited while waiting for ${options.what}; log tail:\n${tail}`);
}
