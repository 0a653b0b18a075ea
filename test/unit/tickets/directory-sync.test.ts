import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../src-main/storage/database.js';
import { CallerIndex } from '../../../src-main/tickets/caller-index.js';
import { DirectorySync, type SyncKind, type SyncProgress } from '../../../src-main/tickets/directory-sync.js';
import type { PsaPerson } from '../../../src-main/tickets/psa.js';
import { ManualClock } from '../focus/manual-clock.js';
import { FakePsaAdapter, person, psaError } from './fake-psa-adapter.js';

const PSA = 'rt:https://rt.example.test';
const T0 = '2025-03-04T09:00:00Z';
const T0_MS = new Date(T0).getTime();
const dirs: string[] = [];
const dbs: Db[] = [];
const syncs: DirectorySync[] = [];

afterEach(async () => {
  for (const sync of syncs.splice(0)) await sync.stop();
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Contacts 0..n-1 with the number (555) 010-01NN. */
function contacts(n: number, from = 0): PsaPerson[] {
  return Array.from({ length: n }, (_, i) => person(`c${from + i}`, [`(555) 010-${String(100 + from + i).padStart(4, '0')}`], { name: `Contact ${from + i}` }));
}

function numberOf(i: number): string {
  return `+1555010${String(100 + i).padStart(4, '0')}`;
}

const MEMBERS = [person('m1', ['2001', '+1 555 010 9001'], { kind: 'member', company: 'Our MSP', companyId: 'msp' })];

type SetupOptions = {
  contacts?: PsaPerson[];
  members?: PsaPerson[];
  pageSize?: number;
  dir?: string;
  clock?: ManualClock;
  maxPagesPerPass?: number;
  pageTimeoutMs?: number;
  writeChunk?: number;
  kinds?: SyncKind[];
};

function setup(options: SetupOptions = {}) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'fl-directory-sync-'));
  if (options.dir === undefined) dirs.push(dir);
  const db = openDatabase(dir);
  dbs.push(db);
  const clock = options.clock ?? new ManualClock(T0);
  const index = new CallerIndex(db, { defaultRegion: 'US' });
  const psa = new FakePsaAdapter({ contacts: options.contacts ?? contacts(5), members: options.members ?? MEMBERS, pageSize: options.pageSize ?? 2 });
  const sync = new DirectorySync({
    db,
    index,
    adapter: psa,
    psaKey: PSA,
    clock,
    intervalMinutes: 30,
    random: () => 0.5,
    maxPagesPerPass: options.maxPagesPerPass,
    pageTimeoutMs: options.pageTimeoutMs ?? 10_000,
    kinds: options.kinds,
    writeChunk: options.writeChunk,
  });
  syncs.push(sync);
  const events: SyncProgress[] = [];
  sync.onProgress((p) => events.push(p));
  const progress = (kind: SyncKind): SyncProgress | undefined => sync.progress().find((p) => p.kind === kind);
  return { dir, db, clock, index, psa, sync, events, progress };
}

async function advance(ctx: { clock: ManualClock; sync: DirectorySync }, ms: number): Promise<void> {
  ctx.clock.advance(ms);
  await ctx.sync.idle();
}

