// The phone in main: Focusline's SIP user agent runs in the Node host
// (`node out/main/web.js`) and decides every INVITE in-process, with no
// browser tab. Measured in one run against the same Kamailio (digest auth,
// one user per callee), next to a bare sip.js UA in this Node process (the
// floor) and baresip:
//   1. INVITE→first response at 20 and 100 calls/s, suppressed (302) and allowed (180);
//   2. a 60 s flood at 100 calls/s from one stranger during Do-not-disturb,
//      idle and with two cores kept busy: what rang, finals, rows logged,
//      event-loop delay, local API latency, host RSS;
//   3. host RSS after 6,000 calls against the bare UA's process RSS delta.
// Writes bench/results/phone-in-main.{md,json}.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { startBaresip } from '../test/harness/baresip.js';
import { startKamailio, type Kamailio } from '../test/harness/kamailio.js';
import { delay, spawnManaged, waitFor, type ManagedProcess } from '../test/harness/processes.js';
import { startSipjsNodeUa, type SipjsNodeUa } from '../test/harness/sipjs-node-ua.js';
import { runSipp, startSippCall, statsOf, type SippResult, type Stats } from '../test/harness/sipp.js';
import { startFocuslineWeb, type FocuslineWeb } from '../test/e2e/focusline-web.js';
import { connectIpc } from '../test/e2e/ipc-client.js';
import { makePolicyFolder } from '../test/e2e/policy-files.js';

const MANAGER = 'sip:manager@127.0.0.1';
const COWORKER = '2002';
const STRANGER = '+15550199';
const RATES = [20, 100];
const RATE_SECONDS = 5;
/** caller-cancels: how long an allowed call rings before SIPp CANCELs it. */
const HOLD_MS = 100;
const FLOOD_RATE = 100;
const FLOOD_SECONDS = Number(process.env.PHONE_IN_MAIN_FLOOD_SECONDS ?? 60);
const FLOOD_CALLS = FLOOD_RATE * FLOOD_SECONDS;
const API_SAMPLES = 20;
/** Busy mode: two `node -e` spinners, each bounded by itself as well as stopped by PID. */
const HOGS = 2;
const HOG_LIMIT_MS = (FLOOD_SECONDS + 60) * 1000;
const FLOOD_CALLERS = { idle: '+15550601', busy: '+15550602' } as const;
/**
 * Extra NODE_OPTIONS for the flood's host, e.g. `--require` of a script that
 * runs the inspector's CPU profiler (Node 20 refuses --cpu-prof there): where
 * its time goes. The results files are left alone then (a profiler slows the host).
 */
const HOST_NODE_OPTIONS = process.env.PHONE_IN_MAIN_HOST_NODE_OPTIONS;

const USERS = [
  { user: 'app', password: 'app-secret' },
  { user: 'floor', password: 'floor-secret' },
  { user: 'bare', password: 'bare-secret' },
  { user: 'appflood', password: 'appflood-secret' },
  { user: 'floorflood', password: 'floorflood-secret' },
];

let kamailio: Kamailio;
const results: Record<string, unknown> = {};

beforeAll(async () => {
  kamailio = await startKamailio({ auth: true, users: USERS });
});

afterAll(async () => {
  await kamailio?.stop();
  await writeResults();
});

// ---- helpers ----

async function vmRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return round1(kb / 1024);
}

/** utime + stime of a process, in ms (USER_HZ = 100 on Linux). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;
/** The machine's 1-minute load average: other work (teammates' test runs) competes for the same CPUs. */
const load1 = (): number => Math.round((loadavg()[0] ?? 0) * 100) / 100;
const mb = (bytes: number): number => round1(bytes / 1048576);

type Finals = Record<string, number>;

function finalsOf(run: SippResult): Finals {
  const finals: Finals = {};
  for (const r of run.responses) finals[String(r.final ?? 'none')] = (finals[String(r.final ?? 'none')] ?? 0) + 1;
  return finals;
}

const finalsText = (finals: Finals): string =>
  Object.entries(finals)
    .map(([code, n]) => `${n}× ${code}`)
    .join(', ');

type HostHealth = {
  phone: { registration: string };
  host: { eventLoopDelayMs: { p50: number; p99: number; max: number; samples: number }; rssMb: number; heapUsedMb: number; since: string };
};

async function api(app: FocuslineWeb, method: 'GET' | 'POST', path: string): Promise<Response> {
  return fetch(`${app.base}/api/v1/${path}`, { method, headers: { Authorization: `Bearer ${app.token}` }, signal: AbortSignal.timeout(10_000) });
}

