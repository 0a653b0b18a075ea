import { describe, expect, it } from 'vitest';
import type { ActiveTicket, FocusState } from '../../../src-main/focus/types.js';
import { ownPresence, type OwnPresenceInput } from '../../../src-main/phone/own-presence.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const TICKET: ActiveTicket = { id: '1042', summary: 'Printer down', company: 'Acme', contactName: 'Jane', contactNumbers: [], source: 'local' };
const FOCUSED: FocusState = { mode: 'ticket', ticket: TICKET, since: new Date('2026-03-10T11:00:00Z') };
const DND_UNTIL_2PM: FocusState = { mode: 'dnd', until: new Date('2026-03-10T14:00:00Z'), since: NOW };
const DND: FocusState = { mode: 'dnd', until: null, since: NOW };
const RINGING = { state: 'ringing', silent: false, direction: 'incoming' } as const;
const TALKING = { state: 'active', silent: false, direction: 'incoming' } as const;

const BASE: OwnPresenceInput = {
  now: NOW,
  focus: { mode: 'off' },
  calls: [],
  focusAction: 'redirect',
  hasRedirectTarget: true,
  redirectTargetOffline: false,
  shareTicketSummary: false,
  timeZone: 'UTC',
};
const own = (patch: Partial<OwnPresenceInput>) => ownPresence({ ...BASE, ...patch });

describe('ownPresence: what Focusline publishes about its tech (precedence: on a call, ringing, DND, focused, available)', () => {
  it.each<[string, Partial<OwnPresenceInput>, string, string]>([
    ['nothing going on', {}, 'available', ''],
    ['focused on a ticket, calls redirected', { focus: FOCUSED }, 'focused', 'Focused on a ticket: calls go to the service manager'],
    ['focused, calls to voicemail', { focus: FOCUSED, focusAction: 'voicemail' }, 'focused', 'Focused on a ticket: calls go to voicemail'],
    [
      'focused, redirect without a target goes to voicemail',
      { focus: FOCUSED, hasRedirectTarget: false },
      'focused',
      'Focused on a ticket: calls go to voicemail',
    ],
    [
      'focused, the service manager shows offline: calls go to voicemail',
      { focus: FOCUSED, redirectTargetOffline: true },
      'focused',
      'Focused on a ticket: calls go to voicemail',
    ],
    ['focused, busy', { focus: FOCUSED, focusAction: 'busy' }, 'focused', 'Focused on a ticket: calls get a busy signal'],
    ['focused, silent', { focus: FOCUSED, focusAction: 'silent' }, 'focused', 'Focused on a ticket: calls are shown without ringing'],
    [
      'focused, and policy shares the summary',
      { focus: FOCUSED, shareTicketSummary: true },
      'focused',
      'Focused on #1042 Acme: Printer down: calls go to the service manager',
    ],
    ['do not disturb until a time', { focus: DND_UNTIL_2PM }, 'dnd', 'Do not disturb until 14:00'],
    ['do not disturb in the tech’s time zone', { focus: DND_UNTIL_2PM, timeZone: 'America/New_York' }, 'dnd', 'Do not disturb until 10:00'],
    ['do not disturb until turned off', { focus: DND }, 'dnd', 'Do not disturb'],
    ['DND over a ticket is DND', { focus: { ...DND, resumeTicket: TICKET } }, 'dnd', 'Do not disturb'],
    [
      'a DND whose time has come is over: back to the ticket it was over',
      { focus: { ...DND_UNTIL_2PM, resumeTicket: TICKET }, now: new Date('2026-03-10T14:00:00Z') },
      'focused',
      'Focused on a ticket: calls go to the service manager',
    ],
    ['a DND whose time has come, with no ticket: available', { focus: DND_UNTIL_2PM, now: new Date('2026-03-10T15:00:00Z') }, 'available', ''],
    ['a call ringing', { calls: [RINGING] }, 'ringing', 'A call is ringing'],
    [
      'a call shown without ringing is not ringing',
      { calls: [{ ...RINGING, silent: true }], focus: FOCUSED },
      'focused',
      'Focused on a ticket: calls go to the service manager',
    ],
    ['on a call', { calls: [TALKING] }, 'on-call', 'On a call'],
    ['dialling out is on a call', { calls: [{ state: 'dialing', silent: false, direction: 'outgoing' }] }, 'on-call', 'On a call'],
    ['on hold is on a call', { calls: [{ ...TALKING, state: 'held' }] }, 'on-call', 'On a call'],
    ['on a call beats ringing, DND and focus', { calls: [RINGING, TALKING], focus: DND }, 'on-call', 'On a call'],
    ['ringing beats DND', { calls: [RINGING], focus: DND }, 'ringing', 'A call is ringing'],
  ])('%s', (_name, input, state, note) => {
    expect(own(input)).toEqual({ state, note });
  });

  it('never names the ticket unless policy allows it', () => {
    for (const focusAction of ['redirect', 'voicemail', 'busy', 'silent'] as const) {
      const { note } = own({ focus: FOCUSED, focusAction });
      expect(note).not.toMatch(/1042|Acme|Printer/);
    }
  });
});
