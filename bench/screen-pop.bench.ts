// `npx vitest run --project bench bench/screen-pop.bench.ts`: the local caller
// index at 100,000 contacts. Builds the index in a temp SQLite database with
// the directory sync paging through a fake PSA (pages of 1,000), with numbers in the free-text shapes PSAs hold; then times 20,000
// lookups (exact E.164 hits, last-10 hits, last-7 hits, misses) one by one
// with process.hrtime.bigint(), and screenPop() end to end against the same
// index with a fake PSA that answers openTicketsForCompany at once.
// Writes bench/results/screen-pop-latency.{json,md}. Reports figures only:
// no timing assertions (machines differ); the checks are about the answers.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MatchStrength } from '../src-main/numbers/number-index.js';
import { openDatabase, type Db } from '../src-main/storage/database.js';
import { systemClock } from '../src-main/focus/system-clock.js';
import { CallerIndex } from '../src-main/tickets/caller-index.js';
import { DirectorySync } from '../src-main/tickets/directory-sync.js';
import type { PsaPerson } from '../src-main/tickets/psa.js';
import { screenPop, type ScreenPopOptions } from '../src-main/tickets/screen-pop.js';
import { FakePsaAdapter, ticket } from '../test/unit/tickets/fake-psa-adapter.js';
import { prng, seededPickers } from './seeded-random.js';

const CONTACTS = 100_000;
const CONTACTS_PER_COMPANY = 10;
const PAGE = 1_000;
const LOOKUPS = 20_000;
const WARMUP_LOOKUPS = 2_000;
const POPS = 5_000;
const SEED = 0x5eed;
const PSA = 'connectwise:https://na.example.test';
const REGION = 'US';

type Kind = 'exact' | 'last-10' | 'last-7' | 'miss';
const MIX: [Kind, number][] = [
  ['exact', 0.5],
  ['last-10', 0.15],
  ['last-7', 0.15],
  ['miss', 0.2],
];
const EXPECTED_VIA: Record<Kind, MatchStrength | null> = { exact: 'exact', 'last-10': 'last-10-digits', 'last-7': 'last-7-digits', miss: null };

const results: Record<string, unknown> = {};
const cleanup: { db?: Db; dir?: string } = {};

afterAll(async () => {
  cleanup.db?.close();
  if (cleanup.dir !== undefined) rmSync(cleanup.dir, { recursive: true, force: true });
  await writeResults();
});

// ---- deterministic inputs ---------------------------------------------------

const random = prng(SEED);
const { pick, digits, nxx } = seededPickers(random);

/** Every number handed out, so each planted answer is unambiguous. */
const usedE164 = new Set<string>();
const usedTail7 = new Set<string>();

/** A fresh US number: its E.164 form and one of the shapes PSAs store. */
function usNumber(): { e164: string; stored: string } {
  for (;;) {
    const a = nxx();
    const x = nxx();
    const l = digits(4);
    const e164 = `+1${a}${x}${l}`;
    if (usedE164.has(e164) || usedTail7.has(`${x}${l}`)) continue;
    usedE164.add(e164);
    usedTail7.add(`${x}${l}`);
    const shapes = [
      `+1 (${a}) ${x}-${l}`,
      `${a}.${x}.${l}`,
      `(${a}) ${x}-${l} x${digits(2)}`,
      `${a}-${x}-${l} ext. ${digits(1)}`,
      `+1${a}${x}${l}`,
      `1 ${a} ${x} ${l}`,
      `Mobile: ${a} ${x} ${l}`,
    ];
    return { e164, stored: pick(shapes) };
  }
}

/** A UK number written nationally ("020 7946 0018"): in a US-region index it has no country code, so it matches on 10 digits. */
function ukNational(): { international: string; stored: string } {
  for (;;) {
    const rest = `7${digits(7)}`;
    const international = `+4420${rest}`;
    if (usedE164.has(international) || usedTail7.has(rest.slice(-7))) continue;
    usedE164.add(international);
    usedTail7.add(rest.slice(-7));
    return { international, stored: `020 ${rest.slice(0, 4)} ${rest.slice(4)}` };
  }
}

/** A local number written without its area code ("555.0101"): matches on 7 digits. */
function sevenDigit(): { tail7: string; stored: string } {
  for (;;) {
    const x = nxx();
    const l = digits(4);
    // 310-XXXX is a complete NANP number (a universal access number), not a local one without its area code.
    if (x === '310' || usedTail7.has(`${x}${l}`)) continue;
    usedTail7.add(`${x}${l}`);
    return { tail7: `${x}${l}`, stored: pick([`${x}.${l}`, `${x}-${l}`, `${x} ${l}`]) };
  }
}