async function health(app: FocuslineWeb, method: 'GET' | 'POST' = 'GET'): Promise<HostHealth> {
  const res = await api(app, method, method === 'GET' ? 'health' : 'health/reset');
  if (res.status !== 200) throw new Error(`health ${method}: ${res.status}`);
  return (await res.json()) as HostHealth;
}

/** Registered by main itself: no tab is open. */
async function startFocusline(user: string, policyDir: string, nodeOptions?: string): Promise<FocuslineWeb> {
  const password = USERS.find((u) => u.user === user)?.password ?? '';
  const env: NodeJS.ProcessEnv = { FOCUSLINE_POLICY_DIR: policyDir };
  if (nodeOptions) env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} ${nodeOptions}`.trim();
  const app = await startFocuslineWeb({ user, password, wsUrl: kamailio.wsUrl, env });
  try {
    await waitFor(async () => (await health(app)).phone.registration === 'registered', {
      timeoutMs: 15_000,
      intervalMs: 50,
      what: `Focusline (${user}) registered by main`,
      process: app.process,
    });
    const dnd = await api(app, 'POST', 'dnd/start?minutes=60');
    if (dnd.status !== 200) throw new Error(`could not start Do-not-disturb: ${dnd.status} ${await dnd.text()}`);
  } catch (error) {
    await app.stop();
    throw error;
  }
  return app;
}

async function focusPolicy(): Promise<string> {
  const policy = await makePolicyFolder();
  await policy.write('managed', 'bench.json', {
    'focus.action': 'redirect',
    'focus.redirectTarget': MANAGER,
    'directory.coworkers': [{ name: 'Sam Okafor', extensions: [COWORKER] }],
  });
  return policy.dir;
}

function floorUa(user: string): SipjsNodeUa {
  const password = USERS.find((u) => u.user === user)?.password ?? '';
  return startSipjsNodeUa({
    wsUrl: kamailio.wsUrl,
    user,
    password,
    policy: (caller) => (caller === COWORKER ? { kind: 'ring' } : { kind: 'redirect', contact: MANAGER }),
  });
}

// ---- 1. INVITE→first response ----

type RateRow = {
  callee: 'focusline' | 'bareSipJs' | 'baresip';
  caller: 'suppressed' | 'allowed';
  ratePerSec: number;
  calls: number;
  ok: number;
  failed: number;
  /** The 302 for a suppressed caller, the 180 for an allowed one (Kamailio's 100 doesn't count); SIPp RTD, ms. */
  firstResponse: Stats;
  finals: Finals;
  rang: number;
  sippErrors: string;
  /** 1-minute load average before and after the row. */
  load: [number, number];
};

async function rateLoad(callee: string, name: RateRow['callee'], caller: RateRow['caller'], ratePerSec: number): Promise<RateRow> {
  const calls = ratePerSec * RATE_SECONDS;
  const loadBefore = load1();
  const run = await runSipp({
    kamailio,
    callee,
    caller: caller === 'allowed' ? COWORKER : STRANGER,
    scenario: caller === 'allowed' ? 'caller-cancels' : 'expect-reject',
    calls,
    ratePerSec,
    holdMs: HOLD_MS,
    timeoutMs: 60_000,
    traceMessages: true,
  });
  return {
    callee: name,
    caller,
    ratePerSec,
    calls,
    ok: run.successful,
    failed: run.failed,
    firstResponse: caller === 'allowed' ? run.rtt.ring : run.rtt.final,
    finals: finalsOf(run),
    rang: run.responses.filter((r) => r.ringing).length,
    sippErrors: run.errors.slice(0, 2000),
    load: [loadBefore, load1()],
  };
}

// ---- 2. the flood ----

type FloodRow = {
  callee: 'focusline' | 'bareSipJs';
  mode: 'idle' | 'busy';
  caller: string;
  calls: number;
  wallMs: number;
  ok: number;
  failed: number;
  /** Calls with any 180 among their INVITE responses. */
  rang: number;
  finals: Finals;
  /** SIPp RTD INVITE→final (ms, 4 ms steps). */
  final: Stats;
  /** Focusline only: call-log rows for the flooding caller (reports.repeatCallers attempts). */
  rowsLogged?: number;
  eventLoopDelayMs?: { p50: number; p99: number; max: number; samples: number };
  /** GET /api/v1/focus, timed from this process while the flood runs (ms). */
  apiLatencyMs?: { n: number; p50: number; p99: number; max: number; errors: number };
  rssMbBefore?: number;
  rssMbAfter?: number;
  /** The host's V8 heap in use (GET /api/v1/health heapUsedMb) right before and right after. */
  heapMbBefore?: number;
  heapMbAfter?: number;
  /** CPU time the callee's process used during the flood (ms), and per call (µs). */
  cpuMs?: number;
  cpuUsPerCall?: number;
  /** Bare sip.js: this vitest worker's RSS (MB) before the UA started and when the last INVITE had reached it. */
  workerRssMbBefore?: number;
  workerRssMbAfter?: number;
  workerHeapMbBefore?: number;
  workerHeapMbAfter?: number;
  /** 1-minute load average before and after the flood. */
  load: [number, number];
};

async function startHogs(): Promise<ManagedProcess[]> {
  const hogs: ManagedProcess[] = [];
  for (let i = 0; i < HOGS; i++) {
    hogs.push(
      await spawnManaged({
        name: `cpu-hog-${i}`,
        command: process.execPath,
        args: ['-e', `const end = Date.now() + ${HOG_LIMIT_MS}; for (;;) { if (Date.now() > end) break; }`],
      }),
    );
  }
  return hogs;
}

async function stopHogs(hogs: ManagedProcess[]): Promise<void> {
  for (const hog of hogs) await hog.stop({ graceMs: 1_000 });
}

function floodSipp(callee: string, caller: string) {
  return startSippCall({
    kamailio,
    callee,
    caller,
    scenario: 'expect-reject',
    calls: FLOOD_CALLS,
    ratePerSec: FLOOD_RATE,
    timeoutMs: FLOOD_SECONDS * 1000 + 60_000,
    traceMessages: true,
  });
}

/** ~API_SAMPLES GET /api/v1/focus spread over the flood, one at a time. */
async function pingApi(app: FocuslineWeb): Promise<{ ms: number[]; errors: number }> {
  const spacing = (FLOOD_SECONDS * 1000) / API_SAMPLES;
  const ms: number[] = [];
  let errors = 0;
  const start = performance.now();
  for (let i = 0; i < API_SAMPLES; i++) {
    const due = start + spacing * (i + 0.5);
    await delay(Math.max(0, due - performance.now()));
    const t0 = performance.now();
    try {
      const res = await api(app, 'GET', 'focus');
      await res.text();
      if (res.status === 200) ms.push(performance.now() - t0);
      else errors++;
    } catch {
      errors++;
    }
  }
  return { ms, errors };
}

async function floodFocusline(app: FocuslineWeb, mode: FloodRow['mode']): Promise<FloodRow> {
  const caller = FLOOD_CALLERS[mode];
  const hogs = mode === 'busy' ? await startHogs() : [];
  try {
    const pid = app.process.pid;
    const loadBefore = load1();
    const rssMbBefore = await vmRssMb(pid);
    const cpu0 = await cpuMs(pid);
    const heapMbBefore = (await health(app, 'POST')).host.heapUsedMb;
    const sipp = await floodSipp('appflood', caller);
    const pings = pingApi(app);
    const run = await sipp.done;
    const after = await health(app);
    const cpu = (await cpuMs(pid)) - cpu0;
    const rssMbAfter = await vmRssMb(pid);
    const { ms, errors } = await pings;
    const latency = statsOf(ms);
    const ipc = await connectIpc(app.base, app.token);
    let rowsLogged: number;
    try {
      const { rows } = await ipc.invoke('reports.repeatCallers', { days: 1 });
      rowsLogged = rows.find((r) => r.callerKey.includes(caller.replace(/\D/g, '')))?.attempts ?? 0;
    } finally {
      ipc.close();
    }
    return {
      ...floodOutcome('focusline', mode, caller, run),
      rowsLogged,
      eventLoopDelayMs: after.host.eventLoopDelayMs,
      apiLatencyMs: { n: latency.n, p50: round1(latency.p50), p99: round1(latency.p99), max: round1(latency.max), errors },
      rssMbBefore,
      rssMbAfter,
      heapMbBefore,
      heapMbAfter: after.host.heapUsedMb,
      cpuMs: cpu,
      cpuUsPerCall: Math.round((cpu * 1000) / FLOOD_CALLS),
      load: [loadBefore, load1()],
    };
  } finally {
    await stopHogs(hogs);
  }
}

/** What SIPp saw of one flood, the same for every callee. */
function floodOutcome(callee: FloodRow['callee'], mode: FloodRow['mode'], caller: string, run: SippResult) {
  return {
    callee,
    mode,
    caller,
    calls: FLOOD_CALLS,
    wallMs: run.wallMs,
    ok: run.successful,
    failed: run.failed,
    rang: run.responses.filter((r) => r.ringing).length,
    finals: finalsOf(run),
    final: run.rtt.final,
  };
}

async function floodFloor(mode: FloodRow['mode']): Promise<FloodRow> {
  const caller = FLOOD_CALLERS[mode];
  const before = process.memoryUsage();
  const ua = floorUa('floorflood');
  const hogs = mode === 'busy' ? await startHogs() : [];
  try {
    await ua.registered;
    const loadBefore = load1();
    const cpu0 = process.cpuUsage();
    const sipp = await floodSipp('floorflood', caller);
    // Sampled as soon as the last INVITE reached the UA (or SIPp ended), before this process parses SIPp's message log.
    const reached = await waitFor(() => ua.stats.invites >= FLOOD_CALLS || !isAlive(sipp.pid), {
      timeoutMs: FLOOD_SECONDS * 1000 + 60_000,
      intervalMs: 100,
      what: 'the flood to reach the bare sip.js UA',
    }).then(async () => {
      await delay(500); // the last answers go out
      return process.memoryUsage();
    });
    const cpu = process.cpuUsage(cpu0);
    const run = await sipp.done;
    const cpuTotal = Math.round((cpu.user + cpu.system) / 1000);
    return {
      ...floodOutcome('bareSipJs', mode, caller, run),
      cpuMs: cpuTotal,
      cpuUsPerCall: Math.round((cpuTotal * 1000) / FLOOD_CALLS),
      workerRssMbBefore: mb(before.rss),
      workerRssMbAfter: mb(reached.rss),
      workerHeapMbBefore: mb(before.heapUsed),
      workerHeapMbAfter: mb(reached.heapUsed),
      load: [loadBefore, load1()],
    };
  } finally {
    await stopHogs(hogs);
    await ua.stop();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// ---- the measurements ----

describe('phone in main', () => {
  it('INVITE→first response at 20 and 100 calls/s: Focusline (no tab) vs bare sip.js vs baresip', async () => {
    const rows: RateRow[] = [];
    const app = await startFocusline('app', await focusPolicy());
    results.focuslineIdleRssMb = await vmRssMb(app.process.pid);
    try {
      for (const rate of RATES) for (const caller of ['suppressed', 'allowed'] as const) rows.push(await rateLoad('app', 'focusline', caller, rate));
    } finally {
      await app.stop();
    }

    const floor = floorUa('floor');
    try {
      await floor.registered;
      for (const rate of RATES) for (const caller of ['suppressed', 'allowed'] as const) rows.push(await rateLoad('floor', 'bareSipJs', caller, rate));
    } finally {
      await floor.stop();
    }

    const bare = await startBaresip({ callers: [], maxCalls: 256, callee: { user: 'bare', password: 'bare-secret', registrar: kamailio, autoAnswer: false } });
    try {
      for (const rate of RATES) rows.push(await rateLoad('bare', 'baresip', 'allowed', rate));
    } finally {
      await bare.stop();
    }
    results.firstResponse = { seconds: RATE_SECONDS, holdMs: HOLD_MS, rows };
  }, 180_000);

  it(
    `${FLOOD_SECONDS} s flood at ${FLOOD_RATE}/s from one stranger during DND: Focusline, idle and busy`,
    async () => {
      const app = await startFocusline('appflood', await focusPolicy(), HOST_NODE_OPTIONS);
      const rows: FloodRow[] = [];
      try {
        await delay(1_000);
        results.focuslineFloodHostStartRssMb = await vmRssMb(app.process.pid);
        for (const mode of ['idle', 'busy'] as const) rows.push(await floodFocusline(app, mode));
      } finally {
        await app.stop();
      }
      results.floodFocusline = rows;
    },
    2 * (FLOOD_SECONDS * 1000 + 60_000),
  );

  it(
    `the same flood against the bare sip.js UA, idle and busy`,
    async () => {
      const rows: FloodRow[] = [];
      for (const mode of ['idle', 'busy'] as const) rows.push(await floodFloor(mode));
      results.floodBareSipJs = rows;
    },
    2 * (FLOOD_SECONDS * 1000 + 60_000),
  );
});

// ---- results ----

function machineNote(): string {
  const cpus = execFileSync('nproc', { encoding: 'utf8' }).trim();
  const model = /model name\s*:\s*(.+)/.exec(safeRead('/proc/cpuinfo'))?.[1]?.trim() ?? 'unknown CPU';
  return `${cpus} CPUs (nproc), ${model}, Node ${process.version}, ${process.platform}`;
}

function safeRead(path: string): string {
  try {
    return execFileSync('cat', [path], { encoding: 'utf8' });
  } catch {
    return '';
  }
}

async function writeResults(): Promise<void> {
  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const doc = { stamp: new Date().toISOString(), machine: machineNote(), ...results };
  const md = toMarkdown(doc);
  console.log(md);
  if (HOST_NODE_OPTIONS) {
    console.log(`The flood's host ran with NODE_OPTIONS ${HOST_NODE_OPTIONS}: bench/results/phone-in-main.* left as they were.`);
    return;
  }
  await writeFile(new URL('phone-in-main.json', dir), JSON.stringify(doc, null, 2) + '\n');
  await writeFile(new URL('phone-in-main.md', dir), md);
}

