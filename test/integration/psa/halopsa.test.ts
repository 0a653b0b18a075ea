// The HaloPSA adapter against the local Halo contract server
// (test/harness/psa-servers/halo-server.ts): every port operation, what it
// sent, what landed in the server's store, token handling, idempotency, and
// the standard fault table.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../src-main/storage/database.js';
import { CallerIndex } from '../../../src-main/tickets/caller-index.js';
import { screenPop } from '../../../src-main/tickets/screen-pop.js';
import { SCREEN_POP_DEADLINE_MS } from '../../../src-main/tickets/ticketing.js';
import { createHaloPsaAdapter, type HaloAdapterDeps } from '../../../src-main/tickets/halopsa/halopsa-adapter.js';
import type { HaloConfig } from '../../../src-main/tickets/psa-config.js';
import { PsaError, refMarker, type NewTicketRequest, type PsaAdapter } from '../../../src-main/tickets/psa.js';
import { HALO_CLIENT_ID, HALO_CLIENT_SECRET, startHaloServer, type HaloServer, type HaloServerOptions } from '../../harness/psa-servers/halo-server.js';
import { describeFaultBehaviour, STANDARD_FAULTS } from './fault-behaviour.js';

function configFor(server: HaloServer, overrides: Partial<HaloConfig> = {}): HaloConfig {
  return {
    kind: 'halopsa',
    url: server.url,
    clientId: HALO_CLIENT_ID,
    clientSecret: HALO_CLIENT_SECRET,
    tenant: '',
    workingStatuses: ['in progress'],
    queue: 'phone call',
    unknownCallerCompany: '99',
    stopwatchMinSeconds: 0,
    timeoutMs: 400,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<PsaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PsaError);
  return error as PsaError;
}

const newTicket = (ref: string, extra: Partial<NewTicketRequest> = {}): NewTicketRequest => ({
  ref,
  summary: 'Call from Alice Acme',
  description: 'Printer is on fire',
  contactId: '50',
  companyId: '10',
  callerNumber: '+15550101234',
  callerName: 'Alice Acme',
  occurredAt: '2025-03-04T10:11:12.000Z',
  ...extra,
});

