// `npx vitest run --project bench bench/decision.bench.ts`: the pure decision
// against a 100,000-entry directory. Compiles the directory (numbers in the
// free-text shapes PSAs hold, extensions, SIP URIs), then times decide() for
// 100,000 calls (allowed, unknown, blocked, repeat, extension/SIP) one by one
// with process.hrtime.bigint(). Writes bench/results/decision-latency.{json,md}.
// Reports figures only: no timing assertions (machines differ); the checks
// below are about the answers being right.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { decide, repeatLookbackMinutes, type DecisionSnapshot, type FocusDecision } from '../src-main/focus/decide.js';
import { RepeatCallerWindow } from '../src-main/focus/repeat-callers.js';
import type { ActiveTicket, DirectoryEntry, FocusRules, FocusState } from '../src-main/focus/types.js';
import type { IncomingCall } from '../src-main/ipc/contract.js';
import { callerIdentity } from '../src-main/numbers/caller-identity.js';
import { compileDirectory, type CompiledDirectory } from '../src-main/numbers/directory.js';
import { ticketContactMatcher } from '../src-main/numbers/ticket-contacts.js';
import { prng, seededPickers } from './seeded-random.js';

const ENTRIES = 100_000;
const CALLS = 100_000;
const WARMUP_CALLS = 5_000;
const SEED = 0x5eed;

type Kind = 'allowed' | 'unknown' | 'blocked' | 'repeat' | 'extension-or-sip' | 'ticket-contact';
// Shares of the call mix; a busy MSP desk sees mostly strangers and customers.
const MIX: [Kind, number][] = [
  ['unknown', 0.4],
  ['allowed', 0.3],
  ['repeat', 0.12],
  ['blocked', 0.08],
  ['extension-or-sip', 0.07],
  ['ticket-contact', 0.03],
];

const results: Record<string, unknown> = {};

afterAll(async () => {
  await writeResults();
});

// ---- deterministic inputs ---------------------------------------------------

const random = prng(SEED);
const { pick, digits, nxx: areaCode } = seededPickers(random);

/** A US number as E.164 and in one of the shapes PSAs store. */
function usNumber(): { e164: string; stored: string } {
  const a = areaCode();
  const x = `${2 + Math.floor(random() * 8)}${digits(2)}`;
  const l = digits(4);
  const shapes = [
    `+1 (${a}) ${x}-${l}`,
    `${a}.${x}.${l}`,
    `(${a}) ${x}-${l} x${digits(2)}`,
    `${a}-${x}-${l} ext. ${digits(1)}`,
    `+1${a}${x}${l}`,
    `1 ${a} ${x} ${l}`,
  ];
  return { e164: `+1${a}${x}${l}`, stored: pick(shapes) };
}

function ukNumber(): { e164: string; stored: string } {
  const rest = digits(8);
  return { e164: `+4420${rest}`, stored: pick([`+44 20 ${rest.slice(0, 4)} ${rest.slice(4)}`, `020 ${rest.slice(0, 4)} ${rest.slice(4)}`]) };
}

type Listed = { entry: DirectoryEntry; callable: string[] };

function buildEntries(): { coworkers: Listed[]; vips: Listed[]; blocked: Listed[] } {
  const coworkers: Listed[] = [];
  const vips: Listed[] = [];
  const blocked: Listed[] = [];
  for (let i = 0; i < ENTRIES; i++) {
    const n = random() < 0.9 ? usNumber() : ukNumber();
    const callable = [n.e164];
    const entry: DirectoryEntry = { name: `Entry ${i}`, numbers: [n.stored] };
    if (random() < 0.3) {
      const second = usNumber();
      entry.numbers?.push(second.stored);
      callable.push(second.e164);
    }
    const r = random();
    if (r < 0.06) blocked.push({ entry, callable });
    else if (r < 0.3) vips.push({ entry, callable });
    else {
      if (random() < 0.5) {
        entry.extensions = [String(10_000 + coworkers.length)];
        callable.push(String(10_000 + coworkers.length));
      }
      if (random() < 0.3) {
        entry.sipUris = [`sip:user${i}@pbx.example.com`];
        callable.push(`sip:user${i}@pbx.example.com`);
      }
      coworkers.push({ entry, callable });
    }
  }
  return { coworkers, vips, blocked };
}

