import { describe, expect, it } from 'vitest';
import { ActiveTicketWatcher, nextPollDelayMs, watchAction, type WatchAction } from '../../../src-main/tickets/active-ticket-watcher.js';
import { PsaError, type PsaAdapter, type PsaTicket } from '../../../src-main/tickets/psa.js';
import { ManualClock } from '../focus/manual-clock.js';

const ticket = (id: string): PsaTicket => ({
  id,
  summary: `Ticket ${id}`,
  status: 'open',
  company: 'Acme',
  contactName: 'Alice',
  contactNumbers: ['+1 555 0101'],
  companyNumbers: [],
});
const T1 = ticket('1042');
const T2 = ticket('2001');

describe('watchAction: only changes in the PSA move Focus', () => {
  it('engages on the first look when the PSA says the tech is working on a ticket', () => {
    expect(watchAction(undefined, T1, undefined, true)).toEqual({ kind: 'engage', ticket: T1 });
  });
  it('does nothing while the PSA keeps saying the same ticket, so a Stop by hand holds', () => {
    expect(watchAction(T1, T1, undefined, true)).toEqual({ kind: 'none' });
  });
  it('switches when the PSA moves to another ticket', () => {
    expect(watchAction(T1, T2, '1042', true)).toEqual({ kind: 'engage', ticket: T2 });
  });
  it('does not re-engage a ticket Focus is already on', () => {
    expect(watchAction(null, T1, '1042', true)).toEqual({ kind: 'none' });
  });
  it('releases when work stops in the PSA, but only the ticket the PSA had', () => {
    expect(watchAction(T1, null, '1042', true)).toEqual({ kind: 'release', ticketId: '1042' });
    expect(watchAction(T1, null, '3003', true)).toEqual({ kind: 'none' });
    expect(watchAction(undefined, null, '3003', true)).toEqual({ kind: 'none' });
  });
  it('never acts when policy turns automatic Focus off', () => {
    expect(watchAction(undefined, T1, undefined, false)).toEqual({ kind: 'none' });
    expect(watchAction(T1, null, '1042', false)).toEqual({ kind: 'none' });
  });
});

describe('nextPollDelayMs: adaptive polling', () => {
  const pace = { baseMs: 20_000, maxMs: 300_000 };
  it('stays at the base pace while the PSA answers promptly', () => {
    expect(nextPollDelayMs(pace, 80_000, { ok: true, tookMs: 200 })).toBe(20_000);
  });
  it('doubles when the PSA is slow or failing, up to the cap', () => {
    expect(nextPollDelayMs(pace, 20_000, { ok: true, tookMs: 5_000 })).toBe(40_000);
    expect(nextPollDelayMs(pace, 20_000, { ok: false, error: new PsaError('unavailable', 'down') })).toBe(40_000);
    expect(nextPollDelayMs(pace, 250_000, { ok: false, error: new Error('x') })).toBe(300_000);
  });
  it("honours a 429's Retry-After when it asks for longer", () => {
    expect(nextPollDelayMs(pace, 20_000, { ok: false, error: new PsaError('rate-limited', 'slow down', { retryAfterMs: 120_000 }) })).toBe(120_000);
  });
});

describe('ActiveTicketWatcher', () => {
  function setup(answers: (PsaTicket | null | Error)[]) {
    const clock = new ManualClock('2026-11-23T10:00:00Z');
    const actions: WatchAction[] = [];
    let focused: string | undefined;
    let calls = 0;
    const adapter = {
      activeTicket: async () => {
        const answer = answers[Math.min(calls, answers.length - 1)];
        calls += 1;
        if (answer instanceof Error) throw answer;
        return answer ?? null;
      },
    } as unknown as PsaAdapter;
    const watcher = new ActiveTicketWatcher({
      adapter,
      clock,
      pace: () => ({ baseMs: 20_000, maxMs: 300_000 }),
      autoEngage: () => true,
      focusedTicketId: () => focused,
      act: (a) => {
        actions.push(a);
        focused = a.kind === 'engage' ? a.ticket.id : undefined;
      },
    });
    const tick = async (ms: number) => {
      clock.advance(ms);
      await new Promise((r) => setImmediate(r));
    };
    return { watcher, actions, tick, calls: () => calls, setFocused: (id: string | undefined) => (focused = id) };
  }

  it('engages, holds through a manual stop, then releases when the PSA stops', async () => {
    const s = setup([T1, T1, T1, null]);
    s.watcher.start();
    await s.tick(0);
    expect(s.actions).toEqual([{ kind: 'engage', ticket: T1 }]);
    s.setFocused(undefined); // the tech pressed Stop
    await s.tick(20_000);
    await s.tick(20_000);
    expect(s.actions).toHaveLength(1);
    s.setFocused('1042'); // and started it again by hand
    await s.tick(20_000);
    expect(s.actions).toEqual([
      { kind: 'engage', ticket: T1 },
      { kind: 'release', ticketId: '1042' },
    ]);
    s.watcher.stop();
  });

  it('backs off while the PSA is down and keeps the error for the status line', async () => {
    const s = setup([new PsaError('unavailable', 'RT had a server error (500).'), T1]);
    s.watcher.start();
    await s.tick(0);
    expect(s.watcher.current.lastError).toContain('500');
    expect(s.watcher.current.nextDelayMs).toBe(40_000);
    await s.tick(20_000);
    expect(s.calls()).toBe(1);
    await s.tick(20_000);
    expect(s.calls()).toBe(2);
    expect(s.watcher.current.lastError).toBeNull();
    expect(s.actions).toEqual([{ kind: 'engage', ticket: T1 }]);
    s.watcher.stop();
  });
});