describe('HaloPSA adapter against the contract server', () => {
  let server: HaloServer;
  let adapter: PsaAdapter;
  let logs: string[];

  async function start(options: HaloServerOptions = {}, overrides: Partial<HaloConfig> = {}, deps: HaloAdapterDeps = {}): Promise<void> {
    await server?.http.close();
    server = await startHaloServer(options);
    logs = [];
    adapter = createHaloPsaAdapter(configFor(server, overrides), { log: (m) => logs.push(m), ...deps });
  }

  beforeEach(async () => {
    await start();
  });

  afterEach(async () => {
    expect(server.http.violations).toEqual([]);
    await server.http.close();
  });

  const tokenRequests = () => server.http.requestsTo('POST', /^\/auth\/token$/);

  describe('signing in', () => {
    it('discovers the token endpoint, posts the client credentials as a form, and calls the API with the Bearer token', async () => {
      await adapter.myOpenTickets();
      const [info] = server.http.requestsTo('GET', /^\/api\/authinfo$/);
      expect(info?.headers['authorization']).toBeUndefined();
      const [token] = tokenRequests();
      expect(token?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
      expect(Object.fromEntries(new URLSearchParams(token?.rawBody))).toEqual({
        grant_type: 'client_credentials',
        client_id: HALO_CLIENT_ID,
        client_secret: HALO_CLIENT_SECRET,
        scope: 'all',
      });
      expect([...(token?.query.keys() ?? [])]).toEqual([]);
      for (const r of server.apiRequests()) expect(r.headers['authorization']).toBe('Bearer halo-token-1');
    });

    it('sends ?tenant= to a hosted tenant', async () => {
      await start({ tenant: 'acme' }, { tenant: 'acme' });
      await adapter.myOpenTickets();
      expect(tokenRequests()[0]?.query.get('tenant')).toBe('acme');
    });

    it('falls back to {url}/auth/token when /api/authinfo is 404', async () => {
      await start({ authInfo: false });
      const tickets = await adapter.myOpenTickets();
      expect(tickets.length).toBeGreaterThan(0);
      expect(server.http.requestsTo('GET', /^\/api\/authinfo$/)).toHaveLength(1);
      expect(tokenRequests()).toHaveLength(1);
    });

    it('reuses the token across calls, and asks for one token when calls start together', async () => {
      await Promise.all([adapter.myOpenTickets(), adapter.listContacts(null), adapter.listMembers(null)]);
      await adapter.getTicket('1001');
      expect(tokenRequests()).toHaveLength(1);
      expect(server.http.requestsTo('GET', /^\/api\/authinfo$/)).toHaveLength(1);
    });

    it('gets a new token shortly before the old one expires, without waiting for a 401', async () => {
      let clock = Date.now();
      await start({ tokenLifetimeSeconds: 3600 }, {}, { now: () => new Date(clock) });
      await adapter.myOpenTickets();
      clock += 3600_000 - 30_000; // inside the renewal margin
      await adapter.getTicket('1001');
      expect(tokenRequests()).toHaveLength(2);
      expect(server.http.requests.filter((r) => r.path.startsWith('/api/') && r.headers['authorization'] === 'Bearer halo-token-2')).not.toHaveLength(0);
      expect(server.http.requests.every((r) => r.path !== '/api/tickets/1001' || r.headers['authorization'] === 'Bearer halo-token-2')).toBe(true);
    });

    it('when Halo refuses a cached token (revoked or expired early), gets a new token once and retries once', async () => {
      await adapter.myOpenTickets();
      server.expireTokens();
      const ticket = await adapter.getTicket('1002');
      expect(ticket?.summary).toBe('Email down');
      expect(tokenRequests()).toHaveLength(2);
      const ticketCalls = server.http.requestsTo('GET', /^\/api\/tickets\/1002$/);
      expect(ticketCalls.map((r) => r.headers['authorization'])).toEqual(['Bearer halo-token-1', 'Bearer halo-token-2']);
    });

    it('a 401 that persists after the new token is a real auth error, and is retried only once', async () => {
      await adapter.myOpenTickets();
      server.http.inject({ kind: 'status', status: 401 }, { times: 5, match: (r) => r.path === '/api/tickets/1002' });
      const error = await failure(adapter.getTicket('1002'));
      expect(error.kind).toBe('auth');
      expect(error.message).toMatch(/HaloPSA refused the credentials \(401\)/);
      expect(server.http.requestsTo('GET', /^\/api\/tickets\/1002$/)).toHaveLength(2);
      expect(tokenRequests()).toHaveLength(2);
    });

    it('a wrong client secret reads "client id or secret is wrong"', async () => {
      await start({}, { clientSecret: 'nope' });
      const error = await failure(adapter.myOpenTickets());
      expect(error.kind).toBe('auth');
      expect(error.message).toMatch(/client id or secret is wrong/);
      expect(server.apiRequests()).toHaveLength(0);
    });

    it('a wrong tenant URL (no sign-in endpoint) says to check the URL', async () => {
      await start({ authInfo: false });
      server.http.inject({ kind: 'status', status: 404 }, { match: (r) => r.path === '/auth/token' });
      const error = await failure(adapter.myOpenTickets());
      expect(error.kind).toBe('not-found');
      expect(error.message).toMatch(/no sign-in endpoint .*Check the HaloPSA URL/);
    });
  });

  describe('reading tickets', () => {
    it('activeTicket: my ticket in a working status (names compared case-insensitively), with contact and company numbers', async () => {
      const ticket = await adapter.activeTicket();
      expect(ticket).toEqual({
        id: '1002',
        summary: 'Email down',
        status: 'In Progress',
        company: 'Acme Corp',
        companyId: '10',
        contactName: 'Alice Acme',
        contactId: '50',
        contactNumbers: ['(555) 010-1234 x12', '+1 555 010 9999'],
        companyNumbers: ['(555) 010-0000'],
        url: `${server.url}/ticket?id=1002`,
      });
      const [list] = server.http.requestsTo('GET', /^\/api\/tickets$/);
      expect(list?.query.get('agent_id')).toBe('7');
      expect(list?.query.get('status')).toBe('2');
      expect(list?.query.get('open_only')).toBe('true');
      expect(server.http.requestsTo('GET', /^\/api\/status$/)[0]?.query.get('type')).toBe('ticket');
      expect(server.http.requestsTo('GET', /^\/api\/users\/50$/)).toHaveLength(1);
      expect(server.http.requestsTo('GET', /^\/api\/site\/100$/)).toHaveLength(1);
    });

    it('activeTicket: null when none of my tickets is in a working status, and unknown status names are logged', async () => {
      await start({}, { workingStatuses: ['Waiting on Customer', 'Doing'] });
      expect(await adapter.activeTicket()).toBeNull();
      expect(server.http.requestsTo('GET', /^\/api\/tickets$/)[0]?.query.get('status')).toBe('3');
      expect(logs.join('\n')).toMatch(/no ticket status named "Doing"/);
    });

    it("activeTicket: another agent's ticket in progress doesn't count", async () => {
      server.store.tickets = server.store.tickets.filter((t) => t.id !== 1002);
      expect(await adapter.activeTicket()).toBeNull();
    });

    it('getTicket: the full ticket, null when Halo has no such ticket or the id is not a number', async () => {
      expect((await adapter.getTicket('1001'))?.contactNumbers).toEqual(['(555) 010-1234 x12', '+1 555 010 9999']);
      expect(await adapter.getTicket('4242')).toBeNull();
      expect(await adapter.getTicket('abc')).toBeNull();
      expect(server.http.requestsTo('GET', /^\/api\/tickets\/abc$/)).toHaveLength(0);
    });

    it('getTicket: a contact that was deleted leaves the numbers empty instead of failing', async () => {
      server.store.users = server.store.users.filter((u) => u.id !== 50);
      const ticket = await adapter.getTicket('1001');
      expect(ticket?.contactNumbers).toEqual([]);
      expect(ticket?.companyNumbers).toEqual(['(555) 010-0000']);
    });

    it("myOpenTickets: my open tickets, newest first, closed and other agents' left out", async () => {
      const tickets = await adapter.myOpenTickets();
      expect(tickets.map((t) => [t.id, t.status])).toEqual([
        ['1002', 'In Progress'],
        ['1001', 'New'],
      ]);
      const [list] = server.http.requestsTo('GET', /^\/api\/tickets$/);
      expect(Object.fromEntries(list?.query ?? [])).toEqual({
        agent_id: '7',
        open_only: 'true',
        order: 'id',
        orderdesc: 'true',
        pageinate: 'true',
        page_size: '100',
        page_no: '1',
      });
    });

    it('openTicketsForCompany: at most 10, newest first, with the exact Halo paging query', async () => {
      for (let i = 0; i < 12; i++) server.store.tickets.push({ id: 3000 + i, summary: `Extra ${i}`, details: '', status_id: 1, client_id: 10 });
      const tickets = await adapter.openTicketsForCompany('10');
      expect(tickets.map((t) => t.id)).toEqual(['3011', '3010', '3009', '3008', '3007', '3006', '3005', '3004', '3003', '3002']);
      const [list] = server.http.requestsTo('GET', /^\/api\/tickets$/);
      expect(Object.fromEntries(list?.query ?? [])).toEqual({
        client_id: '10',
        open_only: 'true',
        order: 'id',
        orderdesc: 'true',
        pageinate: 'true',
        page_size: '10',
        page_no: '1',
      });
    });
  });

  describe('findCaller', () => {
    it("finds the contact through Halo's phone search, verifies the number, and returns the company's open tickets", async () => {
      const match = await adapter.findCaller('15550101234');
      expect(match.person).toMatchObject({ id: '50', kind: 'contact', name: 'Alice Acme', company: 'Acme Corp', companyId: '10' });
      expect(match.company).toEqual({ id: '10', name: 'Acme Corp' });
      expect(match.openTickets.map((t) => t.id)).toEqual(['1004', '1002', '1001']);
      const searches = server.http.requestsTo('GET', /^\/api\/users$/);
      // Halo's search is a "like" over the number as stored, "(555) 010-1234 x12": found by "010-1234", not by the digits; the broad terms are asked together.
      expect(searches.map((r) => r.query.get('search')).sort()).toEqual(['5550101234', '010-1234', '010 1234', '010.1234'].sort());
      expect(searches.every((r) => r.query.get('search_phonenumbers') === 'true')).toBe(true);
    });

    it('rejects a search hit whose numbers do not match (Halo also searches names and emails)', async () => {
      server.store.users.push({
        id: 60,
        name: 'Fax Machine',
        client_id: 10,
        site_id: 100,
        emailaddress: '5557777777@fax.example',
        phonenumber: '555-123-0000',
      });
      const match = await adapter.findCaller('5557777777');
      expect(match).toEqual({ person: null, company: null, openTickets: [] });
      expect(
        server.http
          .requestsTo('GET', /^\/api\/users$/)
          .map((r) => r.query.get('search'))
          .sort(),
      ).toEqual(['5557777777', '777-7777', '777 7777', '777.7777'].sort());
    });

    it('an extension or nothing to search finds nobody without asking Halo', async () => {
      expect(await adapter.findCaller('2002')).toEqual({ person: null, company: null, openTickets: [] });
      expect(server.apiRequests()).toHaveLength(0);
    });
  });

  describe('writing', () => {
    it('createTicket posts a one-ticket array with client, contact, ticket type and time, and links the new ticket', async () => {
      const result = await adapter.createTicket(newTicket('call-1'));
      const [post] = server.http.requestsTo('POST', /^\/api\/tickets$/);
      expect(post?.body).toEqual([
        {
          summary: 'Call from Alice Acme',
          details: `Printer is on fire\n\n${refMarker('call-1')}`,
          client_id: 10,
          user_id: 50,
          tickettype_id: 4,
          dateoccurred: '2025-03-04T10:11:12.000Z',
        },
      ]);
      const stored = server.store.tickets.find((t) => String(t.id) === result.ticketId);
      expect(stored).toMatchObject({ client_id: 10, user_id: 50, tickettype_id: 4, site_id: 100 });
      expect(result.url).toBe(`${server.url}/ticket?id=${result.ticketId}`);
    });

    it('createTicket twice with the same ref makes one ticket', async () => {
      const before = server.store.tickets.length;
      const first = await adapter.createTicket(newTicket('call-dup'));
      const second = await adapter.createTicket(newTicket('call-dup'));
      expect(second.ticketId).toBe(first.ticketId);
      expect(server.store.tickets).toHaveLength(before + 1);
      expect(server.http.requestsTo('POST', /^\/api\/tickets$/)).toHaveLength(1);
      // The ref was looked up first both times; a ticket merely mentioning a similar ref doesn't count.
      expect(server.http.requestsTo('GET', /^\/api\/tickets$/).map((r) => r.query.get('search_details'))).toEqual(['call-dup', 'call-dup']);
    });

    it("on the outbox's first try, createTicket and addNote skip the search (nothing can exist yet)", async () => {
      const ticket = await adapter.createTicket({ ...newTicket('call-first'), firstTry: true });
      await adapter.addNote({ ref: 'note-first', firstTry: true, ticketId: ticket.ticketId, text: 'First try', internal: true });
      expect(server.http.requestsTo('GET', /^\/api\/tickets$/)).toHaveLength(0);
      expect(server.http.requestsTo('GET', /^\/api\/actions$/)).toHaveLength(0);
      expect(server.http.requestsTo('POST', /^\/api\/tickets$/)).toHaveLength(1);
      expect(server.http.requestsTo('POST', /^\/api\/actions$/)).toHaveLength(1);
    });

    it('createTicket ignores an earlier ticket whose ref merely contains this one', async () => {
      const first = await adapter.createTicket(newTicket('call-7'));
      // Halo's search for "call" finds the call-7 ticket; its marker is not this ref's, so a new ticket is made.
      const second = await adapter.createTicket(newTicket('call'));
      expect(second.ticketId).not.toBe(first.ticketId);
      expect(server.http.requestsTo('POST', /^\/api\/tickets$/)).toHaveLength(2);
      expect(server.http.requestsTo('GET', /^\/api\/tickets\/\d+$/).map((r) => r.path)).toEqual([`/api/tickets/${first.ticketId}`]);
    });

    it('an unknown caller goes to the catch-all client, without a contact', async () => {
      await adapter.createTicket(newTicket('call-unknown', { contactId: undefined, companyId: undefined }));
      const body = server.http.requestsTo('POST', /^\/api\/tickets$/)[0]?.body as Record<string, unknown>[];
      expect(body[0]?.['client_id']).toBe(99);
      expect(body[0]).not.toHaveProperty('user_id');
    });

    it('without a catch-all client, an unknown caller is refused with what to set, and nothing is sent', async () => {
      await start({}, { unknownCallerCompany: '' });
      const error = await failure(adapter.createTicket(newTicket('call-x', { contactId: undefined, companyId: undefined })));
      expect(error.kind).toBe('invalid-request');
      expect(error.message).toMatch(/catch-all client .* in policy/);
      expect(server.http.requests).toHaveLength(0);
    });

    it('a ticket type that does not exist is a config error naming the ones that do', async () => {
      await start({}, { queue: 'Phones' });
      const error = await failure(adapter.createTicket(newTicket('call-q')));
      expect(error.kind).toBe('config');
      expect(error.message).toMatch(/no ticket type "Phones".*Incident, Phone Call/);
      expect(server.http.requestsTo('POST', /^\/api\/tickets$/)).toHaveLength(0);
    });

    it('an empty queue leaves the ticket type to Halo', async () => {
      await start({}, { queue: '' });
      await adapter.createTicket(newTicket('call-noq'));
      const body = server.http.requestsTo('POST', /^\/api\/tickets$/)[0]?.body as Record<string, unknown>[];
      expect(body[0]).not.toHaveProperty('tickettype_id');
      expect(server.http.requestsTo('GET', /^\/api\/tickettype$/)).toHaveLength(0);
    });

    it('addNote adds one action per ref, hidden when internal, never emailing the client', async () => {
      const result = await adapter.addNote({ ref: 'note-1', ticketId: '1002', text: 'Spoke to Alice', internal: true });
      await adapter.addNote({ ref: 'note-1', ticketId: '1002', text: 'Spoke to Alice', internal: true });
      await adapter.addNote({ ref: 'note-2', ticketId: '1002', text: 'Told Alice the fix', internal: false });
      expect(result).toEqual({ ticketId: '1002', url: `${server.url}/ticket?id=1002` });
      expect(server.store.actions).toEqual([
        { id: 1, ticket_id: 1002, note: `Spoke to Alice\n\n${refMarker('note-1')}`, outcome: 'Note', hiddenfromuser: true, sendemail: false },
        { id: 2, ticket_id: 1002, note: `Told Alice the fix\n\n${refMarker('note-2')}`, outcome: 'Note', hiddenfromuser: false, sendemail: false },
      ]);
      expect(server.http.requestsTo('GET', /^\/api\/actions$/).every((r) => r.query.get('ticket_id') === '1002')).toBe(true);
    });

    it('logAttempt on a ticket adds one hidden "Phone Call" action per ref', async () => {
      const attempt = {
        ref: 'att-1',
        ticketId: '1001',
        callerNumber: '+15550101234',
        callerName: 'Alice Acme',
        occurredAt: '2025-03-04T10:11:12.000Z',
        outcome: 'Held by Focus: sent to voicemail',
        text: 'Tech was on ticket #1002',
      };
      await adapter.logAttempt(attempt);
      await adapter.logAttempt(attempt);
      expect(server.store.actions).toHaveLength(1);
      expect(server.store.actions[0]).toMatchObject({ ticket_id: 1001, outcome: 'Phone Call', hiddenfromuser: true, sendemail: false });
      expect(server.store.actions[0]?.note).toContain('Held by Focus: sent to voicemail: Alice Acme (+15550101234)');
      expect(server.store.actions[0]?.note.endsWith(refMarker('att-1'))).toBe(true);
    });

    it('logAttempt without a ticket, a client or a catch-all client writes nothing (Halo has no place for it) and says so in the log', async () => {
      // With a client (the caller's, or the catch-all), the attempt becomes a CRM note: escalation-attachments.test.ts.
      await start({}, { unknownCallerCompany: '' });
      const result = await adapter.logAttempt({
        ref: 'att-2',
        callerNumber: '+15550101234',
        callerName: '',
        occurredAt: '2025-03-04T10:11:12.000Z',
        outcome: 'Missed',
        text: '',
      });
      expect(result).toEqual({});
      expect(server.http.requests).toHaveLength(0);
      expect(logs.join('\n')).toMatch(/att-2 not logged: it has no ticket and no client/);
    });

    it("a note on a ticket Halo does not have is refused with Halo's reason", async () => {
      const error = await failure(adapter.addNote({ ref: 'n', ticketId: '4242', text: 'x', internal: true }));
      expect(error.kind).toBe('invalid-request');
      expect(error.message).toMatch(/ticket 4242 does not exist/);
    });
  });

  describe('listings for the caller index', () => {
    it('listContacts pages through every contact, 100 at a time, with their numbers', async () => {
      for (let i = 0; i < 228; i++)
        server.store.users.push({ id: 1000 + i, name: `Contact ${i}`, client_id: 10, site_id: 100, phonenumber: `555-200-${String(i).padStart(4, '0')}` });
      const seen: string[] = [];
      let cursor: string | null = null;
      const cursors: (string | null)[] = [];
      for (let pageCount = 0; pageCount < 10; pageCount++) {
        const result = await adapter.listContacts(cursor);
        expect(result.total).toBe(230);
        seen.push(...result.items.map((p) => p.id));
        cursor = result.next;
        cursors.push(cursor);
        if (cursor === null) break;
      }
      expect(cursors).toEqual(['2', '3', null]);
      expect(new Set(seen).size).toBe(230);
      const requests = server.http.requestsTo('GET', /^\/api\/users$/);
      expect(requests.map((r) => Object.fromEntries(r.query))).toEqual([1, 2, 3].map((n) => ({ pageinate: 'true', page_size: '100', page_no: String(n) })));
    });

    it("listContacts carries each contact's numbers and company", async () => {
      const { items } = await adapter.listContacts(null);
      expect(items.find((p) => p.id === '50')).toEqual({
        id: '50',
        kind: 'contact',
        name: 'Alice Acme',
        company: 'Acme Corp',
        companyId: '10',
        numbers: ['(555) 010-1234 x12', '+1 555 010 9999'],
        email: 'alice@acme.example',
      });
    });

    it('listMembers reads every agent in one request (Agent has no paging in the definition) and leaves out disabled ones', async () => {
      for (let i = 0; i < 148; i++) server.store.agents.push({ id: 100 + i, name: `Agent ${i}`, extensionnumber: `${3000 + i}`, isdisabled: i === 0 });
      const first = await adapter.listMembers(null);
      expect(first.next).toBeNull();
      expect(first.items.map((p) => p.id)).not.toContain('100');
      expect(first.items.find((p) => p.id === '7')).toEqual({
        id: '7',
        kind: 'member',
        name: 'Jane Tech',
        company: '',
        numbers: ['2007', '555-020-1007'],
        email: 'jane@msp.example',
      });
      expect(first.items).toHaveLength(149);
      expect(server.http.requestsTo('GET', /^\/api\/agent$/).map((r) => [...r.query.keys()])).toEqual([[]]);
      expect(server.http.violations).toEqual([]);
    });

    it('a cursor that is not a page number is refused without a request', async () => {
      const error = await failure(adapter.listContacts('abc'));
      expect(error.kind).toBe('invalid-request');
      expect(server.http.requests).toHaveLength(0);
    });
  });

  describe('testConnection', () => {
    it('passes every check and names the agent the application acts as', async () => {
      const report = await adapter.testConnection();
      expect(report.ok).toBe(true);
      expect(report.who).toBe('Jane Tech (jane@msp.example)');
      expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
        ['Reach HaloPSA', true],
        ['Credentials accepted', true],
        ['Who am I', true],
        ['Can read tickets', true],
        ['Can read contact phone numbers', true],
        ['Working statuses', true],
        ['Can create tickets', true],
      ]);
      expect(report.warnings).toEqual([]);
      expect(server.http.requestsTo('GET', /^\/api\/client\/99$/)).toHaveLength(1);
    });

    it('a wrong secret fails "Credentials accepted" saying the client id or secret is wrong', async () => {
      await start({}, { clientSecret: 'wrong' });
      const report = await adapter.testConnection();
      expect(report.ok).toBe(false);
      expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
        ['Reach HaloPSA', true],
        ['Credentials accepted', false],
      ]);
      expect(report.checks[1]?.detail).toMatch(/client id or secret is wrong/);
    });

    it('a URL where nothing listens fails "Reach HaloPSA" saying so', async () => {
      const url = server.url;
      await server.http.close();
      adapter = createHaloPsaAdapter({ ...configFor(server), url });
      const report = await adapter.testConnection();
      expect(report.ok).toBe(false);
      expect(report.checks).toHaveLength(1);
      expect(report.checks[0]).toMatchObject({ name: 'Reach HaloPSA', ok: false });
      expect(report.checks[0]?.detail).toMatch(/Can't reach HaloPSA at 127\.0\.0\.1:\d+: connection refused\. Check the URL/);
      server = await startHaloServer();
    });

    it('a URL that serves a web page instead of the API fails "Reach HaloPSA"', async () => {
      server.http.inject({ kind: 'html' }, { match: (r) => r.path === '/api/authinfo' });
      const report = await adapter.testConnection();
      expect(report.checks[0]).toMatchObject({ name: 'Reach HaloPSA', ok: false });
      expect(report.checks[0]?.detail).toMatch(/isn't JSON.*Is the URL pointing at the API\?/);
    });

    it('a missing permission fails only its own check and says what is missing', async () => {
      server.http.inject({ kind: 'status', status: 403, body: { message: 'No access to Tickets' } }, { match: (r) => r.path === '/api/tickets' });
      const report = await adapter.testConnection();
      expect(report.ok).toBe(false);
      const tickets = report.checks.find((c) => c.name === 'Can read tickets');
      expect(tickets?.ok).toBe(false);
      expect(tickets?.detail).toMatch(/lacks permission \(403\): No access to Tickets/);
      expect(report.checks.filter((c) => !c.ok)).toHaveLength(1);
    });

    it("a refusal while this computer's clock is far off says to fix the clock", async () => {
      await start({}, {}, { now: () => new Date(Date.now() + 20 * 60_000) });
      server.http.inject({ kind: 'status', status: 401, body: '' }, { match: (r) => r.path === '/auth/token' });
      const report = await adapter.testConnection();
      const credentials = report.checks.find((c) => c.name === 'Credentials accepted');
      expect(credentials?.ok).toBe(false);
      expect(credentials?.detail).toMatch(/clock is 20 minutes ahead of the server's/);
    });

    it('warns about hidden phone numbers and a missing catch-all client; fails on unknown working statuses', async () => {
      await start({}, { unknownCallerCompany: '', workingStatuses: ['Doing'] });
      server.store.users = [{ id: 50, name: 'Alice Acme', client_id: 10, site_id: 100 }];
      const report = await adapter.testConnection();
      expect(report.checks.find((c) => c.name === 'Working statuses')).toMatchObject({ ok: false });
      expect(report.checks.find((c) => c.name === 'Working statuses')?.detail).toMatch(/"Doing".*Fix the working statuses in policy/);
      expect(report.warnings.join('\n')).toMatch(/without phone numbers/);
      expect(report.warnings.join('\n')).toMatch(/No catch-all client/);
    });

    it('a catch-all client that does not exist fails "Can create tickets"', async () => {
      await start({}, { unknownCallerCompany: '555' });
      const report = await adapter.testConnection();
      expect(report.checks.find((c) => c.name === 'Can create tickets')).toMatchObject({ ok: false, detail: expect.stringMatching(/no client with id 555/) });
    });
  });

  it('cancelling through the signal gives a cancelled error', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await failure(adapter.myOpenTickets({ signal: controller.signal }));
    expect(error.kind).toBe('cancelled');
  });
});

