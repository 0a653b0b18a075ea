import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Invitation } from 'sip.js';
import { Registration } from '../../src-main/phone/registration.js';
import { header, registrarAnswer } from '../harness/sip-fuzz-rig.js';

// RFC 4475 torture messages delivered to main's UA (Registration: sip.js
// behind the SIP gate) over a WebSocket registrar of our own on 127.0.0.1.
const CORPUS = fileURLToPath(new URL('./fixtures/rfc4475/', import.meta.url));
const AOR_USER = 'user';

type Expected = { answer: number[]; why: string } | { drop: string };

/**
 * What the UA must do with each message. `answer`: the acceptable final
 * status codes (where RFC 4475 allows alternatives, all of them). `drop`:
 * no answer at all, with the RFC 3261 rule that says so. Incoming calls are
 * rejected 486 by this test's onInvite, so 486 means "offered as a call".
 */
const EXPECTED: Record<string, Expected> = {
  // 3.1.1 valid
  'wsinv.sip': { answer: [481], why: 'valid; its To tag names no dialog of ours, so 481 (RFC 3261 §12.2.2)' },
  'intmeth.sip': { answer: [501], why: 'unknown method: 501 with Allow' },
  'esc01.sip': { answer: [404], why: 'valid; the Request-URI user sips:user@example.com is not our AOR: 404 (§8.2.2.1)' },
  'escnull.sip': { answer: [405], why: 'REGISTER to a UA that is not a registrar' },
  'esc02.sip': { answer: [501], why: 'RE%47IST%45R is an unknown method' },
  'lwsdisp.sip': { answer: [200], why: 'valid OPTIONS' },
  'longreq.sip': { answer: [486, 481], why: 'valid INVITE: offered as a call' },
  'dblreq.sip': { answer: [405], why: 'REGISTER answered once, trailing octets ignored' },
  'semiuri.sip': { answer: [404], why: "valid; the Request-URI user 'user;par=u@example.net' is not our AOR: 404 (§8.2.2.1)" },
  'transports.sip': { answer: [200], why: 'valid OPTIONS' },
  'mpart01.sip': { answer: [200, 415, 405], why: 'valid MESSAGE, answered per body support' },
  'unreason.sip': { drop: 'response matching no client transaction (RFC 3261 §17.1.3, §18.1.2)' },
  'noreason.sip': { drop: 'response matching no client transaction (RFC 3261 §17.1.3, §18.1.2)' },
  // 3.1.2 invalid
  'badinv01.sip': { answer: [400], why: 'empty Via and Contact parameters' },
  'clerr.sip': { answer: [400], why: 'Content-Length larger than the body' },
  'ncl.sip': { answer: [400], why: 'negative Content-Length' },
  'scalar02.sip': { answer: [400], why: 'CSeq over 2**32-1' },
  'scalarlg.sip': { drop: 'malformed response (RFC 3261 §18.1.2)' },
  'quotbal.sip': { answer: [400], why: 'unbalanced quotes' },
  'ltgtruri.sip': { answer: [400], why: 'Request-URI in angle brackets' },
  'lwsruri.sip': { answer: [400], why: 'LWS in the Request-URI' },
  'lwsstart.sip': { answer: [400], why: 'extra SP in the Request-Line' },
  'trws.sip': { answer: [400], why: 'trailing SP in the Request-Line' },
  'escruri.sip': { answer: [400], why: 'header fields in the Request-URI' },
  'baddate.sip': { answer: [486], why: 'bad Date ignored: offered as a call' },
  'regbadct.sip': { answer: [400], why: 'Contact URI with ? outside angle brackets' },
  'badaspec.sip': { answer: [400], why: 'spaces inside the angle brackets' },
  'baddn.sip': { answer: [400], why: 'unquoted display name with a comma (and no empty line)' },
  'badvers.sip': { answer: [505], why: 'SIP/7.0' },
  'mismatch01.sip': { answer: [400], why: 'CSeq method differs from the request method' },
  'mismatch02.sip': { answer: [501, 400], why: 'unknown method, CSeq INVITE' },
  'bigcode.sip': { drop: 'malformed response: status code is not 3 digits (RFC 3261 §18.1.2)' },
  // 3.2 transaction
  'badbranch.sip': { answer: [200, 400], why: 'branch is only the magic cookie; answered either way' },
  // 3.3 application
  'insuf.sip': { answer: [400], why: 'no Call-ID, From or To' },
  'unkscm.sip': { answer: [416], why: 'unknown Request-URI scheme' },
  'novelsc.sip': { answer: [416], why: 'soap.beep Request-URI scheme' },
  'unksm2.sip': { answer: [405], why: 'REGISTER to a UA that is not a registrar' },
  'bext01.sip': { answer: [420], why: 'Require of unknown option tags: 420 with Unsupported' },
  'invut.sip': { answer: [415], why: 'INVITE body is not SDP: 415 with Accept' },
  'regaut01.sip': { answer: [405], why: 'REGISTER to a UA that is not a registrar' },
  'multi01.sip': { answer: [400], why: 'CSeq, Call-ID, To, From, Max-Forwards twice' },
  'mcl01.sip': { answer: [400], why: 'two Content-Lengths' },
  'bcast.sip': { drop: 'response matching no client transaction (RFC 3261 §17.1.3, §18.1.2); nothing sent to 255.255.255.255' },
  'zeromf.sip': { answer: [200], why: 'Max-Forwards 0 only matters to proxies' },
  'cparam01.sip': { answer: [405], why: 'REGISTER to a UA that is not a registrar' },
  'cparam02.sip': { answer: [405], why: 'REGISTER to a UA that is not a registrar' },
  'regescrt.sip': { answer: [405], why: 'REGISTER to a UA that is not a registrar' },
  'sdp01.sip': { answer: [406], why: 'Accept excludes SDP' },
  // 3.4 backward compatibility
  'inv2543.sip': { answer: [486], why: 'RFC 2543 INVITE taken as a call (From stands in for the missing Contact)' },
};

