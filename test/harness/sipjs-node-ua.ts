// A bare sip.js UserAgent inside the test process, over WS to the harness
// Kamailio: registers with digest auth and answers INVITEs by a policy. It
// never sends media (fixed SDP), so it is the signalling-only floor that the
// app is compared against, and a callee for harness self-tests.
import { WebSocket as NodeWebSocket } from 'ws';
import { type Invitation, Registerer, SessionState, UserAgent, type SessionDescriptionHandler, type LogLevel } from 'sip.js';
import { messageOf } from '../../src-shared/errors.js';

export type AnswerPolicy =
  /** 180, then 200 after ringMs; optionally BYE after hangupAfterMs. */
  | { kind: 'answer'; ringMs?: number; hangupAfterMs?: number }
  /** Final non-2xx straight away (no 180), e.g. 486 or 603. */
  | { kind: 'reject'; code: number }
  /** 302 with exactly this Contact URI. */
  | { kind: 'redirect'; contact: string }
  /** 180 and nothing else (for CANCEL tests). */
  | { kind: 'ring' };

export interface SipjsNodeUaOptions {
  wsUrl: string;
  user: string;
  password?: string;
  domain?: string;
  /** One policy for all calls, or one chosen by the caller's user part. */
  policy: AnswerPolicy | ((caller: string) => AnswerPolicy);
  registerExpires?: number;
  registerTimeoutMs?: number;
}

export type RegistrationOutcome = { ok: true; ms: number } | { ok: false; statusCode: number; reason: string; ms: number };

export interface UaStats {
  invites: number;
  ringing: number;
  accepted: number;
  rejected: number;
  redirected: number;
  established: number;
  terminated: number;
  hungUp: number;
  errors: number;
  registrations: number;
}

export interface InviteRecord {
  caller: string;
  callId: string;
  assertedIdentity: string | undefined;
}

