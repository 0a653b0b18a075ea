import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect, test } from '@playwright/test';
import { encodeWavPcm16, parseWav, rmsDbfs } from '../../src-shared/audio/wav.js';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { connectIpc, type IpcClient } from './ipc-client.js';

// Recording a voicemail greeting in Settings, end to end: Chromium's fake
// microphone plays a known tone (440 Hz at -12 dBFS RMS), the tech records
// about 3 s, hears it back, trims and saves it; main must then hold a
// greeting of that length and level, and the 8 kHz PBX export next to it.
// No SIP server is needed: the account points at a closed port.
const TONE_DBFS = -12;
const TONE_RATE = 48_000;
const RECORD_MS = 3000;
const LENGTH_TOLERANCE_MS = 700;
const LEVEL_TOLERANCE_DB = 3;

let dir: string;
let app: FocuslineWeb;
let browser: Browser;
let page: Page;
let ipc: IpcClient;

function tone(seconds: number): Float32Array {
  const amplitude = Math.SQRT2 * 10 ** (TONE_DBFS / 20);
  return Float32Array.from({ length: TONE_RATE * seconds }, (_, i) => amplitude * Math.sin((2 * Math.PI * 440 * i) / TONE_RATE));
}

/** Settings in a fresh Chromium whose fake microphone plays `samples` (looped). One browser at a time. */
async function openSettings(name: string, samples: Float32Array): Promise<void> {
  await browser?.close();
  const wav = join(dir, `${name}.wav`);
  await writeFile(wav, encodeWavPcm16(samples, TONE_RATE));
  browser = await launchChromium({ fakeAudioWav: wav });
  page = await newCallPage(browser, app.url);
  await page.click('[data-testid=tab-settings]');
  await page.click('[data-testid=settings-section-voicemail]');
  await row().waitFor();
}

// The tests of this file share what beforeAll starts and build on each other: after a failure the
// rest are not run (and are reported so) rather than run on a state they don't expect.
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'focusline-greetings-'));
  app = await startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: 'ws://127.0.0.1:9/ws', displayName: 'Alex Tech' });
  ipc = await connectIpc(app.base, app.token);
  // Chromium's fake capture loops the file, so 10 s of tone covers every take.
  await openSettings('tone', tone(10));
});

