// A blocked caller pads its SIP headers during Do-not-disturb. Once, a field
// longer than the IPC contract allowed failed the decision and the phone rang
// the call "to be safe". Now every field is cut to a bound before the
// decision, so the block holds: never a 180, always a rejection, and the
// attempt is logged (and the cut field named in the host's log).
import { expect, test } from '@playwright/test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { runSipp, type SippOptions } from '../harness/sipp.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { connectIpc, type IpcClient } from './ipc-client.js';
import { makePolicyFolder, type PolicyFolder } from './policy-files.js';
import { waitRegistered } from './phone-page.js';

const BLOCKED = '+15550100999';

let kamailio: Kamailio;
let policy: PolicyFolder;
let app: FocuslineWeb;
let browser: Browser;
let page: Page;
let ipc: IpcClient;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  kamailio = await startKamailio({ auth: true });
  policy = await makePolicyFolder();
  await policy.write('managed', 'focusline.json', {
    'directory.blocked': [BLOCKED],
    'focus.action': 'redirect',
    'focus.redirectTarget': 'sip:manager@127.0.0.1',
  });
  app = await startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: kamailio.wsUrl, env: { FOCUSLINE_POLICY_DIR: policy.dir } });
  browser = await launchChromium();
  page = await newCallPage(browser, app.url);
  await waitRegistered(page);
  ipc = await connectIpc(app.base, app.token);
  expect((await ipc.invoke('focus.dnd', { minutes: 60 })).mode).toBe('dnd');
});

test.afterAll(async () => {
  ipc?.close();
  await browser?.close();
  await app?.stop();
  await kamailio?.stop();
});

function callFromBlocked(extra: Pick<SippOptions, 'displayName' | 'callIdPad' | 'assertedIdentity'>) {
  return runSipp({ kamailio, callee: 'tech1', caller: BLOCKED, scenario: 'expect-reject', holdMs: 300, calls: 1, ratePerSec: 5, timeoutMs: 30_000, ...extra });
}

const cases: [string, Pick<SippOptions, 'displayName' | 'callIdPad' | 'assertedIdentity'>][] = [
  ['a 300-character display name', { displayName: 'A'.repeat(300) }],
  ['a 600-character Call-ID', { callIdPad: 'c'.repeat(600) }],
  ['a 600-character P-Asserted-Identity', { assertedIdentity: `sip:${'9'.repeat(580)}@127.0.0.1` }],
];

for (const [what, extra] of cases) {
  test(`a blocked caller with ${what} never rings during Do-not-disturb, and is logged`, async () => {
    const before = await attempts();
    const r = await callFromBlocked(extra);
    expect(r.responses).toHaveLength(1);
    expect(r.responses[0]?.ringing).toBe(false);
    expect(r.responses[0]?.codes).not.toContain(180);
    expect(r.responses[0]?.final).toBeGreaterThanOrEqual(400);
    await expect.poll(attempts, { timeout: 5_000 }).toBe(before + 1);
  });
}

test('a stranger with a 520-character URI user never rings during Do-not-disturb: 302 to the manager, logged with the identity cut', async () => {
  const longUser = `1${'2'.repeat(519)}`;
  const r = await runSipp({ kamailio, callee: 'tech1', caller: longUser, scenario: 'expect-reject', calls: 1, timeoutMs: 30_000 });
  expect(r.responses[0]?.ringing).toBe(false);
  expect(r.responses[0]?.final).toBe(302);
  const row = (await ipc.invoke('callLog.list', { limit: 5 })).attempts.find((a) => a.callerUri.includes('1222222222'));
  expect(row).toBeDefined();
  expect(row!.action).toBe('redirect');
  // Shown cut to its bound (and marked so), never refused.
  expect(row!.callerUri.length).toBeLessThanOrEqual(512);
  expect(row!.callerUri.endsWith('…')).toBe(true);
});

test('each over-long field is named in the host’s log, cut to decide on it', () => {
  const log = app.process.log();
  for (const field of ['displayName', 'callId', 'assertedIdentity', 'fromUser']) expect(log).toMatch(new RegExp(`sent over-long [a-zA-Z, ]*${field}`));
});

async function callLog(): Promise<{ callerName: string; rule: string }[]> {
  return (await ipc.invoke('callLog.list', { limit: 100, unhandledOnly: false })).attempts;
}

async function attempts(): Promise<number> {
  return (await callLog()).length;
}
