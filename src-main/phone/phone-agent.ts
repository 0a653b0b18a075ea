import { Invitation, Inviter, SessionDescriptionHandlerError, SessionState, UserAgent, type Core, type Referral, type Session, type URI } from 'sip.js';
import { messageOf } from '../../src-shared/errors.js';
import { coalesce } from '../ipc/coalesce.js';
import { callKey, type CallerFields } from '../../src-shared/sip/caller-fields.js';
import type { CallView, Decision, HistoryEntry, PhoneView, TransferMode } from '../ipc/contract.js';
import { domainOf, toDialTarget } from './dial-target.js';
import { ForwardingSessionDescriptionHandler } from './forwarding-sdh.js';
import { toHistoryEntry, type Disposition } from './history-entry.js';
import { normaliseCaller } from './incoming-call.js';
import type { MediaBridge } from './media-bridge.js';
import { Registration, type PhoneCredentials, type RegistrationPorts } from './registration.js';
import { cleanSubject, isInternalTarget } from './refer.js';
import { guardReinviteGlare, reinvite } from './reinvite-glare.js';
import { Transfers } from './transfers.js';

export type { PhoneCredentials };

/** The window checks that voicemail audio can play within 500 ms; this adds the hop and a margin. */
const VOICEMAIL_READY_TIMEOUT_MS = 1_000;
/** More calls ringing at once than anyone can take: the next allowed caller hears busy (and is logged), the UI stays readable. */
const MAX_RINGING = 50;
/** A call whose window went away: this long for a window to come back (a reload) before the call is hung up, not left silent. */
export const MEDIA_GRACE_MS = 15_000;
/** How often at most the phone's state goes to the UI while it keeps changing; a single change goes at once. */
const PHONE_PUSH_MS = 50;

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
  /** A transfer went through: the caller is with the target now. */
  transferred(event: { caller: CallView; target: string; mode: 'blind' | 'warm' }): void;
  /** An allowed call started ringing: the shell rings the tray and shows a notification (the window may be closed). */
  ringing(call: CallView, windowOpen: boolean): void;
  log(message: string): void;
  /** Presence follows the line: up after every (re-)registration, down when the phone stops (registration.ts). */
  line?: Pick<RegistrationPorts, 'lineUp' | 'lineDown'>;
};

/** A leg as scripts see it: every call on its own, with calls that just ended. */
export type CallLeg = Pick<CallView, 'id' | 'direction' | 'remoteUri' | 'remoteName' | 'startedAt' | 'answeredAt' | 'reason' | 'subject' | 'transfer'> & {
  state: CallView['state'] | 'ended';
  endedAt: number | null;
};

type EndedCall = { view: CallView; endedAt: number };

const ENDED_KEPT_MS = 60_000;
const ENDED_KEPT = 20;

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
  /** Runs once when the call connects (returning a call settles its callback then). */
  onConnected?: () => void;
  /** What the card says once connected (a transfer: who handed the call over); otherwise the ringing-time reason is cleared. */
  connectedReason?: string;
};

/**
 * The phone's calls, in main, over the line `Registration` keeps to the PBX.
 *
 * An incoming INVITE is handled where it arrives, in this order:
 * normalise (bounded caller fields) -> decide in-process (no IPC) -> write
 * the call-log row -> answer. A held-back call gets its 302/486/480 without
 * the window ever hearing of it; a call that rings gets 180 at once, and the
 * window (if one is open) plays the ring. Media goes to the window through
 * the forwarding SessionDescriptionHandler.
 */
export class PhoneAgent {
  private readonly calls = new Map<string, LiveCall>();
  /** Calls that ended in the last minute, for scripts that poll (GET /api/v1/calls shows them as ended). */
  private ended: EndedCall[] = [];
  private readonly line: Registration;
  private notice: string | null = null;
  /** The first change goes out at once; a burst (a ringing storm) becomes one push per PHONE_PUSH_MS. */
  private readonly push = coalesce(() => this.pushView(), PHONE_PUSH_MS);
  private readonly idleWaiters: (() => void)[] = [];
  private readonly stopAttachWatch: () => void;
  private mediaGraceTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly transfers = new Transfers({
    call: (id) => this.calls.get(id),
    patch: (id, patch) => {
      const live = this.calls.get(id);
      if (live) this.patch(live, patch);
    },
    setHold: (id, hold) => this.setHold(id, hold),
    dial: (target, subject) => this.call(target, { subject }),
    resolve: (target) => this.resolveTarget(target).uri,
    hangup: (id) => this.hangup(id),
    media: async (id, method, args) => {
      await this.ports.bridge.request(id, method, args, 3_000);
    },
    transferred: (event) => this.ports.transferred(event),
    log: (message) => this.ports.log(message),
  });