test.afterAll(async () => {
  ipc?.close();
  await browser?.close();
  await app?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const row = (variant = 'standard') => page.locator(`[data-testid=greeting-${variant}]`);
const recorder = () => row().locator('[data-testid=greeting-recorder]');
const phase = () => recorder().getAttribute('data-phase');
const number = async (selector: string, attribute: string) => Number(await row().locator(selector).getAttribute(attribute));

async function startTake(): Promise<void> {
  await row().locator('[data-testid=greeting-record]').click();
  await row().locator('[data-testid=greeting-stop]').waitFor();
}

async function stopTake(): Promise<number> {
  await row().locator('[data-testid=greeting-stop]').click();
  await row().locator('[data-testid=greeting-take]').waitFor();
  return number('[data-testid=greeting-take]', 'data-ms');
}

test.describe('recording a voicemail greeting', () => {
  let takeMs = 0;
  let savedMs = 0;

  test('shows each variant with the filled-in script and what is missing from it', async () => {
    await expect.poll(() => page.locator('[data-testid^=greeting-][data-recorded]').count()).toBe(4);
    expect(await row().locator('.greeting-script').textContent()).toContain('You have reached the voice mail for Alex Tech.');
    // Said once for all four greetings, not above each one.
    await expect(page.locator('.greetings').getByText(/No Service Manager number is set/)).toHaveCount(1);
    expect(await row().getAttribute('data-recorded')).toBe('false');
    expect(await row('away').locator('.greeting-script').textContent()).toBeTruthy();
  });

  test('a take shorter than a second is refused with the reason, and cannot be saved', async () => {
    await row().locator('[data-testid=greeting-open-recorder]').click();
    await startTake();
    await row().locator('[data-testid=greeting-stop]').click();
    // Stopped at once, the take may hold a few ms of audio or none the browser can decode: either way the tech is told why.
    const alert = row().locator('[role=alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/The recording is 0\.\d s long, too short for a greeting \(at least 1 s\)/);
    expect(await row().locator('[data-testid=greeting-save]:enabled').count()).toBe(0);
    expect(['idle', 'review']).toContain(await phase());
  });

  test('records from the microphone with a live level meter and a countdown from the policy maximum', async () => {
    const { maxGreetingSeconds } = await ipc.invoke('greetings.list', {});
    await startTake();
    const level = row().locator('[data-testid=greeting-level]');
    await expect.poll(async () => Number(await level.getAttribute('data-level')), { timeout: 5000 }).toBeGreaterThan(-40);
    // The meter reads the tone's level, not just "something": within a few dB of -12 dBFS.
    expect(Math.abs(Number(await level.getAttribute('data-level')) - TONE_DBFS)).toBeLessThan(LEVEL_TOLERANCE_DB + 1);
    const countdown = row().locator('[data-testid=greeting-countdown]');
    expect(Number(await countdown.getAttribute('data-seconds'))).toBeLessThanOrEqual(maxGreetingSeconds);
    await page.waitForTimeout(RECORD_MS);
    expect(Number(await countdown.getAttribute('data-seconds'))).toBeLessThan(maxGreetingSeconds - 1);
    takeMs = await stopTake();
    expect(Math.abs(takeMs - RECORD_MS)).toBeLessThan(LENGTH_TOLERANCE_MS);
    expect(await row().locator('[data-testid=greeting-take-problem]').count()).toBe(0);
    expect(await phase()).toBe('review');
  });

  test('plays the take back', async () => {
    const preview = row().locator('[data-testid=greeting-preview]');
    const duration = await preview.evaluate(async (el: HTMLAudioElement) => {
      await el.play();
      return el.duration;
    });
    expect(Math.abs(duration * 1000 - takeMs)).toBeLessThan(50);
    await expect.poll(() => preview.evaluate((el: HTMLAudioElement) => el.currentTime), { timeout: 5000 }).toBeGreaterThan(0.5);
    await preview.evaluate((el: HTMLAudioElement) => el.pause());
  });

  test('trims the silence at the ends, and keeps a tone that fills the take', async () => {
    await row().locator('[data-testid=greeting-trim]').click();
    await row().locator('[data-testid=greeting-take][data-trimmed=true]').waitFor();
    const trimmed = await number('[data-testid=greeting-take]', 'data-ms');
    expect(trimmed).toBeLessThanOrEqual(takeMs);
    expect(trimmed).toBeGreaterThan(takeMs - 400);
    takeMs = trimmed;
  });

  test('offers the take as an 8 kHz mono 16-bit WAV for the PBX', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), row().locator('[data-testid=greeting-export]').click()]);
    const wav = parseWav(new Uint8Array(await readFile(await download.path())));
    expect(wav).toMatchObject({ format: 'pcm', sampleRate: 8000, channels: 1, bitsPerSample: 16 });
    expect(Math.abs(wav.durationMs - takeMs)).toBeLessThan(5);
    expect(Math.abs(rmsDbfs(wav.samples!) - TONE_DBFS)).toBeLessThan(LEVEL_TOLERANCE_DB);
  });

  test('saves it: main holds a greeting of the recorded length and level, and its PBX export on disk', async () => {
    await row().locator('[data-testid=greeting-save]').click();
    await page.locator('[data-testid=greeting-standard][data-recorded=true]').waitFor();
    savedMs = await number('[data-testid=greeting-duration]', 'data-ms');
    expect(savedMs).toBe(takeMs);
    expect(Math.abs(savedMs - RECORD_MS)).toBeLessThan(LENGTH_TOLERANCE_MS);
    expect(await recorder().count()).toBe(0);

    const listed = (await ipc.invoke('greetings.list', {})).greetings.find((g) => g.variant === 'standard');
    expect(listed).toMatchObject({ recorded: true, durationMs: savedMs });
    const audio = await ipc.invoke('greetings.audio', { variant: 'standard' });
    expect(audio?.mimeType).toBe('audio/wav');
    const saved = parseWav(new Uint8Array(Buffer.from(audio!.data, 'base64')));
    expect(saved).toMatchObject({ format: 'pcm', channels: 1, bitsPerSample: 16 });
    expect(Math.abs(saved.durationMs - savedMs)).toBeLessThan(2);
    expect(Math.abs(rmsDbfs(saved.samples!) - TONE_DBFS)).toBeLessThan(LEVEL_TOLERANCE_DB);

    const exported = join(app.dataDir, 'voicemail', 'greetings', 'standard.wav');
    const pbx = parseWav(new Uint8Array(await readFile(exported)));
    expect(pbx).toMatchObject({ format: 'pcm', sampleRate: 8000, channels: 1, bitsPerSample: 16 });
    expect(Math.abs(pbx.durationMs - savedMs)).toBeLessThan(5);
    expect(Math.abs(rmsDbfs(pbx.samples!) - TONE_DBFS)).toBeLessThan(LEVEL_TOLERANCE_DB);
  });

  test('plays the saved greeting from main to the end', async () => {
    const play = row().locator('[data-testid=greeting-play]');
    await play.click();
    await row().locator('[data-testid=greeting-play][data-playing=true]').waitFor();
    await row()
      .locator('[data-testid=greeting-play][data-playing=false]')
      .waitFor({ timeout: savedMs + 5000 });
    expect(await row().locator('.error').count()).toBe(0);
  });

  test('deletes it, with its PBX export', async () => {
    await row().locator('[data-testid=greeting-delete]').click();
    await page.locator('[data-testid=greeting-standard][data-recorded=false]').waitFor();
    expect((await ipc.invoke('greetings.list', {})).greetings.find((g) => g.variant === 'standard')?.recorded).toBe(false);
    expect(await ipc.invoke('greetings.audio', { variant: 'standard' })).toBeNull();
    expect(existsSync(join(app.dataDir, 'voicemail', 'greetings', 'standard.wav'))).toBe(false);
  });
});

