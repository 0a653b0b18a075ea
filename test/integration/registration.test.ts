import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { freeTcpPort } from '../harness/ports.js';
import { waitFor } from '../harness/processes.js';
import { startFocuslineWeb, type FocuslineWeb } from '../e2e/focusline-web.js';
import { registrationOf, waitRegistered } from '../e2e/phone-page.js';

let kamailio: Kamailio;
let browser: Browser;
const apps: FocuslineWeb[] = [];

beforeAll(async () => {
  kamailio = await startKamailio({ auth: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(apps.map((a) => a.stop()));
  await kamailio?.stop();
});

async function open(user: string, password: string, wsUrl = kamailio.wsUrl) {
  const app = await startFocuslineWeb({ user, password, wsUrl });
  apps.push(app);
  return newCallPage(browser, app.url);
}

describe('registration', () => {
  it('a wrong password says so and points at the settings, without retrying', async () => {
    const page = await open('tech1', 'not-the-password');
    const status = await waitFor(async () => ((await registrationOf(page)).state === 'failed' ? registrationOf(page) : undefined), {
      timeoutMs: 10_000,
      what: 'the wrong password to be reported',
    });
    expect(status.detail).toMatch(/refused the login \((401|403) /);
    expect(status.detail).toMatch(/Check the auth user and password in Settings/);
    await page.waitForTimeout(2000);
    expect((await registrationOf(page)).state).toBe('failed');
    await page.context().close();
  });

  it('an unreachable server says which server and keeps retrying', async () => {
    const closed = await freeTcpPort();
    const page = await open('tech2', 'secret2', `ws://127.0.0.1:${closed}`);
    const status = await waitFor(async () => ((await registrationOf(page)).state === 'reconnecting' ? registrationOf(page) : undefined), {
      timeoutMs: 10_000,
      what: 'the unreachable server to be reported',
    });
    expect(status.detail).toContain(`Can't reach the SIP server at ws://127.0.0.1:${closed}`);
    expect(status.detail).toMatch(/Retrying in \d+ s/);
    await page.context().close();
  });

  it('re-registers by itself within 10 s after the SIP server restarts', async () => {
    const page = await open('tech1', 'secret1');
    await waitRegistered(page);
    await kamailio.kill();
    await waitFor(async () => (await registrationOf(page)).state === 'reconnecting', { timeoutMs: 10_000, what: 'the app to notice the server is gone' });
    await kamailio.restart();
    const t0 = Date.now();
    // The acceptance bound: registered again within 10 s, with no user action.
    await waitRegistered(page, 10_000);
    console.log(`re-registered ${Date.now() - t0} ms after Kamailio was back`);
    expect((await registrationOf(page)).state).toBe('registered');
  });
});
