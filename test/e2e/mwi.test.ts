import { expect, test } from '@playwright/test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { freeUdpPort } from '../harness/ports.js';
import { startSippServer, type SippServer, type SippServerResult } from '../harness/sipp.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { dial, registrationOf, waitForCall, waitNoCalls, waitRegistered } from './phone-page.js';
import { makePolicyFolder, type PolicyFolder } from './policy-files.js';

// PBX voicemail (RFC 3842 message waiting), end to end in Chromium through
// Kamailio. Kamailio relays the techs' SUBSCRIBEs for message-summary to a
// SIPp UAS playing the PBX's voicemail server. First that server refuses
// them (489 Bad Event) for tech1; then another one accepts tech2's and
// NOTIFYs 2 new / 8 old, and after a Kamailio restart (the PBX restarting)
// 5 new on the fresh subscription the phone must make.
const ACCESS_NUMBER = '*97';
const MAILBOX = 'sip:tech2@127.0.0.1';

let mwiPort: number;
let kamailio: Kamailio;
let policy: PolicyFolder;
let browser: Browser;
let tech1: FocuslineWeb | undefined;
let tech2: FocuslineWeb | undefined;
let page1: Page;
let page2: Page;
let mailServer: SippServer | undefined;

type Message = SippServerResult['messages'][number];
const header = (m: Message, name: string): string => m.headers.get(name.toLowerCase())?.[0] ?? '';
const received = (r: SippServerResult, method: string): Message[] =>
  r.messages.filter((m) => m.direction === 'received' && m.firstLine.startsWith(`${method} `));
const sent = (r: SippServerResult, prefix: string): Message[] => r.messages.filter((m) => m.direction === 'sent' && m.firstLine.startsWith(prefix));

// The tests of this file share what beforeAll starts and build on each other: after a failure the
// rest are not run (and are reported so) rather than run on a state they don't expect.
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  mwiPort = await freeUdpPort();
  kamailio = await startKamailio({ auth: true, mwiServerPort: mwiPort });
  policy = await makePolicyFolder();
  await policy.write('managed', 'focusline.json', { 'voicemail.subscribeMwi': true, 'voicemail.accessNumber': ACCESS_NUMBER });
  browser = await launchChromium();
});

test.afterAll(async () => {
  await browser?.close();
  await mailServer?.stop();
  await Promise.all([tech1?.stop(), tech2?.stop()]);
  await kamailio?.stop();
});

test.describe('a PBX that refuses message waiting (489 Bad Event)', () => {
  let result: SippServerResult;

  test('shows a quiet "count unavailable" hint and keeps the phone registered', async () => {
    const refuser = await startSippServer({ scenario: 'mwi-reject', port: mwiPort, calls: 1, timeoutMs: 30_000 });
    tech1 = await startFocuslineWeb({
      user: 'tech1',
      password: 'secret1',
      wsUrl: kamailio.wsUrl,
      displayName: 'Tech One',
      env: { FOCUSLINE_POLICY_DIR: policy.dir },
    });
    page1 = await newCallPage(browser, tech1.url);
    await waitRegistered(page1);
    result = await refuser.done;
    await page1.waitForSelector('[data-testid=mwi-unavailable]', { timeout: 10_000 });
    expect(await page1.locator('[data-testid=mwi-count]').count()).toBe(0);
    expect((await registrationOf(page1)).state).toBe('registered');
  });

  test('the server got the SUBSCRIBE for message-summary and answered 489', () => {
    const [subscribe] = received(result, 'SUBSCRIBE');
    expect(subscribe?.firstLine).toMatch(/^SUBSCRIBE sip:tech1@127\.0\.0\.1 SIP\/2\.0$/);
    expect(header(subscribe!, 'Event')).toBe('message-summary');
    expect(sent(result, 'SIP/2.0 489').length).toBe(1);
  });
});

