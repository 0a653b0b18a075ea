/**
 * PresenceWatch (src-main/phone/presence-watch.ts): who is offline, unknown
 * or there, from the NOTIFYs of one subscription per person, and when a
 * subscription is made again. Driven through a fake subscription that the
 * test answers as the presence server would; the sip.js Subscriber and
 * Kamailio themselves are covered by test/e2e/presence.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UserAgent } from 'sip.js';
import { pidfDocument } from '../../../src-main/phone/presence-document.js';
import type { PresenceSubscriptionEvents, OpenPresenceSubscription } from '../../../src-main/phone/presence-subscription.js';
import { PresenceWatch, type Watched } from '../../../src-main/phone/presence-watch.js';

type Fake = { uri: string; events: PresenceSubscriptionEvents; subscribes: number; disposed: boolean; active: boolean };

const MANAGER: Watched = { uri: 'sip:Manager@pbx.example.com', key: 'sip:manager@pbx.example.com', name: 'Service manager', role: 'service-manager' };
const DANA: Watched = { uri: 'sip:dana@pbx.example.com', key: 'sip:dana@pbx.example.com', name: 'Dana', role: 'coworker' };
const UA = {} as UserAgent;
const AVAILABLE = pidfDocument(MANAGER.uri, { state: 'available', note: '' });

let opened: Fake[];
let logs: string[];
let watch: PresenceWatch;

const open: OpenPresenceSubscription = (_ua, uri, events) => {
  const fake: Fake = { uri, events, subscribes: 0, disposed: false, active: false };
  opened.push(fake);
  return {
    subscribe: () => void fake.subscribes++,
    subscribed: () => fake.active && !fake.disposed,
    dispose: () => void (fake.disposed = true),
  };
};

/** The newest subscription to this address. */
const latest = (uri: string): Fake => {
  const found = opened.filter((f) => f.uri === uri).at(-1);
  if (!found) throw new Error(`no subscription to ${uri}`);
  return found;
};

function notify(uri: string, subscriptionState: string | undefined, body?: string): void {
  const fake = latest(uri);
  fake.active = subscriptionState === 'active';
  fake.events.notify({ body, subscriptionState });
}

/** Follows these people with the line up, past the spread of the first subscriptions. */
function start(people: Watched[]): void {
  watch.follow(people);
  watch.lineUp(UA);
  vi.advanceTimersByTime(2_000);
}

beforeEach(() => {
  vi.useFakeTimers();
  opened = [];
  logs = [];
  watch = new PresenceWatch(
    () => undefined,
    (m) => logs.push(m),
    open,
    () => 0.5,
  );
});

afterEach(() => {
  watch.lineDown();
  vi.useRealTimers();
});

describe('PresenceWatch: what a NOTIFY says', () => {
  it('an active subscription without a body is offline; a document with an open tuple is available', () => {
    start([DANA]);
    notify(DANA.uri, 'active');
    expect(watch.stateOf(DANA.key)).toBe('offline');
    notify(DANA.uri, 'active', AVAILABLE);
    expect(watch.stateOf(DANA.key)).toBe('available');
  });

  it('a pending subscription (not authorized yet) without a body is unknown, never offline', () => {
    start([MANAGER]);
    notify(MANAGER.uri, 'pending');
    expect(watch.stateOf(MANAGER.key)).toBe('unknown');
  });

  it('a terminated subscription without a body makes a known state unknown, not offline', () => {
    start([DANA]);
    notify(DANA.uri, 'active', AVAILABLE);
    notify(DANA.uri, 'terminated');
    expect(watch.stateOf(DANA.key)).toBe('unknown');
  });

  it('a NOTIFY without a Subscription-State decides nothing', () => {
    start([DANA]);
    notify(DANA.uri, undefined);
    expect(watch.stateOf(DANA.key)).toBe('unknown');
  });

  it('does not read a document over 8 KB: the state stays, and it is logged once', () => {
    start([DANA]);
    notify(DANA.uri, 'active', AVAILABLE);
    const huge = pidfDocument(DANA.uri, { state: 'offline', note: '' }).replace('</presence>', `<!--${'x'.repeat(9_000)}--></presence>`);
    notify(DANA.uri, 'active', huge);
    notify(DANA.uri, 'active', huge);
    expect(watch.stateOf(DANA.key)).toBe('available');
    expect(logs).toEqual([expect.stringContaining('over 8 KB')]);
  });

  it('is looked up by key, and subscribed at the address as configured', () => {
    start([MANAGER]);
    expect(opened.map((f) => f.uri)).toEqual(['sip:Manager@pbx.example.com']);
    notify(MANAGER.uri, 'active');
    expect(watch.stateOf('sip:manager@pbx.example.com')).toBe('offline');
    expect(watch.list()).toEqual([{ ...MANAGER, state: 'offline', note: '' }]);
  });
});

