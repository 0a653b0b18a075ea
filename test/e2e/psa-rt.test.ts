import { expect, test } from '@playwright/test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { startRt, type RtServer } from '../harness/rt.js';
import { runSipp, type SippResult } from '../harness/sipp.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { makePolicyFolder, type PolicyFolder } from './policy-files.js';
import { followUpAction, waitRegistered } from './phone-page.js';

// The PSA end to end, with a real Request Tracker 5: the manager pins RT in
// policy, the tech pastes their token in Settings, tests and saves it. Then
// RT drives Focus (tech1 opens a ticket in RT → the phone goes quiet), the
// ticket's requester rings through, a stranger is held back and shows in the
// UI with the contact RT knows, and one click on "Create ticket instead"
// makes the RT ticket, whose link the UI shows.
const MANAGER = 'sip:manager@127.0.0.1';

let rt: RtServer;
let kamailio: Kamailio;
let policy: PolicyFolder;
let app: FocuslineWeb;
let browser: Browser;
let page: Page;
let workTicket: string;

// The tests of this file share what beforeAll starts and build on each other: after a failure the
// rest are not run (and are reported so) rather than run on a state they don't expect.
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000); // Starting the peers one after the other can take longer than one test's 60 s.
  rt = await startRt();
  await rt.createUser({
    Name: 'alice@acme.example',
    EmailAddress: 'alice@acme.example',
    RealName: 'Alice Adams',
    Organization: 'Acme Corp',
    WorkPhone: '+1 (555) 010-0101',
  });
  await rt.createUser({
    Name: 'bob@beta.example',
    EmailAddress: 'bob@beta.example',
    RealName: 'Bob Baker',
    Organization: 'Beta LLC',
    MobilePhone: '555.010.0202',
  });
  workTicket = await rt.createTicket({ Subject: 'Printer down', Requestor: 'alice@acme.example', Queue: 'General' });
  await rt.createTicket({ Subject: 'VPN drops every hour', Requestor: 'bob@beta.example', Queue: 'General' });
  kamailio = await startKamailio({ auth: true });
  policy = await makePolicyFolder();
  await policy.write('managed', 'focusline.json', {
    'focus.action': 'redirect',
    'focus.redirectTarget': MANAGER,
    'numbers.defaultRegion': 'US',
    'psa.kind': 'rt',
    'psa.url': rt.url,
    'psa.pollSeconds': 5,
  });
  app = await startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: kamailio.wsUrl, env: { FOCUSLINE_POLICY_DIR: policy.dir } });
  browser = await launchChromium();
  page = await newCallPage(browser, app.url);
  await waitRegistered(page);
});

test.afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await kamailio?.stop();
  await rt?.dispose();
});

function callFrom(caller: string, expect: 'ring' | 'reject'): Promise<SippResult> {
  return runSipp({
    kamailio,
    callee: 'tech1',
    caller,
    scenario: expect === 'ring' ? 'caller-cancels' : 'expect-reject',
    holdMs: 300,
    calls: 1,
    ratePerSec: 5,
    timeoutMs: 30_000,
  });
}

test.describe('connecting RT in Settings', () => {
  test('shows the PSA the manager pinned, and says exactly what a wrong token gets', async () => {
    await page.click('[data-testid=tab-settings]');
    await page.click('[data-testid=settings-section-psa]');
    expect(await page.locator('[data-testid=psa-kind]').isDisabled()).toBe(true);
    expect(await page.inputValue('[data-testid="psa-psa.url"]')).toBe(rt.url);
    await page.fill('[data-testid=psa-secret-token]', '1-99-wrongtoken');
    await page.click('[data-testid=psa-test]');
    const report = page.locator('[data-testid=psa-report]');
    await report.waitFor();
    expect(await report.getAttribute('data-ok')).toBe('false');
    expect(await report.textContent()).toMatch(/refused the auth token \(401\)/);
  });

  test('tests and saves the technician’s token; the token goes to the secret store, not the settings file', async () => {
    await page.fill('[data-testid=psa-secret-token]', rt.techToken);
    await page.click('[data-testid=psa-test]');
    await expect.poll(() => page.locator('[data-testid=psa-report]').getAttribute('data-ok'), { timeout: 15_000 }).toBe('true');
    expect(await page.textContent('[data-testid=psa-report]')).toMatch(/tech1/);
    await page.click('[data-testid=psa-save]');
    await page.locator('[data-testid=psa-status][data-state=connected]').waitFor();
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(app.configPath, 'utf8')).not.toContain(rt.techToken);
  });
});

