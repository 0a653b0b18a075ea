import { describe, expect, it } from 'vitest';
import { glanceOf, type GlanceInput } from '../../../../src-shared/status/glance.js';

const clock = (iso: string) => iso.slice(11, 16);
const base: GlanceInput = { hostLost: false, registration: 'registered', activeCalls: 0, ringing: false, focus: { mode: 'off', ticketId: null, until: null } };
const focused = { mode: 'ticket' as const, ticketId: '1001', until: null };
const dnd = { mode: 'dnd' as const, ticketId: null, until: '2026-12-07T14:00:00.000Z' };

const cases: Array<[string, Partial<GlanceInput>, string, string]> = [
  ['registered, nothing else', {}, 'available', 'Available'],
  ['focused on a ticket', { focus: focused }, 'focused', 'Focused on #1001'],
  ['timed do-not-disturb', { focus: dnd }, 'dnd', 'Do not disturb until 14:00'],
  ['do-not-disturb until turned off', { focus: { ...dnd, until: null } }, 'dnd', 'Do not disturb'],
  ['a call outranks focus', { focus: focused, activeCalls: 1 }, 'on-call', 'On a call'],
  ['two calls', { activeCalls: 2 }, 'on-call', 'On 2 calls'],
  ['a call ringing', { ringing: true }, 'ringing', 'Incoming call'],
  ['a live call outranks another ringing', { ringing: true, activeCalls: 1 }, 'on-call', 'On a call'],
  ['a call outranks re-registering', { registration: 'reconnecting', activeCalls: 1 }, 'on-call', 'On a call'],
  ['reconnecting outranks DND: no call can arrive', { registration: 'reconnecting', focus: dnd }, 'reconnecting', 'Reconnecting…'],
  ['connecting', { registration: 'registering' }, 'connecting', 'Connecting…'],
  ['registration refused', { registration: 'failed' }, 'not-connected', 'Not connected'],
  ['offline', { registration: 'offline' }, 'offline', 'Offline'],
  ['no account yet', { registration: 'unconfigured', focus: focused }, 'not-set-up', 'Not set up'],
  ['host lost outranks everything', { hostLost: true, activeCalls: 1, focus: dnd }, 'host-lost', 'Focusline isn’t running'],
];

describe('the one state at a glance', () => {
  it.each(cases)('%s', (_name, patch, state, words) => {
    expect(glanceOf({ ...base, ...patch }, clock)).toEqual({ state, words });
  });
});
