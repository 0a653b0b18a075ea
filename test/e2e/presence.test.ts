import { expect, test } from '@playwright/test';
import type { Browser, Page } from 'playwright-core';
import { Publisher, UserAgent } from 'sip.js';
import { WebSocket as NodeWebSocket } from 'ws';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { waitFor } from '../harness/processes.js';
import { runSipp } from '../harness/sipp.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { connectIpc, type IpcClient } from './ipc-client.js';
import { dial, waitForCall, waitNoCalls, waitRegistered } from './phone-page.js';
import { makePolicyFolder, type PolicyFolder } from './policy-files.js';

// Presence through the PBX's presence server (issue #13): Kamailio with
// presence + presence_xml on db_text, on 127.0.0.1. Two Focuslines publish
// their techs' states and watch each other and the service manager; tech2's
// window shows tech1 going available → focused → on a call → offline, from
// tech1's PUBLISHes alone. A service manager who never published is offline
// (a NOTIFY without a body), so a held-back call goes to voicemail and the
// call log says why; once the manager publishes, calls go to the manager
// again. After a Kamailio restart both Focuslines publish and subscribe anew.
const MANAGER = 'sip:manager@127.0.0.1';
const VOICEMAIL = 'sip:voicemail@127.0.0.1';
const TECH1 = 'sip:tech1@127.0.0.1';
const POLICY = {
  'presence.enabled': true,
  'focus.action': 'redirect',
  'focus.redirectTarget': MANAGER,
  'focus.voicemailTarget': VOICEMAIL,
  'directory.coworkers': [
    { name: 'Tech One', sipUris: [TECH1] },
    { name: 'Tech Two', sipUris: ['sip:tech2@127.0.0.1'] },
  ],
};
// What a desk phone publishes (the shape of ../shared/notes/sip-presence.md): open, no activity.
const MANAGER_AVAILABLE = `<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${MANAGER}">
<tuple id="desk1"><status><basic>open</basic></status><contact>${MANAGER}</contact></tuple>
</presence>`;

let kamailio: Kamailio;
let policy: PolicyFolder;
let browser: Browser;
let tech1: FocuslineWeb | undefined;
let tech2: FocuslineWeb | undefined;
let page1: Page;
let page2: Page;
let ipc1: IpcClient | undefined;
let manager: UserAgent | undefined;
let quitTech1: FocuslineWeb | undefined;
const digests: string[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  kamailio = await startKamailio({ auth: true, presence: true });
  policy = await makePolicyFolder();
  await policy.write('managed', 'focusline.json', POLICY);
  const env = { FOCUSLINE_POLICY_DIR: policy.dir };
  [tech1, tech2] = await Promise.all([
    startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: kamailio.wsUrl, displayName: 'Tech One', env }),
    startFocuslineWeb({ user: 'tech2', password: 'secret2', wsUrl: kamailio.wsUrl, displayName: 'Tech Two', env }),
  ]);
  browser = await launchChromium();
  page1 = await newCallPage(browser, tech1.url);
  page2 = await newCallPage(browser, tech2.url);
  await Promise.all([waitRegistered(page1), waitRegistered(page2)]);
  ipc1 = await connectIpc(tech1.base, tech1.token);
  ipc1.on('focus.digest', ({ text }) => digests.push(text));
});

test.afterAll(async () => {
  ipc1?.close();
  await browser?.close();
  await manager?.stop().catch(() => undefined);
  await Promise.all([tech1?.stop(), tech2?.stop()]);
  await kamailio?.stop();
});

// On a failure, what each side knew: tech2's view over the contract, both apps' logs, and Kamailio's
// presence trace (the harness config logs every PUBLISH and SUBSCRIBE it takes).
test.afterEach(async () => {
  const info = test.info();
  if (info.status === info.expectedStatus || !tech2) return;
  const ipc2 = await connectIpc(tech2.base, tech2.token);
  console.log(`tech2's presence view: ${JSON.stringify(await ipc2.invoke('presence.get', {}))}`);
  ipc2.close();
  console.log(`tech1's log:\n${(tech1 ?? quitTech1)?.process.log().slice(-3000) ?? ''}`);
  console.log(`tech2's log:\n${tech2.process.log().slice(-3000)}`);
  console.log(`Kamailio's log:\n${kamailio.log().slice(-8000)}`);
});

/** How tech2's window shows someone: the state and the note. */
async function shownOn(page: Page, uri: string, state: string, timeoutMs = 15_000): Promise<string> {
  const person = page.locator(`[data-testid=presence-person][data-uri="${uri}"][data-state=${state}]`);
  await person.waitFor({ timeout: timeoutMs });
  return (await person.textContent()) ?? '';
}

async function lastAttempt() {
  const { attempts } = await ipc1!.invoke('callLog.list', { limit: 1 });
  return attempts[0];
}

