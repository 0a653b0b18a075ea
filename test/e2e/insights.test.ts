// Insights (issue #14, item 8): a call log seeded through Focusline's own
// storage (CallLog, FocusPeriods, VoicemailStore, the built-in tickets), then
// the web host started on it and the Insights tab read in Debian's Chromium:
// the numbers each chart shows and the CSV it exports must be the seeded
// log's (test/fixtures/insights/seeded-call-log.ts, worked out by hand below).
import { expect, test } from '@playwright/test';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CallLog } from '../../src-main/calls/call-log.js';
import { FocusPeriods } from '../../src-main/focus/focus-periods.js';
import { openDatabase } from '../../src-main/storage/database.js';
import { LocalTicketStore } from '../../src-main/tickets/local/local-ticket-store.js';
import { VoicemailStore } from '../../src-main/voicemail/voicemail-store.js';
import { launchChromium } from '../harness/chromium.js';
import { ATTEMPTS, FOCUS_PERIODS, FROM, KNOWN_CALLERS, TIME_ZONE, TO, VOICEMAILS, toContactAttempt } from '../fixtures/insights/seeded-call-log.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { connectIpc } from './ipc-client.js';
import { makePolicyFolder } from './policy-files.js';

let dir: string;
let app: FocuslineWeb;
let browser: Browser;
let page: Page;

test.describe.configure({ mode: 'serial' });

/** Writes the seed as the app would have: every row through the module that owns its table. */
async function seed(dataDir: string): Promise<void> {
  const db = openDatabase(dataDir);
  try {
    const log = new CallLog(db);
    for (const s of ATTEMPTS) {
      const { handled, handledAt, missed, ...attempt } = toContactAttempt(s);
      log.record(attempt);
      log.flush();
      if (missed) log.markMissed(attempt.id);
      if (handled !== null) log.markHandled(attempt.id, handled, handledAt ?? attempt.at);
    }
    const periods = new FocusPeriods(db);
    for (const p of FOCUS_PERIODS) periods.record({ started: new Date(p.started), endedAt: new Date(p.ended) });
    let now = 0;
    const voicemails = await VoicemailStore.open({ db, dataDir, config: { maxMessageSeconds: 120 }, now: () => now });
    for (const [i, v] of VOICEMAILS.entries()) {
      now = v.startedAt;
      const id = await voicemails.begin({
        callId: `vm-${i}`,
        callerUri: `sip:${v.number}@pbx.example`,
        callerNumber: v.number,
        callerName: '',
        greetingVariant: 'standard',
        mimeType: 'audio/webm;codecs=opus',
        startedAt: v.startedAt,
        callbackDueAt: v.startedAt + 8 * 3_600_000,
      });
      if (!('empty' in v)) await voicemails.append(id, new Uint8Array(64).fill(1), 0, 1000);
      now = v.endedAt ?? v.startedAt + 1000;
      await voicemails.finish(id, { durationMs: 'empty' in v ? 0 : 60_000, endedBy: 'hangup' });
      if (v.handled !== null) {
        now = v.handledAt;
        voicemails.markHandled(id, v.handled);
      }
    }
    const tickets = new LocalTicketStore(db);
    for (const k of KNOWN_CALLERS)
      tickets.create({ summary: `Ticket for ${k.company}`, company: k.company, contactName: k.contactName, contactNumbers: [k.number] }, 0);
  } finally {
    db.close();
  }
}

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'focusline-insights-'));
  await seed(join(dir, 'data'));
  const policy = await makePolicyFolder();
  // The seed is from March 2026: keep its handled voicemails past the default 90 days' retention.
  await policy.write('managed', 'focusline.json', { 'voicemail.retentionDays': 3650 });
  app = await startFocuslineWeb({
    user: 'tech1',
    password: 'unused',
    wsUrl: 'ws://127.0.0.1:9/unused',
    firstRun: true,
    dir,
    env: { FOCUSLINE_POLICY_DIR: policy.dir },
  });
  browser = await launchChromium();
  const context = await browser.newContext({ timezoneId: TIME_ZONE, acceptDownloads: true });
  page = await context.newPage();
  await page.goto(app.url);
  await page.click('[data-testid=tab-insights]');
  await page.fill('[data-testid=insights-from]', FROM);
  await page.fill('[data-testid=insights-to]', TO);
});

test.afterAll(async () => {
  await browser?.close();
  await app?.stop(); // removes `dir` with it
  if (!app) await rm(dir, { recursive: true, force: true });
});

async function tableRows(chart: string): Promise<string[][]> {
  const card = page.getByTestId(`insight-${chart}`);
  await card.locator('summary').click();
  return card
    .getByTestId(`insight-${chart}-table`)
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
}

async function downloadedCsv(chart: string): Promise<{ name: string; lines: string[] }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`insight-${chart}-csv`).click()]);
  const bytes = await readFile(await download.path());
  // UTF-8 with a byte order mark, so Excel doesn't garble "15–60 min".
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString('utf8');
  return { name: download.suggestedFilename(), lines: text.split('\r\n').filter(Boolean) };
}

test('interruptions prevented per day: 3, 1 and 2 calls held back, the blocked caller and rung calls aside', async () => {
  await expect(page.getByTestId('insight-interruptions-headline')).toHaveText('6 calls held back by Focus', { timeout: 10_000 });
  expect(await tableRows('interruptions')).toEqual([
    ['Mar 7', '2', '1', '0', '0', '3'],
    ['Mar 8', '0', '0', '1', '0', '1'],
    ['Mar 9', '1', '0', '0', '1', '2'],
  ]);
  // The chart itself is drawn: one bar segment per non-zero count (2 on the 7th, 1 on the 8th, 2 on the 9th).
  await expect(page.getByTestId('insight-interruptions').locator('.recharts-bar-rectangle path')).toHaveCount(5);
  const csv = await downloadedCsv('interruptions');
  expect(csv.name).toBe('focusline-interruptions-2026-03-07-to-2026-03-09.csv');
  expect(csv.lines).toEqual([
    '"day","redirected","voicemail","busy","silent","total"',
    '"2026-03-07","2","1","0","0","3"',
    '"2026-03-08","0","0","1","0","1"',
    '"2026-03-09","1","0","0","1","2"',
  ]);
});

