/**
 * The names of everything that crosses between main and the renderer: the
 * one list. The contract (src-main/ipc/contract.ts) gives each name its zod
 * schemas and must cover exactly these (a type error otherwise). The
 * sandboxed preload can only `require('electron')`, so it reads the names
 * from here and never pulls the contract (and zod) in.
 */
export const COMMAND_NAMES = [
  'app.info',
  'app.rendererReady',
  'app.desktop',
  'app.answerFocusLink',
  'settings.get',
  'settings.saveAccount',
  'settings.saveDevices',
  'phone.get',
  'presence.get',
  'phone.call',
  'phone.callVoicemail',
  'phone.answer',
  'phone.decline',
  'phone.hangup',
  'phone.hold',
  'phone.mute',
  'phone.dtmf',
  'phone.transfer',
  'phone.reconnect',
  'media.attach',
  'media.reply',
  'history.list',
  'focus.get',
  'focus.startTicket',
  'focus.stop',
  'focus.dnd',
  'focus.getEscalation',
  'focus.snoozeEscalation',
  'focus.markEscalated',
  'tickets.list',
  'tickets.create',
  'callLog.list',
  'callLog.handle',
  'callLog.createTicket',
  'tickets.addNote',
  'tickets.escalate',
  'tickets.logCall',
  'calls.lookup',
  'handoffs.list',
  'handoffs.resend',
  'psa.status',
  'psa.forms',
  'psa.test',
  'psa.save',
  'psa.refresh',
  'voicemail.prepare',
  'voicemail.begin',
  'voicemail.append',
  'voicemail.finish',
  'voicemail.list',
  'voicemail.audio',
  'voicemail.handle',
  'voicemail.createTicket',
  'greetings.list',
  'greetings.audio',
  'greetings.beginSave',
  'greetings.savePart',
  'greetings.save',
  'greetings.delete',
  'policy.get',
  'reports.repeatCallers',
  'insights.get',
  'settings.setValue',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export const EVENT_NAMES = [
  'settings.changed',
  'app.desktopChanged',
  'app.show',
  'app.focusLink',
  'history.changed',
  'phone.dial',
  'phone.changed',
  'presence.changed',
  'media.request',
  'focus.changed',
  'tickets.changed',
  'calls.suppressed',
  'callLog.changed',
  'focus.digest',
  'focus.escalation',
  'policy.changed',
  'handoffs.changed',
  'psa.changed',
  'voicemail.changed',
  'reminders.due',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

const commandSet: ReadonlySet<string> = new Set(COMMAND_NAMES);
const eventSet: ReadonlySet<string> = new Set(EVENT_NAMES);

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && commandSet.has(name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && eventSet.has(name);
}

/** Electron IPC channel names; a fixed prefix lets the main side refuse anything else. */
export const channelFor = (name: CommandName | EventName): string => `focusline:${name}`;
