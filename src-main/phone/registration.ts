import { Registerer, RegistererState, SIPExtension, UserAgent, type Invitation, type Session, type SessionDescriptionHandler } from 'sip.js';
import { WebSocket as NodeWebSocket } from 'ws';
import { messageOf } from '../../src-shared/errors.js';
import type { Account, IceServer, MwiView, RegistrationState } from '../ipc/contract.js';
import { MwiSubscription, toMwiView, type MwiUpdate } from './mwi-subscription.js';
import { reconnectDelayMs } from './reconnect-delay.js';
import { inspectIncoming, unmarkOutgoing, type GateVerdict } from './sip-gate.js';
import { isFatalRejection, rejectionMessage, unreachableMessage } from './registration-errors.js';

const REGISTER_EXPIRES_S = 300;
/** sip.js answers 480 by itself after this; above policy's longest ring timeout (300 s), so policy's timeout decides. */
const SIPJS_NO_ANSWER_TIMEOUT_S = 330;
/** The option tags sip.js supports as configured below (it always adds "outbound"); a Require of anything else gets 420. */
// 100rel: sip.js answers reliable provisionals itself; timer: a session refresh is an ordinary re-INVITE or UPDATE
// to us. Carriers and PBXs (Asterisk with session timers) require them; a 420 would turn their calls away.
export const SUPPORTED_OPTION_TAGS = ['outbound', 'replaces', '100rel', 'timer'];

/** What the phone needs to register. The password stays in main. */
export type PhoneCredentials = {
  account: Account;
  password: string;
  iceServers: IceServer[];
  userAgentString: string;
  /** PBX voicemail: subscribe to message-waiting (RFC 3842) and the number "Call voicemail" dials ('' = no button). */
  mwi: { subscribe: boolean; accessNumber: string };
};

export type RegistrationPorts = {
  /** Every session's media handler (the forwarding SDH to the window). */
  sessionDescriptionHandler(session: Session): SessionDescriptionHandler;
  onInvite(invitation: Invitation): void;
  /** The transport came back after an outage and we are registered again: live calls tell the far end where we are now. */
  recovered(): Promise<void>;
  /** Registration, its detail or the voicemail count changed. */
  changed(): void;
  log(message: string): void;
  /** Registered at start or again after an outage: presence subscribes and publishes anew over this connection. */
  lineUp?(ua: UserAgent): void;
  /** The phone is stopping (before it unregisters): presence withdraws while the connection still carries it (bounded). */
  lineDown?(): Promise<void> | void;
};

/**
 * The phone's line to the PBX: one sip.js UserAgent over WebSocket with its
 * Registerer, reconnect with backoff and a fresh REGISTER after every
 * reconnect, and the PBX's message-waiting subscription renewed with each
 * registration. sip.js answers OPTIONS by itself. The states and texts are
 * the ones the tech sees in the status bar and the tray.
 */
export class Registration {
  private userAgent: UserAgent | undefined;
  private registerer: Registerer | undefined;
  private current: PhoneCredentials | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectAttempt = 0;
  private stopping = false;
  private mwi: MwiSubscription | undefined;
  state: RegistrationState = 'unconfigured';
  detail = 'Enter your SIP account in Settings to start.';
  mwiView: MwiView | null = null;

  constructor(private readonly ports: RegistrationPorts) {}

  get ua(): UserAgent | undefined {
    return this.userAgent;
  }

  get creds(): PhoneCredentials | undefined {
    return this.current;
  }

  async start(creds: PhoneCredentials): Promise<void> {
    this.stopping = false;
    this.current = creds;
    ensureWebSocket();
    try {
      this.userAgent = this.createUserAgent(creds);
      this.guardIncoming(this.userAgent);
    } catch (error) {
      this.setStatus('failed', messageOf(error));
      return;
    }
    this.registerer = new Registerer(this.userAgent, { expires: REGISTER_EXPIRES_S });
    this.registerer.stateChange.addListener((state) => this.onRegistererState(state));
    this.startMwi(this.userAgent, creds);
    this.setStatus('registering', `Connecting to ${creds.account.wsServer}…`);
    await this.connectAndRegister();
  }

