import { Invitation, Inviter, Registerer, RegistererState, SessionState, UserAgent, type Core, type Session } from 'sip.js';
import { WebSocket as NodeWebSocket } from 'ws';
import { messageOf } from '../../src-shared/errors.js';
import { coalesce } from '../ipc/coalesce.js';
import { callKey, type CallerFields } from '../../src-shared/sip/caller-fields.js';
import type { Account, CallView, Decision, HistoryEntry, IceServer, MwiView, PhoneView, RegistrationState } from '../ipc/contract.js';
import { domainOf, toDialTarget } from './dial-target.js';
import { ForwardingSessionDescriptionHandler } from './forwarding-sdh.js';
import { toHistoryEntry, type Disposition } from './history-entry.js';
import { normaliseCaller } from './incoming-call.js';
import type { MediaBridge } from './media-bridge.js';
import { MwiSubscription, toMwiView, type MwiUpdate } from './mwi-subscription.js';
import { reconnectDelayMs } from './reconnect-delay.js';
import { crossing, guardReinviteGlare } from './reinvite-glare.js';
import { isFatalRejection, rejectionMessage, unreachableMessage } from './registration-errors.js';

const REGISTER_EXPIRES_S = 300;
/** The window checks that voicemail audio can play within 500 ms; this adds the hop and a margin. */
const VOICEMAIL_READY_TIMEOUT_MS = 1_000;
/** RFC 3261 §14.1: after a 491 the owner of the Call-ID waits 2.1–4 s, the other side 0–2 s, then tries again. */
const GLARE_RETRIES = 2;
/** More calls ringing at once than anyone can take: the next allowed caller hears busy (and is logged), the UI stays readable. */
const MAX_RINGING = 50;
/** A call whose window went away: this long for a window to come back (a reload) before the call is hung up, not left silent. */
export const MEDIA_GRACE_MS = 15_000;
/** sip.js answers 480 by itself after this; above policy's longest ring timeout (300 s), so policy's timeout decides. */
const SIPJS_NO_ANSWER_TIMEOUT_S = 330;
/** How often at most the phone's state goes to the UI while it keeps changing; a single change goes at once. */
const PHONE_PUSH_MS = 50;

/** What the phone needs to register. The password stays in main. */
export type PhoneCredentials = {
  account: Account;
  password: string;
  iceServers: IceServer[];
  userAgentString: string;
  /** PBX voicemail: subscribe to message-waiting (RFC 3842) and the number "Call voicemail" dials ('' = no button). */
  mwi: { subscribe: boolean; accessNumber: string };
};

export type PhoneAgentPorts = {
  bridge: MediaBridge;
  /**
   * Step 3: decide in-process and queue the call-log row (the calls desk).
   * Synchronous: nothing else runs between the INVITE and its decision.
   */
  screen(call: CallerFields, truncated: readonly string[]): Decision;
  /** The decision itself threw (a bug in main, never network input): the call rings, and the log says so. */
  recordFallback(call: CallerFields, reason: string): void;
  /** Resolves once the call-log rows queued so far are on disk: the phone answers only after. */
  logged(): Promise<void>;
  /** A call ended: its history entry, and what became of its contact attempt. */
  callEnded(entry: HistoryEntry): void;
  /** Focusline's voicemail could not take the call: the call log says where it went instead. */
  voicemailHandedOn(callId: string, target: string | undefined, reason: string): void;
  /** Where a call goes when Focusline's voicemail can't take it (policy's redirect target), if anywhere. */
  voicemailHandOnTarget(): string | undefined;
  /** How long an allowed call rings before it becomes a missed call (policy calls.ringTimeoutSeconds). */
  ringTimeoutMs(): number;
  /** The phone changed; called at most once per turn of the event loop. */
  changed(view: PhoneView): void;
  /** An allowed call started ringing: the shell rings the tray and shows a notification (the window may be closed). */
  ringing(call: CallView, windowOpen: boolean): void;
  log(message: string): void;
};

