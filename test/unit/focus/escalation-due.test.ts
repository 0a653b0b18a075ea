import { describe, expect, it } from 'vitest';
import { callKey, escalationDue, ticketKey, type EscalationSnapshot, type TimedCall } from '../../../src-main/focus/escalation-due.js';
import type { ActiveTicket, FocusState } from '../../../src-main/focus/types.js';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

const TICKET: ActiveTicket = { id: '1001', summary: 'VPN drops', company: 'Acme', contactName: 'Jane', contactNumbers: [], source: 'local' };
const OTHER: ActiveTicket = { ...TICKET, id: '1002', summary: 'printer' };

const onTicket = (since: number, ticket = TICKET): FocusState => ({ mode: 'ticket', ticket, since: at(since) });
const OFF: FocusState = { mode: 'off' };
const dndOver = (since: number): FocusState => ({ mode: 'dnd', until: null, since: at(since), resumeTicket: TICKET });

const call = (id: string, answeredMinute: number | null, state: TimedCall['state'] = 'active'): TimedCall => ({
  id,
  direction: 'incoming',
  remoteUri: `sip:${id}@pbx`,
  remoteName: id,
  state,
  answeredAt: answeredMinute === null ? null : at(answeredMinute).getTime(),
});

type Row = {
  name: string;
  now: number;
  focus?: FocusState;
  calls?: TimedCall[];
  afterMinutes?: number;
  snoozed?: Record<string, number>;
  acted?: string[];
  /** The prompt's key, or null for none. */
  prompt: string | null;
  minutes?: number;
  nextAt: number | null;
};

const ROWS: Row[] = [
  // The work session on the active ticket.
  { name: 'not yet: 14 minutes on the ticket', now: 14, focus: onTicket(0), prompt: null, nextAt: 15 },
  { name: 'due at 15 minutes on the ticket', now: 15, focus: onTicket(0), prompt: ticketKey('1001'), minutes: 15, nextAt: null },
  { name: 'still due later, with the minutes so far', now: 40.5, focus: onTicket(0), prompt: ticketKey('1001'), minutes: 40, nextAt: null },
  { name: 'a ticket switch starts a new count (since is the switch)', now: 20, focus: onTicket(10, OTHER), prompt: null, nextAt: 25 },
  { name: 'focus off: nothing to time', now: 60, focus: OFF, prompt: null, nextAt: null },
  { name: 'DND over a ticket: no work-session prompt', now: 60, focus: dndOver(0), prompt: null, nextAt: null },
  { name: 'the policy minutes count', now: 5, focus: onTicket(0), afterMinutes: 5, prompt: ticketKey('1001'), minutes: 5, nextAt: null },
  { name: '0 turns the rule off', now: 600, focus: onTicket(0), calls: [call('a', 0)], afterMinutes: 0, prompt: null, nextAt: null },
  // Snooze and acted on.
  { name: 'snoozed: not due until the snooze ends', now: 20, focus: onTicket(0), snoozed: { 'ticket:1001': 30 }, prompt: null, nextAt: 30 },
  { name: 'due again when the snooze ends', now: 30, focus: onTicket(0), snoozed: { 'ticket:1001': 30 }, prompt: ticketKey('1001'), minutes: 30, nextAt: null },
  { name: 'a snooze earlier than the rule changes nothing', now: 10, focus: onTicket(0), snoozed: { 'ticket:1001': 5 }, prompt: null, nextAt: 15 },
  { name: 'escalated: never due again in the session', now: 90, focus: onTicket(0), acted: ['ticket:1001'], prompt: null, nextAt: null },
  // One call about a problem.
  { name: 'a call answered 15 minutes ago is due', now: 15, focus: OFF, calls: [call('a', 0)], prompt: callKey('a'), minutes: 15, nextAt: null },
  { name: 'a call answered 10 minutes ago: due in 5', now: 10, focus: OFF, calls: [call('a', 0)], prompt: null, nextAt: 15 },
  { name: 'a held call still counts', now: 16, focus: OFF, calls: [call('a', 0, 'held')], prompt: callKey('a'), minutes: 16, nextAt: null },
  {
    name: 'ringing and dialling calls are not timed',
    now: 60,
    focus: OFF,
    calls: [call('r', null, 'ringing'), call('d', null, 'dialing')],
    prompt: null,
    nextAt: null,
  },
  { name: 'a call in DND is timed', now: 15, focus: dndOver(0), calls: [call('a', 0)], prompt: callKey('a'), minutes: 15, nextAt: null },
  { name: 'a call goes before the work session', now: 30, focus: onTicket(0), calls: [call('a', 12)], prompt: callKey('a'), minutes: 18, nextAt: null },
  { name: 'of two due calls, the one due first', now: 40, focus: OFF, calls: [call('late', 20), call('early', 5)], prompt: callKey('early'), nextAt: null },
  {
    name: 'a transferred call is not due; the work session still is',
    now: 30,
    focus: onTicket(0),
    calls: [call('a', 0)],
    acted: ['call:a'],
    prompt: ticketKey('1001'),
    nextAt: null,
  },
  { name: 'next time is the earliest to come', now: 10, focus: onTicket(0), calls: [call('a', 2)], prompt: null, nextAt: 15 },
  { name: 'a due ticket and a call still to come', now: 16, focus: onTicket(0), calls: [call('a', 10)], prompt: ticketKey('1001'), nextAt: 25 },
];

describe('escalationDue (the 15-minute rule)', () => {
  it.each(ROWS)('$name', (row) => {
    const snapshot: EscalationSnapshot = {
      now: at(row.now),
      afterMinutes: row.afterMinutes ?? 15,
      focus: row.focus ?? OFF,
      calls: row.calls ?? [],
      snoozedUntil: new Map(Object.entries(row.snoozed ?? {}).map(([k, m]) => [k, at(m)])),
      actedOn: new Set(row.acted ?? []),
    };
    const due = escalationDue(snapshot);
    expect(due.prompt?.key ?? null).toBe(row.prompt);
    if (row.minutes !== undefined) expect(due.prompt?.minutes).toBe(row.minutes);
    expect(due.nextAt?.getTime() ?? null).toBe(row.nextAt === null ? null : at(row.nextAt).getTime());
  });

  it('a call prompt carries the active ticket to escalate, and none without ticket focus', () => {
    const base = { now: at(20), afterMinutes: 15, calls: [call('a', 0)], snoozedUntil: new Map(), actedOn: new Set<string>() };
    expect(escalationDue({ ...base, focus: onTicket(10) }).prompt).toMatchObject({ why: 'call', ticket: TICKET, call: { id: 'a' } });
    expect(escalationDue({ ...base, focus: dndOver(0) }).prompt).toMatchObject({ why: 'call', ticket: null });
    expect(escalationDue({ ...base, focus: OFF }).prompt?.startedAt).toEqual(at(0));
  });

  it('a work-session prompt names its ticket and when it started and fell due', () => {
    const prompt = escalationDue({ now: at(15), afterMinutes: 15, focus: onTicket(0), calls: [], snoozedUntil: new Map(), actedOn: new Set() }).prompt;
    expect(prompt).toEqual({ key: 'ticket:1001', why: 'work-session', startedAt: at(0), dueAt: at(15), minutes: 15, ticket: TICKET, call: null });
  });
});