test.describe('RT drives Focus', () => {
  test('opening a ticket in RT as tech1 engages Focus on it', async () => {
    await rt.setOwnerStatus(workTicket, 'tech1', 'open');
    await page.click('[data-testid=tab-phone]');
    await expect.poll(() => page.textContent('[data-testid=focus-label]'), { timeout: 20_000 }).toContain('Printer down');
  });

  test('the ticket’s requester rings through the focused phone', async () => {
    const r = await callFrom('+15550100101', 'ring');
    expect(r.responses[0]).toMatchObject({ ringing: true, final: 487 });
  });

  test('anyone else is held back, and the quiet call shows who it is from RT', async () => {
    const r = await callFrom('+15550100202', 'reject');
    expect(r.responses[0]?.final).toBe(302);
    const quiet = page.locator('[data-testid=quiet-call]').first();
    await quiet.locator('[data-testid=caller-name]').waitFor({ timeout: 10_000 });
    expect(await quiet.locator('[data-testid=caller-name]').textContent()).toBe('Bob Baker');
    expect(await quiet.locator('[data-testid=caller-company]').textContent()).toContain('Beta LLC');
    // Waited for, not read at once: under load the ticket list was seen to show a moment after the caller's name.
    await expect(quiet.locator('[data-testid=caller-ticket]')).toHaveText([/VPN drops every hour/], { timeout: 5_000 });
  });

  test('one click on "Create ticket instead" creates the RT ticket, and the UI shows its link', async () => {
    const before = await rt.searchTickets("Subject LIKE 'Call from'");
    await followUpAction(page.locator('[data-testid=quiet-call]').first(), 'create-ticket');
    const sent = page.locator('[data-testid=handoff][data-kind=create-ticket][data-state=sent]');
    await sent.waitFor({ timeout: 20_000 });
    const link = sent.locator('[data-testid=handoff-link]');
    const href = (await link.getAttribute('href')) ?? '';
    const id = /id=(\d+)/.exec(href)?.[1] ?? '';
    expect(href).toBe(`${rt.url}/Ticket/Display.html?id=${id}`);
    const after = await rt.searchTickets("Subject LIKE 'Call from'");
    expect(after.filter((t) => !before.includes(t))).toEqual([id]);
    const ticket = (await rt.rest('GET', `/ticket/${id}`)).body as { Subject: string; Requestor: { id: string }[] };
    expect(ticket.Subject).toMatch(/^Call from Bob Baker at /);
    expect(ticket.Requestor.map((r) => r.id)).toEqual(['bob@beta.example']);
    const history = await rt.ticketHistory(id);
    expect(history.find((h) => h.type === 'Create')?.content).toMatch(/What Focusline did: .*service manager|redirect/i);
  });

  test('"Add note…" on a held-back call writes a comment on the caller’s RT ticket', async () => {
    const r = await callFrom('+15550100202', 'reject');
    expect(r.responses[0]?.final).toBe(302);
    const quiet = page.locator('[data-testid=quiet-call]').first();
    await quiet.locator('[data-testid=caller-ticket]').first().waitFor({ timeout: 10_000 });
    await followUpAction(quiet, 'add-note');
    const vpn = quiet.locator('[data-testid=quiet-note-choice]', { hasText: 'VPN drops' });
    const choice = await vpn.getAttribute('data-ticket-id');
    await vpn.click();
    expect(await quiet.locator('[data-testid=quiet-note-ticket]').inputValue()).toBe(choice);
    await quiet.locator('[data-testid=quiet-note-text]').fill('Bob called again about the VPN; will call back after lunch.');
    await quiet.locator('[data-testid=quiet-note-send]').click();
    await page.locator('[data-testid=handoff][data-kind=add-note][data-state=sent]').waitFor({ timeout: 20_000 });
    const comments = (await rt.ticketHistory(choice ?? '')).filter((h) => h.type === 'Comment');
    expect(comments).toHaveLength(1);
    expect(comments[0]?.content).toContain('will call back after lunch');
    expect(comments[0]?.creator).toBe('tech1');
  });

  test('a note to a ticket that does not exist fails saying so; "Fix and resend" to the right ticket delivers it', async () => {
    const r = await callFrom('+15550100202', 'reject');
    expect(r.responses[0]?.final).toBe(302);
    const quiet = page.locator('[data-testid=quiet-call]').first();
    await followUpAction(quiet, 'add-note');
    await quiet.locator('[data-testid=quiet-note-ticket]').fill('99999');
    await quiet.locator('[data-testid=quiet-note-text]').fill('Bob asked for a callback about the VPN.');
    await quiet.locator('[data-testid=quiet-note-send]').click();
    const failed = page.locator('[data-testid=handoff][data-kind=add-note][data-state=failed]');
    await failed.waitFor({ timeout: 20_000 });
    expect(await failed.locator('[data-testid=handoff-error]').textContent()).toMatch(/99999/);
    const vpnTicket = (await rt.searchTickets("Subject = 'VPN drops every hour'"))[0] ?? '';
    await failed.locator('[data-testid=handoff-fix]').click();
    await failed.locator('[data-testid=handoff-fix-ticket]').fill(vpnTicket);
    await failed.locator('[data-testid=handoff-resend]').click();
    await expect
      .poll(async () => (await rt.ticketHistory(vpnTicket)).filter((h) => h.type === 'Comment' && h.content.includes('asked for a callback')).length, {
        timeout: 20_000,
      })
      .toBe(1);
    await page.locator('[data-testid=handoff][data-kind=add-note][data-state=failed]').waitFor({ state: 'detached', timeout: 10_000 });
  });

  test('"Create ticket instead" on a ringing call declines it and makes the RT ticket; the history offers the same ticket, never a second', async () => {
    const before = await rt.searchTickets("Subject LIKE 'Call from Alice Adams'");
    const sipp = callFrom('+15550100101', 'reject');
    const ringing = page.locator('[data-testid=call][data-state=ringing]');
    await ringing.locator('[data-testid=caller-name]').waitFor({ timeout: 10_000 });
    expect(await ringing.locator('[data-testid=caller-name]').textContent()).toBe('Alice Adams');
    await ringing.locator('[data-testid=ringing-create-ticket]').click();
    expect((await sipp).responses[0]).toMatchObject({ ringing: true });
    expect((await sipp).responses[0]?.final).toBeGreaterThanOrEqual(400);
    await expect.poll(async () => (await rt.searchTickets("Subject LIKE 'Call from Alice Adams'")).length, { timeout: 20_000 }).toBe(before.length + 1);
    await page.click('[data-testid=tab-history]');
    await page.locator('[data-testid=history-entry][data-outcome=declined]').first().locator('[data-testid=history-create-ticket]').click();
    await page.locator('[data-testid=notice]').waitFor();
    await page.click('[data-testid=tab-phone]');
    expect(await rt.searchTickets("Subject LIKE 'Call from Alice Adams'")).toHaveLength(before.length + 1);
  });

  test('resolving the ticket in RT releases Focus', async () => {
    await rt.setOwnerStatus(workTicket, 'tech1', 'resolved');
    await expect.poll(() => page.getAttribute('[data-testid=focus]', 'data-mode'), { timeout: 20_000 }).toBe('off');
  });
});
