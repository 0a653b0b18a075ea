// A fuzzing rig for the phone's SIP intake: main's real Registration (sip.js
// behind the SIP gate) registered to a WebSocket registrar of our own on
// 127.0.0.1, which then sends it seeded INVITE mutations (sip-mutations.ts)
// and records every answer. Used by test/integration/sip-fuzz.test.ts (CI,
// fixed seed) and bench/sip-fuzz.bench.ts (longer runs, several seeds).
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Registration } from '../../src-main/phone/registration.js';
import { mutation, type FuzzMessage, type MutationKind } from './sip-mutations.js';

export const FUZZ_AOR_USER = 'user';

export type FuzzOutcome = {
  seed: number;
  count: number;
  /** First final status per answered mutation: status → count. */
  statuses: Record<string, number>;
  /** Per kind: sent, answered, status histogram, unanswered. */
  byKind: Record<string, { sent: number; answered: number; statuses: Record<string, number>; unanswered: number }>;
  /** Mutations that got no final answer, with what was done. */
  unanswered: { index: number; kind: MutationKind; detail: string; viaIntact: boolean }[];
  /** A few unanswered messages whose Via line and end of headers survived: the ones worth a look. */
  samples: string[];
  /** Answers outside 400–699. */
  unexpected: { index: number; kind: MutationKind; detail: string; status: number }[];
  /** Answers that matched none of the run's Call-IDs, branches or From tags (all three mutated). */
  strayAnswers: number;
  /** Calls offered to onInvite. */
  offered: number;
  /** "Dropped a SIP message Focusline could not handle" and "The SIP gate failed" lines from Registration's log. */
  handlerFailures: string[];
  gateFailures: string[];
  ms: number;
};

/** What is kept of a sent mutation (not its text: a long run would hold gigabytes). */
type Pending = { message: Omit<FuzzMessage, 'text'>; viaIntact: boolean; sample?: string; status?: number };

/** A header's value from a message we received (its header section only), by any of its names (long and compact). */
export function header(message: string, ...names: string[]): string | undefined {
  for (const line of message.split('\r\n')) {
    if (line === '') return undefined;
    const colon = line.indexOf(':');
    if (colon > 0 && names.includes(line.slice(0, colon).trim().toLowerCase())) return line.slice(colon + 1).trim();
  }
  return undefined;
}

/** A registrar's 200 OK to a REGISTER: the test's PBX takes every registration for 300 s. */
export function registrarAnswer(register: string): string {
  const to = header(register, 'to', 't') ?? '';
  const copy = ['via', 'from', 'call-id', 'cseq'].map(
    (n) => `${n === 'call-id' ? 'Call-ID' : n === 'cseq' ? 'CSeq' : n[0]!.toUpperCase() + n.slice(1)}: ${header(register, n)}`,
  );
  const contact = header(register, 'contact', 'm');
  return ['SIP/2.0 200 OK', ...copy, `To: ${to};tag=reg`, `Contact: ${contact};expires=300`, 'Content-Length: 0', '', ''].join('\r\n');
}

