import { expect, test } from '@playwright/test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { runSipp, type SippResult } from '../harness/sipp.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { makePolicyFolder, type PolicyFolder } from './policy-files.js';
import { followUpAction, waitRegistered } from './phone-page.js';

// The heart of Focusline: while the tech works a ticket, only the ticket's
// contact, coworkers and VIPs ring; everyone else reaches the service manager.
// Callers are real SIPp UACs through Kamailio; the From user (and
// P-Asserted-Identity) set who is calling.
const MANAGER = 'sip:manager@127.0.0.1';
const POLICY = {
  'focus.action': 'redirect',
  'focus.redirectTarget': MANAGER,
  'numbers.defaultRegion': 'US',
  'numbers.trustAssertedIdentity': false,
  'directory.coworkers': [{ name: 'Sam Okafor', extensions: ['2002'], numbers: ['+1 312 555 0100'] }],
  'repeatCallers.threshold': 3,
  'repeatCallers.windowMinutes': 15,
};

let kamailio: Kamailio;
let policy: PolicyFolder;
let app: FocuslineWeb;
let browser: Browser;
let page: Page;

// The tests of this file share what beforeAll starts and build on each other: after a failure the
// rest are not run (and are reported so) rather than run on a state they don't expect.
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

/** A SIPp call from `caller`; 'ring' expects 180 then hangs up (CANCEL), 'reject' expects a 3xx-6xx. */
function callFrom(
  caller: string,
  expect: 'ring' | 'reject',
  extra: { calls?: number; assertedIdentity?: string; callerHost?: string } = {},
): Promise<SippResult> {
  return runSipp({
    kamailio,
    callee: 'tech1',
    caller,
    scenario: expect === 'ring' ? 'caller-cancels' : 'expect-reject',
    holdMs: 300,
    calls: extra.calls ?? 1,
    ratePerSec: 5,
    timeoutMs: 30_000,
    ...(extra.assertedIdentity ? { assertedIdentity: extra.assertedIdentity } : {}),
    ...(extra.callerHost ? { callerHost: extra.callerHost } : {}),
  });
}

async function focusLabel(): Promise<string> {
  return (await page.textContent('[data-testid=focus-label]')) ?? '';
}

async function createTicket(summary: string, company: string, contact: string, numbers: string): Promise<string> {
  await page.click('[data-testid=tab-tickets]');
  await page.click('[data-testid=ticket-new]');
  await page.fill('[data-testid=ticket-summary]', summary);
  await page.fill('[data-testid=ticket-company]', company);
  await page.fill('[data-testid=ticket-contactName]', contact);
  await page.fill('[data-testid=ticket-numbers]', numbers);
  await page.click('[data-testid=ticket-create]');
  const row = page.locator('[data-testid=ticket]', { hasText: summary });
  await row.waitFor();
  return (await row.getAttribute('data-ticket-id')) ?? '';
}