type LiveCall = {
  session: Session;
  view: CallView;
  /** On screen: false while Focusline's voicemail takes it, or before it rang. */
  shown: boolean;
  disposition?: Disposition;
  voicemail?: boolean;
  ringTimer?: ReturnType<typeof setTimeout>;
  sdh?: ForwardingSessionDescriptionHandler;
  /** What policy decided (incoming calls): a held-back call that ends before its answer is not a missed call. */
  decision?: Decision;
  /** It sent 180: only a call that rang can be missed. */
  rang?: boolean;
  /** One re-INVITE at a time per call (hold, resume, ICE restart, a window re-attaching). */
  reinviteChain?: Promise<void>;
};

/**
 * The phone's signalling, in main: one sip.js UserAgent over WebSocket with
 * its Registerer (reconnect with backoff, a fresh REGISTER after every
 * reconnect), the PBX's message-waiting subscription, and every call.
 *
 * An incoming INVITE is handled where it arrives, in this order:
 * normalise (bounded caller fields) -> decide in-process (no IPC) -> write
 * the call-log row -> answer. A held-back call gets its 302/486/480 without
 * the window ever hearing of it; a call that rings gets 180 at once, and the
 * window (if one is open) plays the ring. Media goes to the window through
 * the forwarding SessionDescriptionHandler.
 */
