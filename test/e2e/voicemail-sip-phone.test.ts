import { expect, test } from '@playwright/test';
import { rm } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { startRtpengine, type Rtpengine } from '../harness/rtpengine.js';
import { startSippCall, type SippResult } from '../harness/sipp.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { connectIpc, type IpcClient } from './ipc-client.js';
import { callCard, waitRegistered } from './phone-page.js';
import { makePolicyFolder, type PolicyFolder } from './policy-files.js';
import { measureRecording } from './recorded-audio.js';

// Focusline's own voicemail when the caller is a plain SIP phone: SIPp (UDP,
// RTP/AVP, PCMA) calls tech2 through Kamailio, rtpengine bridges its RTP to
// tech2's WebRTC call as a PBX would. tech2 is in do-not-disturb and policy
// sends callers to the local voicemail. SIPp listens through the greeting
// and the beep, then talks (sip-tester's g711a.pcap, speech) and hangs up.
const CALLER = '+15550142';
/** Silence on SIPp's side while Focusline plays its greeting and beep (the built-in prompt is ~2.2 s, the beep 0.4 s). */
const LISTEN_MS = 3_500;
/** How long SIPp talks before its BYE. */
const TALK_MS = 4_500;

let rtpengine: Rtpengine;
let kamailio: Kamailio;
let policy: PolicyFolder;
let tech2: FocuslineWeb;
let browser: Browser;
let page: Page;
let ipc: IpcClient;

// The tests of this file share what beforeAll starts and build on each other: after a failure the
// rest are not run (and are reported so) rather than run on a state they don't expect.
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000); // Starting the peers one after the other can take longer than one test's 60 s.
  rtpengine = await startRtpengine();
  kamailio = await startKamailio({ auth: true, rtpengineNgPort: rtpengine.ngPort });
  policy = await makePolicyFolder();
  // A long silence limit: the caller's pauses must not end the message before SIPp's BYE.
  await policy.write('managed', 'focusline.json', { 'focus.action': 'voicemail', 'focus.voicemailTarget': 'local', 'voicemail.silenceSeconds': 10 });
  tech2 = await startFocuslineWeb({
    user: 'tech2',
    password: 'secret2',
    wsUrl: kamailio.wsUrl,
    displayName: 'Tech Two',
    env: { FOCUSLINE_POLICY_DIR: policy.dir },
  });
  // No autoplay flag: Chromium's own policy, as in the tech's browser, where the tech has clicked in the
  // tab (here the Phone tab, in the first test) as anyone who opened it has.
  browser = await launchChromium();
  page = await newCallPage(browser, tech2.url);
  await waitRegistered(page);
  // A failing call usually explains itself in the page's console (sip.js, WebRTC, the voicemail engine).
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.log(`[tech2 page] ${m.text().slice(0, 500)}`);
  });
  ipc = await connectIpc(tech2.base, tech2.token);
  await ipc.invoke('focus.dnd', { minutes: 60 });
});

test.afterAll(async () => {
  ipc?.close();
  await browser?.close();
  await tech2?.stop();
  await kamailio?.stop();
  await rtpengine?.stop();
  if (policy) await rm(policy.dir, { recursive: true, force: true });
});

type CardSeen = { state: string; shownMs: number | null };
type CardWatch = { __callCards?: CardSeen[] };

/**
 * Records, from now on, every call card the page adds to the DOM, even one
 * removed again a moment later, with how long it stayed (null: still shown).
 */
