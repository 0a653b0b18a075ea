import { describe, expect, it } from 'vitest';
import { createEscalationDesk, escalationNotice } from '../../../src-main/focus/escalation-desk.js';
import type { TimedCall } from '../../../src-main/focus/escalation-due.js';
import { FocusSession } from '../../../src-main/focus/focus-session.js';
import type { ActiveTicket, DirectoryEntry } from '../../../src-main/focus/types.js';
import { EscalationViewSchema, type EscalationPrompt, type EscalationView } from '../../../src-main/ipc/contract.js';
import { ManualClock } from './manual-clock.js';

const TICKET: ActiveTicket = { id: '1001', summary: 'VPN drops', company: 'Acme', contactName: 'Jane', contactNumbers: [], source: 'local' };
const OTHER: ActiveTicket = { ...TICKET, id: '1002', summary: 'printer jam' };

function rig(settings: { minutes?: number; coworkersFromPsa?: boolean } = {}) {
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  const session = new FocusSession(clock);
  let calls: TimedCall[] = [];
  const values = {
    'focus.escalateAfterMinutes': settings.minutes ?? 15,
    'focus.redirectTarget': 'sip:manager@pbx.example.com',
    'directory.coworkers': [
      { name: 'Sam Okafor', extensions: ['2002'], sipUris: ['sip:sam@pbx.example.com'] },
      { name: 'Ana (no SIP)', numbers: ['+1 312 555 0100'] },
    ] as DirectoryEntry[],
    'psa.coworkersFromPsa': settings.coworkersFromPsa ?? false,
  };
  const pushed: EscalationView[] = [];
  const due: EscalationPrompt[] = [];
  const desk = createEscalationDesk({
    clock,
    settings: () => values,
    focusState: () => session.state,
    calls: () => calls,
    psaCoworkers: () => [{ name: 'Lee from the PSA', numbers: ['+1 312 555 0199'] }],
    bus: { emit: (name, payload) => void (name === 'focus.escalation' && pushed.push(EscalationViewSchema.parse(payload))) },
  });
  desk.onDue((p) => due.push(p));
  session.onChange(() => desk.refresh());
  return {
    clock,
    session,
    desk,
    values,
    pushed,
    due,
    setCalls(next: TimedCall[]) {
      calls = next;
      desk.refresh();
    },
    prompt: () => desk.view().prompt,
    snooze: (key: string) => desk.snooze(key),
    escalated: (key: string, ticketId?: string) => desk.markEscalated(key, ticketId),
  };
}

const answered = (id: string, at: Date, state: TimedCall['state'] = 'active'): TimedCall => ({
  id,
  direction: 'incoming',
  remoteUri: `sip:${id}@pbx.example.com`,
  remoteName: 'Jane Caller',
  state,
  answeredAt: at.getTime(),
});