/** Final statuses as one line, lowest first: "400×1330 486×320". */
export function statusHistogram(h: Record<string, number>): string {
  return Object.entries(h)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SipFuzzRig {
  private server!: WebSocketServer;
  private peer: WebSocket | undefined;
  registration!: Registration;
  /** Connections the UA opened, and closes of any of them. */
  connections = 0;
  closes = 0;
  /** Calls offered (counted, not kept: a long run would hold every Invitation). */
  invites = 0;
  readonly logs: string[] = [];
  readonly fromUa: string[] = [];
  private byCallId = new Map<string, Pending>();
  private byBranch = new Map<string, Pending>();
  private byFromTag = new Map<string, Pending>();
  private lastFromUa = Date.now();
  strayAnswers = 0;

  async start(userAgentString = 'Focusline fuzz'): Promise<void> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'sip', maxPayload: 1024 * 1024 });
    this.server.on('connection', (socket) => {
      this.connections++;
      this.peer = socket;
      socket.on('close', () => this.closes++);
      socket.on('message', (data, isBinary) => this.onUaMessage(socket, isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString()));
    });
    await new Promise<void>((resolve) => this.server.once('listening', () => resolve()));
    const { port } = this.server.address() as AddressInfo;
    this.registration = new Registration({
      sessionDescriptionHandler: () => {
        throw new Error('no media in this test');
      },
      onInvite: (invitation) => {
        this.invites++;
        void invitation.reject({ statusCode: 486 }).catch(() => undefined);
      },
      recovered: async () => {},
      changed: () => {},
      log: (message) => this.logs.push(message),
    });
    await this.registration.start({
      account: { wsServer: `ws://127.0.0.1:${port}`, sipUri: `sip:${FUZZ_AOR_USER}@example.com`, authUser: '', displayName: '' },
      password: 'unused',
      iceServers: [],
      userAgentString,
      mwi: { subscribe: false, accessNumber: '' },
    });
    await this.waitFor(() => (this.registration.state === 'registered' ? true : undefined), 5000);
  }

  async stop(): Promise<void> {
    await this.registration?.stop();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  send(text: string): void {
    this.peer!.send(text);
  }

  async waitFor<T>(check: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined || Date.now() > until) return value;
      await delay(10);
    }
  }

  /** The registrar answers REGISTER 200 and keep-alives; responses to our fuzz are matched and INVITE finals ACKed. */
  private onUaMessage(socket: WebSocket, data: string): void {
    this.lastFromUa = Date.now();
    if (data === '\r\n\r\n') {
      socket.send('\r\n');
      return;
    }
    if (data.startsWith('REGISTER ')) {
      socket.send(registrarAnswer(data));
      return;
    }
    this.fromUa.push(data);
    if (!data.startsWith('SIP/2.0 ') || data.startsWith('SIP/2.0 1')) return;
    const status = Number(data.slice(8, 11));
    const callId = header(data, 'call-id', 'i');
    const branch = /branch=([^;,\s]+)/.exec(header(data, 'via', 'v') ?? '')?.[1];
    const fromTag = /;\s*tag=([^;\s]+)/.exec(header(data, 'from', 'f') ?? '')?.[1];
    const pending = (callId && this.byCallId.get(callId)) || (branch && this.byBranch.get(branch)) || (fromTag && this.byFromTag.get(fromTag)) || undefined;
    if (!pending) this.strayAnswers++;
    else pending.status ??= status;
    // A PBX ACKs a non-2xx final to its INVITE (RFC 3261 §17.1.1.3), which stops the retransmissions.
    const cseq = header(data, 'cseq');
    const via = header(data, 'via', 'v');
    if (cseq && /\bINVITE$/.test(cseq) && via && status >= 300) {
      const to = header(data, 'to', 't');
      const from = header(data, 'from', 'f');
      const ack = [
        `ACK sip:${FUZZ_AOR_USER}@example.com SIP/2.0`,
        `Via: ${via.split(',', 1)[0]}`,
        'Max-Forwards: 70',
        `From: ${from}`,
        `To: ${to}`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq.replace(/INVITE$/, 'ACK')}`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      socket.send(ack);
    }
  }

  /**
   * Sends `count` mutations of `seed` in batches of `batch`; after each
   * batch waits until every one is answered or the UA has been quiet for
   * `quietMs` (dropped messages are never answered).
   */
  async fuzz(seed: number, count: number, options: { batch?: number; quietMs?: number } = {}): Promise<FuzzOutcome> {
    const batch = options.batch ?? 25;
    const quietMs = options.quietMs ?? 60;
    const started = Date.now();
    const strayBefore = this.strayAnswers;
    const invitesBefore = this.invites;
    const logsBefore = this.logs.length;
    const all: Pending[] = [];
    for (let first = 0; first < count; first += batch) {
      const sent: Pending[] = [];
      for (let i = first; i < Math.min(count, first + batch); i++) {
        const { text, ...message } = mutation(FUZZ_AOR_USER, seed, i);
        const viaIntact = /^Via: SIP\/2\.0\/WSS pbx\.example\.com;branch=[^\r\n]*\r\n/m.test(text) && /\r\n\r\n/.test(text);
        const pending: Pending = { message, viaIntact, ...(viaIntact && text.length < 2000 ? { sample: text } : {}) };
        this.byCallId.set(message.callId, pending);
        this.byBranch.set(message.branch, pending);
        this.byFromTag.set(message.fromTag, pending);
        sent.push(pending);
        this.send(text);
      }
      const batchStart = Date.now();
      await this.waitFor(
        () =>
          sent.every((p) => p.status !== undefined) ||
          (Date.now() - Math.max(this.lastFromUa, batchStart) > quietMs && Date.now() - batchStart > quietMs) ||
          undefined,
        5000,
      );
      for (const p of sent) if (p.status !== undefined) delete p.sample;
      all.push(...sent);
      // Answers are matched as they arrive; only stillWorks() reads what came after the run.
      this.fromUa.length = 0;
    }
    // Late answers (sip.js answers a call's 486 asynchronously).
    await delay(200);
    this.byCallId.clear();
    this.byBranch.clear();
    this.byFromTag.clear();
    const outcome: FuzzOutcome = {
      seed,
      count,
      statuses: {},
      byKind: {},
      unanswered: [],
      samples: [],
      strayAnswers: this.strayAnswers - strayBefore,
      unexpected: [],
      offered: this.invites - invitesBefore,
      handlerFailures: this.logs.slice(logsBefore).filter((l) => l.startsWith('Dropped a SIP message Focusline could not handle')),
      gateFailures: this.logs.slice(logsBefore).filter((l) => l.startsWith('The SIP gate failed')),
      ms: Date.now() - started,
    };
    for (const { message, status, viaIntact, sample } of all) {
      const kind = (outcome.byKind[message.kind] ??= { sent: 0, answered: 0, statuses: {}, unanswered: 0 });
      kind.sent++;
      if (status === undefined) {
        kind.unanswered++;
        outcome.unanswered.push({ index: message.index, kind: message.kind, detail: message.detail, viaIntact });
        if (sample && outcome.samples.length < 5) outcome.samples.push(sample);
        continue;
      }
      kind.answered++;
      kind.statuses[status] = (kind.statuses[status] ?? 0) + 1;
      outcome.statuses[status] = (outcome.statuses[status] ?? 0) + 1;
      if (status < 400 || status > 699) outcome.unexpected.push({ index: message.index, kind: message.kind, detail: message.detail, status });
    }
    return outcome;
  }

  /** A valid INVITE and OPTIONS afterwards: their final statuses (undefined: no answer in 3 s). */
  async stillWorks(tag: string): Promise<{ invite?: number; options?: number; offered: boolean }> {
    const invitesBefore = this.invites;
    const finalFor = async (callId: string) => {
      const got = await this.waitFor(
        () => this.fromUa.find((m) => m.startsWith('SIP/2.0 ') && !m.startsWith('SIP/2.0 1') && header(m, 'call-id', 'i') === callId),
        3000,
      );
      return got ? Number(got.slice(8, 11)) : undefined;
    };
    const request = (method: string, callId: string) =>
      [
        `${method} sip:${FUZZ_AOR_USER}@example.com SIP/2.0`,
        `Via: SIP/2.0/WSS pbx.example.com;branch=z9hG4bK.after-${method}-${tag}`,
        'Max-Forwards: 70',
        `From: <sip:caller@example.net>;tag=after-${tag}`,
        `To: <sip:${FUZZ_AOR_USER}@example.com>`,
        `Call-ID: ${callId}`,
        `CSeq: 1 ${method}`,
        'Contact: <sip:caller@pbx.example.com;transport=ws>',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
    this.send(request('INVITE', `after-invite-${tag}`));
    const invite = await finalFor(`after-invite-${tag}`);
    this.send(request('OPTIONS', `after-options-${tag}`));
    const options = await finalFor(`after-options-${tag}`);
    return { invite, options, offered: this.invites === invitesBefore + 1 };
  }
}

/** The outcome as a few readable lines: status histogram, per-kind table, unanswered by kind. */
export function describeOutcome(o: FuzzOutcome): string {
  const hist = statusHistogram;
  const lines = [
    `seed ${o.seed}: ${o.count} mutations in ${(o.ms / 1000).toFixed(1)} s; answered ${o.count - o.unanswered.length}, no answer ${o.unanswered.length}; calls offered ${o.offered}; answers matching no mutation ${o.strayAnswers}`,
    `final statuses: ${hist(o.statuses)}`,
    'kind | sent | answered | statuses | no answer',
    ...Object.entries(o.byKind).map(
      ([k, v]) => `${k.padEnd(18)} | ${String(v.sent).padStart(4)} | ${String(v.answered).padStart(4)} | ${hist(v.statuses)} | ${v.unanswered}`,
    ),
  ];
  const intact = o.unanswered.filter((u) => u.viaIntact).length;
  lines.push(
    `no answer with the Via line and the empty line intact: ${intact} (the rest lost their Via or end of headers: dropped, or answered 400 along a Via we cannot match)`,
  );
  const byKind = new Map<string, string[]>();
  for (const u of o.unanswered) byKind.set(u.kind, [...(byKind.get(u.kind) ?? []), u.detail]);
  for (const [kind, details] of byKind) {
    const counts = new Map<string, number>();
    for (const d of details) counts.set(d, (counts.get(d) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
    lines.push(`no answer, ${kind} (${details.length}): ${top.map(([d, n]) => `${JSON.stringify(d)}×${n}`).join(', ')}`);
  }
  if (o.handlerFailures.length) lines.push(`sip.js threw (dropped by guardIncoming): ${o.handlerFailures.length}; first: ${o.handlerFailures[0]}`);
  if (o.gateFailures.length) lines.push(`gate failures: ${o.gateFailures.length}; first: ${o.gateFailures[0]}`);
  return lines.join('\n');
}
