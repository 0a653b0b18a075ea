// Loopback port allocation for test peers. Ports come from the kernel (bind
// to port 0) so parallel test files never agree on a number by accident; a
// per-process memory of handed-out ports stops us from giving the same port
// twice before the peer that owns it has bound it.
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';

const LOOPBACK = '127.0.0.1';
const handedOut = new Set<number>();
const MAX_ATTEMPTS = 50;

function bindTcp(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host: LOOPBACK, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}

function bindUdp(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.bind({ port, address: LOOPBACK, exclusive: true }, () => {
      const bound = socket.address().port;
      socket.close(() => resolve(bound));
    });
  });
}

async function isFree(bind: (port: number) => Promise<number>, port: number): Promise<boolean> {
  try {
    await bind(port);
    return true;
  } catch {
    return false;
  }
}

async function pickFresh(pick: () => Promise<number | undefined>, what: string): Promise<number> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const port = await pick();
    if (port !== undefined && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free ${what} on ${LOOPBACK} after ${MAX_ATTEMPTS} attempts`);
}

/** A TCP port that nothing on 127.0.0.1 listens on right now. */
export function freeTcpPort(): Promise<number> {
  return pickFresh(() => bindTcp(0), 'TCP port');
}

/** A UDP port that nothing on 127.0.0.1 is bound to right now. */
export function freeUdpPort(): Promise<number> {
  return pickFresh(() => bindUdp(0), 'UDP port');
}

/** A port free for both TCP and UDP (SIP peers listen on both). */
export function freeTcpUdpPort(): Promise<number> {
  return pickFresh(async () => {
    const port = await bindUdp(0);
    return (await isFree(bindTcp, port)) ? port : undefined;
  }, 'TCP+UDP port');
}

// Media port ranges sit below the kernel's ephemeral range (32768+) so that
// the single ports above, which come from that range, can never land in them.
const RANGE_FLOOR = 10_000;
const RANGE_CEILING = 32_000;

/**
 * `size` consecutive UDP ports, all free now, for an RTP port range
 * (rtpengine, baresip, SIPp media). Starts at an even port because RTP
 * peers pair RTP on even with RTCP on odd ports.
 */
export async function freeUdpPortRange(size: number): Promise<{ min: number; max: number }> {
  const slots = Math.floor((RANGE_CEILING - RANGE_FLOOR) / size);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const min = RANGE_FLOOR + Math.floor(Math.random() * slots) * size;
    const max = min + size - 1;
    if (await rangeIsFree(min, max)) {
      for (let port = min; port <= max; port++) handedOut.add(port);
      return { min, max };
    }
  }
  throw new Error(`no free UDP range of ${size} ports on ${LOOPBACK} after ${MAX_ATTEMPTS} attempts`);
}

async function rangeIsFree(min: number, max: number): Promise<boolean> {
  for (let port = min; port <= max; port++) {
    if (handedOut.has(port) || !(await isFree(bindUdp, port))) return false;
  }
  return true;
}

type Protocol = 'tcp' | 'udp';

// Reads the kernel socket table of our own network namespace instead of
// connecting, so probing a peer does not create sessions in it.
async function socketTable(protocol: Protocol): Promise<string[]> {
  const text = await readFile(`/proc/net/${protocol}`, 'utf8');
  return text.split('\n').slice(1);
}

const LOOPBACK_HEX = '0100007F';
const TCP_LISTEN_STATE = '0A';

/** Whether a socket is bound (UDP) or listening (TCP) on 127.0.0.1:port. */
export async function isListening(protocol: Protocol, port: number): Promise<boolean> {
  const wanted = `${LOOPBACK_HEX}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const rows = await socketTable(protocol);
  return rows.some((row) => {
    const columns = row.trim().split(/\s+/);
    if (columns[1] !== wanted) return false;
    return protocol === 'udp' || columns[3] === TCP_LISTEN_STATE;
  });
}
