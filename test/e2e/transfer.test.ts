import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { DEFAULT_USERS, startKamailio, type Kamailio } from '../harness/kamailio.js';
import { delay } from '../harness/processes.js';
import {
  serveSipjsWebPage,
  webUaDial,
  webUaRefer,
  webUaReplaceOwnCall,
  webUaRtpCounters,
  webUaStart,
  webUaState,
  type SipjsWebPageServer,
} from '../harness/sipjs-web-page.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { connectIpc, type IpcClient } from './ipc-client.js';
import { callCard, energyGained, packetsGained, waitForCall, waitNoCalls, waitRegistered } from './phone-page.js';

// Transfers as the procedure asks for them, through a real Kamailio: a
// customer's desk phone (a bare sip.js WebRTC UA in Chromium, which follows
// REFER with and without Replaces as desk phones do) calls tech1, a
// Focusline in web mode; tech1 transfers the customer to tech2, a second
// Focusline. Audio is judged from WebRTC's own counters on every leg.
let kamailio: Kamailio;
let browser: Browser;
let web: SipjsWebPageServer;
let tech1: FocuslineWeb;
let tech2: FocuslineWeb;
let page1: Page;
let page2: Page;
let customer: Page;
let ipc1: IpcClient;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  kamailio = await startKamailio({ auth: true, users: [...DEFAULT_USERS, { user: 'customer', password: 'secret9' }] });
  [tech1, tech2, web] = await Promise.all([
    startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: kamailio.wsUrl, displayName: 'Tech One' }),
    startFocuslineWeb({ user: 'tech2', password: 'secret2', wsUrl: kamailio.wsUrl, displayName: 'Tech Two' }),
    serveSipjsWebPage(),
  ]);
  browser = await launchChromium();
  page1 = await newCallPage(browser, tech1.url);
  page2 = await newCallPage(browser, tech2.url);
  customer = await newCallPage(browser, web.url);
  await Promise.all([waitRegistered(page1), waitRegistered(page2)]);
  expect(await webUaStart(customer, { wsUrl: kamailio.wsUrl, user: 'customer', password: 'secret9', autoAnswer: false })).toBe(200);
  // The customer has picked up their phone: a click lets the page play the far end aloud, so its audio energy is measured.
  await customer.mouse.click(5, 5);
  ipc1 = await connectIpc(tech1.base, tech1.token);
});

test.afterAll(async () => {
  ipc1?.close();
  await browser?.close();
  await web?.stop();
  await Promise.all([tech1?.stop(), tech2?.stop()]);
  await kamailio?.stop();
});

/** The customer calls tech1, who answers in the UI. */
async function customerReachesTech1(): Promise<void> {
  await webUaDial(customer, 'sip:tech1@127.0.0.1');
  await waitForCall(page1, 'ringing');
  await page1.click('[data-testid=answer]');
  await waitForCall(page1, 'active');
  await expect.poll(async () => (await webUaState(customer)).sessionState).toBe('Established');
}

/** The notes tech1's built-in ticket store holds for a ticket, oldest first (read beside the running app: WAL). */
function notesOf(ticketId: string): string[] {
  const db = new Database(join(tech1.dataDir, 'focusline.db'), { readonly: true });
  try {
    return db.prepare('SELECT text FROM local_ticket_notes WHERE ticket_id = ? ORDER BY at').pluck().all(Number(ticketId)) as string[];
  } finally {
    db.close();
  }
}

