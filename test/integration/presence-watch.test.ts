/**
 * PresenceWatch with its sip.js subscription against the real presence
 * server (Kamailio, presence + presence_xml, digest auth on PUBLISH and
 * SUBSCRIBE, 127.0.0.1): a service manager who never published is offline
 * only because an active subscription says so; with presence_xml's
 * force_active left at 0 (no XCAP) the subscription stays pending and the
 * manager stays unknown, so calls are still redirected as configured.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Publisher, Registerer, UserAgent } from 'sip.js';
import { WebSocket as NodeWebSocket } from 'ws';
import type { OpenPresenceSubscription, PresenceNotify } from '../../src-main/phone/presence-subscription.js';
import { openSipPresenceSubscription } from '../../src-main/phone/presence-subscription.js';
import { PresenceWatch, type Watched } from '../../src-main/phone/presence-watch.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { waitFor } from '../harness/processes.js';

const MANAGER: Watched = { uri: 'sip:manager@127.0.0.1', key: 'sip:manager@127.0.0.1', name: 'Service manager', role: 'service-manager' };
const AVAILABLE = `<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${MANAGER.uri}">
<tuple id="desk1"><status><basic>open</basic></status><contact>${MANAGER.uri}</contact></tuple>
</presence>`;

let kamailio: Kamailio | undefined;
const agents: UserAgent[] = [];
let watch: PresenceWatch | undefined;

afterEach(async () => {
  watch?.lineDown();
  watch = undefined;
  await Promise.all(agents.splice(0).map((ua) => ua.stop().catch(() => undefined)));
  await kamailio?.stop();
  kamailio = undefined;
});

async function userAgent(server: Kamailio, user: string, password: string): Promise<UserAgent> {
  const global = globalThis as { WebSocket?: unknown };
  global.WebSocket ??= NodeWebSocket;
  const ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${user}@127.0.0.1`),
    transportOptions: { server: server.wsUrl },
    authorizationUsername: user,
    authorizationPassword: password,
    logBuiltinEnabled: false,
  });
  agents.push(ua);
  await ua.start();
  return ua;
}

/** Tech2's watch of the manager, with every NOTIFY it got (the real sip.js subscription underneath). */
async function watchManager(server: Kamailio) {
  const ua = await userAgent(server, 'tech2', 'secret2');
  await new Registerer(ua, { expires: 300 }).register();
  const notifies: PresenceNotify[] = [];
  const logs: string[] = [];
  const open: OpenPresenceSubscription = (agent, uri, events) =>
    openSipPresenceSubscription(agent, uri, {
      notify: (n) => {
        notifies.push(n);
        events.notify(n);
      },
      ended: (refusal) => events.ended(refusal),
    });
  watch = new PresenceWatch(
    () => undefined,
    (m) => logs.push(m),
    open,
    () => 0,
  );
  watch.follow([MANAGER]);
  watch.lineUp(ua);
  return { watch, notifies, logs };
}

describe('PresenceWatch against Kamailio', () => {
  it('an active subscription to a manager who never published says offline (logged once), then available once they publish', async () => {
    kamailio = await startKamailio({ auth: true, presence: true });
    const { watch, notifies, logs } = await watchManager(kamailio);
    await waitFor(() => (watch.stateOf(MANAGER.key) === 'offline' ? true : undefined), { timeoutMs: 10_000, what: 'the manager offline' });
    expect(notifies[0]).toEqual({ body: undefined, subscriptionState: 'active' });
    expect(logs.filter((m) => m.includes('has not published a presence state'))).toHaveLength(1);

    const manager = await userAgent(kamailio, 'manager', 'secret3');
    await new Publisher(manager, UserAgent.makeURI(MANAGER.uri)!, 'presence', { expires: 300, contentType: 'application/pidf+xml' }).publish(AVAILABLE);
    await waitFor(() => (watch.stateOf(MANAGER.key) === 'available' ? true : undefined), { timeoutMs: 10_000, what: 'the manager available' });
  });

  it('without force_active (no XCAP), the subscription stays pending and the manager unknown, never offline', async () => {
    kamailio = await startKamailio({ auth: true, presence: true, presenceWatchersPending: true });
    const { watch, notifies } = await watchManager(kamailio);
    await waitFor(() => (notifies.length > 0 ? true : undefined), { timeoutMs: 10_000, what: 'the first NOTIFY' });
    expect(notifies[0]).toEqual({ body: undefined, subscriptionState: 'pending' });
    expect(watch.stateOf(MANAGER.key)).toBe('unknown');
  });
});