  /**
   * Every incoming message goes through the SIP gate (sip-gate.ts) first:
   * it answers malformed or unsupported requests itself (400, 405, 406, 415,
   * 416, 420, 501, 505, 513), drops what RFC 3261 says to drop, and gives
   * RFC 2543 requests a transaction key, so sip.js only sees what it handles
   * right. The key is taken out of what we send again (unmarkOutgoing).
   * sip.js rethrows whatever its message handling throws into the socket's
   * message event, where nothing would catch it in main. Some parseable but
   * hostile requests do throw (an INVITE whose Replaces names the MWI
   * subscription's dialog: "Session does not exist."), so the message is
   * dropped and logged here; the sender's retransmissions time out.
   */
  private guardIncoming(ua: UserAgent): void {
    const transport = ua.transport;
    const deliver = transport.onMessage;
    if (!deliver) return;
    const send = transport.send.bind(transport);
    transport.send = (message: string) => send(unmarkOutgoing(message));
    // Only for the log: the incoming call's path doesn't pay for it.
    const firstLine = (message: string) => {
      const end = message.indexOf('\r\n');
      return message.slice(0, end === -1 ? 200 : Math.min(end, 200));
    };
    transport.onMessage = (message: string) => {
      let verdict: GateVerdict;
      try {
        verdict = inspectIncoming(message, { supported: SUPPORTED_OPTION_TAGS });
      } catch (error) {
        this.ports.log(`The SIP gate failed (${messageOf(error).slice(0, 200)}); passing on: ${firstLine(message)}`);
        verdict = { kind: 'pass', message };
      }
      if (verdict.kind === 'drop') {
        this.ports.log(`Dropped a SIP message: ${verdict.reason}: ${firstLine(message)}`);
        return;
      }
      if (verdict.kind === 'answer') {
        this.ports.log(`Answered ${verdict.status} ${verdict.reason}: ${firstLine(message)}`);
        transport.send(verdict.response).catch((error: unknown) => this.ports.log(`Could not send ${verdict.status}: ${messageOf(error)}`));
        return;
      }
      try {
        deliver(verdict.message);
      } catch (error) {
        this.ports.log(`Dropped a SIP message Focusline could not handle (${messageOf(error).slice(0, 200)}): ${firstLine(message)}`);
      }
    };
  }

