import { Core, Web } from 'sip.js';
import type { FocuslineApi, IceServer, MediaRequest } from '../../src-main/ipc/contract.js';
import { messageOf } from '../../src-shared/errors.js';
import { toBase64 } from '../ipc/base64.js';
import { usePhoneStore } from '../state/phone-store.js';
import { microphoneConstraints, playStream, stopElement } from './audio-output.js';
import { readAudioStats } from './call-stats.js';
import { RECORDING_MIME, recordingMimeType, VoicemailTaker, type GreetingAudio } from './local-voicemail.js';
import { ThreeWayMix, type MixLeg } from './three-way-mix.js';

export type DeviceChoice = { microphoneId: string; speakerId: string; ringDeviceId: string };

/** How long voicemail waits to learn whether this window can play audio (main hands the call on after). */
export const AUDIO_CHECK_MS = 500;
export const VOICEMAIL_AUDIO_BLOCKED = 'Click once in this tab to enable voicemail audio';

type VoicemailPlan = {
  callId: string;
  rule: string | undefined;
  taker: VoicemailTaker;
  greeting: GreetingAudio;
  variant: string;
  maxMessageSeconds: number;
  silenceSeconds: number;
};

type MediaCall = {
  sdh: Web.SessionDescriptionHandler;
  remoteAudio?: HTMLAudioElement;
  /** The mic track, kept while held so resume can put it back. */
  heldTrack?: MediaStreamTrack | null;
  muted: boolean;
  voicemail?: VoicemailPlan;
};

const loggerFactory = new Core.LoggerFactory();
loggerFactory.level = Core.Levels.warn;

/**
 * The window's half of the phone: the calls' media. Main's sip.js sessions
 * ask for offers and answers (the forwarding SessionDescriptionHandler);
 * each call gets sip.js's own browser SessionDescriptionHandler here (one
 * RTCPeerConnection, keyed by call id), so direction for hold, ICE-gathering
 * waits and DTMF are sip.js's tested code. The remote voice plays on the
 * chosen speaker; Focusline's voicemail plays its greeting and records here.
 * No SIP runs in the window.
 */
export class MediaEndpoint {
  readonly id = crypto.randomUUID();
  private readonly calls = new Map<string, MediaCall>();
  private readonly prepared = new Map<string, VoicemailPlan>();
  /** Voicemails whose audio check or plan is still on its way. */
  private readonly preparing = new Set<string>();
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  /** A three-way call (a warm transfer's merge), at most one. */
  private mix: ThreeWayMix | undefined;

  constructor(
    private readonly api: FocuslineApi,
    private readonly devices: () => DeviceChoice,
    private readonly iceServers: () => IceServer[],
  ) {
    api.on('media.request', (request) => void this.handle(request));
  }

  /** Tells main this window carries the calls' audio (at start and after every reconnect); drops media main no longer has calls for. */
  async attach(): Promise<void> {
    const { liveCallIds } = await this.api.invoke('media.attach', { endpoint: this.id });
    const live = new Set(liveCallIds);
    for (const callId of [...this.calls.keys(), ...this.prepared.keys()]) if (!live.has(callId)) this.close(callId);
    this.statsTimer ??= setInterval(() => void this.refreshStats(), 1000);
  }

  /**
   * Main's view says who carries media: nobody (the window that did closed),
   * so this one offers; or another window, so this one lets go of its peer
   * connections and microphone.
   */
  follow(mediaEndpoint: string | null): void {
    if (mediaEndpoint === null) {
      void this.attach().catch(() => undefined);
      return;
    }
    if (mediaEndpoint === this.id) return;
    for (const callId of [...this.calls.keys(), ...this.prepared.keys()]) this.close(callId);
  }

  private async handle(request: MediaRequest): Promise<void> {
    if (request.endpoint !== this.id) return;
    try {
      const result = await this.run(request);
      if (request.id > 0) await this.api.invoke('media.reply', { endpoint: this.id, id: request.id, ok: true, result });
    } catch (error) {
      if (request.id > 0)
        await this.api.invoke('media.reply', { endpoint: this.id, id: request.id, ok: false, error: messageOf(error).slice(0, 2000) }).catch(() => {});
      else console.warn(`Focusline: media ${request.method} for ${request.callId} failed: ${messageOf(error)}`);
    }
  }