describe("the screen pop against hosted Halo's latency (250 ms a request)", () => {
  const PSA_KEY = 'halopsa:test';
  let server: HaloServer;
  let adapter: PsaAdapter;
  let db: Db;
  let dir: string;

  beforeEach(async () => {
    server = await startHaloServer();
    // Stored as tenants type them: plain national digits, and the national form with punctuation.
    server.store.users.push(
      { id: 61, name: 'Paula Plain', client_id: 10, site_id: 100, phonenumber: '5550104321' },
      { id: 62, name: 'Pete Parens', client_id: 10, site_id: 100, phonenumber: '(555) 010-5678' },
    );
    adapter = createHaloPsaAdapter(configFor(server, { timeoutMs: 5_000 }));
    // Signed in and who-am-I known, as the active-ticket watcher leaves it long before a call.
    await adapter.myOpenTickets();
    server.latencyMs = 250;
    dir = mkdtempSync(join(tmpdir(), 'fl-halo-pop-'));
    db = openDatabase(dir);
  });

  afterEach(async () => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
    expect(server.http.violations).toEqual([]);
    await server.http.close();
  });

  /** The real path: the (empty) local caller index first, then Halo, within the real budget. */
  const pop = (number: string) =>
    screenPop(number, {
      index: new CallerIndex(db, { defaultRegion: 'US' }),
      psaKey: PSA_KEY,
      adapter,
      defaultRegion: 'US',
      deadlineMs: SCREEN_POP_DEADLINE_MS,
    });
  const searches = () => server.http.requestsTo('GET', /^\/api\/users$/).map((r) => r.query.get('search'));

  it.each([
    ['+15550104321', 'Paula Plain', '5550104321'],
    ['+15550105678', 'Pete Parens', '(555) 010-5678'],
  ])('finds %s stored as %s within the budget, with the company and its open tickets', async (number, name) => {
    const result = await pop(number);
    expect(result).toMatchObject({ via: 'live', timedOut: false, person: { name, companyId: '10' }, company: { id: '10', name: 'Acme Corp' } });
    expect(result.error).toBeUndefined();
    expect(result.openTickets.map((t) => t.id)).toEqual(['1004', '1002', '1001']);
    // One round of broad terms, asked together (so they may arrive in any order).
    expect(searches().sort()).toEqual(['5550104321', '010-4321', '010 4321', '010.4321'].map((t) => t.replace('4321', number.slice(-4))).sort());
  });

  it('someone Halo does not know: nobody, and a second call within the minute asks Halo nothing', async () => {
    const first = await pop('+15550107777');
    expect(first).toMatchObject({ via: 'none', timedOut: false, person: null });
    expect(first.error).toBeUndefined();
    expect(searches()).toHaveLength(4);
    expect(await pop('+15550107777')).toMatchObject({ via: 'none', person: null });
    expect(searches()).toHaveLength(4);
  });

  it('Halo limiting requests (429) leaves a plain line, not an error, and is not remembered as "nobody"', async () => {
    server.http.inject({ kind: 'rate-limit', retryAfterSeconds: 7 }, { match: (r) => r.path === '/api/users' });
    const limited = await pop('+15550104321');
    expect(limited).toMatchObject({ via: 'none', person: null, timedOut: false });
    expect(limited.error).toBe(`${adapter.label} asked Focusline to slow down, so +15550104321 wasn't looked up this time.`);
    expect((await pop('+15550104321')).person?.name).toBe('Paula Plain');
  });
});