export class PhoneAgent {
  private ua: UserAgent | undefined;
  private registerer: Registerer | undefined;
  private creds: PhoneCredentials | undefined;
  private readonly calls = new Map<string, LiveCall>();
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectAttempt = 0;
  private stopping = false;
  private registration: RegistrationState = 'unconfigured';
  private detail = 'Enter your SIP account in Settings to start.';
  private mwi: MwiSubscription | undefined;
  private mwiView: MwiView | null = null;
  private notice: string | null = null;
  /** The first change goes out at once; a burst (a ringing storm) becomes one push per PHONE_PUSH_MS. */
  private readonly push = coalesce(() => this.pushView(), PHONE_PUSH_MS);
  private readonly idleWaiters: (() => void)[] = [];
  private readonly stopAttachWatch: () => void;
  private mediaGraceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly ports: PhoneAgentPorts) {
    this.stopAttachWatch = ports.bridge.onAttachChange((endpoint) => {
      clearTimeout(this.mediaGraceTimer);
      this.mediaGraceTimer = undefined;
      if (endpoint !== undefined) void this.reconnectMedia();
      else this.mediaGraceTimer = setTimeout(() => void this.hangUpWithoutMedia(), MEDIA_GRACE_MS);
      this.changed();
    });
  }

  view(): PhoneView {
    return {
      registration: this.registration,
      detail: this.detail.slice(0, 1000),
      // Bounded here, once: reasons and addresses come from the network (a far end's reason phrase, a registrar's).
      calls: [...this.calls.values()]
        .filter((c) => c.shown)
        .slice(0, 100)
        .map(({ view }) => ({
          ...view,
          remoteUri: view.remoteUri.slice(0, 512),
          remoteName: view.remoteName.slice(0, 256),
          reason: view.reason.slice(0, 256),
        })),
      mwi: this.mwiView,
      notice: this.notice?.slice(0, 500) ?? null,
      mediaEndpoint: this.ports.bridge.endpointId ?? null,
    };
  }

  /** Any call at all, including one voicemail is taking (not on screen). */
  get hasCalls(): boolean {
    return this.calls.size > 0;
  }

  /** The ids of the calls whose media the window should still hold. */
  liveCallIds(): string[] {
    return [...this.calls.keys()];
  }

  /** Resolves when no call is up: restarting the phone (new credentials, new policy) would hang calls up. */
  whenIdle(): Promise<void> {
    if (this.calls.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // ---- registration and reconnect -------------------------------------------------

  async start(creds: PhoneCredentials): Promise<void> {
    await this.stop();
    this.stopping = false;
    this.creds = creds;
    ensureWebSocket();
    try {
      this.ua = this.createUserAgent(creds);
    } catch (error) {
      this.setStatus('failed', messageOf(error));
      return;
    }
    this.registerer = new Registerer(this.ua, { expires: REGISTER_EXPIRES_S });
    this.registerer.stateChange.addListener((state) => this.onRegistererState(state));
    this.startMwi(this.ua, creds);
    this.setStatus('registering', `Connecting to ${creds.account.wsServer}…`);
    await this.connectAndRegister();
  }

  /** No account: the phone is off and says what to do. */
  async unconfigure(): Promise<void> {
    await this.stop();
    this.setStatus('unconfigured', 'Enter your SIP account in Settings to start.');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    for (const id of [...this.calls.keys()]) await this.hangup(id).catch(() => {});
    this.stopMwi();
    const ua = this.ua;
    const registerer = this.registerer;
    this.ua = undefined;
    this.registerer = undefined;
    if (registerer && registerer.state === RegistererState.Registered) await registerer.unregister().catch(() => {});
    if (ua) await ua.stop().catch(() => {});
    this.setStatus('offline');
  }

  async close(): Promise<void> {
    this.stopAttachWatch();
    clearTimeout(this.mediaGraceTimer);
    await this.stop();
    this.push.flush();
    this.push.cancel();
  }

  /** The OS woke up or the network came back: don't wait for the next backoff step. */
  reconnectNow(): void {
    if (!this.ua || this.stopping) return;
    if (this.ua.isConnected() && this.registerer?.state === RegistererState.Registered) return;
    if (this.registration === 'failed') return;
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
      userAgentString: creds.userAgentString,
      logLevel: 'error',
      logBuiltinEnabled: false,
      logConnector: (level, category, _label, content) => {
        if (level === 'error') this.ports.log(`sip.js ${category}: ${content.slice(0, 500)}`);
      },
      sessionDescriptionHandlerFactory: (session) => this.forwardingHandler(session),
      delegate: {
        onInvite: (invitation) => this.onInvite(invitation),
        onDisconnect: (error) => this.onTransportDown(error),
      },
    });
  }

  private forwardingHandler(session: Session): ForwardingSessionDescriptionHandler {
    const id = callIdOf(session);
    const sdh = new ForwardingSessionDescriptionHandler(id, this.ports.bridge);
    const live = this.calls.get(id);
    if (live) live.sdh = sdh;
    return sdh;
  }

  /**
   * (Re)connects the transport, then always sends a fresh REGISTER: after an
   * outage the registrar may have forgotten us (a restarted PBX), while
   * sip.js's Registerer still believes it is registered.
   */
  private async connectAndRegister(): Promise<void> {
    const ua = this.ua;
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
    if (wasConnectedBefore) await this.recoverLiveCalls();
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
    this.setStatus('registered', `Registered as ${this.creds?.account.sipUri ?? ''}`);
    // Only start and transport recovery register explicitly: both need a fresh subscription.
    this.mwi?.subscribe();
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
    if (state === RegistererState.Unregistered && !this.stopping && this.registration === 'registered') this.scheduleReconnect();
  }

  private onTransportDown(error?: Error): void {
    if (this.stopping || !error) return;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopping || !this.creds) return;
    if (this.registration === 'failed') return;
    clearTimeout(this.reconnectTimer);
    const delay = reconnectDelayMs(++this.reconnectAttempt);
    this.setStatus('reconnecting', unreachableMessage(this.creds.account.wsServer, delay));
    this.reconnectTimer = setTimeout(() => void this.connectAndRegister(), delay);
  }

  /** The transport came back mid-call: a re-INVITE with an ICE restart tells the far end where we are now. */
  private async recoverLiveCalls(): Promise<void> {
    for (const call of this.calls.values()) {
      if (call.session.state !== SessionState.Established) continue;
      await this.reinvite(call, { offerOptions: { iceRestart: true }, hold: call.view.state === 'held' }).catch((err: unknown) =>
        this.ports.log(`Could not recover call ${call.view.id}: ${messageOf(err)}`),
      );
    }
  }

  /** A window (re)attached mid-call: its old peer connections are gone, so each live call negotiates fresh media there. */
  private async reconnectMedia(): Promise<void> {
    for (const call of this.calls.values()) {
      if (call.session.state !== SessionState.Established || call.voicemail) continue;
      const id = call.view.id;
      try {
        await this.reinvite(call, { hold: call.view.state === 'held' });
        // The new peer connection starts with the mic on: put hold and mute back as the tech left them.
        if (call.view.state === 'held') await this.ports.bridge.request(id, 'setSenderEnabled', { enabled: false }, 2_000);
        if (call.view.muted) this.ports.bridge.notify(id, 'setMuted', { muted: true });
      } catch (err) {
        this.ports.log(`Could not bring call ${id}'s audio to the window: ${messageOf(err)}`);
      }
    }
  }

  /** No window came back to carry the calls' audio: end them rather than leave both sides in silence. */
  private async hangUpWithoutMedia(): Promise<void> {
    this.mediaGraceTimer = undefined;
    for (const call of [...this.calls.values()]) {
      if (call.session.state !== SessionState.Established) continue;
      this.ports.log(`Call ${call.view.id}: no Focusline window carried its audio for ${MEDIA_GRACE_MS / 1000} s; hung up.`);
      call.view = { ...call.view, reason: 'Hung up: the Focusline window closed' };
      await call.session.bye().catch(() => undefined);
    }
  }

  private setStatus(registration: RegistrationState, detail = ''): void {
    this.registration = registration;
    this.detail = detail;
    this.changed();
  }

  private changed(): void {
    this.push.request();
  }

  private pushView(): void {
    try {
      this.ports.changed(this.view());
    } catch (error) {
      // A push the contract refuses must not take the host down; the next change pushes again.
      this.ports.log(`Could not push the phone's state: ${messageOf(error)}`);
    }
  }

  // ---- PBX voicemail (message waiting) ----------------------------------------------

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
    this.changed();
  }

  private onMwiUpdate(update: MwiUpdate): void {
    if (!this.mwi) return;
    this.mwiView = toMwiView(update, this.creds?.mwi.accessNumber ?? '', this.mwiView);
    this.changed();
  }

  /** One click to the PBX's voicemail, dialled like anything the tech types. */
  async callVoicemail(): Promise<string> {
    const number = this.creds?.mwi.accessNumber ?? '';
    if (!number) throw new Error('No voicemail access number is set. Ask your administrator to set voicemail.accessNumber in policy.');
    return this.call(number);
  }

  // ---- incoming calls ----------------------------------------------------------------

  /**
   * Synchronous up to the decision: sip.js hands us the INVITE and nothing
   * else runs until it is decided and its row is queued.
   */
  private onInvite(invitation: Invitation): void {
    const { call, truncated } = normaliseCaller(invitation);
    const id = call.callId;
    if (this.calls.has(id)) {
      // A second INVITE with a Call-ID already in use (a forged or looping one): refused before it is decided or
      // logged, so it can't add a contact attempt, nor take over the real call's row.
      this.ports.log(`Refused a second INVITE for call ${id} from ${call.fromUri} (482).`);
      void invitation.reject({ statusCode: 482 }).catch(() => undefined);
      return;
    }
    let decision: Decision;
    try {
      decision = this.ports.screen(call, truncated);
    } catch (error) {
      // Only a bug in main gets here: caller fields are bounded above, so no INVITE can make the decision throw.
      const reason = `Focusline could not decide (${messageOf(error)}); rang to be safe.`;
      this.ports.log(`Call ${id}: ${reason}`);
      this.ports.recordFallback(call, reason);
      decision = { action: 'ring', reason, rule: 'fallback', repeatCaller: false };
    }
    const live: LiveCall = {
      session: invitation,
      view: newView(id, 'incoming', call.fromUri, call.displayName || call.fromUser, 'ringing'),
      shown: false,
      decision,
    };
    this.calls.set(id, live);
    this.watchSession(live);
    invitation.delegate = { onCancel: () => this.patch(live, { reason: 'Caller hung up' }) };
    void this.ports
      .logged()
      .then(() => this.carryOut(live, decision))
      .catch((error: unknown) => this.ports.log(`Call ${id}: ${messageOf(error)}`));
  }

  private async carryOut(live: LiveCall, decision: Decision): Promise<void> {
    const invitation = live.session as Invitation;
    if (stateOf(invitation) !== SessionState.Initial) return; // the caller gave up meanwhile
    switch (decision.action) {
      case 'voicemail':
      case 'redirect':
        if (decision.action === 'voicemail' && decision.target === 'local') {
          await this.takeVoicemail(live, decision);
          return;
        }
        // A PBX voicemail address is a redirect to it.
        if (decision.target) {
          live.disposition = 'redirected';
          live.view = { ...live.view, reason: decision.reason };
          await invitation.reject({ statusCode: 302, extraHeaders: [`Contact: <${decision.target}>`] });
          return;
        }
        break;
      case 'reject':
        live.disposition = 'rejected';
        live.view = { ...live.view, reason: decision.reason };
        await invitation.reject({ statusCode: decision.rejectCode ?? 486 });
        return;
      case 'silent':
        await this.ring(live, { silent: true, reason: decision.reason });
        return;
      case 'ring':
        break;
    }
    await this.ring(live, {});
  }

  /** 180 at once, the card on screen, and a ring timeout after which the call is missed (never dropped unanswered). */
  private async ring(live: LiveCall, patch: Partial<CallView>): Promise<void> {
    const invitation = live.session as Invitation;
    const ringing = [...this.calls.values()].filter((c) => c.shown && c.view.state === 'ringing').length;
    if (ringing >= MAX_RINGING) {
      live.disposition = 'rejected';
      live.view = { ...live.view, reason: `Busy: ${MAX_RINGING} calls were already ringing` };
      this.ports.log(`Call ${live.view.id}: answered 486, ${MAX_RINGING} calls were already ringing.`);
      await invitation.reject({ statusCode: 486 });
      return;
    }
    await invitation.progress({ statusCode: 180 });
    live.rang = true;
    if (stateOf(invitation) !== SessionState.Initial) return;
    live.view = { ...live.view, ...patch, state: 'ringing' };
    live.shown = true;
    live.ringTimer = setTimeout(() => this.ringTimedOut(live), this.ports.ringTimeoutMs());
    this.changed();
    if (!live.view.silent) this.ports.ringing(live.view, this.ports.bridge.connected);
  }

  private ringTimedOut(live: LiveCall): void {
    const invitation = live.session as Invitation;
    if (stateOf(invitation) !== SessionState.Initial) return;
    live.view = { ...live.view, reason: 'Not answered' };
    // 480: the caller's side may try elsewhere (voicemail on the PBX); for us it is a missed call to follow up.
    void invitation.reject({ statusCode: 480, reasonPhrase: 'Not Answered' }).catch(() => undefined);
  }

  /**
   * Focusline's own voicemail: answered without ringing or showing the call.
   * The window first proves it can play audio (an unclicked browser tab may
   * not); only then is the call answered, so a caller never hears 200 and
   * silence. Otherwise the call goes on to the next target.
   */
  private async takeVoicemail(live: LiveCall, decision: Decision): Promise<void> {
    const invitation = live.session as Invitation;
    const callId = live.view.id;
    live.voicemail = true;
    let ready: { ready: boolean; why: string };
    try {
      const answer = await this.ports.bridge.request(callId, 'voicemailPrepare', { rule: decision.rule }, VOICEMAIL_READY_TIMEOUT_MS);
      ready = { ready: answer['ready'] === true, why: typeof answer['why'] === 'string' ? answer['why'] : '' };
    } catch (error) {
      ready = { ready: false, why: messageOf(error) };
    }
    if (stateOf(invitation) !== SessionState.Initial) return;
    if (!ready.ready) {
      await this.handOnFromVoicemail(live, ready.why);
      return;
    }
    try {
      await invitation.accept();
      // accept() can settle after a CANCEL (sip.js swallows it): judge by the session's state.
      if (stateOf(invitation) !== SessionState.Established) return;
      live.disposition = 'voicemail';
      const limitMs = 15 * 60_000;
      await this.ports.bridge.request(callId, 'voicemailRun', {}, limitMs);
    } catch (error) {
      this.ports.log(`Voicemail for call ${callId} failed: ${messageOf(error)}`);
    } finally {
      if (stateOf(invitation) === SessionState.Established) await invitation.bye().catch(() => undefined);
      else if (stateOf(invitation) === SessionState.Initial) await invitation.reject({ statusCode: 480 }).catch(() => undefined);
    }
  }

  private async handOnFromVoicemail(live: LiveCall, why: string): Promise<void> {
    const invitation = live.session as Invitation;
    const target = this.ports.voicemailHandOnTarget();
    live.voicemail = false;
    this.ports.log(`Voicemail could not take call ${live.view.id} (${why}); ${target ? `redirected to ${target}` : 'answered 480'}.`);
    if (/click/i.test(why)) {
      this.notice = 'Click once in this tab to enable voicemail audio';
      this.changed();
    }
    const reason = target ? `Voicemail unavailable (${why}); sent to ${target}` : `Voicemail unavailable (${why}); the caller heard "temporarily unavailable"`;
    this.ports.voicemailHandedOn(live.view.id, target, reason);
    if (target) {
      live.disposition = 'redirected';
      live.view = { ...live.view, reason };
      await invitation.reject({ statusCode: 302, extraHeaders: [`Contact: <${target}>`] });
    } else {
      live.disposition = 'rejected';
      live.view = { ...live.view, reason };
      await invitation.reject({ statusCode: 480 });
    }
  }

  setNotice(text: string): void {
    this.notice = text;
    this.changed();
  }

  /** The hint is done with (a window attached, the restart it announced happened). */
  clearNotice(): void {
    if (this.notice === null) return;
    this.notice = null;
    this.changed();
  }

  async answer(id: string): Promise<void> {
    const live = this.calls.get(id);
    if (!live || !(live.session instanceof Invitation) || live.voicemail || stateOf(live.session) !== SessionState.Initial) {
      throw new Error('That call is no longer ringing: the caller hung up or it was answered elsewhere.');
    }
    if (!this.ports.bridge.connected) throw new Error('Open the Focusline window to answer: it carries the call’s audio.');
    // The ring timer keeps running until the call is up (onEstablished): a hold refused below leaves it ringing, never stuck.
    await this.holdOthers(id);
    try {
      await live.session.accept();
    } catch (error) {
      this.ports.log(`Answering call ${id} failed: ${messageOf(error)}`);
      if (stateOf(live.session) === SessionState.Terminated) {
        throw new Error('The call could not be connected: the microphone or this window did not respond in time. The caller heard "temporarily unavailable".', {
          cause: error,
        });
      }
      throw new Error('The call could not be connected; try again.', { cause: error });
    }
  }

  async decline(id: string): Promise<void> {
    const live = this.calls.get(id);
    if (!live || !(live.session instanceof Invitation) || live.session.state !== SessionState.Initial) return;
    live.disposition = 'declined';
    clearTimeout(live.ringTimer);
    await live.session.reject({ statusCode: 486 });
  }

  // ---- outgoing calls ----------------------------------------------------------------

  async call(input: string): Promise<string> {
    if (!this.ua || !this.creds) throw new Error('Set up your SIP account in Settings before calling.');
    if (this.registration !== 'registered') throw new Error(`Can't call while the phone is ${this.registration}. ${this.detail}`);
    if (!this.ports.bridge.connected) throw new Error('Open the Focusline window to call: it carries the call’s audio.');
    const target = toDialTarget(input, domainOf(this.creds.account.sipUri));
    if (!target.ok) throw new Error(target.message);
    const uri = UserAgent.makeURI(target.uri);
    if (!uri) throw new Error(`"${input}" is not a valid address.`);
    await this.holdOthers(undefined);
    const inviter = new Inviter(this.ua, uri);
    const id = callIdOf(inviter);
    const live: LiveCall = { session: inviter, view: newView(id, 'outgoing', target.uri, target.display, 'dialing'), shown: true };
    this.calls.set(id, live);
    this.watchSession(live);
    this.changed();
    await inviter.invite({
      requestDelegate: {
        onProgress: (r) => this.onOutgoingProgress(live, r),
        onReject: (r) => this.patch(live, { reason: `${r.message.statusCode} ${r.message.reasonPhrase}` }),
      },
    });
    return id;
  }

  private onOutgoingProgress(live: LiveCall, response: Core.IncomingResponse): void {
    const code = response.message.statusCode;
    if (code === 180 || code === 183) this.patch(live, { state: 'early', reason: `${code} ${response.message.reasonPhrase}` });
  }

  // ---- in-call controls --------------------------------------------------------------

  async hangup(id: string): Promise<void> {
    const live = this.calls.get(id);
    if (!live) return;
    const s = live.session;
    if (s.state === SessionState.Established) await s.bye();
    else if (s instanceof Inviter && (s.state === SessionState.Initial || s.state === SessionState.Establishing)) await s.cancel();
    else if (s instanceof Invitation && s.state === SessionState.Initial) {
      live.disposition = 'declined';
      clearTimeout(live.ringTimer);
      await s.reject({ statusCode: 486 });
    }
  }

  async hold(id: string, hold: boolean): Promise<void> {
    if (!hold) await this.holdOthers(id);
    await this.setHold(id, hold);
  }

  setMute(id: string, muted: boolean): void {
    const live = this.calls.get(id);
    if (!live) return;
    this.ports.bridge.notify(id, 'setMuted', { muted });
    this.patch(live, { muted });
  }

  sendDtmf(id: string, tone: string): void {
    const live = this.calls.get(id);
    if (!live || live.session.state !== SessionState.Established || !/^[0-9A-D*#]$/.test(tone)) throw new Error('No call is up to send that key to.');
    if (live.sdh?.sendDtmf(tone, { duration: 100, interToneGap: 70 })) return;
    // No RFC 4733 telephone-event negotiated: SIP INFO, which most PBXs accept.
    void live.session
      .info({ requestOptions: { body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content: `Signal=${tone}\r\nDuration=160` } } })
      .catch((error: unknown) => this.ports.log(`DTMF by SIP INFO failed on call ${id}: ${messageOf(error)}`));
  }

  private async holdOthers(exceptId: string | undefined): Promise<void> {
    for (const [id, live] of this.calls) {
      if (id !== exceptId && live.view.state === 'active') await this.setHold(id, true);
    }
  }

  /**
   * Hold is a re-INVITE with sendonly; the window also takes the mic off the
   * sender so no RTP flows to the held party (we have no music on hold).
   */
  private async setHold(id: string, hold: boolean): Promise<void> {
    const live = this.calls.get(id);
    if (!live || live.session.state !== SessionState.Established) return;
    if ((live.view.state === 'held') === hold) return;
    await this.reinvite(live, { hold });
    await this.ports.bridge.request(id, 'setSenderEnabled', { enabled: !hold }, 2_000).catch((error: unknown) => {
      this.ports.log(`Call ${id}: the window could not ${hold ? 'stop' : 'restart'} the microphone: ${messageOf(error)}`);
    });
    this.patch(live, { state: hold ? 'held' : 'active' });
  }

  /** A re-INVITE, one at a time per call, retried after glare (491) as RFC 3261 §14.1 says; sip.js itself does not retry. */
  private reinvite(live: LiveCall, options: Record<string, unknown>): Promise<void> {
    const run = (live.reinviteChain ?? Promise.resolve()).catch(() => undefined).then(() => this.reinviteNow(live, options));
    live.reinviteChain = run.catch(() => undefined);
    return run;
  }

  private async reinviteNow(live: LiveCall, options: Record<string, unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.reinviteOnce(live, options);
      if (outcome === 'ok') return;
      if (outcome !== 491 || attempt >= GLARE_RETRIES || live.session.state !== SessionState.Established) {
        const what = options['hold'] === true ? 'hold' : options['hold'] === false ? 'resume' : 'renegotiation';
        throw new Error(`The other side refused ${what} (${outcome}).`);
      }
      const ownsCallId = live.view.direction === 'outgoing';
      const waitMs = Math.round(ownsCallId ? 2_100 + Math.random() * 1_900 : Math.random() * 2_000);
      this.ports.log(`Call ${live.view.id}: our re-INVITE crossed the other side's (491, glare); trying again in ${waitMs} ms.`);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }

  private reinviteOnce(live: LiveCall, options: Record<string, unknown>): Promise<'ok' | number | string> {
    if (crossing(live.session)) return Promise.resolve(491);
    live.session.sessionDescriptionHandlerOptionsReInvite = options;
    return new Promise((resolve) => {
      live.session
        .invite({
          requestDelegate: {
            onAccept: () => resolve('ok'),
            onReject: (r) => resolve(r.message.statusCode === 491 ? 491 : `${r.message.statusCode} ${r.message.reasonPhrase}`),
          },
        })
        // sip.js refuses to start a re-INVITE while the far end's is still being answered: the same crossing as a 491.
        .catch((error: unknown) => resolve(/ongoing re-INVITE|Reinvite in progress/i.test(messageOf(error)) ? 491 : messageOf(error)));
    });
  }

  // ---- session lifecycle -------------------------------------------------------------

  private watchSession(live: LiveCall): void {
    guardReinviteGlare(live.session);
    live.session.stateChange.addListener((state) => {
      if (state === SessionState.Established) this.onEstablished(live);
      if (state === SessionState.Terminated) void this.onTerminated(live);
    });
  }

  private onEstablished(live: LiveCall): void {
    clearTimeout(live.ringTimer);
    if (live.voicemail) return; // the tech hears nothing of a voicemail call
    this.patch(live, { state: 'active', answeredAt: Date.now() });
  }

  private async onTerminated(live: LiveCall): Promise<void> {
    // sip.js announces Terminated before it hands the final response to our
    // request delegate; yield once so the reason ("486 Busy Here") is recorded.
    await Promise.resolve();
    clearTimeout(live.ringTimer);
    this.ports.bridge.abandon(live.view.id);
    // Whatever the window holds for this call (a prepared voicemail, a peer connection) goes too; closing twice is harmless.
    this.ports.bridge.notify(live.view.id, 'close', {});
    if (this.calls.get(live.view.id) === live) this.calls.delete(live.view.id);
    if (this.calls.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    if (live.shown) this.changed();
    // A call policy held back (302, busy) is in the call log with its reason; in the phone's history a
    // call storm would push the tech's real calls out of the list.
    if (live.disposition === 'redirected' || live.disposition === 'rejected') return;
    // Held back by policy but gone before its answer (the caller cancelled, or sent Expires: 0): the call log has it; it never rang.
    if (live.view.direction === 'incoming' && !live.rang && live.disposition === undefined) return;
    try {
      this.ports.callEnded(toHistoryEntry(live.view, live.disposition, new Date()));
    } catch (error) {
      this.ports.log(`Could not save call ${live.view.id} to history: ${messageOf(error)}`);
    }
  }

  private patch(live: LiveCall, patch: Partial<CallView>): void {
    live.view = { ...live.view, ...patch };
    if (live.shown) this.changed();
  }
}

/** Read fresh each time: a session's state changes across every await (TypeScript would narrow it once). */
function stateOf(session: Session): SessionState {
  return session.state;
}

function newView(id: string, direction: CallView['direction'], remoteUri: string, remoteName: string, state: CallView['state']): CallView {
  return { id, direction, remoteUri, remoteName, state, silent: false, muted: false, startedAt: Date.now(), answeredAt: null, reason: '' };
}

/** The call's id, exactly as the decision and the call log name it. */
function callIdOf(session: Session): string {
  if (session instanceof Invitation) return callKey(session.request.callId);
  return (session as Inviter).request.callId;
}

/** sip.js's transport needs a WebSocket class: Node 22+ and Electron have one; Node 20 gets `ws`. */
function ensureWebSocket(): void {
  const global = globalThis as { WebSocket?: unknown };
  if (typeof global.WebSocket === 'undefined') global.WebSocket = NodeWebSocket;
}
