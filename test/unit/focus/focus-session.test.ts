import { describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../../src-shared/time/clock.js';
import { FocusSession, type FocusChange, type FocusPeriod } from '../../../src-main/focus/focus-session.js';
import type { ActiveTicket, FocusState } from '../../../src-main/focus/types.js';
import { ManualClock } from './manual-clock.js';

const START = '2026-06-01T14:00:00.000Z';
const t = (minutes: number) => new Date(new Date(START).getTime() + minutes * 60_000);

const ticket = (id: string, more: Partial<ActiveTicket> = {}): ActiveTicket => ({
  id,
  summary: 'printer down',
  company: 'Acme',
  contactName: 'Carol',
  contactNumbers: ['(555) 010-1234'],
  source: 'local',
  ...more,
});
const T1042 = ticket('1042');
const T2001 = ticket('2001', { summary: 'VPN flaps' });

function setup(restored?: FocusState) {
  const clock = new ManualClock(START);
  const session = new FocusSession(clock, restored);
  const changes: FocusChange[] = [];
  const ended: FocusPeriod[] = [];
  session.onChange((c) => changes.push(c));
  session.onFocusEnded((p) => ended.push(p));
  const modes = () => changes.map((c) => c.next.mode);
  return { clock, session, changes, ended, modes };
}

describe('FocusSession', () => {
  it('starts off', () => {
    expect(setup().session.state).toEqual({ mode: 'off' });
  });

  describe('ticket focus', () => {
    it('starts a ticket and tells listeners the previous and next state', () => {
      const { session, changes } = setup();
      session.startTicket(T1042);
      expect(session.state).toEqual({ mode: 'ticket', ticket: T1042, since: t(0) });
      expect(changes).toEqual([{ previous: { mode: 'off' }, next: { mode: 'ticket', ticket: T1042, since: t(0) } }]);
    });

    it('says nothing when the same ticket is started again unchanged (the watcher polls)', () => {
      const { session, clock, changes } = setup();
      session.startTicket(T1042);
      clock.advanceMinutes(5);
      session.startTicket(ticket('1042'));
      expect(changes).toHaveLength(1);
    });

    it("updates the same ticket's details and keeps its start", () => {
      const { session, clock, changes } = setup();
      session.startTicket(T1042);
      clock.advanceMinutes(5);
      session.startTicket(ticket('1042', { contactNumbers: ['(555) 010-1234', '555.0177'] }));
      expect(changes).toHaveLength(2);
      expect(session.state).toMatchObject({ mode: 'ticket', since: t(0), ticket: { contactNumbers: ['(555) 010-1234', '555.0177'] } });
    });

    it('switches tickets without ending focus', () => {
      const { session, clock, ended } = setup();
      session.startTicket(T1042);
      clock.advanceMinutes(10);
      session.startTicket(T2001);
      expect(session.state).toEqual({ mode: 'ticket', ticket: T2001, since: t(10) });
      expect(ended).toEqual([]);
    });

    it('stops the active ticket and emits the focus period for the digest', () => {
      const { session, clock, ended } = setup();
      session.startTicket(T1042);
      clock.advanceMinutes(45);
      session.stopTicket('1042');
      expect(session.state).toEqual({ mode: 'off' });
      expect(ended).toEqual([{ started: t(0), endedAt: t(45), ticketId: '1042' }]);
    });

    it('ignores stopping a ticket that is not the active one', () => {
      const { session, changes, ended } = setup();
      session.startTicket(T1042);
      session.stopTicket('2001');
      expect(session.state.mode).toBe('ticket');
      expect(changes).toHaveLength(1);
      expect(ended).toEqual([]);
    });

    it('stops whatever ticket is active when no id is given', () => {
      const { session } = setup();
      session.startTicket(T1042);
      session.stopTicket();
      expect(session.state).toEqual({ mode: 'off' });
    });

    it('does nothing when stopping with no ticket', () => {
      const { session, changes } = setup();
      session.stopTicket();
      session.stopTicket('1042');
      expect(changes).toEqual([]);
    });
  });

  describe('do not disturb', () => {
    it('runs for some minutes and ends by itself at its time', () => {
      const { session, clock, modes, ended } = setup();
      session.startDnd({ minutes: 30 });
      expect(session.state).toEqual({ mode: 'dnd', until: t(30), since: t(0) });
      clock.advanceMinutes(29);
      expect(session.state.mode).toBe('dnd');
      clock.advanceMinutes(1);
      expect(session.state).toEqual({ mode: 'off' });
      expect(modes()).toEqual(['dnd', 'off']);
      expect(ended).toEqual([{ started: t(0), endedAt: t(30) }]);
    });

    it('ends at its time when the timer fires late (the computer slept), not when it woke', () => {
      const { session, clock, ended } = setup();
      session.startDnd({ minutes: 30 });
      clock.wakeAfter(3 * 60 * 60_000);
      expect(session.state).toEqual({ mode: 'off' });
      expect(ended).toEqual([{ started: t(0), endedAt: t(30) }]);
    });

    it('hands back to the waiting ticket from its time when the timer fires late', () => {
      const { session, clock, ended } = setup();
      session.startTicket(T1042);
      session.startDnd({ minutes: 30 });
      clock.wakeAfter(3 * 60 * 60_000);
      expect(session.state).toEqual({ mode: 'ticket', ticket: T1042, since: t(30) });
      session.stopTicket();
      expect(ended).toEqual([{ started: t(0), endedAt: t(180), ticketId: '1042' }]);
    });

    it('runs until a given time', () => {
      const { session, clock } = setup();
      session.startDnd({ until: t(90) });
      clock.advanceMinutes(90);
      expect(session.state).toEqual({ mode: 'off' });
    });

    it('runs until turned off, with no timer', () => {
      const { session, clock } = setup();
      session.startDnd('until-off');
      expect(clock.pendingTimers).toBe(0);
      clock.advanceMinutes(60 * 24 * 365);
      expect(session.state).toEqual({ mode: 'dnd', until: null, since: t(0) });
      session.endDnd();
      expect(session.state).toEqual({ mode: 'off' });
    });

    it('re-aims when DND is started again, keeping its start', () => {
      const { session, clock, modes } = setup();
      session.startDnd({ minutes: 30 });
      clock.advanceMinutes(10);
      session.startDnd({ minutes: 60 });
      clock.advanceMinutes(25); // past the first end
      expect(session.state).toEqual({ mode: 'dnd', until: t(70), since: t(0) });
      clock.advanceMinutes(35);
      expect(modes()).toEqual(['dnd', 'dnd', 'off']);
    });

    it.each([
      [{ minutes: 0 }, /positive number of minutes/],
      [{ minutes: Number.NaN }, /positive number of minutes/],
      [{ until: t(0) }, /already passed/],
      [{ until: t(-5) }, /already passed/],
    ])('refuses %j and changes nothing', (length, message) => {
      const { session, changes } = setup();
      expect(() => session.startDnd(length)).toThrow(message);
      expect(session.state).toEqual({ mode: 'off' });
      expect(changes).toEqual([]);
    });

    it('ignores endDnd when DND is not on', () => {
      const { session, changes } = setup();
      session.startTicket(T1042);
      session.endDnd();
      expect(changes).toHaveLength(1);
    });
  });

  describe('DND and ticket focus together', () => {
    it('puts DND over ticket focus and returns to the ticket when DND ends', () => {
      const { session, clock, ended } = setup();
      session.startTicket(T1042);
      clock.advanceMinutes(10);
      session.startDnd({ minutes: 30 });
      expect(session.state).toEqual({ mode: 'dnd', until: t(40), since: t(10), resumeTicket: T1042 });
      clock.advanceMinutes(5);
      session.endDnd();
      expect(session.state).toEqual({ mode: 'ticket', ticket: T1042, since: t(15) });
      expect(ended).toEqual([]);
    });

    it('returns to the ticket when DND expires by itself', () => {
      const { session, clock } = setup();
      session.startTicket(T1042);
      session.startDnd({ minutes: 30 });
      clock.advanceMinutes(30);
      expect(session.state).toEqual({ mode: 'ticket', ticket: T1042, since: t(30) });
    });

    it('ends DND when a ticket is started during it, and cancels its timer', () => {
      const { session, clock, modes } = setup();
      session.startDnd({ minutes: 30 });
      clock.advanceMinutes(5);
      session.startTicket(T1042);
      expect(session.state).toEqual({ mode: 'ticket', ticket: T1042, since: t(5) });
      clock.advanceMinutes(60);
      expect(modes()).toEqual(['dnd', 'ticket']);
    });

    it('starting a ticket during DND replaces the ticket waiting under it', () => {
      const { session } = setup();
      session.startTicket(T1042);
      session.startDnd('until-off');
      session.startTicket(T2001);
      expect(session.state).toMatchObject({ mode: 'ticket', ticket: { id: '2001' } });
    });

    it('stopping the waiting ticket during DND keeps DND, and DND then ends to off', () => {
      const { session, clock, ended } = setup();
      session.startTicket(T1042);
      clock.advanceMinutes(10);
      session.startDnd({ minutes: 30 });
      session.stopTicket('1042');
      expect(session.state).toEqual({ mode: 'dnd', until: t(40), since: t(10) });
      clock.advanceMinutes(30);
      expect(session.state).toEqual({ mode: 'off' });
      expect(ended).toEqual([{ started: t(0), endedAt: t(40), ticketId: '1042' }]);
    });

    it('ignores stopping another ticket during DND', () => {
      const { session } = setup();
      session.startTicket(T1042);
      session.startDnd('until-off');
      session.stopTicket('2001');
      expect(session.state).toMatchObject({ mode: 'dnd', resumeTicket: { id: '1042' } });
    });

    it('a break ends DND and the waiting ticket together', () => {
      const { session, clock, ended } = setup();
      session.startTicket(T1042);
      session.startDnd({ minutes: 30 });
      clock.advanceMinutes(3);
      session.takeBreak();
      expect(session.state).toEqual({ mode: 'off' });
      expect(clock.pendingTimers).toBe(0);
      expect(ended).toEqual([{ started: t(0), endedAt: t(3), ticketId: '1042' }]);
    });

    it('counts ticket → DND → ticket → other ticket → off as one focus period', () => {
      const { session, clock, ended } = setup();
      session.startTicket(T1042);
      clock.advanceMinutes(10);
      session.startDnd({ minutes: 20 });
      clock.advanceMinutes(20);
      session.startTicket(T2001);
      clock.advanceMinutes(15);
      session.takeBreak();
      expect(ended).toEqual([{ started: t(0), endedAt: t(45), ticketId: '2001' }]);
    });
  });

  describe('a break', () => {
    it('ends ticket focus', () => {
      const { session, ended } = setup();
      session.startTicket(T1042);
      session.takeBreak();
      expect(session.state).toEqual({ mode: 'off' });
      expect(ended).toHaveLength(1);
    });

    it('does nothing when already off', () => {
      const { session, changes, ended } = setup();
      session.takeBreak();
      expect(changes).toEqual([]);
      expect(ended).toEqual([]);
    });
  });

  describe('restored after a restart', () => {
    it('keeps a DND that has time left and ends it on time', () => {
      const { session, clock } = setup({ mode: 'dnd', until: t(20), since: t(-10) });
      expect(session.state.mode).toBe('dnd');
      clock.advanceMinutes(20);
      expect(session.state).toEqual({ mode: 'off' });
    });

    it('drops a DND that ran out while the app was closed, back to its ticket if it had one', () => {
      expect(setup({ mode: 'dnd', until: t(-1), since: t(-30) }).session.state).toEqual({ mode: 'off' });
      expect(setup({ mode: 'dnd', until: t(-1), since: t(-30), resumeTicket: T1042 }).session.state).toEqual({ mode: 'ticket', ticket: T1042, since: t(-1) });
    });

    it('reports the restored period when it ends', () => {
      const { session, ended } = setup({ mode: 'ticket', ticket: T1042, since: t(-60) });
      session.stopTicket();
      expect(ended).toEqual([{ started: t(-60), endedAt: t(0), ticketId: '1042' }]);
    });
  });

  describe('listeners', () => {
    it('stop hearing after unsubscribing', () => {
      const { session } = setup();
      const listener = vi.fn();
      const off = session.onChange(listener);
      off();
      session.startTicket(T1042);
      expect(listener).not.toHaveBeenCalled();
    });

    it('one that throws neither stops the others nor the change, and the error reaches the caller', () => {
      const { session, changes, ended } = setup();
      session.startTicket(T1042);
      session.onChange(() => {
        throw new Error('listener broke');
      });
      expect(() => session.stopTicket()).toThrow('listener broke');
      expect(session.state).toEqual({ mode: 'off' });
      expect(changes).toHaveLength(2);
      expect(ended).toHaveLength(1);
    });

    it('hear nothing after dispose, and no timer is left', () => {
      const { session, clock, changes } = setup();
      session.startDnd({ minutes: 5 });
      session.dispose();
      clock.advanceMinutes(10);
      expect(changes).toHaveLength(1);
      expect(clock.pendingTimers).toBe(0);
    });
  });

  it('ignores a stale DND timer that fires after the state moved on', () => {
    // A clock whose cancel does nothing: the timer fires anyway.
    const timers: (() => void)[] = [];
    let now = new Date(START);
    const leaky: Clock = { now: () => now, setTimer: (_at, fn) => (timers.push(fn), () => undefined) };
    const session = new FocusSession(leaky);
    session.startDnd({ minutes: 30 });
    session.startTicket(T1042);
    now = t(30);
    for (const fire of timers) fire();
    expect(session.state).toMatchObject({ mode: 'ticket', ticket: { id: '1042' } });
  });
});
