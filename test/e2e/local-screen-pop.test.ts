// The screen pop with the built-in ticket store (issue #14, item 7): no PSA is
// connected, a ticket made in Focusline names Maria Lopez of Contoso Dental
// as its contact, and her real SIP call (SIPp through Kamailio, her phone
// sending "Front Desk") is shown as Maria Lopez · Contoso Dental with her
// company's open ticket; "Create ticket instead" carries her name and company.
import { expect, test } from '@playwright/test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { runSipp } from '../harness/sipp.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { connectIpc, type IpcClient } from './ipc-client.js';
import { makePolicyFolder } from './policy-files.js';
import { followUpAction, waitRegistered } from './phone-page.js';

const MANAGER = 'sip:manager@127.0.0.1';

let kamailio: Kamailio;
let app: FocuslineWeb;
let browser: Browser;
let page: Page;
let ipc: IpcClient;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  kamailio = await startKamailio({ auth: true });
  const policy = await makePolicyFolder();
  await policy.write('managed', 'focusline.json', { 'focus.action': 'redirect', 'focus.redirectTarget': MANAGER, 'numbers.defaultRegion': 'US' });
  app = await startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: kamailio.wsUrl, env: { FOCUSLINE_POLICY_DIR: policy.dir } });
  browser = await launchChromium();
  page = await newCallPage(browser, app.url);
  await waitRegistered(page);
  ipc = await connectIpc(app.base, app.token);
});

test.afterAll(async () => {
  ipc?.close();
  await browser?.close();
  await app?.stop();
  await kamailio?.stop();
});

test('a caller on a Focusline ticket is named by its contact and company, not by what their phone sends', async () => {
  expect((await ipc.invoke('psa.status', {})).state).toBe('local');
  await page.click('[data-testid=tab-tickets]');
  await page.click('[data-testid=ticket-new]');
  await page.fill('[data-testid=ticket-summary]', 'X-ray PC slow');
  await page.fill('[data-testid=ticket-company]', 'Contoso Dental');
  await page.fill('[data-testid=ticket-contactName]', 'Maria Lopez');
  await page.fill('[data-testid=ticket-numbers]', '(312) 555-0142');
  await page.click('[data-testid=ticket-create]');
  const ticketRow = page.locator('[data-testid=ticket]', { hasText: 'X-ray PC slow' });
  await ticketRow.waitFor();
  const ticketId = (await ticketRow.getAttribute('data-ticket-id')) ?? '';

  // Do-not-disturb: her call is held back (302 to the manager) and waits in the follow-up list with its card.
  await ipc.invoke('focus.dnd', { minutes: 30 });
  const sipp = await runSipp({ kamailio, callee: 'tech1', caller: '+13125550142', displayName: 'Front Desk', scenario: 'expect-reject', timeoutMs: 30_000 });
  expect(sipp.responses[0]?.final).toBe(302);

  await page.click('[data-testid=tab-phone]');
  const entry = page.locator('[data-testid=quiet-call]').first();
  await entry.waitFor({ timeout: 10_000 });
  const card = entry.getByTestId('caller-card');
  await expect(card).toHaveAttribute('data-via', 'local', { timeout: 5_000 });
  await expect(card.getByTestId('caller-name')).toHaveText('Maria Lopez');
  await expect(card.getByTestId('caller-company')).toHaveText(' · Contoso Dental');
  await expect(card.getByTestId('caller-ticket')).toHaveAttribute('data-ticket-id', ticketId);
  await expect(card).not.toContainText('Front Desk');

  // Her open ticket makes "Call back" the row's primary action; "Create ticket instead" is under More.
  await followUpAction(entry, 'create-ticket');
  await expect(page.getByTestId('notice')).toContainText('created');
  const made = (await ipc.invoke('tickets.list', {})).tickets.find((t) => t.id !== ticketId);
  expect(made).toMatchObject({ contactName: 'Maria Lopez', company: 'Contoso Dental', contactNumbers: ['+13125550142'] });
});
