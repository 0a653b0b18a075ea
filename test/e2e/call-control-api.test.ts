import { expect, test } from '@playwright/test';
import type { Browser, Page } from 'playwright-core';
import { startBaresip, type Baresip } from '../harness/baresip.js';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { startRtpengine, type Rtpengine } from '../harness/rtpengine.js';
import { runSipp, startSippCall } from '../harness/sipp.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { connectIpc } from './ipc-client.js';
import { followUpAction, waitForCall, waitNoCalls, waitRegistered } from './phone-page.js';
import { makePolicyFolder } from './policy-files.js';

// Scripts and PSA buttons drive calls through web mode's local endpoint
// (docs/local-api.md): list the legs, answer, hold, resume, hang up, dial.
// Real peers: SIPp (plain RTP, bridged by rtpengine) calls in; baresip is
// dialled. The window is open, as it carries the calls' audio.
let rtpengine: Rtpengine;
let kamailio: Kamailio;
let app: FocuslineWeb;
let browser: Browser;
let page: Page;
let baresip: Baresip;

type Leg = { id: string; state: string; direction: string; remoteUri: string; endedAt: number | null };

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  rtpengine = await startRtpengine();
  kamailio = await startKamailio({ auth: true, rtpengineNgPort: rtpengine.ngPort });
  // Policy turns the hold question off (a team that doesn't want it) and reminds after 5 s on hold.
  const policy = await makePolicyFolder();
  await policy.write('managed', 'focusline.json', {
    'calls.holdPrompt': false,
    'calls.holdReminderSeconds': 5,
    'focus.action': 'redirect',
    'focus.redirectTarget': 'sip:manager@127.0.0.1',
  });
  app = await startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: kamailio.wsUrl, env: { FOCUSLINE_POLICY_DIR: policy.dir } });
  baresip = await startBaresip({ callers: [], callee: { user: 'tech2', password: 'secret2', registrar: kamailio } });
  browser = await launchChromium();
  page = await newCallPage(browser, app.url);
  await waitRegistered(page);
});

test.afterAll(async () => {
  await browser?.close();
  await baresip?.stop();
  await app?.stop();
  await kamailio?.stop();
  await rtpengine?.stop();
});

