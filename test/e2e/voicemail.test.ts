import { expect, test } from '@playwright/test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { encodeWavPcm16 } from '../../src-shared/audio/wav.js';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { startRt, type RtServer } from '../harness/rt.js';
import { delay } from '../harness/processes.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { connectIpc, type IpcClient } from './ipc-client.js';
import { callCard, dial, packetsGained, waitForCall, waitNoCalls, waitRegistered } from './phone-page.js';
import { makePolicyFolder } from './policy-files.js';
import { measureRecording } from './recorded-audio.js';

// Focusline's own voicemail, end to end in Chromium through Kamailio: tech2
// is in do-not-disturb and policy sends other callers to the local
// voicemail. tech1 calls with a fake microphone playing a known tone.
// tech2's Focusline answers without ringing, plays the (built-in) greeting
// and the beep; tech1 hears it; tech1 talks for 4 s and hangs up; the
// message is in tech2's inbox, about 4 s long and not silent.
const TONE_HZ = 440;
const TONE_DBFS = -12;
const TALK_MS = 4_000;

let dir: string;
let kamailio: Kamailio;
let browser: Browser;
let tech1: FocuslineWeb;
let tech2: FocuslineWeb;
let page1: Page;
let page2: Page;
let ipc2: IpcClient;
let rt: RtServer;

function tone(seconds: number, rate = 48_000): Uint8Array {
  const amplitude = Math.SQRT2 * 10 ** (TONE_DBFS / 20);
  const samples = new Float32Array(seconds * rate);
  for (let i = 0; i < samples.length; i++) samples[i] = amplitude * Math.sin((2 * Math.PI * TONE_HZ * i) / rate);
  return encodeWavPcm16(samples, rate);
}

// The tests of this file share what beforeAll starts and build on each other: after a failure the
// rest are not run (and are reported so) rather than run on a state they don't expect.
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000); // Starting the peers one after the other can take longer than one test's 60 s.
  dir = await mkdtemp(join(tmpdir(), 'fl-voicemail-'));
  const wav = join(dir, 'tone.wav');
  await writeFile(wav, tone(10));
  [kamailio, rt] = await Promise.all([startKamailio({ auth: true }), startRt()]);
  const policy = await makePolicyFolder();
  await policy.write('managed', 'focusline.json', {
    'focus.action': 'voicemail',
    'focus.voicemailTarget': 'local',
    'voicemail.silenceSeconds': 10,
    'psa.kind': 'rt',
    'psa.url': rt.url,
  });
  [tech1, tech2] = await Promise.all([
    startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: kamailio.wsUrl, displayName: 'Tech One' }),
    startFocuslineWeb({ user: 'tech2', password: 'secret2', wsUrl: kamailio.wsUrl, displayName: 'Tech Two', env: { FOCUSLINE_POLICY_DIR: policy.dir } }),
  ]);
  // tech2's window is never clicked before the call, like the Electron window hidden in the tray, whose
  // webPreferences.autoplayPolicy is 'no-user-gesture-required' (app/window-options.ts): this flag is Chromium's
  // switch for that policy. The web-mode path, a tab the tech has clicked in and no flag, is
  // voicemail-sip-phone.test.ts.
  browser = await launchChromium({ fakeAudioWav: wav, extraArgs: ['--autoplay-policy=no-user-gesture-required'] });
  page1 = await newCallPage(browser, tech1.url);
  page2 = await newCallPage(browser, tech2.url);
  await Promise.all([waitRegistered(page1), waitRegistered(page2)]);
  ipc2 = await connectIpc(tech2.base, tech2.token);
  expect((await ipc2.invoke('psa.save', { kind: 'rt', values: {}, secrets: { token: rt.techToken } })).state).toBe('connected');
  await ipc2.invoke('focus.dnd', { minutes: 60 });
});

test.afterAll(async () => {
  ipc2?.close();
  await browser?.close();
  await Promise.all([tech1?.stop(), tech2?.stop()]);
  await kamailio?.stop();
  await rt?.dispose();
  await rm(dir, { recursive: true, force: true });
});