describe('the escalation desk (the 15-minute rule on an injected clock)', () => {
  it('prompts after 15 minutes of work on the active ticket, pushes it once and asks for one notification', () => {
    const r = rig();
    r.session.startTicket(TICKET);
    r.clock.advanceMinutes(14);
    expect(r.prompt()).toBeNull();
    expect(r.due).toEqual([]);
    r.clock.advanceMinutes(1);
    expect(r.prompt()).toMatchObject({ key: 'ticket:1001', why: 'work-session', minutes: 15, ticket: { id: '1001' }, call: null });
    expect(r.due.map((p) => p.key)).toEqual(['ticket:1001']);
    expect(r.pushed.at(-1)?.prompt?.key).toBe('ticket:1001');
    expect(r.pushed.at(-1)?.serviceManager).toBe('sip:manager@pbx.example.com');
    r.desk.refresh();
    expect(r.due).toHaveLength(1);
    expect(escalationNotice(r.due[0]!)).toEqual({
      title: '15 minutes on #1001 Acme: VPN drops',
      body: 'Stuck? Ask a coworker or escalate the ticket (the 15-minute rule).',
    });
  });

  it('"Not yet" snoozes for another 15 minutes, then prompts (and notifies) again', () => {
    const r = rig();
    r.session.startTicket(TICKET);
    r.clock.advanceMinutes(15);
    expect(r.snooze('ticket:1001').prompt).toBeNull();
    r.clock.advanceMinutes(14);
    expect(r.prompt()).toBeNull();
    r.clock.advanceMinutes(1);
    expect(r.prompt()).toMatchObject({ key: 'ticket:1001', minutes: 30 });
    expect(r.due).toHaveLength(2);
  });

  it('escalated: the ticket does not prompt again in this work session, not even across do-not-disturb', () => {
    const r = rig();
    r.session.startTicket(TICKET);
    r.clock.advanceMinutes(15);
    expect(r.escalated('ticket:1001', '1001').prompt).toBeNull();
    r.session.startDnd({ minutes: 30 });
    r.clock.advanceMinutes(30);
    expect(r.session.state.mode).toBe('ticket');
    r.clock.advanceMinutes(60);
    expect(r.prompt()).toBeNull();
    expect(r.clock.pendingTimers).toBe(0);
  });

  it('a ticket switch starts a new count, and coming back later starts clean', () => {
    const r = rig();
    r.session.startTicket(TICKET);
    r.clock.advanceMinutes(10);
    r.session.startTicket(OTHER);
    r.clock.advanceMinutes(10);
    expect(r.prompt()).toBeNull();
    r.clock.advanceMinutes(5);
    expect(r.prompt()?.key).toBe('ticket:1002');
    r.escalated('ticket:1002', '1002');
    r.session.startTicket(TICKET);
    r.session.startTicket(OTHER);
    r.clock.advanceMinutes(15);
    expect(r.prompt()?.key).toBe('ticket:1002');
  });

  it('DND over a ticket holds the prompt back; the count starts again when focus returns', () => {
    const r = rig();
    r.session.startTicket(TICKET);
    r.clock.advanceMinutes(10);
    r.session.startDnd({ minutes: 20 });
    r.clock.advanceMinutes(20);
    expect(r.prompt()).toBeNull();
    r.clock.advanceMinutes(14);
    expect(r.prompt()).toBeNull();
    r.clock.advanceMinutes(1);
    expect(r.prompt()?.key).toBe('ticket:1001');
  });

  it('one call lasting 15 minutes prompts, with the active ticket to escalate; it goes when the call ends', () => {
    const r = rig();
    r.session.startTicket(TICKET);
    r.clock.advanceMinutes(5);
    r.setCalls([answered('c1', r.clock.now())]);
    r.clock.advanceMinutes(10);
    // The work session (15 min) is due first; the call is 10 minutes old.
    expect(r.prompt()?.key).toBe('ticket:1001');
    r.snooze('ticket:1001');
    r.clock.advanceMinutes(5);
    expect(r.prompt()).toMatchObject({ key: 'call:c1', why: 'call', minutes: 15, ticket: { id: '1001' }, call: { id: 'c1', remoteName: 'Jane Caller' } });
    expect(escalationNotice(r.prompt()!).title).toBe('15 minutes on the call with Jane Caller');
    r.setCalls([]);
    expect(r.prompt()).toBeNull();
  });

  it('a call without ticket focus: a prompt with no ticket; transferring it settles it', () => {
    const r = rig();
    r.setCalls([answered('c2', r.clock.now(), 'held')]);
    r.clock.advanceMinutes(15);
    expect(r.prompt()).toMatchObject({ key: 'call:c2', ticket: null });
    expect(r.escalated('call:c2').prompt).toBeNull();
    r.clock.advanceMinutes(60);
    expect(r.prompt()).toBeNull();
  });

  it('is off at 0 minutes, and follows a policy change at once', () => {
    const r = rig({ minutes: 0 });
    r.session.startTicket(TICKET);
    r.setCalls([answered('c3', r.clock.now())]);
    r.clock.advanceMinutes(120);
    expect(r.prompt()).toBeNull();
    expect(r.clock.pendingTimers).toBe(0);
    expect(r.desk.view().afterMinutes).toBe(0);
    r.values['focus.escalateAfterMinutes'] = 30;
    r.desk.refresh();
    expect(r.prompt()?.key).toBe('call:c3');
  });

  it('offers the directory’s coworkers (SIP URI first), and the PSA’s members when policy adds them', () => {
    expect(rig().desk.view().coworkers).toEqual([
      { name: 'Sam Okafor', target: 'sip:sam@pbx.example.com' },
      { name: 'Ana (no SIP)', target: '+1 312 555 0100' },
    ]);
    expect(
      rig({ coworkersFromPsa: true })
        .desk.view()
        .coworkers.map((c) => c.name),
    ).toEqual(['Sam Okafor', 'Ana (no SIP)', 'Lee from the PSA']);
  });

  it('a listener that comes when a prompt is already due (a restart) hears of it at once; close stops the timer', () => {
    const r = rig();
    r.session.startTicket(TICKET);
    r.clock.advanceMinutes(20);
    const late: string[] = [];
    r.desk.onDue((p) => late.push(p.key));
    expect(late).toEqual(['ticket:1001']);
    r.snooze('ticket:1001');
    expect(r.clock.pendingTimers).toBe(1);
    r.desk.close();
    expect(r.clock.pendingTimers).toBe(0);
  });
});