type Planted = { id: string; companyId: string; kind: Kind; caller: string };

function buildPeople(): { people: PsaPerson[]; planted: Planted[] } {
  const people: PsaPerson[] = [];
  const planted: Planted[] = [];
  let companyMain = usNumber().stored;
  for (let i = 0; i < CONTACTS; i++) {
    if (i % CONTACTS_PER_COMPANY === 0) companyMain = `Main ${usNumber().stored}`;
    const id = String(100_000 + i);
    const companyId = String(Math.floor(i / CONTACTS_PER_COMPANY));
    const numbers: string[] = [];
    const r = random();
    if (r < 0.08) {
      const uk = ukNational();
      numbers.push(uk.stored);
      planted.push({ id, companyId, kind: 'last-10', caller: uk.international });
    } else {
      const us = usNumber();
      numbers.push(us.stored);
      planted.push({ id, companyId, kind: 'exact', caller: random() < 0.5 ? us.e164 : us.e164.slice(2) });
    }
    if (random() < 0.1) {
      const local = sevenDigit();
      numbers.push(local.stored);
      // The caller presents a full number whose last 7 digits are the stored ones.
      let caller: string;
      do caller = `+1${nxx()}${local.tail7}`;
      while (usedE164.has(caller));
      planted.push({ id, companyId, kind: 'last-7', caller });
    }
    // Contacts often carry the company's main number too (shared: any of them may answer it).
    if (random() < 0.3) numbers.push(companyMain);
    people.push({ id, kind: 'contact', name: `Contact ${i}`, company: `Company ${companyId}`, companyId, numbers });
  }
  return { people, planted };
}

function missNumber(): string {
  for (;;) {
    const e164 = `+1${nxx()}${nxx()}${digits(4)}`;
    if (!usedE164.has(e164) && !usedTail7.has(e164.slice(-7))) return e164;
  }
}

type Query = { kind: Kind; caller: string; expectId: string | null; companyId: string | null };

function planQueries(n: number, planted: Planted[]): Query[] {
  const byKind = new Map<Kind, Planted[]>();
  for (const p of planted) (byKind.get(p.kind) ?? byKind.set(p.kind, []).get(p.kind))?.push(p);
  const queries: Query[] = [];
  for (let i = 0; i < n; i++) {
    const kind = kindAt(random());
    if (kind === 'miss') queries.push({ kind, caller: missNumber(), expectId: null, companyId: null });
    else {
      const p = pick(byKind.get(kind) ?? []);
      queries.push({ kind, caller: p.caller, expectId: p.id, companyId: p.companyId });
    }
  }
  return queries;
}

function kindAt(r: number): Kind {
  let acc = 0;
  for (const [kind, share] of MIX) {
    acc += share;
    if (r < acc) return kind;
  }
  return 'miss';
}

// ---- measuring ------------------------------------------------------------------

function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;