test.describe('focused on a ticket', () => {
  let ticketId: string;

  test('starting work on a ticket engages Focus and says so', async () => {
    ticketId = await createTicket('printer down', 'Acme', 'Jane Doe', '(555) 010-1000, +1 555 0101');
    await page.locator('[data-testid=ticket]', { hasText: 'printer down' }).locator('[data-testid=ticket-start]').click();
    await page.waitForSelector('[data-testid=focus][data-mode=ticket]');
    expect(await focusLabel()).toBe(`Focused: #${ticketId} Acme: printer down`);
  });

  test('the ticket’s contact rings (180)', async () => {
    const r = await callFrom('+15550101', 'ring');
    expect(r.responses[0]).toMatchObject({ ringing: true, final: 487 });
  });

  test('a coworker’s extension rings (180)', async () => {
    const r = await callFrom('2002', 'ring');
    expect(r.responses[0]).toMatchObject({ ringing: true, final: 487 });
  });

  test('anyone else is sent to the service manager: 302 with the manager as Contact, no ring', async () => {
    const r = await callFrom('+15550199', 'reject');
    expect(r.responses[0]?.final).toBe(302);
    expect(r.responses[0]?.ringing).toBe(false);
    expect(r.contacts302).toEqual([`<${MANAGER}>`]);
    await page.click('[data-testid=tab-phone]');
    const entry = page.locator('[data-testid=quiet-call]').first();
    await entry.waitFor();
    await expect(entry.locator('[data-testid=quiet-caller]')).toHaveText('+15550199');
    // Plain words, never "Suppressed": who took it and what the tech was doing.
    await expect(entry.locator('[data-testid=quiet-text]')).toHaveText(`Sent to the service manager while you worked on #${ticketId}`);
    // "Return calls same day": the callback's due time is on the entry (no business hours in this policy: by the end of today).
    await expect(entry.locator('[data-testid=callback-due]')).toHaveText(/^Call back by \d\d?:\d\d/);
    expect(await entry.locator('[data-testid=callback-due]').getAttribute('data-overdue')).toBe('false');
  });

  test('a display name never buys a ring; P-Asserted-Identity is ignored unless policy trusts it', async () => {
    const r = await callFrom('+15550198', 'reject', { assertedIdentity: 'sip:+15550101@127.0.0.1' });
    expect(r.responses[0]?.final).toBe(302);
  });

  test('calling again and again never buys a ring: five quick calls are all suppressed and flagged as a repeat caller', async () => {
    const r = await callFrom('+15550197', 'reject', { calls: 5 });
    expect(r.responses.map((c) => c.final)).toEqual([302, 302, 302, 302, 302]);
    expect(r.responses.some((c) => c.ringing)).toBe(false);
    // One row for the caller, not five: "5 calls", flagged as a repeat caller.
    const row = page.locator('[data-testid=quiet-call]', { hasText: '+15550197' });
    await expect(row).toHaveCount(1, { timeout: 5000 });
    await expect(row.locator('[data-testid=quiet-count]')).toHaveText('5 calls', { timeout: 5000 });
    await expect(row).toHaveAttribute('data-repeat', 'true');
  });

  test('the repeat caller shows in the manager-facing report (Insights, repeat callers by company)', async () => {
    await page.click('[data-testid=tab-insights]');
    const row = page.locator('[data-testid=repeat-company]', { hasText: '+15550197' });
    await row.waitFor();
    expect(await row.locator('[data-testid=repeat-company-calls]').textContent()).toBe('5 calls');
    await page.click('[data-testid=tab-phone]');
  });

  test('"Create ticket instead" turns a suppressed call into a ticket in one click', async () => {
    const before = await page.locator('[data-testid=quiet-call]').count();
    await followUpAction(page.locator('[data-testid=quiet-call]').first(), 'create-ticket');
    await expect.poll(() => page.locator('[data-testid=quiet-call]').count()).toBe(before - 1);
    await page.click('[data-testid=tab-tickets]');
    await page.locator('[data-testid=ticket]', { hasText: 'Call from +15550197' }).waitFor();
    await page.click('[data-testid=tab-phone]');
  });

  test('when Focus stops, the digest sums up what was held, and the same caller rings again', async () => {
    await page.click('[data-testid=focus-stop]');
    await page.waitForSelector('[data-testid=focus][data-mode=off]');
    expect(await page.textContent('[data-testid=digest]')).toMatch(/^While you were focused: 7 calls, 7 sent to the service manager/);
    const r = await callFrom('+15550199', 'ring');
    expect(r.responses[0]).toMatchObject({ ringing: true, final: 487 });
  });
});

