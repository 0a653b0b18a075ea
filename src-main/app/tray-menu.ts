import type { PhoneStatus } from '../ipc/contract.js';
import { clockTimeOf, glanceOf, type Glance, type GlanceState } from '../../src-shared/status/glance.js';

export const TRAY_STATES = ['offline', 'registering', 'available', 'focused', 'dnd', 'in-call', 'reconnecting', 'failed'] as const;
export type TrayState = (typeof TRAY_STATES)[number];

export type TrayMenuItem = { label: string; enabled?: boolean; click?: () => void } | { type: 'separator' };

export type TrayActions = {
  open: () => void;
  quit: () => void;
  endFocus?: () => void;
  dndOneHour?: () => void;
  /** Opens the window at the follow-up list. */
  openFollowUps?: () => void;
  /** An update is downloaded: "Restart to update", which waits for the call to end. */
  restartToUpdate?: () => void;
};

/** What the tray shows besides the phone and focus: calls to follow up, and an update ready to install. */
export type TrayExtras = { followUps: number; update: { label: string; enabled: boolean } | null };
const NO_EXTRAS: TrayExtras = { followUps: 0, update: null };

/** Focus as the tray needs it: off, or a label such as "Focused: #1042 Acme: printer down", the ticket and a timed DND's end. */
export type TrayFocus = { mode: 'off' | 'ticket' | 'dnd'; label: string; ticket?: { id: string } | null; until?: string | null };
const NOT_FOCUSED: TrayFocus = { mode: 'off', label: 'Not focused' };

// Windows cuts tray tooltips at 127 characters.
const TOOLTIP_LIMIT = 127;

/** The icon for each state the window's status line shows (src-shared/status/glance.ts): the tray mirrors it. */
const ICON_OF: Record<GlanceState, TrayState> = {
  'host-lost': 'failed',
  ringing: 'in-call',
  'on-call': 'in-call',
  'not-set-up': 'offline',
  offline: 'offline',
  connecting: 'registering',
  reconnecting: 'reconnecting',
  'not-connected': 'failed',
  dnd: 'dnd',
  focused: 'focused',
  available: 'available',
};

/** The glance of main itself: main is the host, so it is never lost. */
export function trayGlance(status: PhoneStatus, focus: TrayFocus = NOT_FOCUSED, clockTime: (iso: string) => string = clockTimeOf): Glance {
  return glanceOf(
    {
      hostLost: false,
      registration: status.registration,
      activeCalls: status.activeCalls,
      ringing: status.ringing,
      focus: { mode: focus.mode, ticketId: focus.ticket?.id ?? null, until: focus.until ?? null },
    },
    clockTime,
  );
}

export function trayStateFor(status: PhoneStatus, focus: TrayFocus = NOT_FOCUSED): TrayState {
  return ICON_OF[trayGlance(status, focus).state];
}

/** macOS draws *Template images in the menu bar's own colour; elsewhere the coloured icons. */
export function trayIconFile(state: TrayState, platform: NodeJS.Platform = 'linux'): string {
  return platform === 'darwin' ? `tray-${state}Template.png` : `tray-${state}.png`;
}

/** "3 calls to follow up" */
export function followUpLabel(count: number): string {
  return count === 1 ? '1 call to follow up' : `${count} calls to follow up`;
}

/** The one-line status the technician reads in the tooltip and at the top of the menu: the window's words. */
export function trayStatusLabel(status: PhoneStatus, focus: TrayFocus = NOT_FOCUSED): string {
  const glance = trayGlance(status, focus);
  // The tray has no window around it to set the account up in.
  return glance.state === 'not-set-up' ? 'Not set up: open Focusline to add your phone account' : glance.words;
}

export function trayTooltip(status: PhoneStatus, focus: TrayFocus = NOT_FOCUSED, extras: TrayExtras = NO_EXTRAS): string {
  const state = trayGlance(status, focus).state;
  const detail = status.registration === 'failed' && status.detail && state === 'not-connected' ? `: ${status.detail}` : '';
  // What focus is on, unless the status already says so.
  const focusText = focus.mode !== 'off' && state !== 'focused' && state !== 'dnd' ? ` · ${focus.label}` : '';
  const followUps = extras.followUps > 0 ? ` · ${followUpLabel(extras.followUps)}` : '';
  const text = `Focusline: ${trayStatusLabel(status, focus)}${detail}${focusText}${followUps}`;
  return text.length <= TOOLTIP_LIMIT ? text : `${text.slice(0, TOOLTIP_LIMIT - 1)}…`;
}

export function trayMenuTemplate(status: PhoneStatus, actions: TrayActions, focus: TrayFocus = NOT_FOCUSED, extras: TrayExtras = NO_EXTRAS): TrayMenuItem[] {
  const followUps: TrayMenuItem[] =
    extras.followUps > 0
      ? [{ label: followUpLabel(extras.followUps), ...(actions.openFollowUps ? { click: actions.openFollowUps } : { enabled: false }) }]
      : [];
  const update: TrayMenuItem[] =
    extras.update && actions.restartToUpdate ? [{ label: extras.update.label, enabled: extras.update.enabled, click: actions.restartToUpdate }] : [];
  return [
    { label: trayStatusLabel(status, focus), enabled: false },
    ...focusItems(focus, actions),
    ...followUps,
    { type: 'separator' },
    ...update,
    { label: 'Open Focusline', click: actions.open },
    { label: 'Quit Focusline', click: actions.quit },
  ];
}

function focusItems(focus: TrayFocus, actions: TrayActions): TrayMenuItem[] {
  if (focus.mode !== 'off') {
    const end = focus.mode === 'ticket' ? 'Stop work' : 'End do-not-disturb';
    return [{ label: focus.label, enabled: false }, ...(actions.endFocus ? [{ label: end, click: actions.endFocus }] : [])];
  }
  return actions.dndOneHour ? [{ label: 'Do not disturb for 1 hour', click: actions.dndOneHour }] : [];
}
