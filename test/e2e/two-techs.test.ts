import { expect, test } from '@playwright/test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { callCard, dial, energyGained, packetsGained, waitForCall, waitNoCalls, waitRegistered } from './phone-page.js';
import { connectIpc } from './ipc-client.js';

// Two technicians in web mode, registered through a real Kamailio with digest
// auth, call each other through the UI in Chromium with real WebRTC audio.
let kamailio: Kamailio;
let browser: Browser;
let tech1: FocuslineWeb;
let tech2: FocuslineWeb;
let page1: Page;
let page2: Page;

// The tests of this file share what beforeAll starts and build on each other: after a failure the
// rest are not run (and are reported so) rather than run on a state they don't expect.
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  kamailio = await startKamailio({ auth: true });
  [tech1, tech2] = await Promise.all([
    startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: kamailio.wsUrl, displayName: 'Tech One' }),
    startFocuslineWeb({ user: 'tech2', password: 'secret2', wsUrl: kamailio.wsUrl, displayName: 'Tech Two' }),
  ]);
  browser = await launchChromium();
  page1 = await newCallPage(browser, tech1.url);
  page2 = await newCallPage(browser, tech2.url);
  await Promise.all([waitRegistered(page1), waitRegistered(page2)]);
});

test.afterAll(async () => {
  await browser?.close();
  await Promise.all([tech1?.stop(), tech2?.stop()]);
  await kamailio?.stop();
});