const RULES: FocusRules = {
  defaultRegion: 'US',
  trustAssertedIdentity: true,
  ownDomain: 'pbx.example.com',
  trustedHosts: ['trunk.example.net'], // the callers below come in through it
  focusAction: 'redirect',
  redirectTarget: 'sip:manager@pbx.example.com',
  voicemailTarget: 'sip:*97@pbx.example.com',
  busyCode: 486,
  repeat: { threshold: 3, windowMinutes: 15, breakThrough: true, breakThroughWindowMinutes: 3 },
  hours: {
    timeZone: 'America/New_York',
    weekly: {
      1: [{ start: '08:00', end: '18:00' }],
      2: [{ start: '08:00', end: '18:00' }],
      3: [{ start: '08:00', end: '18:00' }],
      4: [{ start: '08:00', end: '18:00' }],
      5: [{ start: '08:00', end: '18:00' }],
    },
  },
  afterHoursAction: 'voicemail',
  afterHoursTarget: '',
};

const TICKET: ActiveTicket = {
  id: '1042',
  summary: 'printer down',
  company: 'Acme',
  contactName: 'Carol',
  contactNumbers: ['(555) 010-1234 x12', 'mobile 555.0177'],
  source: 'local',
};

type PlannedCall = { kind: Kind; call: IncomingCall; from: string };

function planCalls(n: number, lists: ReturnType<typeof buildEntries>): PlannedCall[] {
  const repeaters = Array.from({ length: 50 }, () => usNumber().e164);
  const allowed = [...lists.coworkers, ...lists.vips];
  const withExtOrSip = lists.coworkers.filter((c) => c.callable.some((k) => !k.startsWith('+')));
  const plan: PlannedCall[] = [];
  for (let i = 0; i < n; i++) {
    const kind = kindAt(random());
    const from = fromFor(kind, { allowed, withExtOrSip, blocked: lists.blocked, repeaters });
    plan.push({ kind, from, call: incoming(i, from) });
  }
  return plan;
}

function kindAt(r: number): Kind {
  let acc = 0;
  for (const [kind, share] of MIX) {
    acc += share;
    if (r < acc) return kind;
  }
  return 'unknown';
}

function fromFor(kind: Kind, pools: { allowed: Listed[]; withExtOrSip: Listed[]; blocked: Listed[]; repeaters: string[] }): string {
  switch (kind) {
    case 'allowed': {
      const e164 = pick(pick(pools.allowed).callable.filter((k) => k.startsWith('+')));
      return random() < 0.5 ? e164 : e164.replace(/^\+1/, ''); // national form from some trunks
    }
    case 'blocked':
      return pick(pick(pools.blocked).callable);
    case 'repeat':
      return pick(pools.repeaters);
    case 'extension-or-sip':
      return pick(pick(pools.withExtOrSip).callable.filter((k) => !k.startsWith('+')));
    case 'ticket-contact':
      return '+15550101234';
    case 'unknown':
      return usNumber().e164;
  }
}

function incoming(i: number, from: string): IncomingCall {
  const fromUri = from.startsWith('sip:') ? from : `sip:${from}@trunk.example.net;user=phone`;
  return {
    callId: `bench-${i}`,
    fromUri,
    fromUser: fromUri.slice(4, fromUri.indexOf('@')),
    displayName: 'Someone',
    assertedIdentity: null,
    toUri: 'sip:tech@pbx.example.com',
  };
}

// ---- measuring ------------------------------------------------------------------

function collectGarbage(): void {
  v8.setFlagsFromString('--expose_gc');
  (vm.runInNewContext('gc') as () => void)();
}

function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;

function stats(us: number[]): { n: number; mean: number; p50: number; p90: number; p99: number; p999: number; max: number } {
  const sorted = Float64Array.from(us).sort();
  const mean = us.reduce((a, b) => a + b, 0) / us.length;
  return {
    n: us.length,
    mean: round(mean),
    p50: round(pct(sorted, 0.5)),
    p90: round(pct(sorted, 0.9)),
    p99: round(pct(sorted, 0.99)),
    p999: round(pct(sorted, 0.999)),
    max: round(sorted[sorted.length - 1] ?? NaN),
  };
}