describe('directory sync: a full pass', () => {
  it('fills the index page by page and reports progress', async () => {
    const ctx = setup();
    ctx.sync.start();
    await ctx.sync.idle();
    expect(ctx.psa.pagesRequested('contacts')).toEqual([null, 'offset:2', 'offset:4']);
    expect(ctx.psa.pagesRequested('members')).toEqual([null]);
    expect(ctx.index.count(PSA, 'contact')).toBe(5);
    for (let i = 0; i < 5; i++) expect(ctx.index.lookup(PSA, numberOf(i))?.person.id).toBe(`c${i}`);
    expect(ctx.index.members(PSA).map((m) => m.id)).toEqual(['m1']);
    expect(ctx.progress('contacts')).toEqual({ kind: 'contacts', state: 'done', itemsDone: 5, total: 5, pagesDone: 3, finishedAt: T0_MS });
    const contactEvents = ctx.events.filter((e) => e.kind === 'contacts');
    expect(contactEvents.map((e) => `${e.state}:${e.itemsDone}`)).toEqual(['running:0', 'running:2', 'running:4', 'done:5']);
  });

  it('runs the next pass after the interval and sweeps people deleted in the PSA', async () => {
    const ctx = setup();
    ctx.sync.start();
    await ctx.sync.idle();
    ctx.psa.contacts = [...contacts(2), ...contacts(1, 3), ...contacts(1, 7)]; // c2 and c4 deleted, c7 added
    await advance(ctx, 29 * 60_000);
    expect(ctx.psa.pagesRequested('contacts')).toHaveLength(3);
    await advance(ctx, 60_000);
    expect(ctx.psa.pagesRequested('contacts')).toEqual([null, 'offset:2', 'offset:4', null, 'offset:2']);
    expect(ctx.index.lookup(PSA, numberOf(2))).toBeNull();
    expect(ctx.index.lookup(PSA, numberOf(4))).toBeNull();
    expect(ctx.index.lookup(PSA, numberOf(7))?.person.id).toBe('c7');
    expect(ctx.index.count(PSA, 'contact')).toBe(4);
    // Members were not deleted by the contacts sweep.
    expect(ctx.index.count(PSA, 'member')).toBe(1);
    expect(ctx.progress('contacts')).toMatchObject({ state: 'done', itemsDone: 4, finishedAt: T0_MS + 30 * 60_000 });
  });

  it('keeps the index when a pass sees nobody at all (a permission problem, not an empty PSA)', async () => {
    const ctx = setup({ kinds: ['contacts'] });
    ctx.sync.start();
    await ctx.sync.idle();
    ctx.psa.contacts = [];
    await advance(ctx, 30 * 60_000);
    expect(ctx.psa.pagesRequested('contacts')).toEqual([null, 'offset:2', 'offset:4', null]);
    expect(ctx.progress('contacts')).toMatchObject({ state: 'done', itemsDone: 0, finishedAt: T0_MS + 30 * 60_000 });
    expect(ctx.index.count(PSA, 'contact')).toBe(5);
  });

  it('writes a page bigger than the write chunk completely, counting it once', async () => {
    const ctx = setup({ contacts: contacts(11), pageSize: 5, writeChunk: 2, kinds: ['contacts'] });
    ctx.sync.start();
    await ctx.sync.idle();
    expect(ctx.psa.pagesRequested('contacts')).toEqual([null, 'offset:5', 'offset:10']);
    expect(ctx.index.count(PSA)).toBe(11);
    for (let i = 0; i < 11; i++) expect(ctx.index.lookup(PSA, numberOf(i))?.person.id).toBe(`c${i}`);
    expect(ctx.progress('contacts')).toMatchObject({ state: 'done', pagesDone: 3, itemsDone: 11 });
  });

  it('forces the kind of each person to the listing it came from', async () => {
    const ctx = setup({ contacts: [person('x', ['(555) 010-0300'], { kind: 'member' })], members: [] });
    ctx.sync.start();
    await ctx.sync.idle();
    expect(ctx.index.get(PSA, 'contact', 'x')).toBeDefined();
    expect(ctx.index.members(PSA)).toEqual([]);
  });
});