type Entry = { file: string; bytes: number; sha256: string; expected: string };

let server: WebSocketServer;
let peer: WebSocket | undefined;
const fromUa: string[] = [];
const invites: Invitation[] = [];
const logs: string[] = [];
let registration: Registration;

/** The registrar: 200 to every REGISTER; everything else the UA sends is recorded. */
function onUaMessage(socket: WebSocket, data: string): void {
  if (data.startsWith('REGISTER ')) {
    socket.send(registrarAnswer(data));
    return;
  }
  fromUa.push(data);
}

/**
 * Two rewrites, neither touching what a message tests: a plain Request-URI
 * user becomes our AOR's (so that valid requests reach us instead of getting
 * 404), and a branch the corpus reuses across independent messages (most use
 * z9hG4bKkdjuw) gets the message's name appended. sip.js matches server
 * transactions on the branch alone (RFC 3261 §17.2.3 adds sent-by and
 * method), so it would take a reused branch for a retransmission. badbranch
 * (the magic cookie alone) and RFC 2543 messages without a branch are left
 * as they are.
 */
function aimAtUs(bytes: Buffer, file: string): Buffer {
  const text = bytes.toString('latin1');
  let aimed = text.replace(/^([A-Z]+ sip:)[A-Za-z0-9._+-]+@/, `$1${AOR_USER}@`);
  if (file !== 'badbranch.sip') {
    const name = file.replace('.sip', '');
    aimed = aimed.replace(/(branch=z9hG4bK[A-Za-z0-9\-.!%*_+`'~]+)/g, `$1.${name}`);
  }
  return Buffer.from(aimed, 'latin1');
}

async function waitFor<T>(check: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
}

function correlate(raw: string): (m: string) => boolean {
  const callId = header(raw, 'call-id', 'i');
  if (callId) return (m) => m.startsWith('SIP/2.0 ') && header(m, 'call-id', 'i') === callId;
  const branch = /branch=([^;,\s]+)/.exec(header(raw, 'via', 'v') ?? '')?.[1] ?? '\0';
  return (m) => m.startsWith('SIP/2.0 ') && (header(m, 'via', 'v') ?? '').includes(branch);
}

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'sip' });
  server.on('connection', (socket) => {
    peer = socket;
    socket.on('message', (data, isBinary) => onUaMessage(socket, isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString()));
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  registration = new Registration({
    sessionDescriptionHandler: () => {
      throw new Error('no media in this test');
    },
    onInvite: (invitation) => {
      invites.push(invitation);
      void invitation.reject({ statusCode: 486 }).catch(() => undefined);
    },
    recovered: async () => {},
    changed: () => {},
    log: (message) => logs.push(message),
  });
  await registration.start({
    account: { wsServer: `ws://127.0.0.1:${port}`, sipUri: `sip:${AOR_USER}@example.com`, authUser: '', displayName: '' },
    password: 'unused',
    iceServers: [],
    userAgentString: 'Focusline rfc4475 test',
    mwi: { subscribe: false, accessNumber: '' },
  });
  await waitFor(() => (registration.state === 'registered' ? true : undefined), 5000);
  expect(registration.state).toBe('registered');
});

afterAll(async () => {
  await registration?.stop();
  await new Promise((resolve) => server?.close(resolve));
});

describe('RFC 4475 torture messages', () => {
  it('answers each one as RFC 3261 says, drops only what it says to drop, and still takes a call', async () => {
    const manifest = JSON.parse(await readFile(join(CORPUS, 'manifest.json'), 'utf8')) as Entry[];
    expect(manifest.map((e) => e.file).sort()).toEqual(Object.keys(EXPECTED).sort());
    const rows: { message: string; expected: string; focusline: string; ok: boolean }[] = [];
    for (const entry of manifest) {
      const original = await readFile(join(CORPUS, entry.file));
      expect(createHash('sha256').update(original).digest('hex'), entry.file).toBe(entry.sha256);
      const bytes = aimAtUs(original, entry.file);
      const raw = bytes.toString('utf8');
      const matches = correlate(raw);
      const expected = EXPECTED[entry.file]!;
      const seenBefore = fromUa.length;
      const invitesBefore = invites.length;
      const logsBefore = logs.length;
      if (entry.file === 'mpart01.sip') peer!.send(bytes, { binary: true });
      else peer!.send(raw);
      const finals = () => fromUa.slice(seenBefore).filter((m) => matches(m) && !m.startsWith('SIP/2.0 1'));
      const got = await waitFor(() => finals()[0], 'drop' in expected ? 500 : 3000);
      await new Promise((r) => setTimeout(r, 'drop' in expected ? 0 : 50));
      const status = got ? Number(got.slice(8, 11)) : undefined;
      let ok: boolean;
      let focusline = status
        ? got!.split('\r\n', 1)[0]!.slice(8)
        : `no answer${logs.length > logsBefore ? ` (logged: ${logs.slice(logsBefore).join('; ').slice(0, 100)})` : ''}`;
      if ('drop' in expected) ok = status === undefined;
      else ok = status !== undefined && expected.answer.includes(status) && finals().length === 1;
      if (entry.file === 'bext01.sip' && got) ok &&= /^Unsupported: nothingSupportsThis, nothingSupportsThisEither$/m.test(got);
      if (entry.file === 'intmeth.sip' && got) ok &&= /^Allow: /m.test(got);
      if (got && header(raw, 'to', 't') !== undefined) ok &&= /;\s*tag\s*=/.test(header(got, 'to', 't') ?? '');
      const offered = invites.length - invitesBefore;
      if (status === 486) ok &&= offered === 1;
      else if (offered) focusline += ` (+${offered} call offered)`;
      if (entry.file === 'dblreq.sip') ok &&= offered === 0;
      rows.push({
        message: entry.file.replace('.sip', ''),
        expected: 'drop' in expected ? `drop: ${expected.drop}` : `${expected.answer.join('/')}: ${expected.why}`,
        focusline,
        ok,
      });
    }
    console.log(
      ['RFC 4475 message | expected | Focusline did', ...rows.map((r) => `${r.ok ? '  ' : '✗ '}${r.message.padEnd(10)} | ${r.expected} | ${r.focusline}`)].join(
        '\n',
      ),
    );
    expect(rows.filter((r) => !r.ok)).toEqual([]);
    // The gate's RFC 2543 transaction mark never leaves the UA.
    expect(fromUa.filter((m) => m.includes('fl2543'))).toEqual([]);

    // Afterwards: still registered, and a plain INVITE is still offered as a call.
    expect(registration.state).toBe('registered');
    const invitesBefore = invites.length;
    const seenBefore = fromUa.length;
    const plain = [
      `INVITE sip:${AOR_USER}@example.com SIP/2.0`,
      'Via: SIP/2.0/WSS pbx.example.com;branch=z9hG4bKafterwards',
      'Max-Forwards: 70',
      'From: <sip:caller@example.net>;tag=after',
      `To: <sip:${AOR_USER}@example.com>`,
      'Call-ID: afterwards.rfc4475',
      'CSeq: 1 INVITE',
      'Contact: <sip:caller@pbx.example.com;transport=ws>',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    peer!.send(plain);
    const busy = await waitFor(() => fromUa.slice(seenBefore).find((m) => m.startsWith('SIP/2.0 486') && m.includes('afterwards.rfc4475')), 3000);
    expect(busy).toBeDefined();
    expect(invites.length).toBe(invitesBefore + 1);
  });
});
