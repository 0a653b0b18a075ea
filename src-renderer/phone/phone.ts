import { boundCallerFields, callerFieldsForWire, callKey } from '../../src-shared/sip/caller-fields.js';
import { Invitation, Inviter, Registerer, RegistererState, SessionState, UserAgent, Web, type Core, type Session } from 'sip.js';
import type { Decision, FocuslineApi, IncomingCall, PhoneCredentials } from '../../src-main/ipc/contract.js';
import { usePhoneStore, type CallView } from '../state/phone-store.js';
import { createCallWaitingTone, createRingtone, microphoneConstraints, playStream, stopElement } from './audio-output.js';
import { reconnectDelayMs } from './backoff.js';
import { DECISION_TIMEOUT_MS, decideWithin } from './decision-deadline.js';
import { domainOf, toDialTarget } from './dial-target.js';
import { isFatalRejection, rejectionMessage, unreachableMessage } from './registration-errors.js';
import { readAudioStats } from './call-stats.js';
import { toHistoryEntry, type Disposition } from './history-entry.js';
import { toBase64 } from '../ipc/base64.js';
import { RECORDING_MIME, recordingMimeType, VoicemailTaker } from './local-voicemail.js';
import { MwiSubscription, toMwiView, type MwiUpdate } from './mwi-subscription.js';

const REGISTER_EXPIRES_S = 300;

export type DeviceChoice = { microphoneId: string; speakerId: string; ringDeviceId: string };

type LiveCall = {
  session: Session;
  view: CallView;
  remoteAudio?: HTMLAudioElement | undefined;
  /** The mic track, kept while held so resume can put it back. */
  heldTrack?: MediaStreamTrack | null;
  disposition?: Disposition;
  /** Focusline's own voicemail is taking this call: no ring, no speaker, no microphone. */
  voicemail?: VoicemailTaker;
};

/**
 * The phone's body: one sip.js UserAgent with its Registerer, any number of
 * calls, and the reconnect loop. It asks main before ringing and reports
 * everything that matters to main (status, history); the React face reads
 * the zustand store it keeps up to date.
 */
export class Phone {
  private ua: UserAgent | undefined;
  private registerer: Registerer | undefined;
  private creds: PhoneCredentials | undefined;
  private readonly calls = new Map<string, LiveCall>();
  /** The outgoing audio for calls that voicemail answers, by Call-ID (see the session description handler factory). */
  private readonly voicemailStreams = new Map<string, MediaStream>();
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectAttempt = 0;
  private stopping = false;
  private readonly ringtone = createRingtone();
  private readonly callWaitingTone = createCallWaitingTone();
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  /** Who waits for the phone to have no calls (a settings change restarts it only then). */
  private readonly idleWaiters: (() => void)[] = [];
  /** The PBX voicemail count, when policy asks for it. */
  private mwi: MwiSubscription | undefined;

  constructor(
    private readonly api: FocuslineApi,
    private devices: DeviceChoice,
  ) {}

  private get store() {
    return usePhoneStore.getState();
  }

  setDevices(devices: DeviceChoice): void {
    this.devices = devices;
  }

  /** Any call at all, including one voicemail is taking (not on screen). */
  get hasCalls(): boolean {
    return this.calls.size > 0;
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
    this.ua = this.createUserAgent(creds);
    this.registerer = new Registerer(this.ua, { expires: REGISTER_EXPIRES_S });
    this.registerer.stateChange.addListener((state) => this.onRegistererState(state));
    this.startMwi(this.ua, creds);
    this.setStatus('registering', `Connecting to ${creds.account.wsServer}…`);
    await this.connectAndRegister();
    this.statsTimer = setInterval(() => void this.refreshStats(), 1000);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.statsTimer);
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