test.describe('focus from outside the window (web mode local endpoint)', () => {
  const post = (path: string, token = app.token) => fetch(`${app.base}/api/v1/${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });

  test('refuses a request without the token', async () => {
    const r = await post('dnd/start', 'wrong-token');
    expect(r.status).toBe(401);
    expect(((await r.json()) as { error: string }).error).toMatch(/Authorization: Bearer/);
  });

  test('do-not-disturb for 30 minutes from a script suppresses calls; dnd/stop releases', async () => {
    const r = await post('dnd/start?minutes=30');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ mode: 'dnd', label: 'Do not disturb' });
    await page.waitForSelector('[data-testid=focus][data-mode=dnd]');
    expect((await callFrom('+15550196', 'reject')).responses[0]?.final).toBe(302);
    expect((await callFrom('2002', 'ring')).responses[0]?.ringing).toBe(true);
    expect((await post('dnd/stop')).status).toBe(200);
    await page.waitForSelector('[data-testid=focus][data-mode=off]');
  });

  test('a caller from a foreign host who claims a coworker’s extension or number is a stranger, and the log says so', async () => {
    // Issue #15: sip:2002@evil.example rang through DND as Sam Okafor. Only the account's own domain
    // (127.0.0.1 here: tech1's sipUri) or policy's numbers.trustedHosts may claim a coworker.
    expect((await post('dnd/start?minutes=30')).status).toBe(200);
    await page.waitForSelector('[data-testid=focus][data-mode=dnd]');
    for (const caller of ['2002', '+13125550100']) {
      const r = await callFrom(caller, 'reject', { callerHost: 'evil.example' });
      expect(r.responses[0]?.final, `${caller}@evil.example`).toBe(302);
      expect(r.responses[0]?.ringing).toBe(false);
      expect(r.contacts302).toEqual([`<${MANAGER}>`]);
    }
    const ext = page.locator('[data-testid=quiet-call]', { hasText: "claims coworker Sam Okafor's extension from evil.example: treated as a stranger" });
    const num = page.locator('[data-testid=quiet-call]', { hasText: "claims coworker Sam Okafor's number from evil.example: treated as a stranger" });
    await expect(ext).toHaveCount(1);
    await expect(num).toHaveCount(1);
    // The same extension and number from the PBX's own domain (any port) still ring.
    expect((await callFrom('2002', 'ring', { callerHost: '127.0.0.1' })).responses[0]).toMatchObject({ ringing: true, final: 487 });
    expect((await callFrom('+13125550100', 'ring')).responses[0]).toMatchObject({ ringing: true, final: 487 });
    expect((await post('dnd/stop')).status).toBe(200);
    await page.waitForSelector('[data-testid=focus][data-mode=off]');
  });

  test('says which ticket is missing', async () => {
    const r = await post('ticket/424242/start');
    expect(r.status).toBe(409);
    expect(((await r.json()) as { error: string }).error).toBe("Ticket #424242 was not found, so Focus can't start on it. Check the ticket number.");
  });
});

test.describe('managed policy', () => {
  test('an enforced redirect target is read-only in Settings and labelled "Managed by your organization"', async () => {
    await page.click('[data-testid=tab-settings]');
    await page.click('[data-testid=settings-section-focus]');
    const field = page.locator('[data-testid="setting-focus.redirectTarget"]');
    await field.waitFor();
    expect(await field.isDisabled()).toBe(true);
    expect(await field.inputValue()).toBe(MANAGER);
    const label = page.locator('label', { has: field });
    expect(await label.locator('[data-testid=managed]').textContent()).toBe('Managed by your organization');
    await page.click('[data-testid=settings-section-policy]');
    const row = page.locator('[data-testid=policy-entry][data-key="focus.redirectTarget"]');
    expect(await row.getAttribute('data-source')).toBe('enforced');
    expect(await row.textContent()).toContain(policy.managedFile);
  });

  test('a setting policy does not lock stays editable: voicemail is a choice, not a magic word', async () => {
    await page.click('[data-testid=settings-section-voicemail]');
    const choice = page.getByTestId('voicemail-choice');
    await expect(choice).toBeEnabled();
    await page.getByTestId('voicemail-choice-focusline').check();
    await expect(page.getByTestId('save-status')).toHaveText('Saved');
    await page.click('[data-testid=settings-section-policy]');
    await expect(page.locator('[data-testid=policy-entry][data-key="focus.voicemailTarget"]')).toContainText('"local"');
  });

  test('hot reload: a new policy takes effect without a restart (outside business hours → after-hours action)', async () => {
    const closedToday = closedAllDayToday();
    await policy.write('managed', 'focusline.json', {
      ...POLICY,
      'hours.timeZone': 'UTC',
      'hours.weekly': closedToday,
      'hours.afterHoursAction': 'redirect',
      'hours.afterHoursTarget': 'sip:oncall@127.0.0.1',
    });
    await page.locator('[data-testid=policy-entry][data-key="hours.afterHoursTarget"]', { hasText: 'oncall' }).waitFor({ timeout: 15_000 });
    const r = await callFrom('+15550195', 'reject');
    expect(r.contacts302).toEqual(['<sip:oncall@127.0.0.1>']);
  });

  test('a malformed policy file written while running: the app keeps the last good policy and names the file', async () => {
    await policy.writeRaw('managed', 'focusline.json', '{ "focus.redirectTarget": "sip:someone-else@127.0.0.1", ');
    const problems = page.locator('[data-testid=policy-problem]', { hasText: policy.managedFile });
    await problems.first().waitFor({ timeout: 15_000 });
    expect((await problems.allTextContents()).join('\n')).toMatch(/JSON/i);
    // Still the last good policy: after hours, the on-call target.
    const r = await callFrom('+15550194', 'reject');
    expect(r.contacts302).toEqual(['<sip:oncall@127.0.0.1>']);
    expect(await page.locator('[data-testid=status]').getAttribute('data-registration')).toBe('registered');
  });
});

test('"Return calls same day": the next morning, a call not yet returned is overdue and says so', async () => {
  // The window's clock moves a day and a half on (Playwright's clock for this page); main's due time stays as recorded.
  await page.clock.setFixedTime(new Date(Date.now() + 36 * 3_600_000));
  await page.click('[data-testid=tab-history]');
  await page.click('[data-testid=tab-phone]');
  const due = page.locator('[data-testid=quiet-call]', { hasText: '+15550199' }).first().locator('[data-testid=callback-due]');
  await expect(due).toHaveAttribute('data-overdue', 'true');
  // Due on another day than the one the window now shows: the date is said too ("Dec 7 11:59 PM").
  await expect(due).toHaveText(/^Overdue: call back was due [A-Z][a-z]{2} \d\d? \d\d?:\d\d/);
  await expect(due).toHaveClass(/overdue/);
});

/** Business hours on every weekday but today (UTC), so "now" is after hours whatever time the test runs. */
function closedAllDayToday(): Record<string, { start: string; end: string }[]> {
  const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  const today = days[new Date().getUTCDay()];
  return Object.fromEntries(days.filter((d) => d !== today).map((d) => [d, [{ start: '00:00', end: '24:00' }]]));
}