/** Web mode's local endpoint, as a script calls it. */
async function api(method: 'GET' | 'POST', path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${tech1.base}/api/v1/${path}`, { method, headers: { Authorization: `Bearer ${tech1.token}` } });
  return { status: res.status, body: await res.json() };
}

/** Audio the customer's phone received over a window (packets, energy). */
async function customerGained(windowMs: number): Promise<{ packets: number; energy: number }> {
  const before = await webUaRtpCounters(customer);
  await delay(windowMs);
  const after = await webUaRtpCounters(customer);
  return { packets: after.packetsReceived - before.packetsReceived, energy: after.energyReceived - before.energyReceived };
}

test('warm transfer: ask, hold and consult tech2 with the ticket as Subject, merge all three with audio mixed, then leave', async () => {
  await customerReachesTech1();
  // Working a ticket: its context travels with the transfer.
  const ticket = await ipc1.invoke('tickets.create', { summary: 'Printer down', company: 'Acme' });
  await ipc1.invoke('focus.startTicket', { ticketId: ticket.id });

  // 1. Permission to hold comes first.
  await page1.click('[data-testid=transfer]');
  await expect(page1.locator('[data-testid=transfer-ask]')).toContainText('May I put you on hold');
  await page1.click('[data-testid=transfer-agreed]');
  // 2. Hold the caller and call the target.
  await page1.fill('[data-testid=transfer-to]', 'tech2');
  await page1.click('[data-testid=transfer-warm]');
  await waitForCall(page1, 'held');
  await expect(callCard(page1, 'held').locator('[data-testid=transfer-progress]')).toHaveAttribute('data-transfer-state', 'consulting');
  await waitForCall(page2, 'ringing');
  await expect(callCard(page2, 'ringing').locator('[data-testid=call-subject]')).toHaveText(`About #${ticket.id} Acme: Printer down`);
  await page2.click('[data-testid=answer]');
  await waitForCall(page2, 'active');
  await expect(page1.locator('[data-testid=consult-badge]')).toContainText('Transfer of customer');

  // 3. Merge: all three on the line.
  await page1.click('[data-testid=transfer-merge]');
  await expect(page1.locator('[data-testid=transfer-say]')).toContainText('I have customer on the line.');
  await expect(callCard(page1, 'active')).toHaveCount(2);
  // Inbound audio on both of tech1's legs (the customer's and tech2's), as each call card's stats line shows it.
  const legsIn = async () =>
    Promise.all([0, 1].map(async (i) => Number(await callCard(page1, 'active').nth(i).locator('[data-testid=call-stats]').getAttribute('data-packets-in'))));
  const before = await legsIn();
  await delay(2000);
  const after = await legsIn();
  expect(after.map((n, i) => n - (before[i] ?? 0)).every((gain) => gain > 40)).toBe(true);
  // With tech1's microphone muted (mute covers both halves of a three-way call), what tech2 still hears can only
  // be the customer's voice, and what the customer hears only tech2's: the window mixes each into the other's call.
  await callCard(page1, 'active').first().locator('[data-testid=mute]').click();
  await expect(callCard(page1, 'active').locator('[data-testid=mute][aria-pressed=true]')).toHaveCount(2);
  await delay(1500);
  expect(await energyGained(page2, 3000)).toBeGreaterThan(0);
  const heardByCustomer = await customerGained(3000);
  expect(heardByCustomer.packets).toBeGreaterThan(40);
  expect(heardByCustomer.energy).toBeGreaterThan(0);
  await callCard(page1, 'active').first().locator('[data-testid=mute]').click();

  // 4. Leave: REFER with Replaces; the customer's phone calls tech2, whose Focusline swaps the consult call for it.
  await page1.click('[data-testid=transfer-leave]');
  await waitNoCalls(page1, 15_000);
  await expect.poll(async () => (await webUaState(customer)).remoteUser, { timeout: 10_000 }).toBe('tech2');
  expect((await webUaState(customer)).referrals).toBe(1);
  await expect(callCard(page2)).toHaveCount(1);
  await expect(callCard(page2, 'active').locator('[data-testid=call-remote]')).toHaveText('customer');
  await expect(callCard(page2, 'active').locator('[data-testid=call-reason]')).toContainText('Transferred to you by Tech One');
  await expect(callCard(page2, 'active').locator('[data-testid=call-subject]')).toHaveText(`About #${ticket.id} Acme: Printer down`);
  // The customer and tech2 talk, both ways, without tech1.
  await delay(1000);
  expect(await packetsGained(page2, 2000)).toBeGreaterThan(40);
  expect(await energyGained(page2, 2000)).toBeGreaterThan(0);
  expect((await customerGained(2000)).packets).toBeGreaterThan(40);
  // The ticket says where the caller went.
  expect(notesOf(ticket.id)).toEqual([expect.stringMatching(/^Warm transfer: customer \(sip:customer@127\.0\.0\.1\) was handed over to tech2\./)]);
  await ipc1.invoke('focus.stop', {});
  await page2.click('[data-testid=hangup]');
  await waitNoCalls(page2);
});

test('blind transfer: tech2 rings and gets the caller; tech1 is free', async () => {
  await customerReachesTech1();
  await page1.click('[data-testid=transfer]');
  await page1.click('[data-testid=transfer-agreed]');
  await page1.fill('[data-testid=transfer-to]', 'tech2');
  await page1.click('[data-testid=transfer-blind]');
  await expect(callCard(page1, 'held').locator('[data-testid=transfer-progress]')).toHaveAttribute('data-transfer-state', 'transferring');
  await waitForCall(page2, 'ringing');
  await expect(callCard(page2, 'ringing').locator('[data-testid=call-remote]')).toHaveText('customer');
  await page2.click('[data-testid=answer]');
  await waitForCall(page2, 'active');
  await waitNoCalls(page1);
  await delay(1000);
  expect(await packetsGained(page2, 2000)).toBeGreaterThan(40);
  expect((await customerGained(2000)).packets).toBeGreaterThan(40);
  await page2.click('[data-testid=hangup]');
  await waitNoCalls(page2);
});