async function api(method: 'GET' | 'POST', path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${app.base}/api/v1/${path}`, { method, headers: { Authorization: `Bearer ${app.token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function legs(): Promise<Leg[]> {
  return (await api('GET', 'calls')).body['calls'] as Leg[];
}

async function stateOf(id: string): Promise<string | undefined> {
  return (await legs()).find((l) => l.id === id)?.state;
}

test('a script answers, holds, resumes and hangs up an incoming call; the ended leg stays listed', async () => {
  const caller = await startSippCall({ kamailio, callee: 'tech1', caller: '+15550150', scenario: 'callee-hangs-up', holdMs: 0, timeoutMs: 40_000 });
  await expect.poll(async () => (await legs()).filter((l) => l.state === 'ringing').length, { timeout: 10_000 }).toBe(1);
  const ringing = (await legs()).find((l) => l.state === 'ringing')!;
  expect(ringing).toMatchObject({ direction: 'incoming', endedAt: null });
  expect(ringing.remoteUri).toContain('+15550150');

  expect((await api('POST', `calls/${encodeURIComponent(ringing.id)}/answer`)).status).toBe(200);
  await expect.poll(() => stateOf(ringing.id)).toBe('active');
  expect((await api('POST', `calls/${encodeURIComponent(ringing.id)}/hold`)).status).toBe(200);
  expect(await stateOf(ringing.id)).toBe('held');
  expect((await api('POST', `calls/${encodeURIComponent(ringing.id)}/resume`)).status).toBe(200);
  expect(await stateOf(ringing.id)).toBe('active');
  expect((await api('POST', `calls/${encodeURIComponent(ringing.id)}/hangup`)).status).toBe(200);
  const result = await caller.done;
  expect(result.successful).toBe(1);
  expect(result.responses[0]?.final).toBe(200);
  await expect.poll(() => stateOf(ringing.id)).toBe('ended');
});

test('a script dials: baresip answers, and the script hangs up', async () => {
  const dialled = await api('POST', 'calls/dial?to=tech2');
  expect(dialled.status).toBe(200);
  const callId = String(dialled.body['callId']);
  await baresip.waitForEvent('CALL_ESTABLISHED', 10_000);
  await expect.poll(() => stateOf(callId)).toBe('active');
  expect((await legs()).find((l) => l.id === callId)?.direction).toBe('outgoing');
  expect((await api('POST', `calls/${encodeURIComponent(callId)}/hangup`)).status).toBe(200);
  await baresip.waitForEvent('CALL_CLOSED', 5_000);
  await expect.poll(() => stateOf(callId)).toBe('ended');
});

test('with the hold question turned off by policy, Hold holds at once; after 5 s on hold the card reminds to check back', async () => {
  const caller = await startSippCall({ kamailio, callee: 'tech1', caller: '+15550151', scenario: 'callee-hangs-up', holdMs: 0, timeoutMs: 40_000 });
  await waitForCall(page, 'ringing');
  await page.click('[data-testid=answer]');
  await waitForCall(page, 'active');
  await page.click('[data-testid=hold]');
  await waitForCall(page, 'held');
  expect(await page.locator('[data-testid=hold-ask]').count()).toBe(0);
  expect(await page.locator('[data-testid=hold-reminder]').count()).toBe(0);
  await expect(page.locator('[data-testid=hold-reminder]')).toContainText('check back with the caller', { timeout: 10_000 });
  await page.click('[data-testid=hangup]');
  expect((await caller.done).successful).toBe(1);
});

test('"Call back" on a held-back call counts once the call connects: the entry is settled as called back', async () => {
  const ipc = await connectIpc(app.base, app.token);
  try {
    expect((await api('POST', 'dnd/start?minutes=30')).status).toBe(200);
    // tech2 (baresip, registered) calls during Do-not-disturb: 302 to the manager, an entry to follow up.
    await baresip.dial(`sip:tech2@127.0.0.1:${kamailio.udpPort}`, kamailio.uri('tech1'));
    const entry = page.locator('[data-testid=quiet-call]', { hasText: 'tech2' }).first();
    await entry.waitFor({ timeout: 10_000 });
    // baresip follows the 302 to the manager, who isn't there; end its side so it can take the call back.
    await baresip.hangup().catch(() => undefined);
    const attemptId = (await entry.getAttribute('data-attempt-id')) ?? '';
    const handledOf = async () => (await ipc.invoke('callLog.list', { limit: 20 })).attempts.find((a) => a.id === attemptId)?.handled ?? null;
    expect(await handledOf()).toBeNull();
    // A caller who can't be reached (SIPp is gone; the proxy answers 403): dialling back doesn't settle the entry.
    await runSipp({ kamailio, callee: 'tech1', caller: '+15550161', scenario: 'expect-reject', calls: 1, timeoutMs: 15_000 });
    const unreachable = page.locator('[data-testid=quiet-call]', { hasText: '+15550161' }).first();
    await unreachable.waitFor({ timeout: 10_000 });
    const unreachableId = (await unreachable.getAttribute('data-attempt-id')) ?? '';
    expect((await api('POST', 'dnd/stop')).status).toBe(200);
    await followUpAction(unreachable, 'call-back');
    await expect
      .poll(async () => (await legs()).some((l) => l.direction === 'outgoing' && l.remoteUri.includes('+15550161') && l.state === 'ended'))
      .toBe(true);
    expect((await ipc.invoke('callLog.list', { limit: 20 })).attempts.find((a) => a.id === unreachableId)?.handled).toBeNull();
    await followUpAction(entry, 'call-back');
    await baresip.waitForEvent('CALL_ESTABLISHED', 10_000);
    await expect.poll(handledOf, { timeout: 5_000 }).toBe('called-back');
    await page.click('[data-testid=hangup]');
    await baresip.waitForEvent('CALL_CLOSED', 5_000);
    await waitNoCalls(page);
  } finally {
    ipc.close();
  }
});

test('a wrong call id or command says what is wrong', async () => {
  const unknown = await api('POST', 'calls/no-such-call/answer');
  expect(unknown.status).toBe(409);
  expect(String(unknown.body['error'])).toMatch(/^No call "no-such-call" is up now/);
  const wrong = await api('POST', 'calls/no-such-call/transfer-to-mars');
  expect(wrong.status).toBe(404);
  expect(String(wrong.body['error'])).toMatch(/answer, hangup, hold, resume or transfer\?to=…&mode=…/);
  const badMode = await api('POST', 'calls/no-such-call/transfer?to=2002&mode=park');
  expect(badMode.status).toBe(404);
  expect(String(badMode.body['error'])).toMatch(/mode=park is not a transfer mode: use blind, warm, merge or leave\./);
  const gone = await api('POST', 'calls/no-such-call/transfer?to=2002');
  expect(gone.status).toBe(409);
  expect(String(gone.body['error'])).toMatch(/^No call "no-such-call" is up now/);
  const noTarget = await api('POST', 'calls/dial');
  expect(noTarget.status).toBe(404);
  expect(String(noTarget.body['error'])).toMatch(/^Say whom to call/);
});