test.describe('trimming a take that starts with silence', () => {
  const SILENCE_S = 1.5;

  test.beforeAll(async () => {
    // The fake microphone starts its file afresh each time it is opened: 1.5 s of silence, then the tone.
    await openSettings('late-tone', Float32Array.from([...new Float32Array(TONE_RATE * SILENCE_S), ...tone(8)]));
  });

  test('cuts the silence before the first sound, and saves the trimmed length', async () => {
    await row().locator('[data-testid=greeting-open-recorder]').click();
    await startTake();
    await page.waitForTimeout(RECORD_MS);
    const untrimmed = await stopTake();
    await row().locator('[data-testid=greeting-trim]').click();
    await row().locator('[data-testid=greeting-take][data-trimmed=true]').waitFor();
    const trimmed = await number('[data-testid=greeting-take]', 'data-ms');
    // About 1.5 s of silence is gone, less the 150 ms kept before the sound.
    expect(untrimmed - trimmed).toBeGreaterThan(SILENCE_S * 1000 - 600);
    expect(untrimmed - trimmed).toBeLessThan(SILENCE_S * 1000 + 300);
    await row().locator('[data-testid=greeting-save]').click();
    await page.locator('[data-testid=greeting-standard][data-recorded=true]').waitFor();
    const audio = await ipc.invoke('greetings.audio', { variant: 'standard' });
    const saved = parseWav(new Uint8Array(Buffer.from(audio!.data, 'base64')));
    expect(Math.abs(saved.durationMs - trimmed)).toBeLessThan(2);
    // The first 100 ms saved are already the tone's level, not the silence before it.
    const head = saved.samples!.subarray(Math.round(saved.sampleRate * 0.15), Math.round(saved.sampleRate * 0.25));
    expect(Math.abs(rmsDbfs(head) - TONE_DBFS)).toBeLessThan(LEVEL_TOLERANCE_DB);
  });

  test('stops by itself at the policy maximum, counting down to it', async () => {
    await ipc.invoke('settings.setValue', { key: 'voicemail.maxGreetingSeconds', value: 5 });
    // The list (and its maximum) loads when Settings opens.
    await page.click('[data-testid=tab-phone]');
    await page.click('[data-testid=tab-settings]');
    await page.click('[data-testid=settings-section-voicemail]');
    await row().locator('[data-testid=greeting-open-recorder]').click();
    await startTake();
    expect(Number(await row().locator('[data-testid=greeting-countdown]').getAttribute('data-seconds'))).toBeLessThanOrEqual(5);
    // No Stop click: the recorder must end the take itself.
    await row().locator('[data-testid=greeting-take]').waitFor({ timeout: 15_000 });
    const ms = await number('[data-testid=greeting-take]', 'data-ms');
    expect(ms).toBeGreaterThan(5000 - LENGTH_TOLERANCE_MS);
    expect(ms).toBeLessThanOrEqual(5500);
    expect(await row().locator('[data-testid=greeting-take-problem]').count()).toBe(0);
    expect(await row().locator('[data-testid=greeting-save]').isEnabled()).toBe(true);
  });
});
