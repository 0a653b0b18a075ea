// `npx vitest run --project bench bench/click-to-ticket.bench.ts` (part of
// `npm run bench`): the time from a click on "Create ticket instead" to the
// ticket existing in a real Request Tracker 5 on 127.0.0.1, measured three
// ways in the same run:
// - floor: one bare REST2 POST /ticket with the same body (what RT itself costs);
// - adapter: the RT adapter's createTicket as a retry runs it (the search for
//   the ref, then the POST); a first try skips the search (see OutgoingHandoff.firstTry);
// - app: Chromium clicks the button in Focusline (web mode); timed until the
//   UI shows the handoff as sent with the ticket's link (IPC, durable outbox
//   write, adapter, RT, event back to the UI). Each click is on a real call:
//   a SIPp caller through Kamailio, held back by Do-not-disturb by main's phone.
// Writes bench/results/click-to-ticket.{json,md}. Figures only, no timing assertions.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { createRtAdapter } from '../src-main/tickets/rt/rt-adapter.js';
import { launchChromium, newCallPage } from '../test/harness/chromium.js';
import { startKamailio, type Kamailio } from '../test/harness/kamailio.js';
import { startRt, type RtServer } from '../test/harness/rt.js';
import { runSipp } from '../test/harness/sipp.js';
import { startFocuslineWeb, type FocuslineWeb } from '../test/e2e/focusline-web.js';
import { connectIpc, type IpcClient } from '../test/e2e/ipc-client.js';
import { makePolicyFolder } from '../test/e2e/policy-files.js';

const N = 20;
const WARMUP = 3;
const VOICEMAIL = 'sip:*97@127.0.0.1';

let kamailio: Kamailio;
let rt: RtServer;
let app: FocuslineWeb;
let ipc: IpcClient;
let browser: Browser;
let page: Page;
const results: Record<string, unknown> = {};

beforeAll(async () => {
  rt = await startRt();
  await rt.createUser({
    Name: 'dana@delta.example',
    EmailAddress: 'dana@delta.example',
    RealName: 'Dana Diaz',
    Organization: 'Delta Co',
    WorkPhone: '+1 555 010 0404',
  });
  const policy = await makePolicyFolder();
  await policy.write('managed', 'focusline.json', {
    'psa.kind': 'rt',
    'psa.url': rt.url,
    'focus.action': 'voicemail',
    'focus.voicemailTarget': VOICEMAIL,
  });
  kamailio = await startKamailio({ auth: true });
  app = await startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: kamailio.wsUrl, env: { FOCUSLINE_POLICY_DIR: policy.dir } });
  ipc = await connectIpc(app.base, app.token);
  await vi.waitFor(async () => expect((await ipc.invoke('phone.get', {})).registration).toBe('registered'), { timeout: 15_000, interval: 200 });
  await ipc.invoke('psa.save', { kind: 'rt', values: {}, secrets: { token: rt.techToken } });
  browser = await launchChromium();
  page = await newCallPage(browser, app.url);
}, 120_000);

afterAll(async () => {
  await writeResults();
  ipc?.close();
  await browser?.close();
  await app?.stop();
  await kamailio?.stop();
  await rt?.dispose();
});

function stats(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN) * 10) / 10;
  return { n: ms.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1), mean: Math.round((ms.reduce((a, b) => a + b, 0) / ms.length) * 10) / 10 };
}

const body = (i: number) => ({
  Queue: 'General',
  Subject: `Floor ${i}: Call from Dana Diaz`,
  Requestor: 'dana@delta.example',
  Content: 'Call from Dana Diaz (+15550100404).',
  ContentType: 'text/plain',
});

