// Headless Chromium (Debian's, via playwright-core) for WebRTC tests on
// loopback: fake microphone, no network chatter, and ICE allowed on 127.0.0.1.
import { chromium, type Browser, type Page } from 'playwright-core';

export interface ChromiumOptions {
  /** WAV file the fake microphone plays instead of Chromium's beep. */
  fakeAudioWav?: string;
  extraArgs?: readonly string[];
  /** Default true; false only for local debugging with a display. */
  headless?: boolean;
}

/** Debian's chromium, or the one CHROMIUM_PATH names: never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  // Without it WebRTC gathers no loopback candidates: ICE stays "new".
  '--allow-loopback-in-peer-connection',
];

/**
 * Launches Chromium with a throwaway profile (playwright puts it in the
 * temp dir and removes it on close; it also kills the browser if this
 * process exits). Close it with browser.close().
 */
export function launchChromium(options: ChromiumOptions = {}): Promise<Browser> {
  const args = [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])];
  if (options.fakeAudioWav) args.push(`--use-file-for-fake-audio-capture=${options.fakeAudioWav}`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: options.headless ?? true,
    args,
  });
}

/** A page in its own context with the microphone already allowed for `url`'s origin. */
export async function newCallPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ permissions: ['microphone'] });
  await context.grantPermissions(['microphone'], { origin: new URL(url).origin });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}
