import { expect, test } from '@playwright/test';
import { rm } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../harness/chromium.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { startRtpengine, type Rtpengine } from '../harness/rtpengine.js';
import { startSippCall, type SippResult } from '../harness/sipp.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { connectIpc, type IpcClient } from './ipc-client.js';
import { makePolicyFolder, type PolicyFolder } from './policy-files.js';
import { measureRecording } from './recorded-audio.js';

// Focusline's own voicemail in a browser tab NOBODY HAS CLICKED: Chromium's
// own autoplay policy (no --autoplay-policy flag), no click, no
// page.evaluate (Playwright's evaluate counts as a user gesture) before the
// call. There an AudioContext stays suspended and an <audio> element is
// refused play(), and voicemail must still answer, play its greeting and
// record: the tech opened Focusline and walked away. SIPp (plain RTP, PCMA)
// calls tech2 through Kamailio and rtpengine, listens through the greeting
// and the beep, talks, and hangs up.
const CALLER = '+15550177';
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

const PROBE_PREFIX = 'focusline-test-probe ';
type Probe = { activated: boolean; audioContext: string; registered: boolean; sentLevel: number };
let probe: Probe | undefined;

/**
 * Runs in the page before its own scripts and reports on the console, which
 * the test only listens to. The test never queries the page's DOM before
 * the call: every Playwright DOM query or action (waitForSelector and
 * locators too, not only page.evaluate and clicks) runs in the page with
 * userGesture: true and would activate it. It reports: whether the page was
 * ever activated; the state of an AudioContext made here (the premise:
 * 'suspended'); whether the status bar shows "registered"; and the loudest
 * level any peer connection's local audio source sent (getStats'
 * media-source report), which proves the caller was sent a greeting, not
 * silence. Plain JavaScript, handed over as text.
 */
const WATCH_FROM_INSIDE = `(() => {
  const connections = [];
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      connections.push(this);
    }
  };
  const context = new AudioContext();
  let sentLevel = 0;
  let last = '';
  setInterval(() => {
    for (const pc of connections) {
      pc.getStats().then((report) => report.forEach((s) => {
        if (s.type === 'media-source' && s.kind === 'audio' && typeof s.audioLevel === 'number') sentLevel = Math.max(sentLevel, s.audioLevel);
      }), () => undefined);
    }
    const state = JSON.stringify({
      activated: navigator.userActivation.hasBeenActive,
      audioContext: context.state,
      registered: document.querySelector('[data-testid=status][data-registration=registered]') !== null,
      sentLevel,
    });
    if (state !== last) console.log('${PROBE_PREFIX}' + state);
    last = state;
  }, 100);
})();`;

// The tests of this file share what beforeAll starts and build on each other: after a failure the
// rest are not run (and are reported so) rather than run on a state they don't expect.
test.describe.configure({ mode: 'serial' });
// Playwright's tracing activates the page it records (seen: navigator.userActivation.hasBeenActive turned
// true right after page.goto with trace 'retain-on-failure', never without): this file runs untraced.
test.use({ trace: 'off' });

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
  // No autoplay flag: Chromium's own policy, as in the tech's browser.
  browser = await launchChromium();
  // As newCallPage, plus the watcher installed before the page's scripts run.
  const context = await browser.newContext({ permissions: ['microphone'] });
  await context.grantPermissions(['microphone'], { origin: new URL(tech2.url).origin });
  page = await context.newPage();
  await page.addInitScript({ content: WATCH_FROM_INSIDE });
  // A failing call usually explains itself in the page's console (sip.js, WebRTC, the voicemail engine).
  page.on('console', (m) => {
    if (m.text().startsWith(PROBE_PREFIX)) probe = JSON.parse(m.text().slice(PROBE_PREFIX.length)) as Probe;
    if (m.type() === 'error' || m.type() === 'warning') console.log(`[tech2 page] ${m.text().slice(0, 500)}`);
  });
  page.on('pageerror', (error) => console.log(`[tech2 page] uncaught: ${error.message.slice(0, 500)}`));
  await page.goto(tech2.url);
  // Not waitRegistered(page): its waitForSelector would activate the page.
  await expect.poll(() => probe?.registered, { timeout: 15_000 }).toBe(true);
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

test.describe('Focusline’s own voicemail in a tab nobody has clicked (no autoplay flag)', () => {
  test('the tab is really unclicked: never activated, and an AudioContext there stays suspended', async () => {
    expect(probe?.activated).toBe(false);
    expect(probe?.audioContext).toBe('suspended');
  });

  test('answers SIPp’s call (200 OK, no ringing), sends it a greeting that is not silent, and records until SIPp’s BYE', async () => {
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
    await expect
      .poll(async () => (await ipc.invoke('voicemail.list', { includeHandled: true })).messages.map((m) => m.state), { timeout: 15_000 })
      .toEqual(['recording']);
    const sipp: SippResult = await call.done;
    expect(sipp.errors).toBe('');
    expect(sipp.exitCode).toBe(0);
    // Successful only once SIPp's own BYE got its 200 OK: Focusline did not hand the call on or hang up first.
    expect(sipp.successful).toBe(1);
    expect(sipp.failed).toBe(0);
    expect(sipp.responses).toHaveLength(1);
    expect(sipp.responses[0]?.final).toBe(200);
    expect(sipp.responses[0]?.ringing).toBe(false);
    expect(rtpengine.commandsSeen()).toEqual(expect.arrayContaining(['offer', 'answer', 'delete']));
    // The greeting went out as sound: the chime is sent at 0.3 of full scale (audioLevel is 0..1, silence 0).
    const sentLevel = probe?.sentLevel ?? 0;
    console.log(`[voicemail, unclicked tab] loudest level sent to the caller: ${sentLevel}`);
    expect(sentLevel).toBeGreaterThan(0.05);
    // Still never activated, and an AudioContext still could not run: nothing above relied on one.
    expect(probe?.activated).toBe(false);
    expect(probe?.audioContext).toBe('suspended');
  });

  test('stores the caller’s message: as long as SIPp talked, and not silent', async () => {
    await expect
      .poll(async () => (await ipc.invoke('voicemail.list', { includeHandled: true })).messages.map((m) => `${m.state}:${m.note ?? ''}`), { timeout: 10_000 })
      .toEqual(['complete:']);
    const { messages } = await ipc.invoke('voicemail.list', { includeHandled: true });
    const message = messages[0]!;
    expect(message.callerNumber).toContain('5550177');
    // Recording starts after the beep, inside SIPp's listening time, and stops at SIPp's BYE.
    expect(message.durationMs).toBeGreaterThan(TALK_MS - 700);
    expect(message.durationMs).toBeLessThan(LISTEN_MS + TALK_MS + 1_000);
    // Measured in the page: from here on page.evaluate (a user gesture) no longer matters.
    const measured = await measureRecording(page, await ipc.invoke('voicemail.audio', { id: message.id }));
    console.log(
      `[voicemail, unclicked tab] duration ${message.durationMs} ms (SIPp listened ${LISTEN_MS} ms, talked ${TALK_MS} ms), decoded ${measured.seconds.toFixed(2)} s, RMS ${measured.rmsDbfs.toFixed(1)} dBFS, ${message.sizeBytes} bytes`,
    );
    expect(measured.seconds).toBeGreaterThan(TALK_MS / 1000 - 1);
    expect(measured.rmsDbfs).toBeGreaterThan(-45);
  });
});