test.describe('tech1 calls tech2 through the UI', () => {
  test('rings on tech2 and shows the caller by name', async () => {
    await dial(page1, 'tech2');
    await waitForCall(page2, 'ringing');
    expect(await callCard(page2, 'ringing').locator('[data-testid=call-remote]').textContent()).toBe('Tech One');
    await waitForCall(page1, 'early');
  });

  test('connects with audio flowing both ways', async () => {
    await page2.click('[data-testid=answer]');
    await Promise.all([waitForCall(page1, 'active'), waitForCall(page2, 'active')]);
    await page1.waitForSelector('[data-testid=call-stats]');
    await page2.waitForSelector('[data-testid=call-stats]');
    const [gain1, gain2] = await Promise.all([packetsGained(page1, 2000), packetsGained(page2, 2000)]);
    // 20 ms Opus frames: about 100 packets in 2 s. A call that is "Established" with no media fails here.
    expect(gain1).toBeGreaterThan(40);
    expect(gain2).toBeGreaterThan(40);
  });

  test('hold asks first ("May I put you on hold for a moment?"), then stops the audio on the held side; resume brings it back', async () => {
    // The procedure: always ask before holding. The question comes first; Cancel keeps the call as it was.
    await page1.click('[data-testid=hold]');
    await expect(page1.locator('[data-testid=hold-ask]')).toContainText('May I put you on hold for a moment?');
    await page1.click('[data-testid=hold-cancel]');
    await expect(page1.locator('[data-testid=hold-ask]')).toHaveCount(0);
    expect(await callCard(page1, 'active').count()).toBe(1);
    await page1.click('[data-testid=hold]');
    await page1.click('[data-testid=hold-agreed]');
    await waitForCall(page1, 'held');
    await page2.waitForTimeout(1000); // let packets in flight drain
    const heldGain = await packetsGained(page2, 2000);
    expect(heldGain).toBeLessThanOrEqual(2);
    await page1.click('[data-testid=resume]');
    await waitForCall(page1, 'active');
    await page2.waitForTimeout(500);
    expect(await packetsGained(page2, 2000)).toBeGreaterThan(40);
  });

  test('mute silences tech1 at the far end and keeps the call up; unmute brings the voice back', async () => {
    const heard = await energyGained(page2, 2000);
    expect(heard).toBeGreaterThan(0);
    await page1.click('[data-testid=mute]');
    await expect(page1.locator('[data-testid=mute]')).toHaveAttribute('aria-pressed', 'true');
    // The stats line refreshes every second: let a reading taken after the mute be the starting point.
    await page2.waitForTimeout(1500);
    const whileMuted = await energyGained(page2, 2000);
    expect(whileMuted).toBeLessThan(heard / 10);
    expect(await packetsGained(page2, 1000)).toBeGreaterThan(20); // the call is up: (silent) packets still flow
    await page1.click('[data-testid=mute]');
    await expect(page1.locator('[data-testid=mute]')).toHaveAttribute('aria-pressed', 'false');
    await page2.waitForTimeout(1500);
    expect(await energyGained(page2, 2000)).toBeGreaterThan(heard / 3);
  });

  test('during the call, the procedure’s phrases are at hand, and "Reset the interrupt" turns the caller’s request into a ticket without ending the call', async () => {
    await page2.click('[data-testid=phrases-toggle]');
    await expect(page2.locator('[data-testid=phrase]')).toHaveCount(3);
    await expect(page2.locator('[data-testid=phrase]').nth(1)).toContainText("I don't know off-hand, but I'll find out and get back to you.");
    await page2.click('[data-testid=reset-interrupt]');
    await expect(page2.locator('[data-testid=reset-phrase]')).toContainText('Even though you have reached me directly I am currently on another task.');
    await page2.fill('[data-testid=reset-summary]', 'Printer at the front desk jams');
    await page2.click('[data-testid=reset-create-ticket]');
    await expect(page2.locator('[data-testid=notice]')).toContainText(/Ticket #\d+ created: Printer at the front desk jams/);
    expect(await callCard(page2, 'active').count()).toBe(1);
    await page2.click('[data-testid=tab-tickets]');
    await page2.locator('[data-testid=ticket]', { hasText: 'Printer at the front desk jams' }).waitFor();
    await page2.click('[data-testid=tab-phone]');
  });

  test('both put the call on hold at the same moment (re-INVITE glare, 491 both ways): the call survives and both end on hold', async () => {
    const [ipc1, ipc2] = await Promise.all([connectIpc(tech1.base, tech1.token), connectIpc(tech2.base, tech2.token)]);
    try {
      const [view1, view2] = await Promise.all([ipc1.invoke('phone.get', {}), ipc2.invoke('phone.get', {})]);
      const id1 = view1.calls[0]?.id ?? '';
      const id2 = view2.calls[0]?.id ?? '';
      const glared = () => /crossed the other side's \(491, glare\)/.test(tech1.process.log() + tech2.process.log());
      // Both hold at once; until the re-INVITEs really cross (a few ms apart is enough), resume and try again.
      for (let attempt = 0; attempt < 5 && !glared(); attempt++) {
        if (attempt > 0) {
          await ipc1.invoke('phone.hold', { callId: id1, hold: false });
          await ipc2.invoke('phone.hold', { callId: id2, hold: false });
        }
        await Promise.all([ipc1.invoke('phone.hold', { callId: id1, hold: true }), ipc2.invoke('phone.hold', { callId: id2, hold: true })]);
      }
      expect(glared()).toBe(true);
      await Promise.all([waitForCall(page1, 'held'), waitForCall(page2, 'held')]);
      // Resumed one after the other, audio flows both ways again: neither side's peer connection was left half-negotiated.
      await ipc1.invoke('phone.hold', { callId: id1, hold: false });
      await ipc2.invoke('phone.hold', { callId: id2, hold: false });
      await Promise.all([waitForCall(page1, 'active'), waitForCall(page2, 'active')]);
      await page1.waitForTimeout(500);
      const [gain1, gain2] = await Promise.all([packetsGained(page1, 2000), packetsGained(page2, 2000)]);
      expect(gain1).toBeGreaterThan(40);
      expect(gain2).toBeGreaterThan(40);
    } finally {
      ipc1.close();
      ipc2.close();
    }
  });

  test('a settings change that needs a phone restart waits for the call: the call stays up, with audio', async () => {
    const ipc = await connectIpc(tech1.base, tech1.token);
    try {
      // New ICE servers change the phone's credentials; restarting now would hang the call up.
      await ipc.invoke('settings.setValue', { key: 'iceServers', value: [{ urls: 'stun:127.0.0.1:3478' }] });
      await page1.locator('[data-testid=notice]', { hasText: 'reconnect with them when your call ends' }).waitFor();
      await page1.waitForTimeout(1000);
      expect(await callCard(page1, 'active').count()).toBe(1);
      expect(await packetsGained(page2, 1500)).toBeGreaterThan(30);
    } finally {
      ipc.close();
    }
  });

  test('hang up ends the call on both sides and both histories record it', async () => {
    await page1.click('[data-testid=hangup]');
    await Promise.all([waitNoCalls(page1), waitNoCalls(page2)]);
    // …and then the phone that waited reconnects with its new settings.
    await waitRegistered(page1);
    for (const [page, direction] of [
      [page1, 'outgoing'],
      [page2, 'incoming'],
    ] as const) {
      await page.click('[data-testid=tab-history]');
      const entry = page.locator('[data-testid=history-entry]').first();
      await entry.waitFor();
      await expect.poll(() => entry.getAttribute('data-outcome')).toBe('answered');
      expect(await entry.getAttribute('data-direction')).toBe(direction);
      expect(await entry.locator('[data-testid=history-duration]').textContent()).toMatch(/^0:\d\d$/);
      await page.click('[data-testid=tab-phone]');
    }
  });

  test('a declined call shows as declined for tech2 and failed for tech1', async () => {
    await dial(page1, 'tech2');
    await waitForCall(page2, 'ringing');
    await page2.click('[data-testid=decline]');
    await Promise.all([waitNoCalls(page1), waitNoCalls(page2)]);
    await page2.click('[data-testid=tab-history]');
    await expect.poll(() => page2.locator('[data-testid=history-entry]').first().getAttribute('data-outcome')).toBe('declined');
    await page1.click('[data-testid=tab-history]');
    await expect.poll(() => page1.locator('[data-testid=history-entry]').first().getAttribute('data-outcome')).toBe('failed');
  });
});
