// `npm run bench`: Focusline's softphone against the floor (a bare sip.js UA
// in Node with no app logic) and against baresip, as callees of the same
// SIPp load through the same Kamailio, in one run. Writes bench/results/.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { startBaresip, type Baresip } from '../test/harness/baresip.js';
import { launchChromium, newCallPage } from '../test/harness/chromium.js';
import { startKamailio, type Kamailio } from '../test/harness/kamailio.js';
import { delay } from '../test/harness/processes.js';
import { startSipjsNodeUa, type SipjsNodeUa } from '../test/harness/sipjs-node-ua.js';
import { runSipp, type SippResult, type Stats } from '../test/harness/sipp.js';
import { startFocuslineWeb, type FocuslineWeb } from '../test/e2e/focusline-web.js';
import { waitRegistered } from '../test/e2e/phone-page.js';
import { makePolicyFolder } from '../test/e2e/policy-files.js';

const CALLS = 100;
const RATE = 10;
const RING_MS = 300;
const STARTS = 5;
const USERS = [
  { user: 'app', password: 'app-secret' },
  { user: 'floor', password: 'floor-secret' },
  { user: 'bare', password: 'bare-secret' },
];

let kamailio: Kamailio;
let browser: Browser;
const results: Record<string, unknown> = {};

beforeAll(async () => {
  kamailio = await startKamailio({ auth: true, users: USERS });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await kamailio?.stop();
  await writeResults();
});

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

type Row = { ok: number; failed: number; ring: Stats; finals: Record<string, number>; sippErrors: string };

function rowOf(run: SippResult): Row {
  const finals: Record<string, number> = {};
  for (const r of run.responses) finals[String(r.final ?? 'none')] = (finals[String(r.final ?? 'none')] ?? 0) + 1;
  // SIPp's own words about failed calls, kept in the JSON so a failure column can be explained.
  return { ok: run.successful, failed: run.failed, ring: run.rtt.ring, finals, sippErrors: run.errors.slice(0, 2000) };
}

const ringLoad = (callee: string): Promise<SippResult> =>
  runSipp({
    kamailio,
    callee,
    caller: '+15550101',
    scenario: 'caller-cancels',
    calls: CALLS,
    ratePerSec: RATE,
    holdMs: RING_MS,
    timeoutMs: 60_000,
    traceMessages: true,
  });

describe('softphone benchmarks', () => {
  it('start to registered (web mode) and idle RSS of the Node host', async () => {
    const host: number[] = [];
    const total: number[] = [];
    let idleRss = NaN;
    for (let i = 0; i < STARTS; i++) {
      const t0 = performance.now();
      const app = await startFocuslineWeb({ user: 'app', password: 'app-secret', wsUrl: kamailio.wsUrl });
      const page = await newCallPage(browser, app.url);
      await waitRegistered(page);
      total.push(performance.now() - t0);
      host.push(app.startupMs);
      if (i === STARTS - 1) {
        await delay(5000);
        idleRss = await rssMb(app.process.pid);
      }
      await page.context().close();
      await app.stop();
    }
    results.startToRegistered = {
      runs: STARTS,
      hostStartMs: { p50: Math.round(pct(host, 0.5)), max: Math.round(Math.max(...host)) },
      spawnToRegisteredMs: { p50: Math.round(pct(total, 0.5)), max: Math.round(Math.max(...total)) },
    };
    results.nodeHostIdleRssMb = idleRss;
  });

  it(`INVITE→180 for ${CALLS} calls at ${RATE}/s: Focusline vs bare sip.js vs baresip`, async () => {
    const rows: Record<string, Row> = {};

    const app: FocuslineWeb = await startFocuslineWeb({ user: 'app', password: 'app-secret', wsUrl: kamailio.wsUrl });
    const page = await newCallPage(browser, app.url);
    await waitRegistered(page);
    const appRun = await ringLoad('app');
    rows.focusline = rowOf(appRun);
    await page.context().close();
    await app.stop();

    const floor: SipjsNodeUa = startSipjsNodeUa({ wsUrl: kamailio.wsUrl, user: 'floor', password: 'floor-secret', policy: { kind: 'ring' } });
    await floor.registered;
    const floorRun = await ringLoad('floor');
    rows.bareSipJs = rowOf(floorRun);
    await floor.stop();

    const bare: Baresip = await startBaresip({
      callers: [],
      maxCalls: 32,
      callee: { user: 'bare', password: 'bare-secret', registrar: kamailio, autoAnswer: false },
    });
    const bareRun = await ringLoad('bare');
    rows.baresip = rowOf(bareRun);
    await bare.stop();

    results.inviteTo180 = { calls: CALLS, ratePerSec: RATE, ringMsBeforeCancel: RING_MS, rows };
  });

  it('while focused: INVITE→first response at 20 and 100 calls/s, suppressed and allowed callers', async () => {
    const policy = await makePolicyFolder();
    await policy.write('managed', 'bench.json', { 'focus.redirectTarget': MANAGER, 'directory.coworkers': [{ name: 'Sam', extensions: ['2002'] }] });
    const rows: FocusRow[] = [];

    const app = await startFocuslineWeb({ user: 'app', password: 'app-secret', wsUrl: kamailio.wsUrl, env: { FOCUSLINE_POLICY_DIR: policy.dir } });
    const page = await newCallPage(browser, app.url);
    await waitRegistered(page);
    const focused = await fetch(`${app.base}/api/v1/dnd/start`, { method: 'POST', headers: { Authorization: `Bearer ${app.token}` } });
    if (focused.status !== 200) throw new Error(`could not turn focus on: ${focused.status}`);
    for (const rate of FOCUS_RATES) for (const caller of ['suppressed', 'allowed'] as const) rows.push(await focusLoad('app', caller, rate));
    await page.context().close();
    await app.stop();

    const floor = startSipjsNodeUa({
      wsUrl: kamailio.wsUrl,
      user: 'floor',
      password: 'floor-secret',
      policy: (caller) => (caller === '2002' ? { kind: 'ring' } : { kind: 'redirect', contact: MANAGER }),
    });
    await floor.registered;
    for (const rate of FOCUS_RATES) for (const caller of ['suppressed', 'allowed'] as const) rows.push(await focusLoad('floor', caller, rate));
    await floor.stop();

    const bare = await startBaresip({ callers: [], maxCalls: 256, callee: { user: 'bare', password: 'bare-secret', registrar: kamailio, autoAnswer: false } });
    for (const rate of FOCUS_RATES) rows.push(await focusLoad('bare', 'allowed', rate));
    await bare.stop();

    results.focused = { seconds: FOCUS_SECONDS, rows };
  });
});

