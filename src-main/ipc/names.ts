import type { CommandName, EventName } from './contract.js';

/**
 * The contract's names without its zod schemas. The sandboxed preload can
 * only `require('electron')`, so it must not pull contract.ts (and zod) in.
 * Type-only imports keep this file free of runtime dependencies; the
 * compile-time checks below and a unit test keep the lists equal to the contract.
 */
export const COMMAND_NAMES = [
  'app.info',
  'app.rendererReady',
  'settings.get',
  'settings.saveAccount',
  'settings.saveDevices',
  'phone.credentials',
  'phone.reportStatus',
  'calls.decide',
  'calls.decisionFallback',
  'history.record',
  'history.list',
  'focus.get',
  'focus.startTicket',
  'focus.stop',
  'focus.dnd',
  'tickets.list',
  'tickets.create',
  'callLog.list',
  'callLog.handle',
  'callLog.createTicket',
  'tickets.addNote',
  'calls.lookup',
  'handoffs.list',
  'handoffs.resend',
  'psa.status',
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
  'greetings.save',
  'greetings.delete',
  'policy.get',
  'reports.repeatCallers',
  'settings.setValue',
] as const satisfies readonly CommandName[];

export const EVENT_NAMES = [
  'settings.changed',
  'history.changed',
  'phone.dial',
  'phone.reconnectNow',
  'focus.changed',
  'tickets.changed',
  'calls.suppressed',
  'callLog.changed',
  'focus.digest',
  'policy.changed',
  'handoffs.changed',
  'psa.changed',
  'voicemail.changed',
  'reminders.due',
] as const satisfies readonly EventName[];

// A contract name missing from a list turns one of these into an error.
type MissingCommands = Exclude<CommandName, (typeof COMMAND_NAMES)[number]>;
type MissingEvents = Exclude<EventName, (typeof EVENT_NAMES)[number]>;
const everyCommandListed: [MissingCommands] extends [never] ? true : MissingCommands = true;
const everyEventListed: [MissingEvents] extends [never] ? true : MissingEvents = true;
void everyCommandListed;
void everyEventListed;

const commandSet: ReadonlySet<string> = new Set(COMMAND_NAMES);
const eventSet: ReadonlySet<string> = new Set(EVENT_NAMES);

export function isListedCommand(name: unknown): name is CommandName {
  return typeof name === 'string' && commandSet.has(name);
}

export function isListedEvent(name: unknown): name is EventName {
  return typeof name === 'string' && eventSet.has(name);
}

/** Same as contract.ts's channelFor; a test holds the two equal. */
export const ipcChannel = (name: CommandName | EventName): string => `focusline:${name}`;