describe('directory sync: resuming', () => {
  it('continues from the saved cursor after a crash mid-pass, in a new instance on the same database', async () => {
    const people = contacts(10);
    const first = setup({ contacts: people });
    first.psa.hangWhen('listContacts', (cursor) => cursor === 'offset:6');
    first.sync.start();
    await first.psa.waitForCalls('listContacts', 4); // pages 0, 2, 4 stored; 6 in flight
    expect(first.progress('contacts')).toMatchObject({ state: 'running', pagesDone: 3, itemsDone: 6 });

    // "Restart": a new connection, index, adapter and sync on the same file; the first is never stopped.
    const second = setup({ contacts: people, dir: first.dir, clock: new ManualClock(new Date(T0_MS + 60_000)) });
    expect(second.progress('contacts')).toMatchObject({ state: 'idle', pagesDone: 3, itemsDone: 6 });
    second.sync.start();
    await second.sync.idle();
    expect(second.psa.pagesRequested('contacts')).toEqual(['offset:6', 'offset:8']);
    // Members had finished before the crash and are not due yet: not fetched again.
    expect(second.psa.pagesRequested('members')).toEqual([]);
    expect(second.index.count(PSA, 'contact')).toBe(10);
    for (let i = 0; i < 10; i++) expect(second.index.lookup(PSA, numberOf(i))?.person.id).toBe(`c${i}`);
    expect(second.progress('contacts')).toMatchObject({ state: 'done', pagesDone: 5, itemsDone: 10, finishedAt: T0_MS + 60_000 });

    // The crashed instance's page, aborted now, writes nothing over the finished pass.
    await first.sync.stop();
    expect(first.psa.callsTo('listContacts')[3]?.signal?.aborted).toBe(true);
    expect(second.progress('contacts')).toMatchObject({ state: 'done', pagesDone: 5, itemsDone: 10 });
    expect(second.index.count(PSA, 'contact')).toBe(10);
  });

  it('stop() aborts the page in flight; start() fetches that page again', async () => {
    const ctx = setup({ kinds: ['contacts'] });
    ctx.psa.hangNext('listContacts', 1);
    ctx.psa.hangWhen('listContacts', (cursor) => cursor === 'offset:2', 1);
    ctx.sync.start();
    await ctx.psa.waitForCalls('listContacts', 1);
    await ctx.sync.stop();
    expect(ctx.psa.callsTo('listContacts')[0]?.signal?.aborted).toBe(true);
    expect(ctx.progress('contacts')).toMatchObject({ state: 'idle', pagesDone: 0 });
    expect(ctx.progress('contacts')?.error).toBeUndefined();

    ctx.sync.start();
    await ctx.psa.waitForCalls('listContacts', 3);
    await ctx.sync.stop();
    ctx.sync.start();
    await ctx.sync.idle();
    expect(ctx.psa.pagesRequested('contacts')).toEqual([null, null, 'offset:2', 'offset:2', 'offset:4']);
    expect(ctx.index.count(PSA)).toBe(5);
  });

  it('starts a new pass at start() when the last one finished longer than the interval ago', async () => {
    const first = setup({ kinds: ['contacts'] });
    first.sync.start();
    await first.sync.idle();
    await first.sync.stop();
    const second = setup({ dir: first.dir, kinds: ['contacts'], clock: new ManualClock(new Date(T0_MS + 31 * 60_000)) });
    second.sync.start();
    await second.sync.idle();
    expect(second.psa.pagesRequested('contacts')).toEqual([null, 'offset:2', 'offset:4']);
  });
});

