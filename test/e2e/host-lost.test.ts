// Web mode when its host goes away: the tab must not stay a green
// "Available" while nothing decides calls or keeps the log, and it must come
// back by itself when the host is started again on the same port and token
// (FOCUSLINE_WEB_TOKEN, --port).
import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { freeTcpPort } from '../harness/ports.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { waitRegistered } from './phone-page.js';

let kamailio: Kamailio;
let app: FocuslineWeb;
let browser: Browser;
let page: Page;
let port: number;
const token = randomBytes(16).toString('hex');

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  kamailio = await startKamailio({ auth: true });
  port = await freeTcpPort();
  app = await startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: kamailio.wsUrl, port, env: { FOCUSLINE_WEB_TOKEN: token } });
  browser = await launchChromium();
  page = await newCallPage(browser, app.url);
  await waitRegistered(page);
});

test.afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await kamailio?.stop();
});

test('says "Focusline isn’t running" when the host stops, never a green Available', async () => {
  await expect(page.getByTestId('status-label')).toHaveText('Available');
  await app.process.stop();
  await expect(page.getByTestId('status')).toHaveAttribute('data-registration', 'host-lost', { timeout: 5_000 });
  await expect(page.getByTestId('status-label')).toHaveText('Focusline isn’t running');
  await expect(page.getByTestId('status-detail')).toContainText('npm run start:web');
});

test('reconnects by itself when the host starts again on the same port and token', async () => {
  app = await startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: kamailio.wsUrl, dir: app.dir, port, env: { FOCUSLINE_WEB_TOKEN: token } });
  expect(app.url).toBe(`http://127.0.0.1:${port}/?token=${token}`);
  await expect(page.getByTestId('status')).not.toHaveAttribute('data-registration', 'host-lost', { timeout: 20_000 });
  await waitRegistered(page);
  // The restarted host answers the page: a ticket made in the tab is listed from main.
  await page.click('[data-testid=tab-tickets]');
  await page.click('[data-testid=ticket-new]');
  await page.fill('[data-testid=ticket-summary]', 'After the restart');
  await page.click('[data-testid=ticket-create]');
  await expect(page.locator('[data-testid=ticket]', { hasText: 'After the restart' })).toBeVisible({ timeout: 5_000 });
});