/** Business hours for most calls, some at night; focused most of the time. */
function momentFor(i: number, start: number): { now: Date; focus: FocusState } {
  const now = new Date(start + i * 200); // 5 calls a second of simulated time
  const night = i % 10 === 0;
  const at = night ? new Date(now.getTime() + 12 * 3600_000) : now;
  const focus: FocusState =
    i % 7 === 0
      ? { mode: 'off' }
      : i % 11 === 0
        ? { mode: 'dnd', until: null, since: new Date(start) }
        : { mode: 'ticket', ticket: TICKET, since: new Date(start) };
  return { now: at, focus };
}

function runCalls(plan: PlannedCall[], directory: CompiledDirectory<DirectoryEntry>, timed: boolean) {
  const window = new RepeatCallerWindow({ retainMinutes: repeatLookbackMinutes(RULES), maxCallers: 20_000 });
  const ticketContacts = ticketContactMatcher(TICKET.contactNumbers, RULES.defaultRegion);
  const start = new Date('2026-03-10T13:00:00Z').getTime(); // Tue 09:00 EDT
  const latencies: number[] = [];
  const decideOnly: number[] = [];
  const byKind = new Map<Kind, number[]>();
  const outcomes = new Map<string, number>();
  const decisions: FocusDecision[] = [];
  for (let i = 0; i < plan.length; i++) {
    const planned = plan[i] as PlannedCall;
    const { now, focus } = momentFor(i, start);
    // What the service does per call: the caller's key, its recent attempts, the decision.
    const t0 = process.hrtime.bigint();
    const key = callerIdentity(planned.call, RULES).key;
    const recentAttempts = window.attemptsWithin(key, now, repeatLookbackMinutes(RULES));
    const t1 = process.hrtime.bigint();
    const snapshot: DecisionSnapshot = { now, focus, rules: RULES, directory, ticketContacts, recentAttempts };
    const decision = decide(planned.call, snapshot);
    const t2 = process.hrtime.bigint();
    window.record(decision.callerKey, now);
    if (!timed) continue;
    const us = Number(t2 - t0) / 1000;
    latencies.push(us);
    decideOnly.push(Number(t2 - t1) / 1000);
    (byKind.get(planned.kind) ?? byKind.set(planned.kind, []).get(planned.kind))?.push(us);
    const outcome = `${planned.kind} → ${decision.action}/${decision.rule}`;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    decisions.push(decision);
  }
  return { latencies, decideOnly, byKind, outcomes, decisions };
}

describe('decision benchmark', () => {
  it(`compiles a ${ENTRIES.toLocaleString('en-US')}-entry directory and decides ${CALLS.toLocaleString('en-US')} calls`, () => {
    const lists = buildEntries();
    const plan = planCalls(CALLS, lists);
    const warmup = planCalls(WARMUP_CALLS, lists);

    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = process.hrtime.bigint();
    const directory = compileDirectory(
      { coworkers: lists.coworkers.map((l) => l.entry), vips: lists.vips.map((l) => l.entry), blocked: lists.blocked.map((l) => l.entry) },
      RULES.defaultRegion,
    );
    const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
    collectGarbage();
    const heapAfter = process.memoryUsage().heapUsed;

    runCalls(warmup, directory, false);
    const run = runCalls(plan, directory, true);
    collectGarbage();
    const heapAfterCalls = process.memoryUsage().heapUsed;

    // The answers, not the speed: allowed callers and blocked callers were recognised.
    for (const [outcome, count] of run.outcomes) {
      if (outcome.startsWith('blocked →')) expect(outcome, `${count} calls`).toBe('blocked → reject/blocked');
      if (outcome.startsWith('allowed →')) expect(outcome).toMatch(/→ ring\/(coworker|vip)$/);
      if (outcome.startsWith('ticket-contact →')) expect(outcome).toMatch(/→ ring\/(ticket-contact|repeat-breakthrough)$|→ \w+\/(dnd|after-hours|ring)$/);
    }
    expect(directory.unusable).toEqual([]);

    results.directory = {
      entries: directory.size,
      coworkers: lists.coworkers.length,
      vips: lists.vips.length,
      blocked: lists.blocked.length,
      compileMs: round(compileMs, 1),
      heapRetainedMb: round((heapAfter - heapBefore) / 1024 / 1024, 1),
    };
    results.decide = {
      calls: CALLS,
      warmupCalls: WARMUP_CALLS,
      microseconds: stats(run.latencies),
      decideOnlyMicroseconds: stats(run.decideOnly),
      byKind: Object.fromEntries([...run.byKind].map(([kind, us]) => [kind, stats(us)])),
      outcomes: Object.fromEntries([...run.outcomes].sort((a, b) => b[1] - a[1])),
      heapUsedAfterCallsMb: round(heapAfterCalls / 1024 / 1024, 1),
    };
  });
});