async function watchCallCards(p: Page): Promise<void> {
  await p.evaluate(() => {
    const seen: CardSeen[] = [];
    const shown = new Map<Element, { entry: CardSeen; at: number }>();
    (window as CardWatch).__callCards = seen;
    const cardsIn = (node: Node): Element[] =>
      node instanceof Element ? [...(node.matches('[data-testid=call]') ? [node] : []), ...node.querySelectorAll('[data-testid=call]')] : [];
    new MutationObserver((records) => {
      for (const record of records) {
        for (const card of [...record.addedNodes].flatMap(cardsIn)) {
          const entry = { state: card.getAttribute('data-state') ?? '?', shownMs: null };
          seen.push(entry);
          shown.set(card, { entry, at: performance.now() });
        }
        for (const card of [...record.removedNodes].flatMap(cardsIn)) {
          const was = shown.get(card);
          if (was) was.entry.shownMs = Math.round(performance.now() - was.at);
          shown.delete(card);
        }
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
}

const callCardsSeen = (p: Page): Promise<CardSeen[]> => p.evaluate(() => (window as CardWatch).__callCards ?? []);

test.describe('Focusline’s own voicemail, called from a plain SIP phone (SIPp through Kamailio and rtpengine)', () => {
  test('answers without ringing or showing the call, and SIPp’s call succeeds: 200 OK to the INVITE, its BYE answered', async () => {
    await page.click('[data-testid=tab-phone]');
    await watchCallCards(page);
    const call = await startSippCall({
      kamailio,
      callee: 'tech2',
      caller: CALLER,
      scenario: 'caller-talks-then-bye',
      listenMs: LISTEN_MS,
      holdMs: TALK_MS,
      playPcap: true,
      timeoutMs: 30_000,
    });
    // While the message is being recorded, the phone tab shows no call.
    await expect
      .poll(async () => (await ipc.invoke('voicemail.list', { includeHandled: true })).messages.map((m) => m.state), { timeout: 15_000 })
      .toEqual(['recording']);
    expect(await callCard(page).count()).toBe(0);
    await page.locator('[data-testid=calls-empty]').waitFor({ timeout: 1_000 });

    const sipp: SippResult = await call.done;
    expect(sipp.errors).toBe('');
    expect(sipp.exitCode).toBe(0);
    // The scenario counts a call successful only once its BYE got a 200 OK; a BYE from Focusline
    // before SIPp's (silence detection, an error) is an unexpected message and fails it.
    expect(sipp.successful).toBe(1);
    expect(sipp.failed).toBe(0);
    // Answered directly: no 180 (no ringing anywhere), and a 200 OK.
    expect(sipp.responses).toHaveLength(1);
    expect(sipp.responses[0]?.final).toBe(200);
    expect(sipp.responses[0]?.ringing).toBe(false);
    // The media went through rtpengine, released on the BYE.
    expect(rtpengine.commandsSeen()).toEqual(expect.arrayContaining(['offer', 'answer', 'delete']));
    expect(await callCardsSeen(page)).toEqual([]);
  });

  test('stores the caller’s message: as long as SIPp talked, and not silent', async () => {
    await expect
      .poll(async () => (await ipc.invoke('voicemail.list', { includeHandled: true })).messages.map((m) => `${m.state}:${m.note ?? ''}`), { timeout: 10_000 })
      .toEqual(['complete:']);
    const { messages } = await ipc.invoke('voicemail.list', { includeHandled: true });
    const message = messages[0]!;
    expect(message.callerNumber).toContain('5550142');
    expect(message.callbackDueAt).not.toBeNull();
    // Recording starts after the beep, inside SIPp's listening time, and stops at SIPp's BYE:
    // at least the talking time, at most listening plus talking (with slack for signalling and chunking).
    expect(message.durationMs).toBeGreaterThan(TALK_MS - 700);
    expect(message.durationMs).toBeLessThan(LISTEN_MS + TALK_MS + 1_000);

    const measured = await measureRecording(page, await ipc.invoke('voicemail.audio', { id: message.id }));
    console.log(
      `[voicemail from SIPp] duration ${message.durationMs} ms (SIPp listened ${LISTEN_MS} ms, talked ${TALK_MS} ms), decoded ${measured.seconds.toFixed(2)} s, RMS ${measured.rmsDbfs.toFixed(1)} dBFS, ${message.sizeBytes} bytes`,
    );
    expect(measured.seconds).toBeGreaterThan(TALK_MS / 1000 - 1);
    expect(measured.rmsDbfs).toBeGreaterThan(-45);

    // The page still never showed the call, and the history says voicemail.
    expect(await callCardsSeen(page)).toEqual([]);
    await page.click('[data-testid=tab-history]');
    expect(await page.locator('[data-testid=history-entry]').first().getAttribute('data-outcome')).toBe('voicemail');
  });
});
