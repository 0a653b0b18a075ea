import { ticketLabel } from '../focus/ticket-label.js';
import type { FocusState, SuppressAction } from '../focus/types.js';
import type { CallView } from '../ipc/contract.js';
import type { OwnPresence } from './presence-document.js';

/** What the tech's own presence is made from: one snapshot, no clock of its own. */
export type OwnPresenceInput = {
  now: Date;
  focus: FocusState;
  /** The calls on screen (PhoneView.calls). */
  calls: readonly Pick<CallView, 'state' | 'silent' | 'direction'>[];
  /** Policy focus.action and whether a redirect target is set: the note says where calls go. */
  focusAction: SuppressAction;
  hasRedirectTarget: boolean;
  /** The service manager's presence says offline: the decision sends held-back calls to voicemail instead. */
  redirectTargetOffline: boolean;
  /** Policy presence.shareTicketSummary: off, coworkers read "Focused on a ticket", never its summary. */
  shareTicketSummary: boolean;
  /** For "Do not disturb until 14:00"; the system's zone when not given. */
  timeZone?: string;
};

/**
 * What Focusline publishes about its tech. Pure. Precedence, first that
 * applies wins: on a call (talking, dialling, on hold), a call ringing,
 * do not disturb, focused on a ticket, available. A DND whose time has come
 * is already over, as in focus/decide.ts.
 */
export function ownPresence(input: OwnPresenceInput): OwnPresence {
  const { calls, focus, now } = input;
  if (calls.some((c) => c.state !== 'ringing')) return { state: 'on-call', note: 'On a call' };
  if (calls.some((c) => c.state === 'ringing' && c.direction === 'incoming' && !c.silent)) return { state: 'ringing', note: 'A call is ringing' };
  const dndOver = focus.mode === 'dnd' && focus.until !== null && focus.until.getTime() <= now.getTime();
  if (focus.mode === 'dnd' && !dndOver) {
    return { state: 'dnd', note: focus.until === null ? 'Do not disturb' : `Do not disturb until ${clockTime(focus.until, input.timeZone)}` };
  }
  const ticket = focus.mode === 'ticket' ? focus.ticket : focus.mode === 'dnd' ? focus.resumeTicket : undefined;
  if (ticket) {
    const what = input.shareTicketSummary ? ticketLabel(ticket) : 'a ticket';
    return { state: 'focused', note: `Focused on ${what}: ${whereCallsGo(input)}` };
  }
  return { state: 'available', note: '' };
}

function whereCallsGo({ focusAction, hasRedirectTarget, redirectTargetOffline }: OwnPresenceInput): string {
  switch (focusAction) {
    case 'redirect':
      // As focus/decide.ts does: a manager who shows offline gets no calls, voicemail does.
      return hasRedirectTarget && !redirectTargetOffline ? 'calls go to the service manager' : 'calls go to voicemail';
    case 'voicemail':
      return 'calls go to voicemail';
    case 'busy':
      return 'calls get a busy signal';
    case 'silent':
      return 'calls are shown without ringing';
  }
}

/** "14:00": 24-hour local time, the way an office reads a door sign. */
function clockTime(at: Date, timeZone: string | undefined): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, ...(timeZone ? { timeZone } : {}) }).format(at);
}
