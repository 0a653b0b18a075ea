import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../src-main/storage/database.js';
import { CallerIndex } from '../../../src-main/tickets/caller-index.js';
import type { PsaPerson } from '../../../src-main/tickets/psa.js';
import { screenPop, type ScreenPopOptions } from '../../../src-main/tickets/screen-pop.js';
import { ManualClock } from '../focus/manual-clock.js';
import { FakePsaAdapter, person, psaError, ticket } from './fake-psa-adapter.js';

const PSA = 'halopsa:https://acme.halopsa.example.test';
const dirs: string[] = [];
const dbs: Db[] = [];

afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const CAROL = person('c1', ['(555) 010-0101', 'mobile 555.0177'], { name: 'Carol Client', company: 'Acme', companyId: 'acme' });
const DAVE = person('c2', ['+1 555 010 0202'], { name: 'Dave Elsewhere', company: 'Globex', companyId: 'globex' });
const MARK = person('m1', ['2001', '(555) 010-0900'], { kind: 'member', name: 'Mark Coworker', company: 'Our MSP', companyId: 'msp' });
const TICKETS = [
  ticket('101', { companyId: 'acme', summary: 'Printer down' }),
  ticket('102', { companyId: 'acme', status: 'Closed' }),
  ticket('103', { companyId: 'globex' }),
  ticket('104', { companyId: 'acme', summary: 'VPN slow', status: 'In Progress' }),
  ticket('105', { companyId: 'msp' }),
];

function setup(indexed: PsaPerson[] = [CAROL, MARK], inPsa: PsaPerson[] = [CAROL, DAVE, MARK]) {
  const dir = mkdtempSync(join(tmpdir(), 'fl-screen-pop-'));
  dirs.push(dir);
  const db = openDatabase(dir);
  dbs.push(db);
  const index = new CallerIndex(db, { defaultRegion: 'US' });
  index.upsertMany(PSA, indexed);
  const psa = new FakePsaAdapter({
    contacts: inPsa.filter((p) => p.kind === 'contact'),
    members: inPsa.filter((p) => p.kind === 'member'),
    tickets: [...TICKETS],
  });
  const clock = new ManualClock('2025-03-04T09:00:00Z');
  const options: ScreenPopOptions = { index, psaKey: PSA, adapter: psa, defaultRegion: 'US', deadlineMs: 800, clock };
  return { index, psa, clock, options };
}

describe('screen pop from the local index', () => {
  it("names the caller from the index and shows their company's open tickets, newest first", async () => {
    const { psa, options } = setup();
    const pop = await screenPop('+15550100101', options);
    expect(pop).toMatchObject({
      via: 'index',
      match: 'exact',
      timedOut: false,
      person: { id: 'c1', name: 'Carol Client' },
      company: { id: 'acme', name: 'Acme' },
    });
    expect(pop.openTickets.map((t) => t.id)).toEqual(['104', '101']);
    expect(pop.error).toBeUndefined();
    expect(psa.callsTo('openTicketsForCompany').map((c) => c.args[0])).toEqual(['acme']);
    expect(psa.callsTo('findCaller')).toEqual([]);
  });

  it('matches a caller number written as free text', async () => {
    const { options } = setup();
    expect((await screenPop('+1 555-010-0101 x12', options)).person?.id).toBe('c1');
    expect((await screenPop('(555) 010-0101', options)).person?.id).toBe('c1');
    expect(await screenPop('+1 212 555 0177', options)).toMatchObject({ via: 'index', match: 'last-7-digits', person: { id: 'c1' } });
  });

  it("names a coworker without asking for the MSP's own tickets", async () => {
    const { psa, options } = setup();
    expect(await screenPop('2001', options)).toMatchObject({ via: 'index', person: { id: 'm1', kind: 'member' }, openTickets: [] });
    expect(psa.callsTo('openTicketsForCompany')).toEqual([]);
  });

  it('shows the caller without tickets when the tickets miss the deadline, and aborts that request', async () => {
    const { psa, clock, options } = setup();
    psa.hangNext('openTicketsForCompany');
    const popping = screenPop('+15550100101', options);
    await psa.waitForCalls('openTicketsForCompany');
    clock.advance(800);
    const pop = await popping;
    expect(pop).toMatchObject({ via: 'index', person: { id: 'c1' }, openTickets: [], timedOut: true });
    expect(psa.callsTo('openTicketsForCompany')[0]?.signal?.aborted).toBe(true);
  });

  it('keeps the caller and says what failed when the tickets cannot be loaded', async () => {
    const { psa, options } = setup();
    psa.failNext('openTicketsForCompany', psaError('forbidden', { message: 'The API agent may not read tickets.' }));
    const pop = await screenPop('+15550100101', options);
    expect(pop).toMatchObject({ via: 'index', person: { id: 'c1' }, openTickets: [], timedOut: false });
    expect(pop.error).toContain("Could not load Acme's open tickets from Fake PSA: The API agent may not read tickets.");
  });
});