test('a blind transfer to nobody gives the caller back to tech1, who is told why, and their audio resumes', async () => {
  await customerReachesTech1();
  const callId = (await page1.getAttribute('[data-testid=call][data-state=active]', 'data-call-id')) ?? '';
  // A script (the local endpoint) acts at once: no permission question.
  const answer = await api('POST', `calls/${encodeURIComponent(callId)}/transfer?to=nobody&mode=blind`);
  expect(answer.status).toBe(200);
  const failed = /Transfer to nobody failed \(404 Not Found\)\. The caller is back with you\./;
  await expect(callCard(page1, 'active').locator('[data-testid=call-reason]')).toContainText(failed, { timeout: 15_000 });
  // The script sees it too: the call's entry is active again, says why, and is no longer being transferred.
  const legs = (await api('GET', 'calls')).body as { calls: { id: string; state: string; reason: string; transfer: unknown }[] };
  expect(legs.calls.find((c) => c.id === callId)).toMatchObject({ state: 'active', reason: expect.stringMatching(failed), transfer: null });
  expect((await webUaState(customer)).sessionState).toBe('Established');
  await delay(1000);
  expect(await packetsGained(page1, 2000)).toBeGreaterThan(40);
  expect((await customerGained(2000)).packets).toBeGreaterThan(40);
});

test('documenting the encounter: a note during the call, then one click at hang-up logs the call on the ticket', async () => {
  const ticket = await ipc1.invoke('tickets.create', { summary: 'Scanner offline', company: 'Acme' });
  await ipc1.invoke('focus.startTicket', { ticketId: ticket.id });
  await callCard(page1, 'active').locator('[data-testid=live-note-toggle]').click();
  await expect(page1.locator('[data-testid=live-note-ticket]')).toHaveValue(ticket.id);
  await page1.fill('[data-testid=live-note-text]', 'Caller reports the scanner shows offline since this morning.');
  await page1.click('[data-testid=live-note-send]');
  await expect(page1.locator('[data-testid=notice]')).toContainText(`Note added to #${ticket.id}.`);
  expect(await callCard(page1, 'active').count()).toBe(1);

  await page1.click('[data-testid=hangup]');
  await waitNoCalls(page1);
  const wrapUp = page1.locator('[data-testid=wrap-up]');
  await expect(wrapUp).toContainText('Call from customer ended');
  await expect(page1.locator('[data-testid=wrap-up-ticket]')).toHaveValue(ticket.id);
  await page1.fill('[data-testid=wrap-up-summary]', 'Power-cycled the scanner; it is back online.');
  await page1.click('[data-testid=wrap-up-log]');
  await expect(page1.locator('[data-testid=notice]')).toContainText(`Call logged on #${ticket.id}.`);
  await expect(wrapUp).toHaveCount(0);
  // The built-in ticket store has both notes: who, when and how long, with the tech's words.
  {
    const notes = notesOf(ticket.id);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toContain('Caller reports the scanner shows offline since this morning.');
    expect(notes[1]).toMatch(
      /^Phone call from customer, \d{4}-\d{2}-\d{2} \d{2}:\d{2}–\d{2}:\d{2} \(\d+ (min \d+ )?s\)\.\n\nPower-cycled the scanner; it is back online\./,
    );
  }
  await ipc1.invoke('focus.stop', {});
});

test('a far end can’t make tech1 dial out: its REFER to an outside number is refused (603), and nothing is dialled', async () => {
  await customerReachesTech1();
  expect(await webUaRefer(customer, 'sip:+449001234567@127.0.0.1')).toBe(603);
  await expect(callCard(page1, 'active').locator('[data-testid=call-reason]')).toContainText('Refused a transfer to sip:+449001234567@127.0.0.1');
  await expect(callCard(page1)).toHaveCount(1);
  const legs = (await api('GET', 'calls')).body as { calls: { direction: string; state: string }[] };
  expect(legs.calls.filter((c) => c.direction === 'outgoing' && c.state !== 'ended')).toEqual([]);
});

test('a caller on hold can’t take the line back by replacing its own call (481): the call stays held', async () => {
  const callId = (await page1.getAttribute('[data-testid=call][data-state=active]', 'data-call-id')) ?? '';
  await ipc1.invoke('phone.hold', { callId, hold: true });
  await waitForCall(page1, 'held');
  expect(await webUaReplaceOwnCall(customer, 'sip:tech1@127.0.0.1')).toBe(481);
  await expect(callCard(page1)).toHaveCount(1);
  await expect(callCard(page1, 'held')).toHaveCount(1);
  await ipc1.invoke('phone.hangup', { callId });
  await waitNoCalls(page1);
});
