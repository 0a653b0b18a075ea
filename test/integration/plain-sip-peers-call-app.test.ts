import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startBaresip, type Baresip } from '../harness/baresip.js';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { startRtpengine, type Rtpengine } from '../harness/rtpengine.js';
import { startSippCall } from '../harness/sipp.js';
import { cutTcpConnectionsTo } from '../harness/network-faults.js';
import { startFocuslineWeb, type FocuslineWeb } from '../e2e/focusline-web.js';
import { callCard, dial, packetsGained, registrationOf, waitForCall, waitNoCalls, waitRegistered } from '../e2e/phone-page.js';
import { waitFor } from '../harness/processes.js';

// SIPp and baresip are plain-RTP SIP phones. They call Focusline (web mode,
// in Chromium) through Kamailio, with rtpengine bridging RTP <-> WebRTC as a
// PBX would.
let rtpengine: Rtpengine;
let kamailio: Kamailio;
let tech1: FocuslineWeb;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  rtpengine = await startRtpengine();
  kamailio = await startKamailio({ auth: true, rtpengineNgPort: rtpengine.ngPort });
  tech1 = await startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: kamailio.wsUrl });
  browser = await launchChromium();
  page = await newCallPage(browser, tech1.url);
  await waitRegistered(page);
  // A failing call usually explains itself in the page's console (sip.js, WebRTC): keep its errors in the test output.
  page.on('console', (m) => {
    if (m.type() === 'error') console.log(`[tech1 page] ${m.text().slice(0, 500)}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await tech1?.stop();
  await kamailio?.stop();
  await rtpengine?.stop();
});

const sippCall = (scenario: 'answer-then-bye' | 'callee-hangs-up' | 'caller-cancels', caller: string, holdMs: number) =>
  startSippCall({ kamailio, callee: 'tech1', caller, scenario, holdMs, playPcap: scenario !== 'caller-cancels', timeoutMs: 40_000 });

async function lastHistoryOutcome(): Promise<string | null> {
  await page.click('[data-testid=tab-history]');
  const outcome = await page.locator('[data-testid=history-entry]').first().getAttribute('data-outcome');
  await page.click('[data-testid=tab-phone]');
  return outcome;
}

describe('SIPp calls the app', () => {
  it('rings (180), is answered in the UI (200), carries audio, and SIPp hangs up', async () => {
    const call = await sippCall('answer-then-bye', '+15550101', 4000);
    await waitForCall(page, 'ringing');
    expect(await callCard(page, 'ringing').locator('[data-testid=call-remote]').textContent()).toBe('+15550101');
    await page.click('[data-testid=answer]');
    await waitForCall(page, 'active');
    await page.waitForSelector('[data-testid=call-stats]');
    expect(await packetsGained(page, 1500)).toBeGreaterThan(20);
    const result = await call.done;
    expect(result.successful).toBe(1);
    expect(result.responses[0]?.ringing).toBe(true);
    expect(result.responses[0]?.final).toBe(200);
    // Nothing rang before the app decided: exactly one 180, no duplicate from sip.js.
    expect(result.responses[0]?.codes.filter((c) => c === 180).length).toBe(1);
    await waitNoCalls(page);
    // The history arrives from main just after the call ends: wait for it.
    await expect.poll(lastHistoryOutcome).toBe('answered');
  });

  it('the tech hangs up from the UI', async () => {
    const call = await sippCall('callee-hangs-up', '+15550102', 0);
    await waitForCall(page, 'ringing');
    await page.click('[data-testid=answer]');
    await waitForCall(page, 'active');
    await page.click('[data-testid=hangup]');
    const result = await call.done;
    expect(result.successful).toBe(1);
    await waitNoCalls(page);
  });

  it('a call the caller gives up on shows as missed', async () => {
    const call = await sippCall('caller-cancels', '+15550103', 1500);
    await waitForCall(page, 'ringing');
    const result = await call.done;
    expect(result.successful).toBe(1);
    await waitNoCalls(page);
    await expect.poll(lastHistoryOutcome).toBe('missed');
  });

  it('call waiting: a second call rings while on a call; answering holds the first; the tech switches back', async () => {
    const first = await sippCall('callee-hangs-up', '+15550104', 0);
    await waitForCall(page, 'ringing');
    await page.click('[data-testid=answer]');
    await waitForCall(page, 'active');

    const second = await sippCall('answer-then-bye', '+15550105', 3000);
    await waitForCall(page, 'ringing');
    expect(await page.textContent('[data-testid=answer]')).toBe('Answer (hold current)');
    await page.click('[data-testid=answer]');
    await waitForCall(page, 'held');
    expect(await callCard(page, 'held').locator('[data-testid=call-remote]').textContent()).toBe('+15550104');
    expect(await callCard(page, 'active').locator('[data-testid=call-remote]').textContent()).toBe('+15550105');

    expect((await second.done).successful).toBe(1); // the second caller hangs up after 3 s
    await callCard(page).filter({ hasText: '+15550105' }).waitFor({ state: 'detached' });
    await page.click('[data-testid=resume]');
    await waitForCall(page, 'active');
    expect(await callCard(page, 'active').locator('[data-testid=call-remote]').textContent()).toBe('+15550104');
    await page.click('[data-testid=hangup]');
    expect((await first.done).successful).toBe(1);
    await waitNoCalls(page);
  });
});

describe('baresip calls the app', () => {
  let baresip: Baresip;
  beforeAll(async () => {
    baresip = await startBaresip({ callers: ['alice'] });
  });
  afterAll(async () => {
    await baresip?.stop();
  });

  it('rings, is answered with audio, and baresip hangs up', async () => {
    await baresip.dial('sip:alice@127.0.0.1', kamailio.uri('tech1'));
    await waitForCall(page, 'ringing');
    await baresip.waitForEvent('CALL_RINGING', 5000);
    await page.click('[data-testid=answer]');
    await baresip.waitForEvent('CALL_ESTABLISHED', 5000);
    await waitForCall(page, 'active');
    await page.waitForSelector('[data-testid=call-stats]');
    expect(await packetsGained(page, 1500)).toBeGreaterThan(20);
    await baresip.hangup();
    await baresip.waitForEvent('CALL_CLOSED', 5000);
    await waitNoCalls(page);
  });

  it('survives a dropped connection mid-call: reconnects, re-INVITEs, keeps the audio, and still hears the hang-up', async () => {
    await baresip.dial('sip:alice@127.0.0.1', kamailio.uri('tech1'));
    await waitForCall(page, 'ringing');
    await page.click('[data-testid=answer]');
    await baresip.waitForEvent('CALL_ESTABLISHED', 5000);
    await waitForCall(page, 'active');

    expect(await cutTcpConnectionsTo(kamailio.wsPort)).toBeGreaterThan(0);
    await waitFor(async () => (await registrationOf(page)).state !== 'registered', { timeoutMs: 5000, what: 'the app to notice the dropped connection' });
    await waitRegistered(page, 10_000);
    // The re-INVITE told baresip our new address; rtpengine re-anchored the media.
    await page.waitForTimeout(1000);
    expect(await packetsGained(page, 1500)).toBeGreaterThan(20);

    // Without the re-INVITE this BYE would go to the dead connection and the call would hang in the UI.
    await baresip.hangup();
    await baresip.waitForEvent('CALL_CLOSED', 5000);
    await waitNoCalls(page, 5000);
  });

  it('sees the tech decline as 486 Busy Here', async () => {
    await baresip.dial('sip:alice@127.0.0.1', kamailio.uri('tech1'));
    await waitForCall(page, 'ringing');
    await page.click('[data-testid=decline]');
    const closed = await baresip.waitForEvent('CALL_CLOSED', 5000);
    expect(closed.param).toMatch(/486/);
  });
});

describe('the app calls baresip', () => {
  let baresip: Baresip;
  beforeAll(async () => {
    baresip = await startBaresip({ callers: [], callee: { user: 'tech2', password: 'secret2', registrar: kamailio } });
  });
  afterAll(async () => {
    await baresip?.stop();
  });

  it('the keypad’s tones reach the far end: baresip receives 1, 2, 3, # in order', async () => {
    await dial(page, 'tech2');
    await baresip.waitForEvent('CALL_ESTABLISHED', 10_000);
    await waitForCall(page, 'active');
    await page.click('[data-testid=keypad-toggle]');
    for (const key of ['1', '2', '3', '#']) {
      await page.click(`[data-testid="dtmf-${key}"]`);
      // baresip reports each key it received (RFC 4733 events, or SIP INFO where those weren't negotiated).
      const received = await baresip.waitForEvent('CALL_DTMF_START', 5000);
      expect(received.param).toBe(key);
    }
    await page.click('[data-testid=hangup]');
    await baresip.waitForEvent('CALL_CLOSED', 5000);
    await waitNoCalls(page);
  });
});
