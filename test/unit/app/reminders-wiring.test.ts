// Reminders as the app runs them: at the policy's odd hours while a call is
// waiting to be returned, never during a call or Focus (held, then sent once
// when it ends), and never when nothing is waiting. Injected clock, no sleeping.
// A call in progress needs a SIP peer, which unit tests don't start: the phone
// desk is the real one, but its status (what the reminders follow) is fed here.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Services } from '../../../src-main/app/services.js';
import type { CommandName, CommandRequest, PhoneStatus } from '../../../src-main/ipc/contract.js';
import type * as PhoneDeskModule from '../../../src-main/phone/phone-desk.js';
import { ManualClock } from '../focus/manual-clock.js';
import { routeOrThrow, startWebServices, writeManagedPolicy } from '../web-services.js';

const phoneStatus = vi.hoisted(() => {
  let current: PhoneStatus = { registration: 'registered', detail: '', activeCalls: 0, ringing: false };
  const listeners = new Set<(s: PhoneStatus) => void>();
  return {
    get current() {
      return current;
    },
    listeners,
    report(activeCalls: number) {
      current = { ...current, activeCalls };
      for (const listener of listeners) listener(current);
    },
  };
});

vi.mock('../../../src-main/phone/phone-desk.js', async (importOriginal) => {
  const real = await importOriginal<typeof PhoneDeskModule>();
  return {
    ...real,
    createPhoneDesk: (ports: Parameters<typeof real.createPhoneDesk>[0]) =>
      Object.defineProperties(real.createPhoneDesk(ports), {
        status: { get: () => phoneStatus.current },
        onStatus: {
          value: (listener: (s: PhoneStatus) => void) => {
            phoneStatus.listeners.add(listener);
            return () => phoneStatus.listeners.delete(listener);
          },
        },
      }),
  };
});

let dir: string;
let services: Services;
const clock = new ManualClock('2026-11-23T10:30:00Z'); // a Monday
const reminders: { count: number; delayed: boolean; at: string }[] = [];
const texts: string[] = [];

const call = <K extends CommandName>(name: K, request: CommandRequest<K>) => routeOrThrow(services, name, request);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fl-reminders-'));
  await writeManagedPolicy(dir, {
    'hours.timeZone': 'UTC',
    'hours.weekly': { mon: [{ start: '09:00', end: '17:00' }] },
    'reminders.schedule': 'odd-hours',
    'focus.action': 'silent',
  });
  services = await startWebServices(dir, { clock });
  services.bus.subscribe((name, payload) => {
    if (name !== 'reminders.due') return;
    const { count, delayed } = payload as { count: number; delayed: boolean };
    reminders.push({ count, delayed, at: clock.now().toISOString() });
    texts.push((payload as { text: string }).text);
  });
});

afterAll(async () => {
  await services?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('reminders', () => {
  it('stay quiet at 11:00 when nothing is waiting', async () => {
    clock.advance(30 * 60_000);
    expect(reminders).toEqual([]);
  });

  it('remind at 13:00 about a call held back by Focus, once Focus is off', async () => {
    await call('focus.dnd', { minutes: 30 });
    const decision = services.screenCall({
      callId: 'c1',
      fromUri: 'sip:+15550101@pbx',
      fromUser: '+15550101',
      displayName: 'Alice',
      assertedIdentity: null,
      toUri: 'sip:tech@pbx',
    });
    expect(decision.action).toBe('silent');
    clock.advance(60 * 60_000); // 12:00: DND has ended by itself at 11:30
    expect(reminders).toEqual([]);
    clock.advance(60 * 60_000);
    expect(reminders).toEqual([{ count: 1, delayed: false, at: '2026-11-23T13:00:00.000Z' }]);
    expect(texts.at(-1)).toBe('1 call to return today (voicemail or a missed call).');
  });

  it('never during a call: the 15:00 reminder waits for the call to end', async () => {
    phoneStatus.report(1);
    expect(services.phoneStatus.activeCalls).toBe(1);
    clock.advance(2 * 60 * 60_000); // 15:00
    expect(reminders).toHaveLength(1);
    clock.advance(10 * 60_000);
    phoneStatus.report(0);
    expect(reminders.at(-1)).toEqual({ count: 1, delayed: true, at: '2026-11-23T15:10:00.000Z' });
  });

  it('stop once the call is returned', async () => {
    const attempt = (await call('callLog.list', { limit: 10, unhandledOnly: true })).attempts[0];
    if (!attempt) throw new Error('no attempt');
    await call('callLog.handle', { attemptId: attempt.id, how: 'called-back' });
    const before = reminders.length;
    clock.advance(2 * 60 * 60_000); // 17:10
    expect(reminders).toHaveLength(before);
  });
});