async function writeResults(): Promise<void> {
  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const doc = { stamp: new Date().toISOString(), machine: { node: process.version, platform: process.platform, arch: process.arch }, ...results };
  await writeFile(new URL('decision-latency.json', dir), JSON.stringify(doc, null, 2) + '\n');
  await writeFile(new URL('decision-latency.md', dir), toMarkdown(doc));
  console.log(toMarkdown(doc));
}

type Stats = ReturnType<typeof stats>;

function toMarkdown(doc: Record<string, unknown>): string {
  const lines = [`# Decision latency (${String(doc.stamp)})`, ''];
  const machine = doc.machine as { node: string; platform: string; arch: string };
  lines.push(
    `Node ${machine.node} on ${machine.platform}/${machine.arch}. One decide() call timed at a time with process.hrtime.bigint(); the figures include the timer's own overhead (well under a microsecond).`,
    '',
  );
  const d = doc.directory as { entries: number; coworkers: number; vips: number; blocked: number; compileMs: number; heapRetainedMb: number } | undefined;
  if (d) {
    lines.push(
      `Directory: ${d.entries.toLocaleString('en-US')} entries (${d.coworkers.toLocaleString('en-US')} coworkers, ${d.vips.toLocaleString('en-US')} VIPs, ${d.blocked.toLocaleString('en-US')} blocked; free-text numbers, extensions, SIP URIs), compiled in ${d.compileMs} ms, retaining ${d.heapRetainedMb} MB of heap.`,
      '',
    );
  }
  const r = doc.decide as
    | {
        calls: number;
        warmupCalls: number;
        microseconds: Stats;
        decideOnlyMicroseconds: Stats;
        byKind: Record<string, Stats>;
        outcomes: Record<string, number>;
        heapUsedAfterCallsMb: number;
      }
    | undefined;
  if (r) {
    lines.push(
      `${r.calls.toLocaleString('en-US')} calls after ${r.warmupCalls.toLocaleString('en-US')} warm-up calls, in µs. "Decision path" is what the service does per call: callerIdentity() for the repeat key, the repeat window's attemptsWithin(), then decide(); it includes parsing the caller's number (libphonenumber, ~20 µs when not memoised). "decide() alone" is the last step, where the caller's number is already memoised by the first.`,
      '',
      '| calls | n | mean | p50 | p90 | p99 | p99.9 | max |',
      '|---|---|---|---|---|---|---|---|',
    );
    const row = (name: string, s: Stats) => `| ${name} | ${s.n.toLocaleString('en-US')} | ${s.mean} | ${s.p50} | ${s.p90} | ${s.p99} | ${s.p999} | ${s.max} |`;
    lines.push(row('**decision path, all**', r.microseconds));
    lines.push(row('**decide() alone, all**', r.decideOnlyMicroseconds));
    for (const [kind, s] of Object.entries(r.byKind)) lines.push(row(`decision path, ${kind}`, s));
    lines.push('', `Heap used after the run: ${r.heapUsedAfterCallsMb} MB.`, '', 'Outcomes (kind of call → action/rule):', '');
    for (const [outcome, count] of Object.entries(r.outcomes)) lines.push(`- ${outcome}: ${count.toLocaleString('en-US')}`);
  }
  return lines.join('\n') + '\n';
}
