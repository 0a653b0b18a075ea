import { expect, test } from '@playwright/test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { runSipp } from '../harness/sipp.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { connectIpc, type IpcClient } from './ipc-client.js';
import { waitRegistered } from './phone-page.js';
import { makePolicyFolder } from './policy-files.js';

// A call storm during Do-not-disturb: one stranger at 100 calls/s for 10 s
// through a real Kamailio (SIPp), with the window open. Main decides every
// INVITE where it arrives, so none of them rings, every one gets the 302 to
// the service manager, every one is in the call log, and a coworker calling
// right after still rings.
const MANAGER = 'sip:manager@127.0.0.1';
const CALLS = 1000;
const RATE = 100;

let kamailio: Kamailio;
let app: FocuslineWeb;
let browser: Browser;
let page: Page;
let ipc: IpcClient;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  kamailio = await startKamailio({ auth: true });
  const policy = await makePolicyFolder();
  await policy.write('managed', 'focusline.json', {
    'focus.action': 'redirect',
    'focus.redirectTarget': MANAGER,
    'directory.coworkers': [{ name: 'Sam Okafor', extensions: ['2002'] }],
  });
  app = await startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: kamailio.wsUrl, env: { FOCUSLINE_POLICY_DIR: policy.dir } });
  browser = await launchChromium();
  page = await newCallPage(browser, app.url);
  await waitRegistered(page);
  ipc = await connectIpc(app.base, app.token);
  await ipc.invoke('focus.dnd', { minutes: 60 });
});

test.afterAll(async () => {
  ipc?.close();
  await browser?.close();
  await app?.stop();
  await kamailio?.stop();
});

test('1,000 calls at 100/s from one stranger during Do-not-disturb: none rings, each gets the 302 to the manager, each is logged', async () => {
  test.setTimeout(90_000);
  const flood = await runSipp({ kamailio, callee: 'tech1', caller: '+15550666', scenario: 'expect-reject', calls: CALLS, ratePerSec: RATE, timeoutMs: 60_000 });
  const finals: Record<string, number> = {};
  for (const r of flood.responses) finals[String(r.final ?? 'none')] = (finals[String(r.final ?? 'none')] ?? 0) + 1;
  expect(flood.responses.length).toBe(CALLS);
  expect(finals).toEqual({ '302': CALLS });
  expect(flood.responses.filter((r) => r.ringing).length).toBe(0);
  expect(new Set(flood.contacts302)).toEqual(new Set([`<${MANAGER}>`]));
  // The window never showed a card for any of them.
  expect(await page.locator('[data-testid=call]').count()).toBe(0);
  const { attempts } = await ipc.invoke('callLog.list', { limit: 1000 });
  const logged = attempts.filter((a) => a.callerNumber === '+15550666' || a.callerUri.includes('+15550666'));
  expect(logged.length).toBe(CALLS);
  expect(logged.every((a) => a.action === 'redirect')).toBe(true);
});

test('a coworker calling right after the flood rings (180)', async () => {
  const r = await runSipp({ kamailio, callee: 'tech1', caller: '2002', scenario: 'caller-cancels', holdMs: 300, calls: 1, timeoutMs: 15_000 });
  expect(r.responses[0]).toMatchObject({ ringing: true, final: 487 });
});