  /** Unregisters and disconnects (calls must be hung up first). */
  async stop(state: RegistrationState = 'offline', detail = ''): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    this.stopMwi();
    if (this.userAgent) await this.ports.lineDown?.();
    const ua = this.userAgent;
    const registerer = this.registerer;
    this.userAgent = undefined;
    this.registerer = undefined;
    if (registerer && registerer.state === RegistererState.Registered) await registerer.unregister().catch(() => {});
    if (ua) await ua.stop().catch(() => {});
    this.setStatus(state, detail);
  }

  /** The OS woke up or the network came back: don't wait for the next backoff step. */
  reconnectNow(): void {
    if (!this.userAgent || this.stopping) return;
    if (this.userAgent.isConnected() && this.registerer?.state === RegistererState.Registered) return;
    if (this.state === 'failed') return;
    clearTimeout(this.reconnectTimer);
    this.reconnectAttempt = 0;
    void this.connectAndRegister();
  }

  private createUserAgent(creds: PhoneCredentials): UserAgent {
    const uri = UserAgent.makeURI(creds.account.sipUri);
    if (!uri) throw new Error(`"${creds.account.sipUri}" is not a valid SIP URI.`);
    return new UserAgent({
      uri,
      displayName: creds.account.displayName || undefined,
      authorizationUsername: creds.account.authUser || uri.user,
      authorizationPassword: creds.password,
      transportOptions: { server: creds.account.wsServer, connectionTimeout: 5, keepAliveInterval: 25 },
      // The decision comes first; sip.js must not send 180 by itself.
      sendInitialProvisionalResponse: false,
      noAnswerTimeout: SIPJS_NO_ANSWER_TIMEOUT_S,
      // A warm transfer to us arrives as an INVITE with Replaces (RFC 3891): sip.js matches it to our dialog, the agent decides.
      sipExtensionReplaces: SIPExtension.Supported,
      userAgentString: creds.userAgentString,
      logLevel: 'error',
      logBuiltinEnabled: false,
      logConnector: (level, category, _label, content) => {
        if (level === 'error') this.ports.log(`sip.js ${category}: ${content.slice(0, 500)}`);
      },
      sessionDescriptionHandlerFactory: (session) => this.ports.sessionDescriptionHandler(session),
      delegate: {
        onInvite: (invitation) => this.ports.onInvite(invitation),
        onDisconnect: (error) => this.onTransportDown(error),
      },
    });
  }

  /**
   * (Re)connects the transport, then always sends a fresh REGISTER: after an
   * outage the registrar may have forgotten us (a restarted PBX), while
   * sip.js's Registerer still believes it is registered.
   */
  private async connectAndRegister(): Promise<void> {
    const ua = this.userAgent;
    if (!ua || this.stopping) return;
    const wasConnectedBefore = ua.state === 'Started';
    try {
      if (!ua.isConnected()) {
        if (wasConnectedBefore) await ua.reconnect();
        else await ua.start();
      }
      await this.register();
    } catch {
      this.scheduleReconnect();
      return;
    }
    if (wasConnectedBefore) await this.ports.recovered();
  }

  private async register(): Promise<void> {
    const registerer = this.registerer;
    if (!registerer) return;
    await registerer.register({
      requestDelegate: {
        onAccept: () => this.onRegistered(),
        onReject: (response) => this.onRegisterRejected(response.message.statusCode ?? 0, response.message.reasonPhrase ?? ''),
      },
    });
  }

  private onRegistered(): void {
    this.reconnectAttempt = 0;
    clearTimeout(this.reconnectTimer);
    this.setStatus('registered', `Registered as ${this.current?.account.sipUri ?? ''}`);
    // Only start and transport recovery register explicitly: both need a fresh subscription.
    this.mwi?.subscribe();
    if (this.userAgent) this.ports.lineUp?.(this.userAgent);
  }

  private onRegisterRejected(statusCode: number, reason: string): void {
    const message = rejectionMessage(statusCode, reason);
    if (isFatalRejection(statusCode)) {
      clearTimeout(this.reconnectTimer);
      this.setStatus('failed', message);
    } else {
      this.setStatus('reconnecting', message);
      this.scheduleReconnect();
    }
  }

  /** A refresh that failed (the registrar dropped us) turns into a re-register, not a silent dead phone. */
  private onRegistererState(state: RegistererState): void {
    if (state === RegistererState.Unregistered && !this.stopping && this.state === 'registered') this.scheduleReconnect();
  }

  private onTransportDown(error?: Error): void {
    if (this.stopping || !error) return;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopping || !this.current) return;
    if (this.state === 'failed') return;
    clearTimeout(this.reconnectTimer);
    const delay = reconnectDelayMs(++this.reconnectAttempt);
    this.setStatus('reconnecting', unreachableMessage(this.current.account.wsServer, delay));
    this.reconnectTimer = setTimeout(() => void this.connectAndRegister(), delay);
  }

  private setStatus(state: RegistrationState, detail = ''): void {
    this.state = state;
    this.detail = detail;
    this.ports.changed();
  }

  private startMwi(ua: UserAgent, creds: PhoneCredentials): void {
    const mailbox = UserAgent.makeURI(creds.account.sipUri);
    if (!creds.mwi.subscribe || !mailbox) return;
    this.mwi = new MwiSubscription(
      ua,
      mailbox,
      (update) => this.onMwiUpdate(update),
      (message) => this.ports.log(message),
    );
  }

  private stopMwi(): void {
    this.mwi?.stop();
    this.mwi = undefined;
    this.mwiView = null;
  }

  private onMwiUpdate(update: MwiUpdate): void {
    if (!this.mwi) return;
    this.mwiView = toMwiView(update, this.current?.mwi.accessNumber ?? '', this.mwiView);
    this.ports.changed();
  }
}

/** sip.js's transport needs a WebSocket class: Node 22+ and Electron have one; Node 20 gets `ws`. */
function ensureWebSocket(): void {
  const global = globalThis as { WebSocket?: unknown };
  if (typeof global.WebSocket === 'undefined') global.WebSocket = NodeWebSocket;
}
