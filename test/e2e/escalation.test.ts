import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { makePolicyFolder, type PolicyFolder } from './policy-files.js';
import { waitRegistered } from './phone-page.js';

// The 15-minute rule: "If you can't solve a problem within 15 minutes,
// escalate it. Ask a coworker first." Nobody waits 15 minutes here: the clock
// moves while Focusline is stopped. The tech starts work on a ticket, the
// host stops, and the focus it saved is moved 16 minutes into the past (what
// a restart 16 minutes later would find); on start the prompt is due.
const POLICY = {
  'focus.redirectTarget': 'sip:manager@127.0.0.1',
  'directory.coworkers': [{ name: 'Sam Okafor', extensions: ['2002'] }],
};
const SUMMARY = 'VPN drops every hour';

let kamailio: Kamailio;
let policy: PolicyFolder;
let app: FocuslineWeb;
let browser: Browser;
let page: Page;
let ticketId = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  kamailio = await startKamailio({ auth: true });
  policy = await makePolicyFolder();
  await policy.write('managed', 'focusline.json', POLICY);
  app = await startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: kamailio.wsUrl, env: { FOCUSLINE_POLICY_DIR: policy.dir } });
  browser = await launchChromium();
  page = await newCallPage(browser, app.url);
  await waitRegistered(page);
});

test.afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await kamailio?.stop();
});

test('no prompt while the work session is young', async () => {
  await page.click('[data-testid=tab-tickets]');
  await page.click('[data-testid=ticket-new]');
  await page.fill('[data-testid=ticket-summary]', SUMMARY);
  await page.fill('[data-testid=ticket-company]', 'Acme');
  await page.click('[data-testid=ticket-create]');
  const row = page.locator('[data-testid=ticket]', { hasText: SUMMARY });
  await row.locator('[data-testid=ticket-start]').click();
  await page.waitForSelector('[data-testid=focus][data-mode=ticket]');
  ticketId = (await row.getAttribute('data-ticket-id')) ?? '';
  expect(ticketId).not.toBe('');
  await expect(page.locator('[data-testid=escalation]')).toHaveCount(0);
});

test('16 minutes later, a calm card offers the 15-minute rule for the ticket', async () => {
  await app.process.stop();
  const db = new Database(join(app.dataDir, 'focusline.db'));
  const saved = JSON.parse(db.prepare("SELECT value FROM app_state WHERE key = 'focus'").pluck().get() as string) as { mode: string; since: string };
  expect(saved.mode).toBe('ticket');
  saved.since = new Date(Date.now() - 16 * 60_000).toISOString();
  db.prepare("UPDATE app_state SET value = ? WHERE key = 'focus'").run(JSON.stringify(saved));
  db.close();
  app = await startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: kamailio.wsUrl, env: { FOCUSLINE_POLICY_DIR: policy.dir }, dir: app.dir });
  await page.goto(app.url);
  await waitRegistered(page);

  const card = page.locator('[data-testid=escalation]');
  await expect(card).toHaveAttribute('data-why', 'work-session');
  await expect(card.locator('[data-testid=escalation-title]')).toHaveText(`16 minutes on #${ticketId}: ${SUMMARY}`);
  // A card, not a dialog: the keyboard stays where the tech left it.
  expect(await page.evaluate(() => document.activeElement?.closest('[data-testid=escalation]') ?? null)).toBeNull();
  await expect(card.locator('[data-testid=escalation-snooze]')).toHaveText('Not yet: 15 more minutes');
  // No call: nothing to transfer.
  await expect(card.locator('[data-testid=escalation-transfer]')).toHaveCount(0);
});

test('"Escalate ticket" asks what was tried (Focusline adds which rule fired, and when)', async () => {
  await page.click('[data-testid=escalation-escalate]');
  await expect(page.locator('[data-testid=escalation-note]')).toHaveValue('Tried so far: ');
});

test('"Ask a coworker" calls the chosen coworker and puts the prompt off for another 15 minutes', async () => {
  await page.click('[data-testid=escalation-ask]');
  const choice = page.locator('[data-testid=escalation-coworker-choice]');
  await expect(choice.locator('option')).toHaveText(['Sam Okafor (2002)']);
  await page.click('[data-testid=escalation-coworker-call]');
  await expect(page.locator('[data-testid=notice]')).toHaveText(/Calling Sam Okafor to ask about it\./);
  await expect(page.locator('[data-testid=escalation]')).toHaveCount(0);
  // The consult call went out to the coworker's extension (nobody is registered as 2002 here, so it fails: still a call in the history).
  await page.click('[data-testid=tab-history]');
  await expect(page.locator('[data-testid=history-entry]', { hasText: '2002' }).first()).toBeVisible({ timeout: 10_000 });
  // Main keeps the snooze: a reload doesn't bring the prompt back.
  await page.reload();
  await waitRegistered(page);
  await expect(page.locator('[data-testid=focus][data-mode=ticket]')).toBeVisible();
  await expect(page.locator('[data-testid=escalation]')).toHaveCount(0);
});

test('after a restart the prompt is due again; "Escalate ticket" sends the note and the card goes for this work session', async () => {
  // The snooze lives in memory: a restart (still 16+ minutes into the work session) brings the card back.
  await app.process.stop();
  app = await startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: kamailio.wsUrl, env: { FOCUSLINE_POLICY_DIR: policy.dir }, dir: app.dir });
  await page.goto(app.url);
  await waitRegistered(page);
  await page.click('[data-testid=escalation-escalate]');
  await page.fill('[data-testid=escalation-note]', 'Escalated under the 15-minute rule: the VPN concentrator needs a senior engineer.');
  await page.click('[data-testid=escalation-send]');
  // The built-in ticket store takes it at once (a PSA takes it through the outbox).
  await expect(page.locator('[data-testid=notice]')).toContainText(`Escalated #${ticketId}.`);
  await expect(page.locator('[data-testid=escalation]')).toHaveCount(0);
});
