import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
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
  it('a wrong password says so, points at the settings, does not retry, and registers once the tech fixes it', async () => {
    const page = await open('tech1', 'not-the-password');
    const status = await waitFor(async () => ((await registrationOf(page)).state === 'failed' ? registrationOf(page) : undefined), {
      timeoutMs: 10_000,
      what: 'the wrong password to be reported',
    });
    expect(status.detail).toMatch(/refused the login \((401|403) /);
    expect(status.detail).toMatch(/Check the auth user and password in Settings/);
    await page.waitForTimeout(2000);
    expect((await registrationOf(page)).state).toBe('failed');

    // The tech fixes the password in Settings; only the password changes.
    await page.click('[data-testid=tab-settings]');
    await page.fill('[data-testid=account-password]', 'secret1');
    await page.click('[data-testid=account-save]');
    await waitRegistered(page);
    await page.context().close();
  });

  it('first run: the tech enters the account in Settings, it registers, and the password lands only in the secret store', async () => {
    const app = await startFocuslineWeb({ user: 'tech2', password: 'unused', wsUrl: kamailio.wsUrl, firstRun: true });
    apps.push(app);
    const page = await newCallPage(browser, app.url);
    expect((await registrationOf(page)).state).toBe('unconfigured');
    expect(await page.getAttribute('[data-testid=tab-settings]', 'aria-selected')).toBe('true');
    await page.fill('[data-testid=account-wsServer]', kamailio.wsUrl);
    await page.fill('[data-testid=account-sipUri]', 'sip:tech2@127.0.0.1');
    await page.fill('[data-testid=account-password]', 'secret2');
    await page.click('[data-testid=account-save]');
    await waitRegistered(page);
    const settingsFile = await readFile(app.configPath, 'utf8');
    expect(JSON.parse(settingsFile).account.sipUri).toBe('sip:tech2@127.0.0.1');
    expect(settingsFile).not.toContain('secret2');
    const secrets = join(app.dataDir, 'secrets.web.json');
    expect((await stat(secrets)).mode & 0o777).toBe(0o600);
    expect(await readFile(secrets, 'utf8')).toContain('secret2');
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
