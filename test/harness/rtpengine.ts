// rtpengine in user space on 127.0.0.1: bridges plain RTP (SIPp, baresip)
// and WebRTC (DTLS-SRTP + ICE) media for calls Kamailio anchors through it.
import { createSocket } from 'node:dgram';
import { freeUdpPort, freeUdpPortRange } from './ports.js';
import { spawnManaged, waitFor, type ManagedProcess } from './processes.js';

export interface RtpengineOptions {
  ngPort?: number;
  /** RTP ports to allocate from; a free range of this size is picked. Default 200. */
  portCount?: number;
  /** rtpengine log level (6 = info, shows every ng command). Default 6. */
  logLevel?: number;
  startTimeoutMs?: number;
}

export interface Rtpengine {
  readonly ngPort: number;
  readonly pid: number;
  readonly portRange: { min: number; max: number };
  readonly startupMs: number;
  /** Names of ng commands (offer/answer/delete/...) seen in its log so far. */
  commandsSeen(): string[];
  log(): string;
  stop(): Promise<void>;
}

const RTPENGINE = process.env.RTPENGINE_PATH ?? '/usr/bin/rtpengine';

export async function startRtpengine(options: RtpengineOptions = {}): Promise<Rtpengine> {
  const ngPort = options.ngPort ?? (await freeUdpPort());
  const portRange = await freeUdpPortRange(options.portCount ?? 200);
  const startedAt = performance.now();
  const proc = await spawnManaged({
    name: 'rtpengine',
    command: RTPENGINE,
    args: [
      '--config-file=none',
      '--foreground',
      '--log-stderr',
      `--log-level=${options.logLevel ?? 6}`,
      // -1: no kernel forwarding module, pure user space
      '--table=-1',
      '--interface=127.0.0.1',
      `--listen-ng=127.0.0.1:${ngPort}`,
      `--port-min=${portRange.min}`,
      `--port-max=${portRange.max}`,
      '--delete-delay=0',
    ],
  });
  try {
    await waitFor(() => ngPing(ngPort), {
      timeoutMs: options.startTimeoutMs ?? 10_000,
      intervalMs: 20,
      what: `rtpengine answering ng ping on udp:${ngPort}`,
      process: proc,
    });
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return handle(proc, ngPort, portRange, Math.round(performance.now() - startedAt));
}

function handle(proc: ManagedProcess, ngPort: number, portRange: { min: number; max: number }, startupMs: number): Rtpengine {
  return {
    ngPort,
    pid: proc.pid,
    portRange,
    startupMs,
    commandsSeen: () => [...proc.log().matchAll(/Received command '([\w ]+)'/g)].map((m) => m[1] ?? ''),
    log: () => proc.log(),
    stop: async () => {
      await proc.stop();
    },
  };
}

const PING_TIMEOUT_MS = 50;

/** One ng-protocol ping (bencoded): resolves true on "pong", false on silence. */
export function ngPing(ngPort: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const cookie = `harness${Date.now()}`;
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), PING_TIMEOUT_MS);
    socket.on('message', (message) => finish(message.toString().startsWith(`${cookie} `) && message.includes('pong')));
    socket.on('error', () => finish(false));
    socket.send(`${cookie} d7:command4:pinge`, ngPort, '127.0.0.1');
  });
}
