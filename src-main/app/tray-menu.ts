import type { PhoneStatus } from '../ipc/contract.js';

export const TRAY_STATES = ['offline', 'registering', 'available', 'focused', 'in-call', 'reconnecting', 'failed'] as const;
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

/** Focus as the tray needs it: off, or a label such as "Focused: #1042 Acme: printer down". */
export type TrayFocus = { mode: 'off' | 'ticket' | 'dnd'; label: string };
const NOT_FOCUSED: TrayFocus = { mode: 'off', label: 'Not focused' };

// Windows cuts tray tooltips at 127 characters.
const TOOLTIP_LIMIT = 127;

/** A live call outranks the registration state: calls carry on while the registration is being renewed. */
export function trayStateFor(status: PhoneStatus, focus: TrayFocus = NOT_FOCUSED): TrayState {
  if (status.activeCalls > 0 || status.ringing) return 'in-call';
  switch (status.registration) {
    case 'registered':
      return focus.mode === 'off' ? 'available' : 'focused';
    case 'registering':
    case 'reconnecting':
    case 'failed':
    case 'offline':
      return status.registration;
    case 'unconfigured':
      return 'offline';
  }
}

/** macOS draws *Template images in the menu bar's own colour; elsewhere the coloured icons. */
export function trayIconFile(state: TrayState, platform: NodeJS.Platform = 'linux'): string {
  return platform === 'darwin' ? `tray-${state}Template.png` : `tray-${state}.png`;
}

/** "3 calls to follow up" */
export function followUpLabel(count: number): string {
  return count === 1 ? '1 call to follow up' : `${count} calls to follow up`;
}

/** The one-line status the technician reads in the tooltip and at the top of the menu. */
export function trayStatusLabel(status: PhoneStatus): string {
  if (status.ringing) return 'Incoming call';
  if (status.activeCalls > 0) return status.activeCalls === 1 ? 'In a call' : `In ${status.activeCalls} calls`;
  const labels: Record<PhoneStatus['registration'], string> = {
    unconfigured: 'Not set up: open Focusline to add your phone account',
    offline: 'Offline',
    registering: 'Connecting…',
    registered: 'Available',
    reconnecting: 'Reconnecting…',
    failed: 'Not connected',
  };
  return labels[status.registration];
}

export function trayTooltip(status: PhoneStatus, focus: TrayFocus = NOT_FOCUSED, extras: TrayExtras = NO_EXTRAS): string {
  const detail = status.registration === 'failed' && status.detail ? `: ${status.detail}` : '';
  const focusText = focus.mode !== 'off' ? ` · ${focus.label}` : '';
  const followUps = extras.followUps > 0 ? ` · ${followUpLabel(extras.followUps)}` : '';
  const text = `Focusline: ${trayStatusLabel(status)}${detail}${focusText}${followUps}`;
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
    { label: trayStatusLabel(status), enabled: false },
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