describe('screen pop from the live search', () => {
  it('asks the PSA with the caller’s digits when the index has no match', async () => {
    const { psa, options } = setup();
    const pop = await screenPop('(555) 010-0202', options);
    expect(pop).toMatchObject({ via: 'live', timedOut: false, person: { id: 'c2' }, company: { id: 'globex', name: 'Globex' } });
    expect(pop.openTickets.map((t) => t.id)).toEqual(['103']);
    expect(psa.callsTo('findCaller').map((c) => c.args[0])).toEqual(['15550100202']);
  });

  it('says nobody when neither the index nor the PSA knows the number', async () => {
    const { options } = setup();
    const pop = await screenPop('+15550109999', options);
    expect(pop).toEqual({ person: null, company: null, openTickets: [], via: 'none', timedOut: false });
  });

  it('does not ask the PSA about an extension or a withheld number', async () => {
    const { psa, options } = setup();
    expect((await screenPop('2999', options)).via).toBe('none');
    expect((await screenPop('anonymous', options)).via).toBe('none');
    expect(psa.callsTo('findCaller')).toEqual([]);
  });

  it('gives up at the deadline on a hanging search, aborting it', async () => {
    const { psa, clock, options } = setup();
    psa.hangNext('findCaller');
    const popping = screenPop('+15550100202', options);
    await psa.waitForCalls('findCaller');
    clock.advance(800);
    const pop = await popping;
    expect(pop).toMatchObject({ person: null, company: null, openTickets: [], via: 'none', timedOut: true });
    expect(pop.error).toBeUndefined();
    expect(psa.callsTo('findCaller')[0]?.signal?.aborted).toBe(true);
  });

  it('resolves at a short real deadline even when the adapter ignores its signal', async () => {
    const { psa, options } = setup();
    psa.override('findCaller', () => new Promise(() => undefined));
    const pop = await screenPop('+15550100202', { ...options, clock: undefined, deadlineMs: 30 });
    expect(pop).toMatchObject({ via: 'none', timedOut: true, person: null });
  });

  it('never throws: a PSA error is an empty pop with a message for the technician', async () => {
    const { psa, options } = setup();
    psa.failNext('findCaller', psaError('auth', { message: 'HaloPSA rejected the client secret: check it in Settings.' }));
    const pop = await screenPop('+15550100202', options);
    expect(pop).toMatchObject({ person: null, company: null, openTickets: [], via: 'none', timedOut: false });
    expect(pop.error).toContain('HaloPSA rejected the client secret: check it in Settings.');
    expect(pop.error).toContain('+15550100202');
  });

  it("a 429 is not an error to alarm anyone with: the pop says the PSA asked to slow down and the caller wasn't looked up", async () => {
    const { psa, options } = setup();
    psa.failNext(
      'findCaller',
      psaError('rate-limited', { message: 'HaloPSA is limiting requests (429). Focusline will try again in 7 s.', retryAfterMs: 7_000 }),
    );
    const pop = await screenPop('+15550100202', options);
    expect(pop).toMatchObject({ person: null, company: null, openTickets: [], via: 'none', timedOut: false });
    expect(pop.error).toBe("Fake PSA asked Focusline to slow down, so +15550100202 wasn't looked up this time.");
    psa.failNext('openTicketsForCompany', psaError('rate-limited', { retryAfterMs: 7_000 }));
    const fromIndex = await screenPop('+15550100101', options);
    expect(fromIndex).toMatchObject({ via: 'index', person: { id: 'c1' }, openTickets: [] });
    expect(fromIndex.error).toBe("Fake PSA asked Focusline to slow down, so Acme's open tickets aren't shown this time.");
  });

  it('stops waiting when the call ends', async () => {
    const { psa, options } = setup();
    psa.hangNext('findCaller');
    const ended = new AbortController();
    const popping = screenPop('+15550100202', { ...options, signal: ended.signal });
    await psa.waitForCalls('findCaller');
    ended.abort();
    const pop = await popping;
    expect(pop).toMatchObject({ via: 'none', timedOut: false, person: null });
    expect(pop.error).toContain('the call ended');
    expect(psa.callsTo('findCaller')[0]?.signal?.aborted).toBe(true);
  });

  it('falls back to the PSA when the index cannot be read, and says so', async () => {
    const { psa, options } = setup();
    const broken = {
      lookup(): never {
        throw new Error('database disk image is malformed');
      },
    };
    const pop = await screenPop('+15550100101', { ...options, index: broken });
    expect(pop).toMatchObject({ via: 'live', person: { id: 'c1' } });
    expect(pop.error).toContain('database disk image is malformed');
    expect(psa.callsTo('findCaller')).toHaveLength(1);
  });
});