  /** The OS woke up or the network came back: don't wait for the next backoff step. */
  reconnectNow(): void {
    if (!this.ua || this.stopping) return;
    if (this.ua.isConnected() && this.registerer?.state === RegistererState.Registered) return;
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
      // The app decides whether a call rings; sip.js must not send 180 by itself.
      sendInitialProvisionalResponse: false,
      userAgentString: creds.userAgentString,
      logLevel: 'warn',
      logBuiltinEnabled: true,
      // Calls that voicemail answers send WebAudio (greeting, beep), never the microphone.
      sessionDescriptionHandlerFactory: (session, options) => {
        const callId = session instanceof Invitation ? callKey(session.request.callId) : undefined;
        const voicemail = callId === undefined ? undefined : this.voicemailStreams.get(callId);
        const factory = voicemail
          ? Web.defaultSessionDescriptionHandlerFactory(() => Promise.resolve(voicemail))
          : Web.defaultSessionDescriptionHandlerFactory();
        return factory(session, options);
      },
      sessionDescriptionHandlerFactoryOptions: {
        // Empty by default: sip.js would otherwise ask a public STUN server.
        peerConnectionConfiguration: { iceServers: creds.iceServers },
        iceGatheringTimeout: 500,
      },
      delegate: {
        onInvite: (invitation) => void this.onInvite(invitation),
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
    if (state === RegistererState.Unregistered && !this.stopping && this.store.registration === 'registered') this.scheduleReconnect();
  }

  private onTransportDown(error?: Error): void {
    if (this.stopping || !error) return;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopping || !this.creds) return;
    if (this.store.registration === 'failed') return;
    clearTimeout(this.reconnectTimer);
    const delay = reconnectDelayMs(++this.reconnectAttempt);
    this.setStatus('reconnecting', unreachableMessage(this.creds.account.wsServer, delay));
    this.reconnectTimer = setTimeout(() => void this.connectAndRegister(), delay);
  }

  /** The transport came back mid-call: a re-INVITE with an ICE restart tells the far end where we are now. */
  private async recoverLiveCalls(): Promise<void> {
    for (const call of this.calls.values()) {
      if (call.session.state !== SessionState.Established) continue;
      await call.session
        .invite({
          sessionDescriptionHandlerOptions: { offerOptions: { iceRestart: true }, hold: call.view.state === 'held' } as Web.SessionDescriptionHandlerOptions,
        })
        .catch((err: unknown) => console.warn(`Focusline: could not recover call ${call.view.id}: ${String(err)}`));
    }
  }

  private setStatus(registration: Parameters<typeof this.store.setRegistration>[0], detail = ''): void {
    this.store.setRegistration(registration, detail);
    this.reportStatus();
  }

  private reportStatus(): void {
    const calls = [...this.calls.values()];
    const status = {
      registration: this.store.registration,
      detail: this.store.detail,
      activeCalls: calls.filter((c) => !c.voicemail && c.view.state !== 'ringing' && c.view.state !== 'deciding').length,
      ringing: calls.some((c) => c.view.state === 'ringing'),
    };
    void this.api.invoke('phone.reportStatus', { status }).catch(() => {});
  }

  // ---- PBX voicemail (message waiting) ----------------------------------------------

  private startMwi(ua: UserAgent, creds: PhoneCredentials): void {
    this.store.setVoicemailDialer(() => this.callVoicemail());
    const mailbox = UserAgent.makeURI(creds.account.sipUri);
    if (!creds.mwi.subscribe || !mailbox) return;
    this.mwi = new MwiSubscription(ua, mailbox, (update) => this.onMwiUpdate(update));
  }

  private stopMwi(): void {
    this.mwi?.stop();
    this.mwi = undefined;
    this.store.setMwi(null);
    this.store.setVoicemailDialer(null);
  }

  private onMwiUpdate(update: MwiUpdate): void {
    if (!this.mwi) return;
    this.store.setMwi(toMwiView(update, this.creds?.mwi.accessNumber ?? '', this.store.mwi));
  }

  /** One click to the PBX's voicemail, dialled like anything the tech types. */
  async callVoicemail(): Promise<void> {
    const number = this.creds?.mwi.accessNumber ?? '';
    if (!number) throw new Error('No voicemail access number is set. Ask your administrator to set voicemail.accessNumber in policy.');
    await this.call(number);
  }

  // ---- incoming calls ----------------------------------------------------------------

  private async onInvite(invitation: Invitation): Promise<void> {
    const call = toIncomingCall(invitation);
    // Named as main names it (bounded), so the history, voicemail and the call log agree on the call.
    const shown = boundCallerFields(call).call;
    const id = shown.callId;
    const view = this.newView(id, 'incoming', shown.fromUri, shown.displayName || shown.fromUser, 'deciding');
    const live: LiveCall = { session: invitation, view };
    this.calls.set(id, live);
    // No card until main has decided: a call that voicemail takes, or that is rejected or redirected, never shows.
    this.watchSession(live);
    invitation.delegate = { onCancel: () => this.patch(id, { reason: 'Caller hung up' }) };
    const decision = await this.askMain(call);
    if (invitation.state !== SessionState.Initial) return; // the caller gave up while main was deciding
    await this.carryOut(live, decision);
  }