test.describe('Focusline’s own voicemail', () => {
  test('answers without ringing or showing the call, and the caller hears the greeting', async () => {
    await dial(page1, 'tech2');
    await waitForCall(page1, 'active', 15_000);
    // tech2's window never shows the call.
    expect(await callCard(page2).count()).toBe(0);
    await page1.waitForSelector('[data-testid=call-stats]');
    expect(await packetsGained(page1, 1_500)).toBeGreaterThan(40);
  });

  test('records what the caller says until they hang up: about 4 s, and not silent', async () => {
    await page2.click('[data-testid=tab-voicemail]');
    // Recording starts after the greeting and the beep: the message shows as "recording…".
    await page2.locator('[data-testid=voicemail][data-state=recording]').waitFor({ timeout: 15_000 });
    await delay(TALK_MS);
    await page1.click('[data-testid=hangup]');
    await waitNoCalls(page1);
    await expect
      .poll(
        async () =>
          (await ipc2.invoke('voicemail.list', { includeHandled: true })).messages.map((m) => `${m.state}:${m.durationMs}:${m.sizeBytes}:${m.note ?? ''}`),
        { timeout: 10_000 },
      )
      .toEqual([expect.stringMatching(/^complete:/)]);
    await page2.locator('[data-testid=voicemail][data-state=complete]').waitFor({ timeout: 5_000 });
    const { messages } = await ipc2.invoke('voicemail.list', { includeHandled: true });
    expect(messages).toHaveLength(1);
    const message = messages[0]!;
    expect(message.durationMs).toBeGreaterThan(TALK_MS - 700);
    expect(message.durationMs).toBeLessThan(TALK_MS + 1_500);
    expect(message.callerName).toBe('Tech One');
    expect(message.callbackDueAt).not.toBeNull();

    const audio = await ipc2.invoke('voicemail.audio', { id: message.id });
    const measured = await measureRecording(page2, audio);
    const perMinuteKb = Math.round(((message.sizeBytes / (message.durationMs ?? 1)) * 60_000) / 1024);
    console.log(
      `[voicemail] duration ${message.durationMs} ms, decoded ${measured.seconds.toFixed(2)} s, RMS ${measured.rmsDbfs.toFixed(1)} dBFS (tone sent at ${TONE_DBFS} dBFS), ${message.sizeBytes} bytes ≈ ${perMinuteKb} KB per minute`,
    );
    expect(measured.seconds).toBeGreaterThan(TALK_MS / 1000 - 1);
    expect(measured.rmsDbfs).toBeGreaterThan(-30);
    // History says voicemail, not "answered": the tech never picked up.
    await page2.click('[data-testid=tab-history]');
    expect(await page2.locator('[data-testid=history-entry]').first().getAttribute('data-outcome')).toBe('voicemail');
  });

  test('"Create ticket instead" from the voicemail makes the RT ticket, with the recording attached, and marks the message handled', async () => {
    await page2.click('[data-testid=tab-voicemail]');
    await page2.locator('[data-testid=voicemail-create-ticket]').click();
    await page2.locator('[data-testid=voicemail][data-handled=ticket-created]').waitFor({ timeout: 10_000 });
    await expect
      .poll(async () => (await ipc2.invoke('handoffs.list', {})).handoffs.find((h) => h.kind === 'create-ticket')?.state, { timeout: 20_000 })
      .toBe('sent');
    const handoff = (await ipc2.invoke('handoffs.list', {})).handoffs.find((h) => h.kind === 'create-ticket');
    const ticket = (await rt.rest('GET', `/ticket/${handoff?.ticketId ?? ''}`)).body as { Subject: string };
    expect(ticket.Subject).toMatch(/^Call from Tech One at /);
    const attachments = (await rt.rest('GET', `/ticket/${handoff?.ticketId ?? ''}/attachments?fields=Filename,ContentType,ContentLength`)).body as {
      items: { Filename: string; ContentType: string; ContentLength: string }[];
    };
    const recording = attachments.items.find((a) => a.Filename.startsWith('voicemail-'));
    expect(recording?.ContentType).toBe('audio/webm');
    expect(Number(recording?.ContentLength)).toBeGreaterThan(5_000);
  });
});
