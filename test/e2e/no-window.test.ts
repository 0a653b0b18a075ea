import { expect, test } from '@playwright/test';
import type { Browser } from 'playwright-core';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { runSipp } from '../harness/sipp.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { connectIpc, type IpcClient } from './ipc-client.js';
import { waitRegistered } from './phone-page.js';
import { makePolicyFolder, type PolicyFolder } from './policy-files.js';

// The phone lives in main: with no window open (web mode, no tab), it stays
// registered, held-back callers still get their 302, and an allowed caller
// gets a 180 and, after the ring timeout (calls.ringTimeoutSeconds), a 480
// and a missed call that the window shows when it opens. The same after a
// window was open and closed.
const MANAGER = 'sip:manager@127.0.0.1';
const RING_TIMEOUT_S = 5;
const POLICY = {
  'focus.action': 'redirect',
  'focus.redirectTarget': MANAGER,
  'directory.coworkers': [{ name: 'Sam Okafor', extensions: ['2002', '2003'] }],
  'calls.ringTimeoutSeconds': RING_TIMEOUT_S,
};

let kamailio: Kamailio;
let policy: PolicyFolder;
let app: FocuslineWeb;
let browser: Browser;
let ipc: IpcClient;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  kamailio = await startKamailio({ auth: true });
  policy = await makePolicyFolder();
  await policy.write('managed', 'focusline.json', POLICY);
  app = await startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: kamailio.wsUrl, env: { FOCUSLINE_POLICY_DIR: policy.dir } });
  ipc = await connectIpc(app.base, app.token);
  await expect.poll(async () => (await ipc.invoke('phone.get', {})).registration, { timeout: 15_000 }).toBe('registered');
  await ipc.invoke('focus.dnd', { minutes: 60 });
  browser = await launchChromium();
});

test.afterAll(async () => {
  ipc?.close();
  await browser?.close();
  await app?.stop();
  await kamailio?.stop();
});

/** A coworker's call that rings until Focusline gives up on it; SIPp waits for the final response. */
function ringUntilTimeout(caller: string) {
  return runSipp({ kamailio, callee: 'tech1', caller, scenario: 'expect-reject', calls: 1, timeoutMs: (RING_TIMEOUT_S + 10) * 1000 });
}

test.describe('no window has ever been open', () => {
  // Kamailio forwards it to the registered phone (with no phone registered it answers 404 itself).
  test('the phone answers an OPTIONS probe (a PBX checking it is alive) with 200', async () => {
    const r = await runSipp({ kamailio, callee: 'tech1', caller: 'pbx-probe', scenario: 'options-ping', calls: 1, timeoutMs: 10_000 });
    expect(r.successful).toBe(1);
    expect(r.failed).toBe(0);
  });

  test('a held-back caller gets the 302 to the manager', async () => {
    const r = await runSipp({ kamailio, callee: 'tech1', caller: '+15550123', scenario: 'expect-reject', calls: 1, timeoutMs: 15_000 });
    expect(r.responses[0]).toMatchObject({ ringing: false, final: 302 });
    expect(r.contacts302).toEqual([`<${MANAGER}>`]);
  });

  test('an allowed caller gets 180 at once, then 480 after the ring timeout; never left without a final response', async () => {
    const t0 = Date.now();
    const r = await ringUntilTimeout('2002');
    expect(r.responses[0]?.ringing).toBe(true);
    expect(r.responses[0]?.final).toBe(480);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(RING_TIMEOUT_S * 1000 - 500);
  });

  test('a window that opens later shows it as a missed call to call back', async () => {
    const page = await newCallPage(browser, app.url);
    await waitRegistered(page);
    const missed = page.locator('[data-testid=quiet-call]', { hasText: '2002' });
    await missed.first().waitFor({ timeout: 10_000 });
    const { attempts } = await ipc.invoke('callLog.list', { limit: 50, unhandledOnly: true });
    expect(attempts.some((a) => a.callerUri.includes('2002') && a.missed && a.action === 'ring')).toBe(true);
    await page.context().close();
  });
});

test.describe('a window was open, then closed', () => {
  test('the phone keeps deciding, ringing and logging with the window gone', async () => {
    const page = await newCallPage(browser, app.url);
    await waitRegistered(page);
    await page.context().close();
    const held = await runSipp({ kamailio, callee: 'tech1', caller: '+15550124', scenario: 'expect-reject', calls: 1, timeoutMs: 15_000 });
    expect(held.responses[0]).toMatchObject({ ringing: false, final: 302 });
    const r = await ringUntilTimeout('2003');
    expect(r.responses[0]?.ringing).toBe(true);
    expect(r.responses[0]?.final).toBe(480);
    const reopened = await newCallPage(browser, app.url);
    await reopened.locator('[data-testid=quiet-call]', { hasText: '2003' }).first().waitFor({ timeout: 10_000 });
    await reopened.context().close();
  });
});

test.describe('Focusline voicemail with no window to play it', () => {
  test('the call goes on to the redirect target at once, never 200 and silence, and the call log says why', async () => {
    await policy.write('managed', 'focusline.json', { ...POLICY, 'focus.action': 'voicemail', 'focus.voicemailTarget': 'local' });
    await expect
      .poll(async () => (await ipc.invoke('policy.get', {})).entries.find((e) => e.key === 'focus.action')?.value, { timeout: 10_000 })
      .toBe('"voicemail"');
    const t0 = Date.now();
    const r = await runSipp({ kamailio, callee: 'tech1', caller: '+15550125', scenario: 'expect-reject', calls: 1, timeoutMs: 15_000 });
    expect(r.responses[0]).toMatchObject({ ringing: false, final: 302 });
    expect(r.contacts302).toEqual([`<${MANAGER}>`]);
    expect(Date.now() - t0).toBeLessThan(3_000);
    const { attempts } = await ipc.invoke('callLog.list', { limit: 20 });
    const row = attempts.find((a) => a.callerUri.includes('+15550125'));
    expect(row).toMatchObject({ action: 'redirect', target: MANAGER });
    expect(row?.reason).toMatch(/^Voicemail unavailable \(No Focusline window is open/);
  });
});