  private async run({ callId, method, args }: MediaRequest): Promise<Record<string, unknown>> {
    switch (method) {
      case 'getDescription': {
        const call = this.ensure(callId);
        const description = await call.sdh.getDescription(this.optionsFor(call, args['options']));
        return { body: description.body, contentType: description.contentType, type: call.sdh.peerConnection?.localDescription?.type ?? 'offer' };
      }
      case 'setDescription': {
        const call = this.ensure(callId);
        await call.sdh.setDescription(String(args['sdp'] ?? ''), this.optionsFor(call, args['options']));
        return {};
      }
      case 'rollbackDescription':
        await this.rollback(callId);
        return {};
      case 'sendDtmf':
        this.calls.get(callId)?.sdh.sendDtmf(String(args['tones'] ?? ''), args['options'] as { duration: number; interToneGap: number } | undefined);
        return {};
      case 'close':
        this.close(callId);
        return {};
      case 'setSenderEnabled':
        await this.setSenderEnabled(callId, args['enabled'] === true);
        return {};
      case 'setMuted':
        this.setMuted(callId, args['muted'] === true);
        return {};
      case 'voicemailPrepare':
        return this.prepareVoicemail(callId, typeof args['rule'] === 'string' ? args['rule'] : undefined);
      case 'voicemailRun':
        return this.runVoicemail(callId);
      case 'merge':
        await this.merge(Array.isArray(args['callIds']) ? args['callIds'].map(String) : []);
        return {};
      case 'unmerge':
        await this.unmerge();
        return {};
    }
  }

  /** Mixes the calls' audio so every far end hears the others (see three-way-mix.ts). */
  private async merge(callIds: string[]): Promise<void> {
    await this.unmerge();
    const legs: MixLeg[] = callIds.map((callId) => {
      const call = this.calls.get(callId);
      const sender = call ? audioSender(call.sdh) : undefined;
      if (!call || !sender) throw new Error('One of the calls has no audio in this window.');
      const mic = call.sdh.localMediaStream.getAudioTracks()[0] ?? null;
      if (mic) mic.enabled = !call.muted;
      return { callId, sender, mic, remote: call.sdh.remoteMediaStream };
    });
    this.mix = await ThreeWayMix.start(legs);
  }

  private async unmerge(): Promise<void> {
    const mix = this.mix;
    this.mix = undefined;
    if (!mix) return;
    // A call on hold keeps the mixed track as its held track: resume must bring back the mic, not a dead mix.
    for (const [callId, call] of this.calls) {
      if (!mix.has(callId) || call.heldTrack === undefined) continue;
      const mic = mix.micOf(callId);
      if (mic) mic.enabled = !call.muted;
      call.heldTrack = mic;
    }
    await mix.stop();
  }

  /** A call's peer connection, made on first use: with the voicemail's greeting stream, or the tech's microphone. */
  private ensure(callId: string): MediaCall {
    const existing = this.calls.get(callId);
    if (existing) return existing;
    const voicemail = this.prepared.get(callId);
    this.prepared.delete(callId);
    const factory = voicemail ? () => Promise.resolve(voicemail.taker.stream) : Web.defaultMediaStreamFactory();
    const sdh = new Web.SessionDescriptionHandler(loggerFactory.getLogger('sip.SessionDescriptionHandler'), factory, {
      // Empty by default: sip.js would otherwise ask a public STUN server.
      peerConnectionConfiguration: { iceServers: this.iceServers() },
      iceGatheringTimeout: 500,
    });
    const call: MediaCall = { sdh, muted: false, ...(voicemail ? { voicemail } : {}) };
    // The tech hears the caller; a voicemail call is heard by nobody.
    if (!voicemail) call.remoteAudio = playStream(sdh.remoteMediaStream, this.devices().speakerId);
    this.calls.set(callId, call);
    return call;
  }

  private optionsFor(call: MediaCall, options: unknown): Web.SessionDescriptionHandlerOptions {
    const given = (options ?? {}) as Web.SessionDescriptionHandlerOptions;
    if (call.voicemail) return given;
    return { ...given, constraints: microphoneConstraints(this.devices().microphoneId) };
  }

  /** After glare (491 both ways): sip.js's browser handler has no rollback, so the peer connection is put back to stable here. */
  private async rollback(callId: string): Promise<void> {
    const pc = this.calls.get(callId)?.sdh.peerConnection;
    if (!pc) return;
    if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' });
    else if (pc.signalingState === 'have-remote-offer') await pc.setRemoteDescription({ type: 'rollback' });
  }

  private close(callId: string): void {
    if (this.mix?.has(callId)) void this.unmerge();
    this.preparing.delete(callId);
    this.prepared.get(callId)?.taker.close();
    this.prepared.delete(callId);
    const call = this.calls.get(callId);
    if (!call) return;
    this.calls.delete(callId);
    stopElement(call.remoteAudio);
    call.voicemail?.taker.stop('hangup');
    // sip.js stops only the tracks still on a sender: the mic taken off for hold (and any other) must be stopped
    // here, or the OS keeps showing the microphone in use after a caller hung up on hold.
    call.heldTrack?.stop();
    const local = call.sdh.localMediaStream.getTracks();
    call.sdh.close();
    for (const track of local) track.stop();
  }