function stats(us: number[]): { n: number; mean: number; p50: number; p90: number; p99: number; max: number } {
  const sorted = Float64Array.from(us).sort();
  const mean = us.reduce((a, b) => a + b, 0) / us.length;
  return {
    n: us.length,
    mean: round(mean),
    p50: round(pct(sorted, 0.5)),
    p90: round(pct(sorted, 0.9)),
    p99: round(pct(sorted, 0.99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
  };
}

type Answer = { id: string | null; via: MatchStrength | null; companyId: string | null };

/** A wrong answer, described; undefined when right. A shared number may name any contact of its company. */
function wrongAnswer(q: Query, a: Answer): string | undefined {
  const ok = q.expectId === null ? a.id === null : a.id === q.expectId && a.via === EXPECTED_VIA[q.kind];
  return ok
    ? undefined
    : `${q.kind} ${q.caller}: expected ${q.expectId ?? 'nobody'} via ${EXPECTED_VIA[q.kind] ?? '-'}, got ${a.id ?? 'nobody'} via ${a.via ?? '-'}`;
}

function byKindStats(samples: { kind: Kind; us: number }[]): Record<string, ReturnType<typeof stats>> {
  const byKind = new Map<Kind, number[]>();
  for (const s of samples) (byKind.get(s.kind) ?? byKind.set(s.kind, []).get(s.kind))?.push(s.us);
  return Object.fromEntries([...byKind].map(([kind, us]) => [kind, stats(us)]));
}

describe('screen pop benchmark', () => {
  it(`builds a ${CONTACTS.toLocaleString('en-US')}-contact caller index and answers ${LOOKUPS.toLocaleString('en-US')} lookups and ${POPS.toLocaleString('en-US')} screen pops`, async () => {
    const { people, planted } = buildPeople();
    const queries = planQueries(LOOKUPS, planted);
    const warmup = planQueries(WARMUP_LOOKUPS, planted);
    const pops = planQueries(POPS, planted);

    const dir = mkdtempSync(join(tmpdir(), 'fl-bench-caller-index-'));
    cleanup.dir = dir;
    const db = openDatabase(dir);
    cleanup.db = db;
    const index = new CallerIndex(db, { defaultRegion: REGION });

    // Built the way the app builds it: the directory sync paging through a (fake, instant) PSA.
    const source = new FakePsaAdapter({ contacts: people, pageSize: PAGE });
    const sync = new DirectorySync({ db, index, adapter: source, psaKey: PSA, clock: systemClock, kinds: ['contacts'], intervalMinutes: 24 * 60 });
    const t0 = process.hrtime.bigint();
    sync.start();
    await sync.idle();
    const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const progress = sync.progress()[0];
    await sync.stop();
    expect(progress).toMatchObject({ state: 'done', itemsDone: CONTACTS, pagesDone: CONTACTS / PAGE });
    db.pragma('wal_checkpoint(TRUNCATE)');
    const numberRows = Number(db.prepare('SELECT COUNT(*) FROM caller_numbers').pluck().get());
    const dbBytes = statSync(join(dir, 'focusline.db')).size;
    expect(index.count(PSA)).toBe(CONTACTS);

    // ---- lookups ----
    for (const q of warmup) index.lookup(PSA, q.caller);
    const samples: { kind: Kind; us: number }[] = [];
    const wrong: string[] = [];
    for (const q of queries) {
      const t = process.hrtime.bigint();
      const hit = index.lookup(PSA, q.caller);
      const us = Number(process.hrtime.bigint() - t) / 1000;
      samples.push({ kind: q.kind, us });
      const problem = wrongAnswer(q, { id: hit?.person.id ?? null, via: hit?.via ?? null, companyId: hit?.person.companyId ?? null });
      if (problem !== undefined) wrong.push(problem);
    }
    expect(wrong.slice(0, 5)).toEqual([]);

    // ---- screen pop end to end ----
    const tickets = Array.from({ length: 2_000 }, (_, i) => ticket(String(50_000 + i), { companyId: String(i * 5), company: `Company ${i * 5}` }));
    const psa = new FakePsaAdapter({ tickets });
    const options: ScreenPopOptions = { index, psaKey: PSA, adapter: psa, defaultRegion: REGION, deadlineMs: 2_000 };
    for (const q of warmup.slice(0, 500)) await screenPop(q.caller, options);
    const popSamples: { kind: Kind; us: number }[] = [];
    const wrongPops: string[] = [];
    let timedOut = 0;
    let withTickets = 0;
    for (const q of pops) {
      const t = process.hrtime.bigint();
      const pop = await screenPop(q.caller, options);
      const us = Number(process.hrtime.bigint() - t) / 1000;
      popSamples.push({ kind: q.kind, us });
      if (pop.timedOut) timedOut += 1;
      if (pop.openTickets.length > 0) withTickets += 1;
      const via = pop.via === 'index' ? (pop.match ?? null) : null;
      const problem = wrongAnswer(q, { id: pop.person?.id ?? null, via, companyId: pop.company?.id ?? null });
      if (problem !== undefined) wrongPops.push(problem);
      if (pop.person !== null && pop.openTickets.some((t) => t.companyId !== pop.person?.companyId)) wrongPops.push(`${q.caller}: another company's ticket`);
    }
    expect(wrongPops.slice(0, 5)).toEqual([]);
    // Misses went to the live search (the fake knows nobody), hits only asked for tickets.
    expect(psa.callsTo('findCaller').length).toBe(pops.filter((q) => q.kind === 'miss').length + warmup.slice(0, 500).filter((q) => q.kind === 'miss').length);

    results.index = {
      contacts: CONTACTS,
      numbers: numberRows,
      companies: CONTACTS / CONTACTS_PER_COMPANY,
      pageSize: PAGE,
      buildMs: round(buildMs, 1),
      buildPerContactUs: round((buildMs * 1000) / CONTACTS),
      databaseMb: round(dbBytes / 1024 / 1024, 1),
    };
    results.lookup = {
      lookups: LOOKUPS,
      warmupLookups: WARMUP_LOOKUPS,
      mix: Object.fromEntries(MIX),
      microseconds: stats(samples.map((s) => s.us)),
      byKind: byKindStats(samples),
      wrongAnswers: wrong.length,
    };
    results.screenPop = {
      pops: POPS,
      deadlineMs: options.deadlineMs,
      microseconds: stats(popSamples.map((s) => s.us)),
      byKind: byKindStats(popSamples),
      withTickets,
      timedOut,
      wrongAnswers: wrongPops.length,
    };
  });
});

async function writeResults(): Promise<void> {
  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const doc = { stamp: new Date().toISOString(), machine: { node: process.version, platform: process.platform, arch: process.arch }, ...results };
  await writeFile(new URL('screen-pop-latency.json', dir), JSON.stringify(doc, null, 2) + '\n');
  await writeFile(new URL('screen-pop-latency.md', dir), toMarkdown(doc));
  console.log(toMarkdown(doc));
}

type Stats = ReturnType<typeof stats>;

function toMarkdown(doc: Record<string, unknown>): string {
  const lines = [`# Screen pop latency (${String(doc.stamp)})`, ''];
  const machine = doc.machine as { node: string; platform: string; arch: string };
  lines.push(
    `Node ${machine.node} on ${machine.platform}/${machine.arch}. Each call timed on its own with process.hrtime.bigint(); the figures include the timer's own overhead (well under a microsecond).`,
    '',
  );
  const ix = doc.index as
    { contacts: number; numbers: number; companies: number; pageSize: number; buildMs: number; buildPerContactUs: number; databaseMb: number } | undefined;
  if (ix) {
    lines.push(
      `Index: ${ix.contacts.toLocaleString('en-US')} contacts in ${ix.companies.toLocaleString('en-US')} companies, ${ix.numbers.toLocaleString('en-US')} stored numbers (free text: "(AAA) XXX-XXXX x12", "AAA.XXX.XXXX", "Mobile: …", "Main …" shared by a company, UK numbers written nationally, 7-digit local numbers). Built by the directory sync from a fake PSA answering pages of ${ix.pageSize.toLocaleString('en-US')} at once (written in transactions of 200 people, SQLite WAL, synchronous=FULL) in **${ix.buildMs} ms** (${ix.buildPerContactUs} µs per contact); database file ${ix.databaseMb} MB.`,
      '',
    );
  }
  const row = (name: string, s: Stats) => `| ${name} | ${s.n.toLocaleString('en-US')} | ${s.mean} | ${s.p50} | ${s.p90} | ${s.p99} | ${s.max} |`;
  const header = ['| calls | n | mean | p50 | p90 | p99 | max |', '|---|---|---|---|---|---|---|'];
  const lk = doc.lookup as { lookups: number; warmupLookups: number; microseconds: Stats; byKind: Record<string, Stats>; wrongAnswers: number } | undefined;
  if (lk) {
    lines.push(
      `## CallerIndex.lookup()`,
      '',
      `${lk.lookups.toLocaleString('en-US')} lookups after ${lk.warmupLookups.toLocaleString('en-US')} warm-up lookups, in µs: parsing the caller's number (libphonenumber), the indexed queries (exact key, last 7 digits), and number-index.ts choosing the match. Wrong answers: ${lk.wrongAnswers}.`,
      '',
      ...header,
      row('**all**', lk.microseconds),
    );
    for (const [kind, s] of Object.entries(lk.byKind)) lines.push(row(kind, s));
    lines.push('');
  }
  const sp = doc.screenPop as
    | { pops: number; deadlineMs: number; microseconds: Stats; byKind: Record<string, Stats>; withTickets: number; timedOut: number; wrongAnswers: number }
    | undefined;
  if (sp) {
    lines.push(
      `## screenPop() end to end`,
      '',
      `${sp.pops.toLocaleString('en-US')} screen pops against the same index, in µs, with a fake PSA answering openTicketsForCompany (index hits) and findCaller (misses: the live fallback) at once, so this is Focusline's own cost. Deadline ${sp.deadlineMs} ms; timed out: ${sp.timedOut}; pops with open tickets: ${sp.withTickets.toLocaleString('en-US')}; wrong answers: ${sp.wrongAnswers}.`,
      '',
      ...header,
      row('**all**', sp.microseconds),
    );
    for (const [kind, s] of Object.entries(sp.byKind)) lines.push(row(kind, s));
  }
  return lines.join('\n') + '\n';
}