function callTech1(caller: string) {
  return runSipp({ kamailio, callee: 'tech1', caller, scenario: 'expect-reject', calls: 1, timeoutMs: 20_000 });
}

test('tech2 sees tech1 available, and the service manager, who never published, offline', async () => {
  expect(await shownOn(page2, TECH1, 'available')).toContain('Tech One');
  await shownOn(page2, MANAGER, 'offline');
  // Tech1's own window lists tech2, not itself.
  await shownOn(page1, 'sip:tech2@127.0.0.1', 'available');
  expect(await page1.locator(`[data-testid=presence-person][data-uri="${TECH1}"]`).count()).toBe(0);
});

test('tech1 focuses on a ticket: tech2 sees "focused" with where calls go, never the ticket summary', async () => {
  const ticket = await ipc1!.invoke('tickets.create', { summary: 'Printer down', company: 'Acme', contactName: 'Jane Doe', contactNumbers: ['+1 555 0101'] });
  await ipc1!.invoke('focus.startTicket', { ticketId: ticket.id });
  const text = await shownOn(page2, TECH1, 'focused');
  // The service manager shows offline, so held-back calls go to voicemail, and tech1's note says so.
  expect(text).toContain('Focused on a ticket: calls go to voicemail');
  expect(text).not.toContain('Printer down');
  expect(text).not.toContain('Acme');
  // Tech1's own window shows what its coworkers see.
  await page1.locator('[data-testid=presence-own][data-state=focused]').waitFor({ timeout: 15_000 });
});

test('the service manager is offline: a held-back call goes to voicemail, and the call log says why', async () => {
  const r = await callTech1('+15550123');
  expect(r.responses[0]?.final).toBe(302);
  expect(r.contacts302).toEqual([`<${VOICEMAIL}>`]);
  const attempt = await lastAttempt();
  expect(attempt?.action).toBe('voicemail');
  expect(attempt?.target).toBe(VOICEMAIL);
  expect(attempt?.reason).toContain(`The service manager shows offline on the phone system (presence of ${MANAGER}), so it went to voicemail instead.`);
});

test('once the service manager publishes, held-back calls go to the manager again', async () => {
  const global = globalThis as { WebSocket?: unknown };
  global.WebSocket ??= NodeWebSocket;
  const uri = UserAgent.makeURI(MANAGER)!;
  manager = new UserAgent({
    uri,
    transportOptions: { server: kamailio.wsUrl },
    authorizationUsername: 'manager',
    authorizationPassword: 'secret3',
    logBuiltinEnabled: false,
  });
  await manager.start();
  await new Publisher(manager, uri, 'presence', { expires: 300, contentType: 'application/pidf+xml' }).publish(MANAGER_AVAILABLE);
  await shownOn(page1, MANAGER, 'available');
  // Tech1 republishes its note: calls go to the manager again.
  await page2
    .locator(`[data-testid=presence-person][data-uri="${TECH1}"][data-state=focused]`, { hasText: 'Focused on a ticket: calls go to the service manager' })
    .waitFor({ timeout: 15_000 });
  const r = await callTech1('+15550124');
  expect(r.contacts302).toEqual([`<${MANAGER}>`]);
  expect((await lastAttempt())?.action).toBe('redirect');
});

test('tech1 on a call: tech2 sees "on a call", then "focused" again when it ends', async () => {
  await dial(page1, 'tech2');
  await waitForCall(page2, 'ringing');
  expect(await shownOn(page2, TECH1, 'on-call')).toContain('On a call');
  await page1.click('[data-testid=hangup]');
  await Promise.all([waitNoCalls(page1), waitNoCalls(page2)]);
  await shownOn(page2, TECH1, 'focused');
});

test('after a Kamailio restart, publications and subscriptions recover: tech2 sees tech1 stop focusing', async () => {
  await kamailio.restart();
  // The restarted server has no subscriptions (they lived on the old connections): tech1's next change reaches
  // tech2 only once tech1 has published again and tech2 has subscribed again, each over its new connection.
  await ipc1!.invoke('focus.stop', {});
  await shownOn(page2, TECH1, 'available', 30_000);
});

test('the digest says the calls were sent to the service manager, never "handled"', async () => {
  await waitFor(() => digests.length > 0 || undefined, { timeoutMs: 5_000, what: 'the focus digest' });
  expect(digests.at(-1)).toBe('While you were focused: 2 calls, 1 sent to the service manager, 1 voicemail');
  expect(digests.join(' ')).not.toContain('handled');
});

test('tech1 quits: tech2 sees tech1 offline', async () => {
  ipc1?.close();
  ipc1 = undefined;
  await page1.close();
  quitTech1 = tech1;
  await tech1?.stop();
  tech1 = undefined;
  await shownOn(page2, TECH1, 'offline');
});
