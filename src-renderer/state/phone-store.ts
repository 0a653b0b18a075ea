import { create } from 'zustand';
import type { CallView as MainCallView, MwiView, PhoneView, RegistrationState } from '../../src-main/ipc/contract.js';

export type { MwiView };

export type CallState = MainCallView['state'];

/** energyIn: WebRTC's totalAudioEnergy of what was received (grows with loudness × time; flat while the far end is muted). */
export type AudioStats = { packetsIn: number; packetsOut: number; packetsLost: number; jitterMs: number; energyIn: number };

/** A call as main reports it, plus the audio stats this window measures on its own peer connection. */
export type CallView = MainCallView & { stats: AudioStats | null };

export type PhoneState = {
  registration: RegistrationState;
  detail: string;
  calls: CallView[];
  /** null: not subscribed (policy off, or the phone is not running). */
  mwi: MwiView | null;
  /** What main says about the phone that the tech should see (a restart waiting for a call to end, voicemail audio blocked). */
  notice: string | null;
  /** Which window carries the calls' audio (main's media endpoint id). */
  mediaEndpoint: string | null;
  stats: Record<string, AudioStats>;
  /** Dials the voicemail access number through main's phone; set once the session is up. */
  dialVoicemail: (() => Promise<void>) | null;
  setVoicemailDialer(dial: (() => Promise<void>) | null): void;
  /** main's phone.changed: the phone as main runs it. */
  setPhone(view: PhoneView): void;
  setStats(id: string, stats: AudioStats): void;
  /** Ended calls the tech has logged on a ticket or waved away (the wrap-up card shows each call once). */
  wrappedUp: readonly string[];
  /** Calls that left the phone, newest first (at most 50): the history may not have them yet. */
  ended: readonly string[];
  wrapUp(callId: string): void;
};

const withStats = (calls: readonly MainCallView[], stats: Record<string, AudioStats>): CallView[] => calls.map((c) => ({ ...c, stats: stats[c.id] ?? null }));

/** The phone's face: written only from main's phone.changed and this window's media stats. */
export const usePhoneStore = create<PhoneState>((set) => ({
  registration: 'unconfigured',
  detail: '',
  calls: [],
  mwi: null,
  notice: null,
  mediaEndpoint: null,
  stats: {},
  dialVoicemail: null,
  wrappedUp: [],
  ended: [],
  wrapUp: (callId) => set((s) => ({ wrappedUp: [callId, ...s.wrappedUp].slice(0, 50) })),
  setVoicemailDialer: (dialVoicemail) => set({ dialVoicemail }),
  setPhone: (view) =>
    set((s) => {
      const live = new Set(view.calls.map((c) => c.id));
      const stats = Object.fromEntries(Object.entries(s.stats).filter(([id]) => live.has(id)));
      const gone = s.calls.filter((c) => !live.has(c.id)).map((c) => c.id);
      return {
        ...(gone.length > 0 && { ended: [...gone, ...s.ended].slice(0, 50) }),
        registration: view.registration,
        detail: view.detail,
        mwi: view.mwi,
        notice: view.notice,
        mediaEndpoint: view.mediaEndpoint,
        stats,
        calls: withStats(view.calls, stats),
      };
    }),
  setStats: (id, next) =>
    set((s) => {
      if (!s.calls.some((c) => c.id === id)) return {};
      const stats = { ...s.stats, [id]: next };
      return { stats, calls: withStats(s.calls, stats) };
    }),
}));