const NAMES: Record<string, string> = { focusline: 'Focusline (main, no tab)', bareSipJs: 'bare sip.js (Node)', baresip: 'baresip' };

function toMarkdown(doc: Record<string, unknown>): string {
  const lines = [
    `# Phone in main: benchmark (${String(doc.stamp)})`,
    '',
    `Machine: ${String(doc.machine)}. One Kamailio (digest auth, one user per callee), SIPp over UDP, everything on 127.0.0.1.`,
    '',
    '"load" columns: the 1-minute load average (/proc/loadavg) before and after each row. The machine may be shared with other test runs; ' +
      'a load well above the CPU count means the row competed for CPU with work outside this bench, and its latencies say more about that than about the callee.',
    '',
  ];
  const first = doc.firstResponse as { seconds: number; holdMs: number; rows: RateRow[] } | undefined;
  if (first) {
    lines.push(
      '## 1. INVITE→first response',
      '',
      `${first.seconds} s of calls per row. Suppressed = a stranger (${STRANGER}) during Do-not-disturb, answered 302 to the manager; ` +
        `allowed = a coworker (${COWORKER}, in \`directory.coworkers\`), answered 180, cancelled by SIPp after ${first.holdMs} ms. ` +
        'The bare sip.js UA redirects the stranger and rings for the coworker by a per-caller policy; baresip only rings. ' +
        "Latency is SIPp's response-time (RTD) statistic from INVITE sent to 302/180 received, in ms; SIPp's clock ticks in 4 ms steps " +
        "(so 0 means under 4 ms, and every figure is ±4 ms): the harness does not expose the message trace's microsecond timestamps. " +
        "ok/failed = SIPp's call counts; \"rang\" = calls with a 180; the last column = this row's p99 minus the bare sip.js row's p99 for the same caller and rate (ms).",
      '',
      '| callee | caller | calls/s | calls | ok/failed | rang | finals | mean | p50 | p95 | p99 | max | p99 − floor p99 | load before → after |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const row of first.rows) {
      const floor = first.rows.find((r) => r.callee === 'bareSipJs' && r.caller === row.caller && r.ratePerSec === row.ratePerSec);
      const s = row.firstResponse;
      const diff = floor ? `${s.p99 - floor.firstResponse.p99}` : 'n/a';
      lines.push(
        `| ${NAMES[row.callee]} | ${row.caller} | ${row.ratePerSec} | ${row.calls} | ${row.ok}/${row.failed} | ${row.rang} | ${finalsText(row.finals)} | ${s.mean.toFixed(1)} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.max} | ${diff} | ${row.load[0]} → ${row.load[1]} |`,
      );
    }
    lines.push('');
  }
  const fl = doc.floodFocusline as FloodRow[] | undefined;
  const ff = doc.floodBareSipJs as FloodRow[] | undefined;
  if (fl || ff) {
    lines.push(
      `## 2. Flood: ${FLOOD_SECONDS} s at ${FLOOD_RATE} calls/s (${FLOOD_CALLS} calls) from one stranger during Do-not-disturb`,
      '',
      `"busy" = ${HOGS} \`node -e\` busy loops running for the whole flood (the machine has ${String(doc.machine).split(' ')[0]} CPUs), stopped by PID after it. ` +
        "rang = calls that got any 180 (should be 0); finals = first final INVITE response per call, from SIPp's message trace; " +
        'final p50/p99 = SIPp RTD INVITE→final (ms, 4 ms steps); rows logged = `reports.repeatCallers` attempts for the flooding caller; ' +
        "loop delay = the host's own `monitorEventLoopDelay` (GET /api/v1/health; 5 ms resolution, so an idle host reads ~5), reset right before the flood and read right after; " +
        `API = ${API_SAMPLES} GET /api/v1/focus spread over the flood, timed from the bench process (ms); ` +
        'RSS = VmRSS of the host process (/proc/<pid>/status) right before and right after the flood (one host for both floods: the busy flood starts where the idle one ended); ' +
        "CPU = utime+stime the callee's process used during the flood, per call.",
      '',
      '| callee | mode | ok/failed | rang | finals | final p50 | final p99 | final max | rows logged | loop delay p99 / max | API p50 / p99 / max | RSS before → after (MB) | CPU µs/call | load before → after |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const r of [...(fl ?? []), ...(ff ?? [])]) {
      const loop = r.eventLoopDelayMs ? `${r.eventLoopDelayMs.p99} / ${r.eventLoopDelayMs.max}` : '–';
      const apiText = r.apiLatencyMs
        ? `${r.apiLatencyMs.p50} / ${r.apiLatencyMs.p99} / ${r.apiLatencyMs.max}${r.apiLatencyMs.errors ? ` (${r.apiLatencyMs.errors} failed)` : ''}`
        : '–';
      const rss = r.rssMbBefore !== undefined ? `${r.rssMbBefore} → ${r.rssMbAfter}` : `worker ${r.workerRssMbBefore} → ${r.workerRssMbAfter}`;
      lines.push(
        `| ${NAMES[r.callee]} | ${r.mode} | ${r.ok}/${r.failed} | ${r.rang} | ${finalsText(r.finals)} | ${r.final.p50} | ${r.final.p99} | ${r.final.max} | ${r.rowsLogged ?? '–'} | ${loop} | ${apiText} | ${rss} | ${r.cpuUsPerCall ?? '–'} | ${r.load[0]} → ${r.load[1]} |`,
      );
    }
    lines.push('');
  }
  const idle = fl?.find((r) => r.mode === 'idle');
  const floorIdle = ff?.find((r) => r.mode === 'idle');
  if (idle || floorIdle) {
    lines.push('## 3. Memory after 6,000 calls', '', '| what | before | after 6,000 calls | delta | how measured |', '|---|---|---|---|---|');
    if (doc.focuslineIdleRssMb !== undefined)
      lines.push(`| Focusline host, registered, DND on, no calls yet (part 1's host) | ${String(doc.focuslineIdleRssMb)} MB | – | – | VmRSS |`);
    if (idle && idle.rssMbBefore !== undefined && idle.rssMbAfter !== undefined)
      lines.push(
        `| Focusline host (\`node out/main/web.js\`) | ${idle.rssMbBefore} MB (heap ${idle.heapMbBefore}) | ${idle.rssMbAfter} MB (heap ${idle.heapMbAfter}) | ${round1(idle.rssMbAfter - idle.rssMbBefore)} MB (heap ${round1((idle.heapMbAfter ?? 0) - (idle.heapMbBefore ?? 0))}) | VmRSS of the host's PID right before and right after the idle flood (${idle.calls} calls); heap = the host's own heapUsedMb from GET /api/v1/health |`,
      );
    if (floorIdle && floorIdle.workerRssMbBefore !== undefined && floorIdle.workerRssMbAfter !== undefined)
      lines.push(
        `| bare sip.js UA (inside the vitest worker) | ${floorIdle.workerRssMbBefore} MB (heap ${floorIdle.workerHeapMbBefore}) | ${floorIdle.workerRssMbAfter} MB (heap ${floorIdle.workerHeapMbAfter}) | ${round1(floorIdle.workerRssMbAfter - floorIdle.workerRssMbBefore)} MB (heap ${round1((floorIdle.workerHeapMbAfter ?? 0) - (floorIdle.workerHeapMbBefore ?? 0))}) | \`process.memoryUsage()\` of the vitest worker before the UA started and 0.5 s after its ${floorIdle.calls}th INVITE, before the bench parses SIPp's log; includes vitest's own baseline, so only the delta means anything |`,
      );
    lines.push('');
  }
  return lines.join('\n');
}