  private askMain(call: IncomingCall): Promise<Decision> {
    return decideWithin(
      () => this.api.invoke('calls.decide', { call }),
      DECISION_TIMEOUT_MS,
      (reason) => {
        console.warn(`Focusline: ${reason} (call ${call.callId})`);
        // Main logs it too (when it can), so the call log says the call rang by fallback.
        void this.api.invoke('calls.decisionFallback', { call, reason }).catch(() => {});
      },
    );
  }

  private async carryOut(live: LiveCall, decision: Decision): Promise<void> {
    const invitation = live.session as Invitation;
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
          this.patch(live.view.id, { reason: decision.reason });
          await invitation.reject({ statusCode: 302, extraHeaders: [`Contact: <${decision.target}>`] });
          return;
        }
        break;
      case 'reject':
        live.disposition = 'rejected';
        this.patch(live.view.id, { reason: decision.reason });
        await invitation.reject({ statusCode: decision.rejectCode ?? 486 });
        return;
      case 'silent':
        await invitation.progress({ statusCode: 180 });
        this.show(live, { state: 'ringing', silent: true, reason: decision.reason });
        return;
      case 'ring':
        break;
    }
    await invitation.progress({ statusCode: 180 });
    this.show(live, { state: 'ringing' });
    this.updateAlerting();
    this.notifyIncoming(live.view);
  }

  /**
   * Focusline's own voicemail: answer without ringing or showing the call,
   * play the greeting and a beep, record the caller into main, then hang up
   * politely. A caller who hangs up during the greeting leaves no message
   * (the call log keeps the attempt, with its callback due).
   */
  private async takeVoicemail(live: LiveCall, decision: Decision): Promise<void> {
    const invitation = live.session as Invitation;
    const callId = live.view.id;
    const taker = new VoicemailTaker();
    live.voicemail = taker;
    live.disposition = 'voicemail';
    this.store.removeCall(callId);
    this.reportStatus();
    try {
      const plan = await this.api.invoke('voicemail.prepare', { callId, rule: decision.rule });
      this.voicemailStreams.set(callId, taker.stream);
      await invitation.accept();
      const greetingSource = await taker.playGreeting(plan.greeting);
      if (taker.hasEnded) return;
      await taker.beep();
      if (taker.hasEnded) return;
      const sdh = invitation.sessionDescriptionHandler as Web.SessionDescriptionHandler;
      // The store names the file by this type: the one the recorder below will really produce.
      const { id } = await this.api.invoke('voicemail.begin', {
        callId,
        mimeType: recordingMimeType() || RECORDING_MIME,
        variant: plan.variant,
        greetingSource,
      });
      const result = await taker.record(sdh.remoteMediaStream, {
        maxMs: plan.maxMessageSeconds * 1000,
        silenceMs: plan.silenceSeconds * 1000,
        onChunk: async (seq, bytes, elapsedMs) => {
          await this.api.invoke('voicemail.append', { id, seq, data: toBase64(bytes), elapsedMs });
        },
      });
      await this.api.invoke('voicemail.finish', { id, durationMs: result.durationMs, endedBy: result.endedBy });
    } catch (error) {
      console.warn(`Focusline: voicemail for call ${callId} failed: ${String(error)}`);
    } finally {
      this.voicemailStreams.delete(callId);
      if (invitation.state === SessionState.Established) await invitation.bye().catch(() => undefined);
      else if (invitation.state === SessionState.Initial) await invitation.reject({ statusCode: 480 }).catch(() => undefined);
      taker.close();
    }
  }

  private notifyIncoming(view: CallView): void {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || document.hasFocus()) return;
    const n = new Notification(`Incoming call: ${view.remoteName || view.remoteUri}`, { body: view.remoteUri, tag: view.id, requireInteraction: true });
    n.onclick = () => window.focus();
  }

  /** Ring on the ring device when idle; a quiet beep in the headset when already on a call. */
  private updateAlerting(): void {
    const calls = [...this.calls.values()].map((c) => c.view);
    const ringing = calls.some((c) => c.state === 'ringing' && c.direction === 'incoming' && !c.silent);
    const talking = calls.some((c) => c.state === 'active' || c.state === 'held' || c.state === 'early' || c.state === 'dialing');
    if (ringing && !talking) this.ringtone.start(this.devices.ringDeviceId);
    else this.ringtone.stop();
    if (ringing && talking) this.callWaitingTone.start(this.devices.speakerId);
    else this.callWaitingTone.stop();
    this.reportStatus();
  }

  async answer(id: string): Promise<void> {
    const live = this.calls.get(id);
    if (!live || !(live.session instanceof Invitation)) return;
    await this.holdOthers(id);
    await live.session.accept({
      sessionDescriptionHandlerOptions: { constraints: microphoneConstraints(this.devices.microphoneId) } as Web.SessionDescriptionHandlerOptions,
    });
  }

  async decline(id: string): Promise<void> {
    const live = this.calls.get(id);
    if (!live || !(live.session instanceof Invitation)) return;
    live.disposition = 'declined';
    await live.session.reject({ statusCode: 486 });
  }

  // ---- outgoing calls ----------------------------------------------------------------

  async call(input: string): Promise<string> {
    if (!this.ua || !this.creds) throw new Error('Set up your SIP account in Settings before calling.');
    if (this.store.registration !== 'registered') throw new Error(`Can't call while the phone is ${this.store.registration}. ${this.store.detail}`);
    const target = toDialTarget(input, domainOf(this.creds.account.sipUri));
    if (!target.ok) throw new Error(target.message);
    const uri = UserAgent.makeURI(target.uri);
    if (!uri) throw new Error(`"${input}" is not a valid address.`);
    await this.holdOthers(undefined);
    const inviter = new Inviter(this.ua, uri, {
      sessionDescriptionHandlerOptions: { constraints: microphoneConstraints(this.devices.microphoneId) } as Web.SessionDescriptionHandlerOptions,
    });
    const id = inviter.request.callId;
    const live: LiveCall = { session: inviter, view: this.newView(id, 'outgoing', target.uri, target.display, 'dialing') };
    this.calls.set(id, live);
    this.store.upsertCall(live.view);
    this.watchSession(live);
    await inviter.invite({
      requestDelegate: {
        onProgress: (r) => this.onOutgoingProgress(id, r),
        onReject: (r) => this.patch(id, { reason: `${r.message.statusCode} ${r.message.reasonPhrase}` }),
      },
    });
    return id;
  }

  private onOutgoingProgress(id: string, response: Core.IncomingResponse): void {
    const code = response.message.statusCode;
    if (code === 180 || code === 183) this.patch(id, { state: 'early', reason: `${code} ${response.message.reasonPhrase}` });
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
      await s.reject({ statusCode: 486 });
    }
  }

  async hold(id: string): Promise<void> {
    await this.setHold(id, true);
  }

  async resume(id: string): Promise<void> {
    await this.holdOthers(id);
    await this.setHold(id, false);
  }

  /** Call waiting: only one call talks at a time, the rest wait on hold. */
  async switchTo(id: string): Promise<void> {
    await this.resume(id);
  }

  setMute(id: string, muted: boolean): void {
    const live = this.calls.get(id);
    if (!live) return;
    for (const sender of this.peer(live)?.getSenders() ?? []) if (sender.track) sender.track.enabled = !muted;
    this.patch(id, { muted });
  }

  sendDtmf(id: string, tone: string): boolean {
    const live = this.calls.get(id);
    if (!live || live.session.state !== SessionState.Established || !/^[0-9A-D*#]$/.test(tone)) return false;
    const sdh = live.session.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;
    if (sdh?.sendDtmf(tone)) return true;
    // No RFC 4733 telephone-event negotiated: fall back to SIP INFO, which most PBXs accept.
    void live.session.info({
      requestOptions: { body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content: `Signal=${tone}\r\nDuration=160` } },
    });
    return true;
  }

  private async holdOthers(exceptId: string | undefined): Promise<void> {
    for (const [id, live] of this.calls) {
      if (id !== exceptId && live.view.state === 'active') await this.setHold(id, true);
    }
  }

  /**
   * Hold is a re-INVITE with sendonly; we also take our mic off the sender so
   * no RTP flows to the held party (we have no music on hold to send).
   */
  private async setHold(id: string, hold: boolean): Promise<void> {
    const live = this.calls.get(id);
    if (!live || live.session.state !== SessionState.Established) return;
    if ((live.view.state === 'held') === hold) return;
    const sender = this.peer(live)
      ?.getSenders()
      .find((s) => s.track?.kind === 'audio' || s.track === null);
    live.session.sessionDescriptionHandlerOptionsReInvite = { hold } as Web.SessionDescriptionHandlerOptions;
    await new Promise<void>((resolve, reject) => {
      live.session
        .invite({
          requestDelegate: {
            onAccept: () => resolve(),
            onReject: (r) => reject(new Error(`The other side refused ${hold ? 'hold' : 'resume'} (${r.message.statusCode} ${r.message.reasonPhrase}).`)),
          },
        })
        .catch(reject);
    });
    if (hold) {
      live.heldTrack = sender?.track ?? null;
      await sender?.replaceTrack(null);
    } else {
      const track = live.heldTrack ?? (live.session.sessionDescriptionHandler as Web.SessionDescriptionHandler).localMediaStream.getAudioTracks()[0] ?? null;
      await sender?.replaceTrack(track);
      live.heldTrack = undefined;
    }
    this.patch(id, { state: hold ? 'held' : 'active' });
    this.updateAlerting();
  }

  // ---- session lifecycle -------------------------------------------------------------

  private watchSession(live: LiveCall): void {
    live.session.stateChange.addListener((state) => {
      if (state === SessionState.Established) this.onEstablished(live);
      if (state === SessionState.Terminated) void this.onTerminated(live);
    });
  }

  private onEstablished(live: LiveCall): void {
    if (live.voicemail) return; // the tech hears nothing of a voicemail call
    const sdh = live.session.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;
    if (sdh) live.remoteAudio = playStream(sdh.remoteMediaStream, this.devices.speakerId);
    this.patch(live.view.id, { state: 'active', answeredAt: Date.now() });
    this.updateAlerting();
  }

  private async onTerminated(live: LiveCall): Promise<void> {
    // sip.js announces Terminated before it hands the final response to our
    // request delegate; yield once so the reason ("486 Busy Here") is recorded.
    await Promise.resolve();
    stopElement(live.remoteAudio);
    live.voicemail?.stop('hangup');
    this.calls.delete(live.view.id);
    if (this.calls.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    const view = { ...live.view, ...this.store.calls.find((c) => c.id === live.view.id) };
    this.store.removeCall(view.id);
    this.updateAlerting();
    await this.api.invoke('history.record', { entry: toHistoryEntry(view, live.disposition, new Date()) }).catch((err: unknown) => {
      console.warn(`Focusline: could not save call ${view.id} to history: ${String(err)}`);
    });
  }

  private async refreshStats(): Promise<void> {
    for (const live of this.calls.values()) {
      const pc = this.peer(live);
      if (!pc || (live.view.state !== 'active' && live.view.state !== 'held')) continue;
      this.patch(live.view.id, { stats: await readAudioStats(pc) });
    }
  }

  private peer(live: LiveCall): RTCPeerConnection | undefined {
    return (live.session.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined)?.peerConnection;
  }

  private newView(id: string, direction: CallView['direction'], remoteUri: string, remoteName: string, state: CallView['state']): CallView {
    return { id, direction, remoteUri, remoteName, state, silent: false, muted: false, startedAt: Date.now(), answeredAt: null, reason: '', stats: null };
  }

  /** Puts the call's card on screen (an incoming call is off screen while main decides). */
  private show(live: LiveCall, patch: Partial<CallView>): void {
    live.view = { ...live.view, ...patch };
    // A caller who hung up meanwhile is already gone: don't bring the card back.
    if (this.calls.get(live.view.id) === live) this.store.upsertCall(live.view);
  }

  private patch(id: string, patch: Partial<CallView>): void {
    const live = this.calls.get(id);
    if (live) live.view = { ...live.view, ...patch };
    this.store.patchCall(id, patch);
  }
}

/** The call as sent, for main to bound, log and decide on (only a field past the wire cap is cut here). */
function toIncomingCall(invitation: Invitation): IncomingCall {
  const pai = invitation.request.getHeader('P-Asserted-Identity');
  return callerFieldsForWire({
    callId: invitation.request.callId,
    fromUri: invitation.remoteIdentity.uri.toString(),
    fromUser: invitation.remoteIdentity.uri.user ?? '',
    displayName: invitation.remoteIdentity.displayName ?? '',
    assertedIdentity: pai ?? null,
    toUri: invitation.request.to.uri.toString(),
  });
}