describe('directory sync: errors', () => {
  it("retries the same page after a retryable error, waiting the PSA's Retry-After", async () => {
    const ctx = setup({ kinds: ['contacts'] });
    ctx.psa.failWhen('listContacts', (cursor) => cursor === 'offset:2', psaError('rate-limited', { message: 'Too many requests.', retryAfterMs: 45_000 }), 1);
    ctx.sync.start();
    await ctx.sync.idle();
    expect(ctx.progress('contacts')).toMatchObject({ state: 'running', pagesDone: 1, retryAt: T0_MS + 45_000 });
    expect(ctx.progress('contacts')?.error).toContain('Too many requests.');
    await advance(ctx, 44_999);
    expect(ctx.psa.pagesRequested('contacts')).toEqual([null, 'offset:2']);
    await advance(ctx, 1);
    expect(ctx.psa.pagesRequested('contacts')).toEqual([null, 'offset:2', 'offset:2', 'offset:4']);
    expect(ctx.progress('contacts')).toMatchObject({ state: 'done', itemsDone: 5 });
    expect(ctx.progress('contacts')?.error).toBeUndefined();
  });

  it('backs off longer after each consecutive failure', async () => {
    const ctx = setup({ kinds: ['contacts'] });
    ctx.psa.failNext('listContacts', psaError('unavailable'), 2);
    ctx.sync.start();
    await ctx.sync.idle();
    // DEFAULT_BACKOFF with random 0.5: half of 2 s, then half of 4 s.
    expect(ctx.progress('contacts')?.retryAt).toBe(T0_MS + 1_000);
    await advance(ctx, 1_000);
    expect(ctx.progress('contacts')?.retryAt).toBe(T0_MS + 3_000);
    await advance(ctx, 2_000);
    expect(ctx.progress('contacts')).toMatchObject({ state: 'done', itemsDone: 5 });
    expect(ctx.psa.pagesRequested('contacts')).toEqual([null, null, null, 'offset:2', 'offset:4']);
  });

  it('aborts and retries a page that takes longer than the page timeout', async () => {
    const ctx = setup({ kinds: ['contacts'], pageTimeoutMs: 10_000 });
    ctx.psa.hangNext('listContacts');
    ctx.sync.start();
    await ctx.psa.waitForCalls('listContacts', 1);
    await advance(ctx, 10_000);
    expect(ctx.psa.callsTo('listContacts')[0]?.signal?.aborted).toBe(true);
    expect(ctx.progress('contacts')?.error).toContain('did not answer a page of contacts within 10 s');
    await advance(ctx, 1_000);
    expect(ctx.progress('contacts')).toMatchObject({ state: 'done', itemsDone: 5 });
  });

  it('stops on an error a human must fix, reports it, and resumes from the saved cursor on "Sync now"', async () => {
    const ctx = setup();
    const forbidden = psaError('forbidden', { message: 'The API user may not read contacts: give it the "Contacts: inquire" permission.' });
    ctx.psa.failWhen('listContacts', (cursor) => cursor === 'offset:2', forbidden);
    ctx.sync.start();
    await ctx.sync.idle();
    expect(ctx.progress('contacts')).toMatchObject({ state: 'error', pagesDone: 1, itemsDone: 2 });
    expect(ctx.progress('contacts')?.error).toContain('give it the "Contacts: inquire" permission');
    // The coworker directory is synced regardless.
    expect(ctx.progress('members')).toMatchObject({ state: 'done', itemsDone: 1 });
    await advance(ctx, 120 * 60_000);
    expect(ctx.psa.pagesRequested('contacts')).toEqual([null, 'offset:2']);

    ctx.psa.clearFailures();
    ctx.sync.syncNow('contacts');
    await ctx.sync.idle();
    expect(ctx.psa.pagesRequested('contacts')).toEqual([null, 'offset:2', 'offset:2', 'offset:4']);
    expect(ctx.progress('contacts')).toMatchObject({ state: 'done', itemsDone: 5 });
    expect(ctx.progress('contacts')?.error).toBeUndefined();
  });

  it('stops a pass that exceeds the page limit without sweeping, and starts over next time', async () => {
    const ctx = setup({ contacts: contacts(10), kinds: ['contacts'], maxPagesPerPass: 3 });
    ctx.index.upsertMany(PSA, [person('old', ['(555) 010-0999'])], { generation: 0 });
    ctx.sync.start();
    await ctx.sync.idle();
    expect(ctx.psa.pagesRequested('contacts')).toEqual([null, 'offset:2', 'offset:4']);
    expect(ctx.progress('contacts')).toMatchObject({ state: 'error', pagesDone: 3 });
    expect(ctx.progress('contacts')?.error).toContain('after 3 pages');
    expect(ctx.index.get(PSA, 'contact', 'old')).toBeDefined();
    ctx.sync.syncNow();
    await ctx.sync.idle();
    expect(ctx.psa.pagesRequested('contacts').slice(3)).toEqual([null, 'offset:2', 'offset:4']);
  });

  it('stops when the PSA hands back the cursor it was given', async () => {
    const ctx = setup({ kinds: ['contacts'] });
    ctx.psa.override('listContacts', async () => ({ items: contacts(1), next: 'stuck' }));
    ctx.sync.start();
    await ctx.sync.idle();
    expect(ctx.psa.pagesRequested('contacts')).toEqual([null, 'stuck']);
    expect(ctx.progress('contacts')).toMatchObject({ state: 'error', pagesDone: 1 });
    expect(ctx.progress('contacts')?.error).toContain('returned the same page twice');
  });
});