describe('PresenceWatch: subscribing again', () => {
  it('a SUBSCRIBE refused for good (489, 403, 404) waits for the next registration', () => {
    start([DANA]);
    latest(DANA.uri).events.ended(489);
    vi.advanceTimersByTime(3_600_000);
    expect(opened).toHaveLength(1);
    expect(logs).toEqual([expect.stringContaining('refused the presence subscription to sip:dana@pbx.example.com (489)')]);
    watch.lineUp(UA);
    vi.advanceTimersByTime(2_000);
    expect(opened).toHaveLength(2);
  });

  it('a SUBSCRIBE that failed for a passing reason (500, 408, no answer) is tried again, backing off from 60 s to 5 min', () => {
    start([DANA]);
    const retriedAfter: number[] = [];
    for (const refusal of [500, 408, undefined, 503, 500]) {
      const before = opened.length;
      latest(DANA.uri).events.ended(refusal);
      let waited = 0;
      while (opened.length === before && waited < 600_000) {
        vi.advanceTimersByTime(1_000);
        waited += 1_000;
      }
      retriedAfter.push(waited);
    }
    expect(retriedAfter).toEqual([60_000, 120_000, 240_000, 300_000, 300_000]);
    expect(logs).toHaveLength(1);
    // A NOTIFY resets the back-off.
    notify(DANA.uri, 'active', AVAILABLE);
    latest(DANA.uri).events.ended(undefined);
    const before = opened.length;
    vi.advanceTimersByTime(60_000);
    expect(opened.length).toBe(before + 1);
  });

  it('after a registration, everyone is subscribed again within 2 s, spread out', () => {
    const spread = [0, 0.99];
    watch = new PresenceWatch(
      () => undefined,
      () => undefined,
      open,
      () => spread.shift() ?? 0,
    );
    watch.follow([MANAGER, DANA]);
    watch.lineUp(UA);
    vi.advanceTimersByTime(0);
    expect(opened.map((f) => f.uri)).toEqual([MANAGER.uri]);
    vi.advanceTimersByTime(1_980);
    expect(opened.map((f) => f.uri)).toEqual([MANAGER.uri, DANA.uri]);
  });
});

describe('PresenceWatch: a service manager who never published', () => {
  it('is logged once when shown offline without ever having been seen there', () => {
    start([MANAGER]);
    notify(MANAGER.uri, 'active');
    notify(MANAGER.uri, 'active');
    watch.lineUp(UA);
    vi.advanceTimersByTime(2_000);
    notify(MANAGER.uri, 'active');
    const warnings = logs.filter((m) => m.includes('has not published a presence state'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('sip:Manager@pbx.example.com');
    expect(warnings[0]).toContain('pua_usrloc');
  });

  it('is not logged for a manager who was seen available before going offline, nor for a coworker', () => {
    start([MANAGER, DANA]);
    notify(MANAGER.uri, 'active', AVAILABLE);
    notify(MANAGER.uri, 'active');
    notify(DANA.uri, 'active');
    expect(logs.filter((m) => m.includes('has not published'))).toEqual([]);
  });
});