describe('the Halo contract server catches wrong calls', () => {
  let server: HaloServer;
  let token: string;

  beforeAll(async () => {
    server = await startHaloServer();
    const answer = await fetch(`${server.url}/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: HALO_CLIENT_ID, client_secret: HALO_CLIENT_SECRET, scope: 'all' }),
    });
    token = ((await answer.json()) as { access_token: string }).access_token;
  });

  afterAll(async () => {
    await server.http.close();
  });

  const cases: [string, string, RequestInit, RegExp][] = [
    ['a JSON token request', '/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, /form post/],
    ['no Bearer header', '/api/tickets', {}, /Authorization: Bearer/],
    ['Basic instead of Bearer', '/api/tickets', { headers: { authorization: 'Basic abc' } }, /Authorization: Bearer/],
    ['an unknown query parameter', '/api/tickets?statusid=2', {}, /query parameter "statusid" is not defined for GET \/Tickets/],
    ['page_size without pageinate', '/api/users?page_size=10&page_no=1', {}, /only work with pageinate=true/],
    ['pageinate without page_no', '/api/users?pageinate=true&page_size=10', {}, /needs page_size and page_no/],
    ['a non-integer id filter', '/api/tickets?client_id=acme', {}, /client_id is an int in the definition, got "acme"/],
    ['statuses without type=ticket', '/api/status', {}, /type=ticket/],
    [
      'a ticket as an object, not an array',
      '/api/tickets',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ summary: 'x', details: '', client_id: 10 }) },
      /POST \/Tickets body must be array/,
    ],
    [
      'a ticket without summary',
      '/api/tickets',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ details: '', client_id: 10 }]) },
      /summary is required/,
    ],
    [
      'an action that would email the client',
      '/api/actions',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ ticket_id: 1001, note: 'x', outcome: 'Note', hiddenfromuser: true, sendemail: true }]),
      },
      /sendemail must be false/,
    ],
    ['actions without ticket_id', '/api/actions', {}, /needs ticket_id/],
    // Wrong calls only Halo's own API definition (the vendored extract) catches:
    [
      'paging on /api/agent, which has none in the definition',
      '/api/agent?pageinate=true&page_size=100&page_no=1',
      {},
      /"pageinate" is not defined for GET \/Agent/,
    ],
    [
      "a page of tickets over the definition's maximum",
      '/api/tickets?pageinate=true&page_size=200&page_no=1',
      {},
      /page_size=200 is over the definition's maximum of 100/,
    ],
    [
      'an action field the definition does not have',
      '/api/actions',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ ticket_id: 1001, note: 'x', outcome: 'Note', hiddenfromuser: true, sendemail: false, private: true }]),
      },
      /"private" is not a field of the schema/,
    ],
    ['an agent phone field that does not exist as a search', '/api/agent/me?phonenumber=1', {}, /"phonenumber" is not defined for GET \/Agent\/me/],
    ['a path the definition does not have', '/api/agents/me', {}, /no such path in Halo's API definition/],
    [
      'a method the definition does not have there',
      '/api/agent/me',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' },
      /not an operation of Halo's API definition \(extract\); on \/Agent\/me: GET/,
    ],
  ];

  for (const [name, path, init, reason] of cases) {
    it(`rejects ${name}`, async () => {
      const before = server.http.violations.length;
      const headers = new Headers(init.headers);
      if (path.startsWith('/api/') && !headers.has('authorization') && name !== 'no Bearer header') headers.set('authorization', `Bearer ${token}`);
      const answer = await fetch(`${server.url}${path}`, { ...init, headers });
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(server.http.violations.slice(before).join('\n')).toMatch(reason);
    });
  }

  it('answers an expired token with a plain 401, not a violation', async () => {
    server.expireTokens();
    const before = server.http.violations.length;
    const answer = await fetch(`${server.url}/api/tickets`, { headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(401);
    expect(server.http.violations.length).toBe(before);
  });
});

describe('HaloPSA fault table', () => {
  let server: HaloServer;
  let adapter: PsaAdapter;
  let refs = 0;
  const ref = () => `fault-${++refs}`;

  beforeAll(async () => {
    server = await startHaloServer();
    adapter = createHaloPsaAdapter(configFor(server, { timeoutMs: 400 }));
  });

  afterAll(async () => {
    await server.http.close();
  });

  describeFaultBehaviour('HaloPSA', {
    server: () => server.http,
    // Warms the token, who-am-I and status caches so the fault hits the operation's own request.
    prepare: async () => {
      await adapter.myOpenTickets();
    },
    // A single 401 is recovered on purpose (new token, one retry: see "signing in" above, which also
    // tests the persistent 401), so the standard one-shot 401 case doesn't apply to Halo.
    cases: STANDARD_FAULTS.filter((c) => c.fault.kind !== 'status' || c.fault.status !== 401),
    operations: {
      activeTicket: () => adapter.activeTicket(),
      myOpenTickets: () => adapter.myOpenTickets(),
      findCaller: () => adapter.findCaller('15550101234'),
      openTicketsForCompany: () => adapter.openTicketsForCompany('10'),
      createTicket: () => adapter.createTicket(newTicket(ref())),
      addNote: () => adapter.addNote({ ref: ref(), ticketId: '1002', text: 'x', internal: true }),
      logAttempt: () =>
        adapter.logAttempt({
          ref: ref(),
          ticketId: '1002',
          callerNumber: '1',
          callerName: '',
          occurredAt: '2025-01-01T00:00:00Z',
          outcome: 'Missed',
          text: '',
        }),
      listContacts: () => adapter.listContacts(null),
      listMembers: () => adapter.listMembers(null),
    },
  });
});
