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

export type PhoneState = {
  registration: RegistrationState;
  detail: string;
  calls: CallView[];
  setRegistration(registration: RegistrationState, detail?: string): void;
  upsertCall(call: CallView): void;
  patchCall(id: string, patch: Partial<CallView>): void;
  removeCall(id: string): void;
};

export const usePhoneStore = create<PhoneState>((set) => ({
  registration: 'unconfigured',
  detail: '',
  calls: [],
  setRegistration: (registration, detail = '') => set({ registration, detail }),
  upsertCall: (call) =>
    set((s) => ({ calls: s.calls.some((c) => c.id === call.id) ? s.calls.map((c) => (c.id === call.id ? call : c)) : [...s.calls, call] })),
  patchCall: (id, patch) => set((s) => ({ calls: s.calls.map((c) => (c.id === id ? { ...c, ...patch } : c)) })),
  removeCall: (id) => set((s) => ({ calls: s.calls.filter((c) => c.id !== id) })),
}));