  constructor(private readonly ports: PhoneAgentPorts) {
    this.line = new Registration({
      sessionDescriptionHandler: (session) => this.forwardingHandler(session),
      onInvite: (invitation) => this.onInvite(invitation),
      recovered: () => this.recoverLiveCalls(),
      changed: () => this.changed(),
      log: ports.log,
      ...ports.line,
    });
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
      registration: this.line.state,
      detail: this.line.detail.slice(0, 1000),
      calls: [...this.calls.values()]
        .filter((c) => c.shown)
        .slice(0, 100)
        .map(({ view }) => bounded(view)),
      mwi: this.line.mwiView,
      notice: this.notice?.slice(0, 500) ?? null,
      mediaEndpoint: this.ports.bridge.endpointId ?? null,
    };
  }

  /** The calls on screen, then those that ended in the last minute. */
  legs(now = Date.now()): CallLeg[] {
    this.ended = this.ended.filter((e) => now - e.endedAt < ENDED_KEPT_MS);
    const leg = (view: CallView, endedAt: number | null): CallLeg => {
      const { id, direction, remoteUri, remoteName, startedAt, answeredAt, reason, state, subject, transfer } = bounded(view);
      return { id, direction, remoteUri, remoteName, startedAt, answeredAt, reason, subject, transfer, state: endedAt === null ? state : 'ended', endedAt };
    };
    const live = [...this.calls.values()].filter((c) => c.shown).map((c) => leg(c.view, null));
    return [...live, ...this.ended.map((e) => leg(e.view, e.endedAt))];
  }

  /** Whether a call with this id is on screen now. */
  hasCall(id: string): boolean {
    return this.calls.get(id)?.shown === true;
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

  // ---- the line to the PBX -------------------------------------------------------

  async start(creds: PhoneCredentials): Promise<void> {
    await this.stop();
    await this.line.start(creds);
  }

  /** No account: the phone is off and says what to do. */
  async unconfigure(): Promise<void> {
    await this.hangUpAll();
    await this.line.stop('unconfigured', 'Enter your SIP account in Settings to start.');
  }

  async stop(): Promise<void> {
    await this.hangUpAll();
    await this.line.stop();
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
    this.line.reconnectNow();
  }

  private async hangUpAll(): Promise<void> {
    for (const id of [...this.calls.keys()]) await this.hangup(id).catch(() => {});
  }

  private forwardingHandler(session: Session): ForwardingSessionDescriptionHandler {
    const id = callIdOf(session);
    const sdh = new ForwardingSessionDescriptionHandler(id, this.ports.bridge);
    const live = this.calls.get(id);
    if (live) live.sdh = sdh;
    return sdh;
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
    await this.transfers.remix();
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

  // ---- PBX voicemail ------------------------------------------------------------

  /** One click to the PBX's voicemail, dialled like anything the tech types. */
  async callVoicemail(): Promise<string> {
    const number = this.line.creds?.mwi.accessNumber ?? '';
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
    if (invitation.replacee !== undefined) {
      this.takeOver(invitation, call.fromUri, call.displayName || call.fromUser);
      return;
    }
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
      view: {
        ...newView(id, 'incoming', call.fromUri, call.displayName || call.fromUser, 'ringing'),
        subject: cleanSubject(invitation.request.getHeader('Subject')),
      },
      shown: false,
      decision,
    };
    this.calls.set(id, live);
    this.watchSession(live);
    invitation.delegate = { ...invitation.delegate, onCancel: () => this.patch(live, { reason: 'Caller hung up' }) };
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

  /** Dials `input`; resolves with the call's id once its INVITE is on its way. `subject` goes out as the SIP Subject. */
  async call(input: string, options: { onConnected?: (() => void) | undefined; subject?: string | null | undefined } = {}): Promise<string> {
    const ua = this.line.ua;
    if (!ua) throw new Error('Set up your SIP account in Settings before calling.');
    if (this.line.state !== 'registered') throw new Error(`Can't call while the phone is ${this.line.state}. ${this.line.detail}`);
    if (!this.ports.bridge.connected) throw new Error('Open the Focusline window to call: it carries the call’s audio.');
    const { uri, display } = this.resolveTarget(input);
    await this.holdOthers(undefined);
    // What the MSP is working on is its own business: the subject goes to coworkers on the PBX, not to outside numbers.
    const subject = isInternalTarget(uri, this.accountHost()) ? cleanSubject(options.subject ?? undefined) : null;
    const inviter = new Inviter(ua, uri, subject ? { extraHeaders: [`Subject: ${subject}`] } : {});
    return this.startOutgoing(inviter, uri.toString(), display, { onConnected: options.onConnected, subject });
  }

  private accountHost(): string {
    return UserAgent.makeURI(this.line.creds?.account.sipUri ?? '')?.host ?? '';
  }

  /** The SIP URI for what the tech typed or a script sent, or an error that says what is wrong with it. */
  private resolveTarget(input: string): { uri: URI; display: string } {
    const creds = this.line.creds;
    if (!creds) throw new Error('Set up your SIP account in Settings before calling.');
    const target = toDialTarget(input, domainOf(creds.account.sipUri));
    if (!target.ok) throw new Error(target.message);
    const uri = UserAgent.makeURI(target.uri);
    if (!uri) throw new Error(`"${input}" is not a valid address.`);
    return { uri, display: target.display };
  }

  private async startOutgoing(
    inviter: Inviter,
    remoteUri: string,
    remoteName: string,
    extra: { onConnected?: (() => void) | undefined; subject: string | null; reason?: string },
  ): Promise<string> {
    const id = callIdOf(inviter);
    const live: LiveCall = {
      session: inviter,
      view: { ...newView(id, 'outgoing', remoteUri, remoteName, 'dialing'), subject: extra.subject, reason: extra.reason ?? '' },
      shown: true,
      ...(extra.reason ? { connectedReason: extra.reason } : {}),
      ...(extra.onConnected ? { onConnected: extra.onConnected } : {}),
    };
    this.calls.set(id, live);
    this.watchSession(live);
    this.changed();
    try {
      await inviter.invite({
        requestDelegate: {
          onProgress: (r) => this.onOutgoingProgress(live, r),
          onReject: (r) => this.patch(live, { reason: `${r.message.statusCode} ${r.message.reasonPhrase}` }),
        },
      });
    } catch (error) {
      this.ports.log(`Call ${id} to ${remoteUri} could not start: ${messageOf(error)}`);
      const media = error instanceof SessionDescriptionHandlerError;
      const text = media
        ? `The call could not start: this window could not get the microphone ready (${messageOf(error).replace(/^getDescription: /, '')}). Check Settings → Audio devices and the microphone permission, then try again.`
        : `The call could not start: ${messageOf(error)}`;
      throw new Error(text, { cause: error });
    }
    return id;
  }

  // ---- transfers ---------------------------------------------------------------------

  /** One step of a transfer (see transfers.ts); `subject` travels with a warm transfer's consult call. */
  transfer(callId: string, mode: TransferMode, to: string | undefined, subject: string | null): Promise<{ consultCallId?: string }> {
    if (!this.hasCall(callId)) return Promise.reject(new Error('That call has ended.'));
    return this.transfers.start(callId, mode, to, subject);
  }

  /**
   * A warm transfer's last step, seen from the target: the caller's phone
   * sends an INVITE with Replaces naming the call the transferring tech has
   * with us (sip.js has matched the dialog's Call-ID and both tags). It is
   * answered at once and replaces that call (sip.js ends it), without a
   * ring and without a screening decision: the tech is already talking
   * about this caller. Anything else naming a dialog is refused (481).
   */
  private takeOver(invitation: Invitation, fromUri: string, fromName: string): void {
    const replaced = [...this.calls.values()].find((c) => c.session === invitation.replacee);
    const id = callKey(invitation.request.callId);
    // Only a call the tech is talking on now: the far end of a call on hold knows its dialog too, and must not
    // get a live microphone by replacing itself while the tech talks to someone else.
    if (
      !replaced ||
      !replaced.shown ||
      replaced.voicemail ||
      replaced.view.state !== 'active' ||
      replaced.session.state !== SessionState.Established ||
      this.calls.has(id)
    ) {
      this.ports.log(`Refused an INVITE from ${fromUri} that would replace a call not up here (481).`);
      void invitation.reject({ statusCode: 481 }).catch(() => undefined);
      return;
    }
    if (!this.ports.bridge.connected) {
      void invitation.reject({ statusCode: 480 }).catch(() => undefined);
      return;
    }
    const live: LiveCall = {
      session: invitation,
      view: {
        ...newView(id, 'incoming', fromUri, fromName, 'ringing'),
        subject: replaced.view.subject ?? cleanSubject(invitation.request.getHeader('Subject')),
        reason: `Transferred to you by ${replaced.view.remoteName || replaced.view.remoteUri}`,
      },
      shown: true,
      connectedReason: `Transferred to you by ${replaced.view.remoteName || replaced.view.remoteUri}`,
    };
    this.calls.set(id, live);
    this.watchSession(live);
    this.changed();
    this.ports.log(`Call ${id} from ${fromUri} replaces call ${replaced.view.id} (warm transfer).`);
    invitation.accept().catch((error: unknown) => this.ports.log(`Taking over call ${replaced.view.id} failed: ${messageOf(error)}`));
  }

  /**
   * The far end transfers us (REFER): followed only to an address on the
   * tech's own phone system, so a stranger's phone can't make Focusline
   * dial premium numbers. The new call shows like any call the tech made.
   */
  private onRefer(live: LiveCall, referral: Referral): void {
    let target: URI;
    try {
      target = referral.referTo.uri; // sip.js throws on a Refer-To it can't parse (a tel: URI, garbage)
    } catch {
      this.ports.log(`Call ${live.view.id}: refused a transfer with a Refer-To that is not a SIP address (400).`);
      void referral.reject({ statusCode: 400, reasonPhrase: 'Bad Refer-To' }).catch(() => undefined);
      return;
    }
    const shown = target.toString().slice(0, 120);
    const usable = live.shown && !live.voicemail && live.session.state === SessionState.Established && this.line.ua !== undefined;
    if (!usable || !isInternalTarget(target, this.accountHost())) {
      this.ports.log(`Call ${live.view.id}: refused a transfer to ${target.toString().slice(0, 200)} (603).`);
      if (live.shown) this.patch(live, { reason: `Refused a transfer to ${shown}: only coworkers on your phone system are followed` });
      void referral.reject({ statusCode: 603 }).catch(() => undefined);
      return;
    }
    const from = live.view.remoteName || live.view.remoteUri;
    void referral
      .accept()
      .then(async () => {
        await this.holdOthers(undefined);
        const inviter = referral.makeInviter();
        return this.startOutgoing(inviter, target.toString(), target.user ?? target.toString(), {
          subject: live.view.subject,
          reason: `Transferred by ${from}`,
        });
      })
      .catch((error: unknown) => this.ports.log(`Call ${live.view.id}: following the transfer to ${shown} failed: ${messageOf(error)}`));
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

  /** Mute is the tech's microphone: in a three-way call it goes for both halves. */
  setMute(id: string, muted: boolean): void {
    for (const callId of [id, this.transfers.mergedWith(id)]) {
      const live = callId === undefined ? undefined : this.calls.get(callId);
      if (!live) continue;
      this.ports.bridge.notify(live.view.id, 'setMuted', { muted });
      this.patch(live, { muted });
    }
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

  /** Call waiting: the call the tech turns to stays up, the others go on hold (a three-way call's other half stays with it). */
  private async holdOthers(exceptId: string | undefined): Promise<void> {
    const partner = exceptId === undefined ? undefined : this.transfers.mergedWith(exceptId);
    for (const [id, live] of this.calls) {
      if (id !== exceptId && id !== partner && live.view.state === 'active') await this.setHold(id, true);
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
    this.patch(live, { state: hold ? 'held' : 'active', heldSince: hold ? Date.now() : null });
  }

  private reinvite(live: LiveCall, options: Record<string, unknown>): Promise<void> {
    return reinvite(live.session, options, { ownsCallId: live.view.direction === 'outgoing', log: this.ports.log, callId: live.view.id });
  }

  // ---- session lifecycle -------------------------------------------------------------

  private watchSession(live: LiveCall): void {
    guardReinviteGlare(live.session);
    live.session.delegate = { ...live.session.delegate, onRefer: (referral) => this.onRefer(live, referral) };
    live.session.stateChange.addListener((state) => {
      if (state === SessionState.Established) this.onEstablished(live);
      if (state === SessionState.Terminated) void this.onTerminated(live);
    });
  }

  private onEstablished(live: LiveCall): void {
    clearTimeout(live.ringTimer);
    if (live.voicemail) return; // the tech hears nothing of a voicemail call
    this.patch(live, { state: 'active', answeredAt: Date.now(), reason: live.connectedReason ?? '' });
    const connected = live.onConnected;
    live.onConnected = undefined;
    try {
      connected?.();
    } catch (error) {
      this.ports.log(`Call ${live.view.id}: settling its callback failed: ${messageOf(error)}`);
    }
  }

  private async onTerminated(live: LiveCall): Promise<void> {
    // sip.js announces Terminated before it hands the final response to our
    // request delegate; yield once so the reason ("486 Busy Here") is recorded.
    await Promise.resolve();
    clearTimeout(live.ringTimer);
    this.ports.bridge.abandon(live.view.id);
    // Whatever the window holds for this call (a prepared voicemail, a peer connection) goes too; closing twice is harmless.
    this.ports.bridge.notify(live.view.id, 'close', {});
    if (this.calls.get(live.view.id) === live) {
      this.transfers.callEnded(live.view.id);
      this.calls.delete(live.view.id);
    }
    if (live.shown) this.ended = [{ view: live.view, endedAt: Date.now() }, ...this.ended].slice(0, ENDED_KEPT);
    if (this.calls.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    if (live.shown) this.changed();
    // A call policy held back (302, busy) is in the call log with its reason; in the phone's history a
    // call storm would push the tech's real calls out of the list.
    if (live.disposition === 'redirected' || live.disposition === 'rejected') return;
    // Held back by policy but gone before its answer (the caller cancelled, or sent Expires: 0): the call log has it; it never rang.
    // An allowed caller who gave up before the 180 is a missed call like any other.
    const heldBack = live.decision !== undefined && live.decision.action !== 'ring' && live.decision.action !== 'silent';
    if (live.view.direction === 'incoming' && heldBack && !live.rang && live.disposition === undefined) return;
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

/** A call's view cut to the contract's bounds: reasons and addresses come from the network (a far end's reason phrase). */
function bounded(view: CallView): CallView {
  return {
    ...view,
    remoteUri: view.remoteUri.slice(0, 512),
    remoteName: view.remoteName.slice(0, 256),
    reason: view.reason.slice(0, 256),
    transfer: view.transfer && { ...view.transfer, target: view.transfer.target.slice(0, 512) },
  };
}

/** Read fresh each time: a session's state changes across every await (TypeScript would narrow it once). */
function stateOf(session: Session): SessionState {
  return session.state;
}

function newView(id: string, direction: CallView['direction'], remoteUri: string, remoteName: string, state: CallView['state']): CallView {
  return {
    id,
    direction,
    remoteUri,
    remoteName,
    state,
    silent: false,
    muted: false,
    startedAt: Date.now(),
    answeredAt: null,
    heldSince: null,
    reason: '',
    subject: null,
    transfer: null,
  };
}

/** The call's id, exactly as the decision and the call log name it. */
function callIdOf(session: Session): string {
  if (session instanceof Invitation) return callKey(session.request.callId);
  return (session as Inviter).request.callId;
}