const MANAGER = 'sip:manager@127.0.0.1';
const FOCUS_RATES = [20, 100];
const FOCUS_SECONDS = 5;

type FocusRow = {
  callee: string;
  caller: 'suppressed' | 'allowed';
  ratePerSec: number;
  ok: number;
  failed: number;
  firstResponse: Stats;
  finals: Record<string, number>;
};

/** INVITE→first response: the 302 for a suppressed caller, the 180 for an allowed one (Kamailio's 100 doesn't count). */
async function focusLoad(callee: string, caller: 'suppressed' | 'allowed', ratePerSec: number): Promise<FocusRow> {
  const run = await runSipp({
    kamailio,
    callee,
    caller: caller === 'allowed' ? '2002' : '+15550199',
    scenario: caller === 'allowed' ? 'caller-cancels' : 'expect-reject',
    calls: ratePerSec * FOCUS_SECONDS,
    ratePerSec,
    holdMs: RING_MS,
    timeoutMs: 90_000,
    traceMessages: true,
  });
  const row = rowOf(run);
  return { callee, caller, ratePerSec, ok: row.ok, failed: row.failed, firstResponse: caller === 'allowed' ? run.rtt.ring : run.rtt.final, finals: row.finals };
}

async function writeResults(): Promise<void> {
  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString();
  const doc = { stamp, machine: { node: process.version, platform: process.platform }, ...results };
  await writeFile(new URL('softphone-latest.json', dir), JSON.stringify(doc, null, 2) + '\n');
  await writeFile(new URL('softphone-latest.md', dir), toMarkdown(doc));
  console.log(toMarkdown(doc));
}

function toMarkdown(doc: Record<string, unknown>): string {
  const lines = [`# Softphone benchmark (${String(doc.stamp)})`, ''];
  const s = doc.startToRegistered as { runs: number; hostStartMs: { p50: number; max: number }; spawnToRegisteredMs: { p50: number; max: number } } | undefined;
  if (s) {
    lines.push(
      `Start to registered, web mode, ${s.runs} runs: host up p50 ${s.hostStartMs.p50} ms (max ${s.hostStartMs.max}); spawn → registered p50 ${s.spawnToRegisteredMs.p50} ms (max ${s.spawnToRegisteredMs.max}).`,
      '',
    );
  }
  if (doc.nodeHostIdleRssMb !== undefined) lines.push(`Node host RSS when idle and registered: ${String(doc.nodeHostIdleRssMb)} MB.`, '');
  const r = doc.inviteTo180 as { calls: number; ratePerSec: number; rows: Record<string, Row> } | undefined;
  if (r) {
    lines.push(
      `INVITE→180 through Kamailio, ${r.calls} calls at ${r.ratePerSec}/s (SIPp; ms; SIPp's clock ticks in 4 ms steps, so 0 means under 4 ms):`,
      '',
      '| callee | ok/failed | final responses | mean | p50 | p95 | p99 | max | mean ÷ bare sip.js |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    const floor = r.rows.bareSipJs?.ring.mean ?? NaN;
    for (const [name, row] of Object.entries(r.rows)) {
      const ratio = floor > 0 ? (row.ring.mean / floor).toFixed(2) : 'n/a';
      lines.push(
        `| ${name} | ${row.ok}/${row.failed} | ${Object.entries(row.finals)
          .map(([c, n]) => `${n}× ${c}`)
          .join(', ')} | ${row.ring.mean.toFixed(1)} | ${row.ring.p50} | ${row.ring.p95} | ${row.ring.p99} | ${row.ring.max} | ${ratio} |`,
      );
    }
  }
  const f = doc.focused as { seconds: number; rows: FocusRow[] } | undefined;
  if (f) {
    const names: Record<string, string> = { app: 'Focusline (focused, DND)', floor: 'bare sip.js', bare: 'baresip' };
    lines.push(
      '',
      `While focused: INVITE→first response (302 for a suppressed caller, 180 for an allowed coworker), ${f.seconds} s of calls per row (ms):`,
      '',
      '| callee | caller | calls/s | ok/failed | mean | p50 | p95 | p99 | max | mean ÷ bare sip.js |',
      '|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const row of f.rows) {
      const floor = f.rows.find((r) => r.callee === 'floor' && r.caller === row.caller && r.ratePerSec === row.ratePerSec);
      const ratio = floor && floor.firstResponse.mean > 0 ? (row.firstResponse.mean / floor.firstResponse.mean).toFixed(2) : 'n/a';
      const s = row.firstResponse;
      lines.push(
        `| ${names[row.callee] ?? row.callee} | ${row.caller} | ${row.ratePerSec} | ${row.ok}/${row.failed} | ${s.mean.toFixed(1)} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.max} | ${ratio} |`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