export interface SipjsNodeUa {
  /** Resolves on 200 to the first REGISTER; rejects with the refusal. */
  readonly registered: Promise<void>;
  /** Outcome of the first REGISTER (never rejects). */
  readonly registration: Promise<RegistrationOutcome>;
  readonly stats: Readonly<UaStats>;
  /** The most recent INVITEs (bounded), to check what reached the callee. */
  readonly invites: readonly InviteRecord[];
  isConnected(): boolean;
  /** Reconnects the WebSocket if it dropped (e.g. Kamailio restart), then REGISTERs again. */
  reregister(): Promise<RegistrationOutcome>;
  log(): string;
  /** Unregisters and closes; bounded, also when Kamailio is already gone. */
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 1_000;
const MAX_INVITE_RECORDS = 100;
const MAX_LOG_LINES = 2_000;

// sip.js uses the global WebSocket; Node 20 has none without a flag. The ws
// class implements the subset sip.js calls (constructor, listeners, send, close).
function ensureGlobalWebSocket(): void {
  if (typeof globalThis.WebSocket === 'undefined') {
    globalThis.WebSocket = NodeWebSocket as unknown as typeof globalThis.WebSocket;
  }
}

// Fixed SDP: enough for offer/answer to complete; nothing listens on it.
function fixedSdp(version: number): string {
  return [
    'v=0',
    `o=- 4242 ${version} IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    'm=audio 40000 RTP/AVP 0 8 101',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

function fixedSdpHandler(): SessionDescriptionHandler {
  let version = 1;
  return {
    close: () => undefined,
    getDescription: async () => ({ body: fixedSdp(version++), contentType: 'application/sdp' }),
    hasDescription: (contentType) => contentType === 'application/sdp',
    setDescription: async () => undefined,
    sendDtmf: () => true,
    rollbackDescription: async () => undefined,
  };
}

export function startSipjsNodeUa(options: SipjsNodeUaOptions): SipjsNodeUa {
  ensureGlobalWebSocket();
  return new NodeUa(options);
}

class NodeUa implements SipjsNodeUa {
  readonly stats: UaStats = {
    invites: 0,
    ringing: 0,
    accepted: 0,
    rejected: 0,
    redirected: 0,
    established: 0,
    terminated: 0,
    hungUp: 0,
    errors: 0,
    registrations: 0,
  };
  readonly invites: InviteRecord[] = [];
  readonly registration: Promise<RegistrationOutcome>;
  readonly registered: Promise<void>;
  private readonly ua: UserAgent;
  private readonly registerer: Registerer;
  private readonly logLines: string[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: SipjsNodeUaOptions) {
    this.ua = this.createUserAgent();
    this.registerer = new Registerer(this.ua, { expires: options.registerExpires ?? 300 });
    this.registration = this.ua
      .start()
      .then(() => this.register())
      .catch((error: unknown) => refused(0, errorText(error), 0));
    this.registered = this.registration.then((outcome) => {
      if (!outcome.ok) throw new Error(`REGISTER ${options.user} refused: ${outcome.statusCode} ${outcome.reason}`);
    });
    this.registered.catch(() => undefined); // callers may only look at `registration`
  }

  private createUserAgent(): UserAgent {
    const domain = this.options.domain ?? '127.0.0.1';
    const uri = UserAgent.makeURI(`sip:${this.options.user}@${domain}`);
    if (!uri) throw new Error(`invalid SIP user ${this.options.user}`);
    return new UserAgent({
      uri,
      transportOptions: { server: this.options.wsUrl, connectionTimeout: 5 },
      authorizationUsername: this.options.password === undefined ? undefined : this.options.user,
      authorizationPassword: this.options.password,
      // Reconnection is driven explicitly via reregister(): no background retries.
      reconnectionAttempts: 0,
      logBuiltinEnabled: false,
      logLevel: 'warn',
      logConnector: (level: LogLevel, category: string, _label: string | undefined, content: string) => this.keepLog(`${level} ${category} ${content}`),
      sessionDescriptionHandlerFactory: () => fixedSdpHandler(),
      // Default true makes sip.js send its own 180 before onInvite runs.
      sendInitialProvisionalResponse: false,
      delegate: { onInvite: (invitation) => this.onInvite(invitation) },
    });
  }

  isConnected(): boolean {
    return this.ua.isConnected();
  }

  async reregister(): Promise<RegistrationOutcome> {
    if (!this.ua.isConnected()) await this.ua.reconnect();
    return this.register();
  }

  private register(): Promise<RegistrationOutcome> {
    const startedAt = performance.now();
    const elapsed = (): number => Math.round(performance.now() - startedAt);
    const timeoutMs = this.options.registerTimeoutMs ?? 5_000;
    return new Promise((resolve) => {
      const timer = this.later(timeoutMs, () => resolve(refused(0, `no final response in ${timeoutMs} ms`, elapsed())));
      const settle = (outcome: RegistrationOutcome): void => {
        this.clear(timer);
        if (outcome.ok) this.stats.registrations++;
        resolve(outcome);
      };
      this.registerer
        .register({
          requestDelegate: {
            onAccept: () => settle({ ok: true, ms: elapsed() }),
            onReject: ({ message }) => settle(refused(message.statusCode ?? 0, message.reasonPhrase ?? '', elapsed())),
          },
        })
        .catch((error: unknown) => settle(refused(0, errorText(error), elapsed())));
    });
  }

  private onInvite(invitation: Invitation): void {
    this.stats.invites++;
    const caller = invitation.remoteIdentity.uri.user ?? '';
    this.recordInvite(invitation, caller);
    invitation.stateChange.addListener((state) => {
      if (state === SessionState.Established) this.stats.established++;
      if (state === SessionState.Terminated) this.stats.terminated++;
    });
    const policy = typeof this.options.policy === 'function' ? this.options.policy(caller) : this.options.policy;
    this.apply(policy, invitation).catch((error: unknown) => {
      this.stats.errors++;
      this.keepLog(`error answering ${caller}: ${errorText(error)}`);
    });
  }

  private recordInvite(invitation: Invitation, caller: string): void {
    const request = invitation.request;
    this.invites.push({
      caller,
      callId: request.callId,
      assertedIdentity: request.getHeader('P-Asserted-Identity'),
    });
    if (this.invites.length > MAX_INVITE_RECORDS) this.invites.shift();
  }

  private async apply(policy: AnswerPolicy, invitation: Invitation): Promise<void> {
    switch (policy.kind) {
      case 'reject':
        await invitation.reject({ statusCode: policy.code });
        this.stats.rejected++;
        return;
      case 'redirect':
        await invitation.reject({ statusCode: 302, extraHeaders: [`Contact: <${policy.contact}>`] });
        this.stats.redirected++;
        return;
      case 'ring':
        await this.ring(invitation);
        return;
      case 'answer':
        await this.ring(invitation);
        this.later(policy.ringMs ?? 200, () => void this.accept(invitation, policy.hangupAfterMs));
        return;
    }
  }

  private async ring(invitation: Invitation): Promise<void> {
    await invitation.progress({ statusCode: 180 });
    this.stats.ringing++;
  }

  private async accept(invitation: Invitation, hangupAfterMs: number | undefined): Promise<void> {
    if (invitation.state !== SessionState.Initial && invitation.state !== SessionState.Establishing) return;
    try {
      await invitation.accept();
      this.stats.accepted++;
      if (hangupAfterMs !== undefined) this.later(hangupAfterMs, () => void this.hangUp(invitation));
    } catch (error) {
      this.stats.errors++;
      this.keepLog(`accept failed: ${errorText(error)}`);
    }
  }

  private async hangUp(invitation: Invitation): Promise<void> {
    if (invitation.state !== SessionState.Established) return;
    await invitation.bye().catch((error: unknown) => this.keepLog(`bye failed: ${errorText(error)}`));
    this.stats.hungUp++;
  }

  log(): string {
    return this.logLines.join('\n');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const graceful = (async (): Promise<void> => {
      if (this.ua.isConnected()) await this.registerer.unregister().catch(() => undefined);
      await this.ua.stop().catch(() => undefined);
    })();
    // If Kamailio is gone, unregister/stop can wait on a dead socket: cap it.
    await Promise.race([graceful, sleep(STOP_TIMEOUT_MS)]);
  }

  private later(ms: number, action: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private clear(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  private keepLog(line: string): void {
    this.logLines.push(line);
    if (this.logLines.length > MAX_LOG_LINES) this.logLines.shift();
  }
}

function refused(statusCode: number, reason: string, ms: number): RegistrationOutcome {
  return { ok: false, statusCode, reason, ms };
}

function errorText(error: unknown): string {
  return messageOf(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
