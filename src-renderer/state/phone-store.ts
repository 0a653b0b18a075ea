import { create } from 'zustand';
import type { RegistrationState } from '../../src-main/ipc/contract.js';

export type CallState = 'deciding' | 'ringing' | 'dialing' | 'early' | 'active' | 'held' | 'ended';

export type AudioStats = { packetsIn: number; packetsOut: number; packetsLost: number; jitterMs: number };

export type CallView = {
  id: string;
  direction: 'incoming' | 'outgoing';
  remoteUri: string;
  remoteName: string;
  state: CallState;
  /** Shown to the tech but not rung (a policy decision). */
  silent: boolean;
  muted: boolean;
  startedAt: number;
  answeredAt: number | null;
  reason: string;
  stats: AudioStats | null;
};

/**
 * The PBX's message-waiting indicator, when policy subscribes to it.
 * 'pending' until the first NOTIFY; 'unavailable' when the PBX refused or
 * dropped the subscription (calls are unaffected).
 */
export type MwiView = {
  state: 'pending' | 'active' | 'unavailable';
  waiting: boolean;
  newCount: number;
  oldCount: number;
  /** What "Call voicemail" dials; '' = no number set by policy. */
  accessNumber: string;
};

export type PhoneState = {
  registration: RegistrationState;
  detail: string;
  calls: CallView[];
  /** null: not subscribed (policy off, or the phone is not running). */
  mwi: MwiView | null;
  /** Dials the voicemail access number through the phone; set by the running phone. */
  dialVoicemail: (() => Promise<void>) | null;
  setRegistration(registration: RegistrationState, detail?: string): void;
  setMwi(mwi: MwiView | null): void;
  setVoicemailDialer(dial: (() => Promise<void>) | null): void;
  upsertCall(call: CallView): void;
  patchCall(id: string, patch: Partial<CallView>): void;
  removeCall(id: string): void;
};

export const usePhoneStore = create<PhoneState>((set) => ({
  registration: 'unconfigured',
  detail: '',
  calls: [],
  mwi: null,
  dialVoicemail: null,
  setRegistration: (registration, detail = '') => set({ registration, detail }),
  setMwi: (mwi) => set({ mwi }),
  setVoicemailDialer: (dialVoicemail) => set({ dialVoicemail }),
  upsertCall: (call) => set((s) => ({ calls: s.calls.some((c) => c.id === call.id) ? s.calls.map((c) => (c.id === call.id ? call : c)) : [...s.calls, call] })),
  patchCall: (id, patch) => set((s) => ({ calls: s.calls.map((c) => (c.id === id ? { ...c, ...patch } : c)) })),
  removeCall: (id) => set((s) => ({ calls: s.calls.filter((c) => c.id !== id) })),
}));