test.describe('a PBX that keeps voicemail for tech2', () => {
  test('shows the count from the NOTIFY: 2 new', async () => {
    mailServer = await startSippServer({
      scenario: 'mwi-server',
      port: mwiPort,
      rows: [
        ['2', '8', 'yes', MAILBOX],
        ['5', '8', 'yes', MAILBOX],
      ],
      timeoutMs: 55_000,
    });
    tech2 = await startFocuslineWeb({
      user: 'tech2',
      password: 'secret2',
      wsUrl: kamailio.wsUrl,
      displayName: 'Tech Two',
      env: { FOCUSLINE_POLICY_DIR: policy.dir },
    });
    page2 = await newCallPage(browser, tech2.url);
    await waitRegistered(page2);
    const count = page2.locator('[data-testid=mwi-count][data-new="2"]');
    await count.waitFor({ timeout: 10_000 });
    expect(await count.textContent()).toBe('Voicemail: 2 new');
    expect(await count.getAttribute('data-old')).toBe('8');
    expect(await page2.locator('[data-testid=mwi-unavailable]').count()).toBe(0);
  });

  test('"Call voicemail" dials the access number from policy', async () => {
    const button = page2.locator('[data-testid=mwi-dial]');
    expect(await button.isEnabled()).toBe(true);
    await button.click();
    // Nothing answers *97 on the test PBX (404): the call fails, and the
    // history keeps the address that was dialled.
    await waitNoCalls(page2);
    await page2.click('[data-testid=tab-history]');
    const entry = page2.locator('[data-testid=history-entry]').first();
    await entry.waitFor();
    expect(await entry.getAttribute('data-direction')).toBe('outgoing');
    expect(await entry.locator('small').textContent()).toBe(`sip:${ACCESS_NUMBER}@127.0.0.1`);
    await page2.click('[data-testid=tab-phone]');
  });

  test('tech1, whose subscription was refused, still calls tech2', async () => {
    await dial(page1, 'tech2');
    await waitForCall(page2, 'ringing');
    await page1.click('[data-testid=hangup]');
    await Promise.all([waitNoCalls(page1), waitNoCalls(page2)]);
    // tech1 is done: its phone (in main, running without a window too) must not resubscribe after the restart below.
    await page1.close();
    await tech1?.stop();
    tech1 = undefined;
  });

  test('subscribes afresh after the PBX restarts and shows the new count', async () => {
    await kamailio.restart();
    await page2.locator('[data-testid=mwi-count][data-new="5"]').waitFor({ timeout: 20_000 });
    expect((await registrationOf(page2)).state).toBe('registered');
  });

  test('the server saw one subscription per registration, and the stale one ended', async () => {
    const server = mailServer!;
    mailServer = undefined;
    const result = await server.stop();
    const subscribes = received(result, 'SUBSCRIBE');
    const [first, ...later] = subscribes;
    expect(first?.firstLine).toMatch(/^SUBSCRIBE sip:tech2@127\.0\.0\.1 SIP\/2\.0$/);
    expect(header(first!, 'Event')).toBe('message-summary');
    expect(header(first!, 'Accept')).toBe('application/simple-message-summary');
    expect(header(first!, 'Expires')).toBe('3600');
    const firstCallId = header(first!, 'Call-ID');
    // After the restart: an un-SUBSCRIBE in the old dialog and a new subscription.
    const unsubscribe = later.find((m) => header(m, 'Call-ID') === firstCallId);
    expect(header(unsubscribe!, 'Expires')).toBe('0');
    const fresh = later.filter((m) => header(m, 'Call-ID') !== firstCallId);
    expect(fresh.length).toBe(1);
    expect(header(fresh[0]!, 'Event')).toBe('message-summary');
    // Both NOTIFYs with counts were answered 200 by the phone.
    expect(sent(result, 'NOTIFY ').length).toBeGreaterThanOrEqual(2);
    expect(
      result.messages.filter((m) => m.direction === 'received' && /^SIP\/2\.0 200/.test(m.firstLine) && /NOTIFY$/.test(header(m, 'CSeq'))).length,
    ).toBeGreaterThanOrEqual(2);
  });
});
