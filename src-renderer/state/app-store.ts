import { create } from 'zustand';
import type {
  AttemptView,
  CallerMatchView,
  EscalationView,
  FocusView,
  HandoffView,
  HistoryEntry,
  PolicyView,
  PsaStatusView,
  SettingsView,
  TicketView,
  VoicemailView,
} from '../../src-main/ipc/contract.js';
import { messageOf } from '../../src-shared/errors.js';

export const FOCUS_OFF: FocusView = { mode: 'off', ticket: null, since: null, until: null, label: 'Not focused' };

export type AppState = {
  settings: SettingsView | null;
  history: HistoryEntry[];
  focus: FocusView;
  tickets: TicketView[];
  /** Calls that didn't ring (or rang unanswered) and still need the tech. */
  unhandled: AttemptView[];
  policy: PolicyView;
  /** "While you were focused: …", shown once when focus ends. */
  digest: string;
  /** A message for the tech about something they just tried, e.g. a call that could not start. */
  notice: string;
  /** How the notice reads: done (green), for information, or a problem to act on (the warning colour, announced at once). */
  noticeTone: NoticeTone;
  /** Handoffs to the PSA, newest first: queued, sent (with the ticket's link) or failed and why. */
  handoffs: HandoffView[];
  psa: PsaStatusView | null;
  /** Screen pops by call or contact-attempt id. */
  pops: Record<string, CallerMatchView>;
  /** Focusline's own voicemail: unhandled first. */
  voicemails: VoicemailView[];
  /** The 15-minute rule: main's prompt (null until loaded). */
  escalation: EscalationView | null;
  /** Web mode: whether Focusline's host (main) answers; lost when `npm run start:web` stopped. */
  host: 'connected' | 'lost';
  set(patch: Partial<Omit<AppState, 'set'>>): void;
  setSettings(settings: SettingsView): void;
  setHistory(history: HistoryEntry[]): void;
  setNotice(message: string, tone?: NoticeTone): void;
};

export type NoticeTone = 'ok' | 'info' | 'problem';

export const useAppStore = create<AppState>((set) => ({
  settings: null,
  history: [],
  focus: FOCUS_OFF,
  tickets: [],
  unhandled: [],
  policy: { entries: [], problems: [] },
  digest: '',
  notice: '',
  noticeTone: 'problem',
  handoffs: [],
  psa: null,
  pops: {},
  voicemails: [],
  escalation: null,
  host: 'connected',
  set: (patch) => set(patch),
  setSettings: (settings) => set({ settings }),
  setHistory: (history) => set({ history }),
  setNotice: (notice, noticeTone = 'problem') => set({ notice, noticeTone }),
}));

export function reportError(err: unknown): void {
  useAppStore.getState().setNotice(messageOf(err));
}