test('time protected in Focus: 6 h and 3 h (the night the clocks went forward is 3 hours, not 4)', async () => {
  await expect(page.getByTestId('insight-focus-headline')).toHaveText('9 h in Focus');
  expect(await tableRows('focus')).toEqual([
    ['Mar 7', '360'],
    ['Mar 8', '180'],
    ['Mar 9', '0'],
  ]);
  expect((await downloadedCsv('focus')).lines).toEqual(['"day","minutes_in_focus"', '"2026-03-07","360"', '"2026-03-08","180"', '"2026-03-09","0"']);
});

test('callbacks, one per caller per day: Maria’s three calls returned by one callback, 2 on time, 1 overdue', async () => {
  await expect(page.getByTestId('insight-callbacks-headline')).toHaveText('2 of 2 callers called back on time (same day), 0 late, 1 overdue');
  expect((await downloadedCsv('callbacks')).lines).toEqual([
    '"day","called_back_on_time","called_back_late","overdue"',
    '"2026-03-07","1","0","0"',
    '"2026-03-08","0","0","1"',
    '"2026-03-09","1","0","0"',
  ]);
});

test('voicemail response times: 9 min, 30 min, 2 h, 23 h and 47 h; one waiting; the empty message not counted', async () => {
  await expect(page.getByTestId('insight-voicemail-headline')).toHaveText('Median response 2 h; 5 of 7 voicemails answered, 1 waiting');
  expect((await downloadedCsv('voicemail')).lines).toEqual([
    '"response_time","voicemails"',
    '"Under 15 min","1"',
    '"15–60 min","1"',
    '"1–4 hours","1"',
    '"4–24 hours","1"',
    '"Over a day","1"',
    '"Not answered yet","1"',
  ]);
});

test('repeat callers by company, by the names on the tickets; the coworker never listed, no SIP URIs', async () => {
  const companies = page.getByTestId('repeat-company');
  await expect(companies).toHaveText([
    'Contoso Dental 3 calls, 3 held back: Maria Lopez (+13125550142), 3',
    'Fabrikam 2 calls, 2 held back: +14155550100, 1; Lee Park (+14155550101), 1',
    'Reception 1 call, 0 held back: Reception (+16465550199), 1',
  ]);
  await expect(page.getByTestId('insight-repeat-callers')).not.toContainText('Sam Okafor');
  await expect(page.getByTestId('insight-repeat-callers')).not.toContainText('sip:');
  expect((await downloadedCsv('repeat-callers')).lines).toEqual([
    '"company","caller","number","calls","held_back","last_call"',
    '"Contoso Dental","Maria Lopez","+13125550142","3","3","2026-03-07T15:10:00.000Z"',
    '"Fabrikam","+14155550100","+14155550100","1","1","2026-03-09T04:30:00.000Z"',
    '"Fabrikam","Lee Park","+14155550101","1","1","2026-03-09T05:30:00.000Z"',
    '"","Reception","+16465550199","1","0","2026-03-09T13:00:00.000Z"',
  ]);
});

test('fits the tray window (400×640): nothing in Insights reaches past the window’s edge', async () => {
  await page.setViewportSize({ width: 400, height: 640 });
  await expect(page.getByTestId('insight-repeat-callers')).toBeVisible();
  // Only Insights' own content: the tab bar's overflow at this width is the tab restyle's (issue #14, item 4).
  // Polled: the charts redraw for the new width once their ResizeObserver fires and the bars have moved.
  const overflowing = () =>
    page.evaluate(() =>
      [...document.querySelectorAll('[data-testid=insights] *')]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .map((e) => `${e.tagName}.${e.getAttribute('class') ?? ''} in ${e.closest('section')?.getAttribute('data-testid') ?? '?'}`),
    );
  await expect.poll(overflowing, { timeout: 5_000 }).toEqual([]);
  // The widest table too (six columns, numbers and names that may break).
  await page.getByTestId('insight-repeat-callers').locator('summary').click();
  await expect.poll(overflowing, { timeout: 5_000 }).toEqual([]);
});

test('policy can hide Insights: no tab, and main refuses the query', async () => {
  const policy = await makePolicyFolder();
  await policy.write('managed', 'focusline.json', { 'insights.visible': false });
  const hidden = await startFocuslineWeb({
    user: 'tech2',
    password: 'unused',
    wsUrl: 'ws://127.0.0.1:9/unused',
    firstRun: true,
    env: { FOCUSLINE_POLICY_DIR: policy.dir },
  });
  try {
    const other = await browser.newPage();
    await other.goto(hidden.url);
    await expect(other.getByTestId('tab-settings')).toBeVisible({ timeout: 10_000 });
    await expect(other.getByTestId('tab-insights')).toHaveCount(0);
    const ipc = await connectIpc(hidden.base, hidden.token);
    try {
      await expect(ipc.invoke('insights.get', { from: FROM, to: TO, timeZone: TIME_ZONE })).rejects.toThrow(/turned off by your organization/);
    } finally {
      ipc.close();
    }
    await other.close();
  } finally {
    await hidden.stop();
  }
});