describe('click to ticket, against RT 5', () => {
  it('floor: a bare REST2 POST /ticket', async () => {
    const ms: number[] = [];
    for (let i = 0; i < N + WARMUP; i++) {
      const t = performance.now();
      const r = await fetch(`${rt.url}/REST/2.0/ticket`, {
        method: 'POST',
        headers: { Authorization: `token ${rt.techToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body(i)),
      });
      expect(r.status).toBe(201);
      await r.text();
      if (i >= WARMUP) ms.push(performance.now() - t);
    }
    results.floor = stats(ms);
  });

  it('adapter: createTicket (idempotency search, then create)', async () => {
    const adapter = createRtAdapter({
      kind: 'rt',
      url: rt.url,
      token: rt.techToken,
      workingStatuses: ['open'],
      queue: 'General',
      unknownCallerCompany: '',
      stopwatchMinSeconds: 60,
      timeoutMs: 10_000,
    });
    const ms: number[] = [];
    for (let i = 0; i < N + WARMUP; i++) {
      const t = performance.now();
      const r = await adapter.createTicket({
        ref: `bench-adapter-${i}`,
        summary: `Adapter ${i}: Call from Dana Diaz`,
        description: 'Call from Dana Diaz.',
        callerNumber: '+15550100404',
        callerName: 'Dana Diaz',
        occurredAt: new Date().toISOString(),
      });
      expect(r.ticketId).toMatch(/^\d+$/);
      if (i >= WARMUP) ms.push(performance.now() - t);
    }
    results.adapter = stats(ms);
  });

  it('app: click "Create ticket instead" in Chromium until the UI shows the sent ticket with its link', async () => {
    await ipc.invoke('focus.dnd', { minutes: 60 });
    const ms: number[] = [];
    const hostMs: number[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < N + WARMUP; i++) {
      // Dana calls: main's phone holds the call back (302 to the PBX voicemail) and logs it.
      const call = await runSipp({
        kamailio,
        callee: 'tech1',
        caller: '+15550100404',
        displayName: 'Dana',
        scenario: 'expect-reject',
        calls: 1,
        timeoutMs: 15_000,
      });
      expect(call.responses[0]).toMatchObject({ ringing: false, final: 302 });
      expect(call.contacts302).toEqual([`<${VOICEMAIL}>`]);
      const attempt = (await ipc.invoke('callLog.list', { limit: 1 })).attempts[0];
      expect(attempt).toMatchObject({ callerNumber: '+15550100404', action: 'voicemail' });
      const attemptId = attempt?.id ?? '';
      expect(seen.has(attemptId)).toBe(false);
      seen.add(attemptId);
      const row = page.locator(`[data-testid=quiet-call][data-attempt-id="${attemptId}"]`);
      await row.locator('[data-testid=caller-name]').waitFor();
      // Watched inside the page (MutationObserver), so the figure isn't rounded up to Playwright's polling steps.
      const selector = `[data-testid=handoff][data-attempt-id="${attemptId}"][data-state=sent] [data-testid=handoff-link]`;
      const appeared = page.evaluate(
        (sel) =>
          new Promise<number>((resolve) => {
            const check = () => document.querySelector(sel) !== null && (observer.disconnect(), resolve(performance.now()), true);
            const observer = new MutationObserver(() => void check());
            observer.observe(document.body, { subtree: true, childList: true, attributes: true });
            check();
          }),
        selector,
      );
      const t = await page.evaluate(() => performance.now());
      await row.locator('[data-testid=quiet-create-ticket]').click();
      const done = await appeared;
      if (i >= WARMUP) ms.push(done - t);
      const handoff = (await ipc.invoke('handoffs.list', {})).handoffs.find((h) => h.attemptId === attemptId);
      expect(handoff?.attempts).toBe(1);
      if (i >= WARMUP && handoff) hostMs.push(Date.parse(handoff.updatedAt) - Date.parse(handoff.createdAt));
    }
    results.app = stats(ms);
    results.appHost = stats(hostMs);
    const created = await rt.searchTickets("Subject LIKE 'Call from Dana Diaz at'");
    expect(created).toHaveLength(N + WARMUP);
  });
});

async function writeResults(): Promise<void> {
  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const doc = {
    stamp: new Date().toISOString(),
    rt: 'Request Tracker 5.0.3 (Debian), SQLite, rt-server Starlet with 2 workers, 127.0.0.1',
    runs: N,
    warmup: WARMUP,
    ...results,
  };
  await writeFile(new URL('click-to-ticket.json', dir), JSON.stringify(doc, null, 2) + '\n');
  type S = ReturnType<typeof stats>;
  const row = (name: string, s: S | undefined) => (s ? `| ${name} | ${s.n} | ${s.mean} | ${s.p50} | ${s.p90} | ${s.max} |` : `| ${name} | not run | | | | |`);
  const md = [
    `# Click to ticket against RT (${doc.stamp})`,
    '',
    `${doc.rt}. ${N} tickets each way after ${WARMUP} warm-up ones, one at a time; milliseconds.`,
    '',
    '| path | n | mean | p50 | p90 | max |',
    '|---|---|---|---|---|---|',
    row('floor: bare REST2 POST /ticket', results.floor as S | undefined),
    row("adapter, a retry's path: search for the ref, then POST", results.adapter as S | undefined),
    row('app, host side: handoff written to disk → sent (outbox + adapter + RT)', results.appHost as S | undefined),
    row('app: click in Chromium → UI shows the sent ticket and its link', results.app as S | undefined),
    '',
  ].join('\n');
  await writeFile(new URL('click-to-ticket.md', dir), md);
  console.log(md);
}
