import type { RegistrationState } from '../vocabulary.js';

/**
 * The one state a tech reads at a glance, shared by the window's status line
 * and the tray icon so the two never disagree.
 *
 * Precedence, first match wins:
 * 1. host lost: nothing decides calls or keeps the log, so nothing below can be trusted;
 * 2. a call ringing or live: calls carry on while the registration is renewed;
 * 3. not set up, then a registration that isn't up (offline, connecting, reconnecting, failed):
 *    calls can't arrive, so focus would promise a quiet that is really silence;
 * 4. do-not-disturb, then focus on a ticket;
 * 5. available.
 */
export const GLANCE_STATES = [
  'host-lost',
  'ringing',
  'on-call',
  'not-set-up',
  'offline',
  'connecting',
  'reconnecting',
  'not-connected',
  'dnd',
  'focused',
  'available',
] as const;
export type GlanceState = (typeof GLANCE_STATES)[number];

export type GlanceInput = {
  /** Web mode: the window lost Focusline's host (main). Main itself always passes false. */
  hostLost: boolean;
  registration: RegistrationState;
  activeCalls: number;
  ringing: boolean;
  focus: { mode: 'off' | 'ticket' | 'dnd'; ticketId: string | null; until: string | null };
};

export type Glance = { state: GlanceState; words: string };

/** `clockTime` writes an ISO time as the tech reads a clock ("14:00"); handed in so this stays free of locale and I/O. */
export function glanceOf(input: GlanceInput, clockTime: (iso: string) => string): Glance {
  if (input.hostLost) return { state: 'host-lost', words: 'Focusline isn’t running' };
  if (input.ringing && input.activeCalls === 0) return { state: 'ringing', words: 'Incoming call' };
  if (input.activeCalls > 0) return { state: 'on-call', words: input.activeCalls === 1 ? 'On a call' : `On ${input.activeCalls} calls` };
  switch (input.registration) {
    case 'unconfigured':
      return { state: 'not-set-up', words: 'Not set up' };
    case 'offline':
      return { state: 'offline', words: 'Offline' };
    case 'registering':
      return { state: 'connecting', words: 'Connecting…' };
    case 'reconnecting':
      return { state: 'reconnecting', words: 'Reconnecting…' };
    case 'failed':
      return { state: 'not-connected', words: 'Not connected' };
    case 'registered':
      break;
  }
  const focus = input.focus;
  if (focus.mode === 'dnd') return { state: 'dnd', words: focus.until ? `Do not disturb until ${clockTime(focus.until)}` : 'Do not disturb' };
  if (focus.mode === 'ticket') return { state: 'focused', words: focus.ticketId ? `Focused on #${focus.ticketId}` : 'Focused' };
  return { state: 'available', words: 'Available' };
}

/** "14:00" in the machine's locale, as both the window and the tray show a time of day. */
export function clockTimeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