  /** Hold takes the mic off the sender (hold alone only changes the SDP direction); resume puts it back. */
  private async setSenderEnabled(callId: string, enabled: boolean): Promise<void> {
    const call = this.calls.get(callId);
    const sender = call ? audioSender(call.sdh) : undefined;
    if (!call || !sender) return;
    if (!enabled) {
      call.heldTrack = sender.track;
      await sender.replaceTrack(null);
      return;
    }
    const track = call.heldTrack ?? call.sdh.localMediaStream.getAudioTracks()[0] ?? null;
    // A mixed track carries the other party too: mute lives on the mic feeding it, not here.
    if (track && !this.mix?.has(callId)) track.enabled = !call.muted;
    await sender.replaceTrack(track);
    call.heldTrack = undefined;
  }

  private setMuted(callId: string, muted: boolean): void {
    const call = this.calls.get(callId);
    if (!call) return;
    call.muted = muted;
    if (this.mix?.has(callId)) {
      this.mix.setMuted(callId, muted);
      return;
    }
    for (const sender of call.sdh.peerConnection?.getSenders() ?? []) if (sender.track) sender.track.enabled = !muted;
    if (call.heldTrack) call.heldTrack.enabled = !muted;
  }

  /**
   * Before main answers a call for voicemail: can this window play the
   * greeting? If not (a tab nobody clicked), main hands the call on rather
   * than answer into silence.
   */
  private async prepareVoicemail(callId: string, rule: string | undefined): Promise<Record<string, unknown>> {
    const taker = new VoicemailTaker();
    // Main may give up (or the caller hang up) while this waits: then close() has removed the id, and the taker goes.
    this.preparing.add(callId);
    const abandoned = () => {
      if (this.preparing.has(callId)) return false;
      taker.close();
      return true;
    };
    if (!(await taker.audioCanPlay(AUDIO_CHECK_MS))) {
      this.preparing.delete(callId);
      taker.close();
      return { ready: false, why: VOICEMAIL_AUDIO_BLOCKED };
    }
    if (abandoned()) return { ready: false, why: 'The call ended.' };
    const plan = await this.api.invoke('voicemail.prepare', { callId, ...(rule ? { rule } : {}) });
    if (abandoned()) return { ready: false, why: 'The call ended.' };
    this.preparing.delete(callId);
    this.prepared.set(callId, {
      callId,
      rule,
      taker,
      greeting: plan.greeting,
      variant: plan.variant,
      maxMessageSeconds: plan.maxMessageSeconds,
      silenceSeconds: plan.silenceSeconds,
    });
    return { ready: true };
  }

  /** Greeting, beep, then the caller's message recorded into main piece by piece (a crash keeps what was said). */
  private async runVoicemail(callId: string): Promise<Record<string, unknown>> {
    const call = this.calls.get(callId);
    const plan = call?.voicemail;
    if (!call || !plan) throw new Error('No voicemail is prepared for this call.');
    const { taker } = plan;
    try {
      const greetingSource = await taker.playGreeting(plan.greeting);
      if (taker.hasEnded) return { endedBy: 'hangup' };
      await taker.beep();
      if (taker.hasEnded) return { endedBy: 'hangup' };
      const { id } = await this.api.invoke('voicemail.begin', {
        callId,
        mimeType: recordingMimeType() || RECORDING_MIME,
        variant: plan.variant as 'standard',
        greetingSource,
      });
      const result = await taker.record(call.sdh.remoteMediaStream, {
        maxMs: plan.maxMessageSeconds * 1000,
        silenceMs: plan.silenceSeconds * 1000,
        onChunk: async (seq, bytes, elapsedMs) => {
          await this.api.invoke('voicemail.append', { id, seq, data: toBase64(bytes), elapsedMs });
        },
      });
      await this.api.invoke('voicemail.finish', { id, durationMs: result.durationMs, endedBy: result.endedBy });
      return { endedBy: result.endedBy };
    } finally {
      taker.close();
    }
  }

  private async refreshStats(): Promise<void> {
    for (const [callId, call] of this.calls) {
      const pc = call.sdh.peerConnection;
      if (!pc || call.voicemail) continue;
      const state = usePhoneStore.getState().calls.find((c) => c.id === callId)?.state;
      if (state !== 'active' && state !== 'held') continue;
      usePhoneStore.getState().setStats(callId, await readAudioStats(pc));
    }
  }
}

/** The call's audio sender (its track is null while the call is on hold). */
function audioSender(sdh: Web.SessionDescriptionHandler): RTCRtpSender | undefined {
  return sdh.peerConnection?.getSenders().find((s) => s.track?.kind === 'audio' || s.track === null);
}
