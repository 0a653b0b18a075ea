// The Autotask adapter against the Autotask contract server
// (test/harness/psa-servers/autotask-server.ts), which validates every body
// against Autotask's swagger and enforces the headers, zone, query syntax,
// paging and required fields. Each test asserts what the server received and
// stored, and that no contract violation was recorded.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAutotaskAdapter } from '../../../src-main/tickets/autotask/autotask-adapter.js';
import type { AutotaskConfig, PsaAdapterDeps } from '../../../src-main/tickets/psa-config.js';
import { PsaError, refMarker, type PsaAdapter, type PsaPerson } from '../../../src-main/tickets/psa.js';
import { startContractServer, type RecordedRequest } from '../../harness/psa-contract-server.js';
import { AUTOTASK_ERRORS, DEFAULT_CREDENTIALS, startAutotaskServer, type AutotaskServer } from '../../harness/psa-servers/autotask-server.js';
import { describeFaultBehaviour, STANDARD_FAULTS } from './fault-behaviour.js';

const API_USER = 29682885;
const TECH = 29682886;
const COWORKER = 29682887;
const ACME = 100;
const GLOBEX = 101;
const CATCH_ALL = 174;
const T0 = '2025-03-04T09:00:00Z';

let at: AutotaskServer;

function seedTenant(server: AutotaskServer): void {
  server.seed('Resources', {
    id: API_USER,
    userName: DEFAULT_CREDENTIALS.userName,
    firstName: 'Focusline',
    lastName: 'API',
    email: 'focusline-api@msp.example',
    isActive: true,
    licenseType: 7,
  });
  server.seed('Resources', {
    id: TECH,
    userName: 'jtech',
    firstName: 'Jane',
    lastName: 'Tech',
    email: 'jane@msp.example',
    officePhone: '+1 555 010 2000',
    mobilePhone: '(555) 010-2001',
    homePhone: '555 999 9999',
    isActive: true,
  });
  server.seed('Resources', { id: COWORKER, userName: 'bhelper', firstName: 'Bob', lastName: 'Helper', officePhone: '555-010-2002', isActive: true });
  server.seed('Resources', { id: 29682888, userName: 'gone', firstName: 'Old', lastName: 'Timer', isActive: false });

  server.seed('Companies', { id: ACME, companyName: 'Acme Dental', phone: '(555) 555-0100', isActive: true });
  server.seed('Companies', { id: GLOBEX, companyName: 'Globex', phone: '+1 555 555 0200', alternatePhone1: null, isActive: true });
  server.seed('Companies', { id: CATCH_ALL, companyName: 'Unknown callers', isActive: true });

  server.seed('Contacts', {
    id: 500,
    firstName: 'Dana',
    lastName: 'Dentist',
    companyID: ACME,
    phone: '(555) 555-0101',
    emailAddress: 'dana@acme.example',
    isActive: 1,
  });
  server.seed('Contacts', { id: 501, firstName: 'Omar', lastName: 'Office', companyID: ACME, mobilePhone: '555.555.0102', isActive: 1 });
  server.seed('Contacts', { id: 502, firstName: 'Gina', lastName: 'Globex', companyID: GLOBEX, alternatePhone: '+1-555-555-0201', isActive: 1 });
  server.seed('Contacts', { id: 503, firstName: 'Ivan', lastName: 'Inactive', companyID: GLOBEX, phone: '555 555 0177', isActive: 0 });

  const ticket = (id: number, fields: Record<string, unknown>) =>
    server.seed('Tickets', {
      id,
      ticketNumber: `T20250304.${String(id).padStart(4, '0')}`,
      priority: 2,
      queueID: 29683481,
      createDate: '2025-03-01T10:00:00Z',
      ...fields,
    });
  ticket(1000, { title: 'Printer jam', companyID: ACME, contactID: 500, assignedResourceID: TECH, status: 8, lastActivityDate: '2025-03-04T08:00:00Z' });
  ticket(1001, { title: 'Email down', companyID: ACME, contactID: 501, assignedResourceID: TECH, status: 8, lastActivityDate: '2025-03-04T09:30:00Z' });
  ticket(1002, { title: 'New laptop', companyID: GLOBEX, contactID: null, assignedResourceID: TECH, status: 1, lastActivityDate: '2025-03-03T09:30:00Z' });
  ticket(1003, { title: 'Old issue', companyID: ACME, contactID: 500, assignedResourceID: TECH, status: 5, lastActivityDate: '2025-03-04T10:30:00Z' });
  ticket(1004, { title: "Bob's ticket", companyID: ACME, assignedResourceID: COWORKER, status: 8, lastActivityDate: '2025-03-04T11:30:00Z' });
}

function config(overrides: Partial<AutotaskConfig> = {}): AutotaskConfig {
  return {
    kind: 'autotask',
    url: at.discoveryUrl,
    username: DEFAULT_CREDENTIALS.userName,
    secret: DEFAULT_CREDENTIALS.secret,
    integrationCode: DEFAULT_CREDENTIALS.integrationCode,
    impersonationResourceId: String(TECH),
    workingStatuses: ['in progress'],
    queue: 'Level I Support',
    unknownCallerCompany: String(CATCH_ALL),
    stopwatchMinSeconds: 0,
    timeoutMs: 5_000,
    ...overrides,
  };
}

function adapter(overrides: Partial<AutotaskConfig> = {}, deps: PsaAdapterDeps = {}, pageSize?: number): PsaAdapter {
  return createAutotaskAdapter(config(overrides), deps, pageSize === undefined ? {} : { pageSize });
}

function queries(entity: string): RecordedRequest[] {
  return at.server.requestsTo('POST', new RegExp(`/V1\\.0/${entity}/query$`));
}

function filterOf(request: RecordedRequest | undefined): unknown {
  return (request?.body as { filter?: unknown } | undefined)?.filter;
}

async function failure(run: Promise<unknown>): Promise<PsaError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PsaError);
  return error as PsaError;
}

async function drain(list: (cursor: string | null) => Promise<{ items: PsaPerson[]; next: string | null }>): Promise<{ items: PsaPerson[]; pages: number }> {
  const items: PsaPerson[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await list(cursor);
    items.push(...page.items);
    cursor = page.next;
    pages += 1;
  } while (cursor !== null && pages < 20);
  return { items, pages };
}

beforeEach(async () => {
  at = await startAutotaskServer();
  seedTenant(at);
});

afterEach(async () => {
  const violations = [...at.server.violations];
  await at.server.close();
  expect(violations).toEqual([]);
});

describe('Autotask: zone and headers', () => {
  it('discovers the zone once, then calls only the zone, with the three auth headers on every call', async () => {
    const a = adapter();
    await a.getTicket('1000');
    await a.myOpenTickets();
    const zoneCalls = at.server.requests.filter((r) => /ZoneInformation$/i.test(r.path));
    expect(zoneCalls).toHaveLength(1);
    expect(zoneCalls[0]?.path).toBe('/atservicesrest/V1.0/ZoneInformation');
    expect(zoneCalls[0]?.query.get('user')).toBe(DEFAULT_CREDENTIALS.userName);
    const rest = at.server.requests.filter((r) => r !== zoneCalls[0]);
    expect(rest.length).toBeGreaterThan(2);
    for (const r of rest) {
      expect(r.path.startsWith('/zone5/atservicesrest/V1.0/')).toBe(true);
      expect(r.headers['apiintegrationcode']).toBe(DEFAULT_CREDENTIALS.integrationCode);
      expect(r.headers['username']).toBe(DEFAULT_CREDENTIALS.userName);
      expect(r.headers['secret']).toBe(DEFAULT_CREDENTIALS.secret);
      // Reads never impersonate.
      expect(r.headers['impersonationresourceid']).toBeUndefined();
    }
  });

  it('reads the ticket picklists once and caches them', async () => {
    const a = adapter();
    await a.activeTicket();
    await a.activeTicket();
    await a.myOpenTickets();
    expect(at.server.requestsTo('GET', /\/Tickets\/entityInformation\/fields$/)).toHaveLength(1);
  });
});

describe('Autotask: testConnection', () => {
  it('passes every check and names the API user', async () => {
    const report = await adapter().testConnection();
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.who).toBe(`${DEFAULT_CREDENTIALS.userName} (Focusline API)`);
    expect(report.checks.map((c) => c.name)).toEqual([
      'Reach Autotask (zone discovery)',
      'Credentials accepted',
      'Who am I',
      'Technician resource',
      'Can read tickets',
      'Can read contact phone numbers',
      'Can create tickets',
    ]);
    expect(report.checks.find((c) => c.name === 'Technician resource')?.detail).toContain('Jane Tech');
    expect(report.warnings).toEqual([]);
    expect(at.server.requestsTo('GET', new RegExp(`/Resources/${TECH}$`))).toHaveLength(1);
    expect(filterOf(queries('Resources')[0])).toEqual([{ op: 'eq', field: 'userName', value: DEFAULT_CREDENTIALS.userName }]);
  });

  it("warns that the active ticket can't be detected without the tech's resource id", async () => {
    const a = adapter({ impersonationResourceId: '' });
    const report = await a.testConnection();
    expect(report.ok).toBe(true);
    expect(report.warnings.join(' ')).toMatch(/can't tell which ticket you are working on/);
    const before = queries('Tickets').length;
    expect(await a.activeTicket()).toBeNull();
    expect(await a.myOpenTickets()).toEqual([]);
    expect(queries('Tickets').length).toBe(before);
  });

  it('a wrong secret fails "Credentials accepted" and says to check the secret', async () => {
    const report = await adapter({ secret: 'wrong' }).testConnection();
    expect(report.ok).toBe(false);
    const check = report.checks.find((c) => c.name === 'Credentials accepted');
    expect(check?.ok).toBe(false);
    expect(check?.detail).toMatch(/refused the API user's secret \(401\).*Check the API user name and secret/);
    expect(report.checks.at(-1)?.name).toBe('Credentials accepted');
  });

  it("a wrong integration code (Autotask's 500) reads as an integration-code problem", async () => {
    const report = await adapter({ integrationCode: 'WRONG' }).testConnection();
    const check = report.checks.find((c) => c.name === 'Credentials accepted');
    expect(check?.ok).toBe(false);
    expect(check?.detail).toMatch(/rejected the integration code \(IntegrationCode is invalid\.\).*Settings → PSA/);
  });

  it('an unknown API user fails zone discovery and says so', async () => {
    const report = await adapter({ username: 'nobody@msp.example' }).testConnection();
    expect(report.ok).toBe(false);
    expect(report.checks).toHaveLength(1);
    expect(report.checks[0]?.detail).toMatch(/doesn't know the API user "nobody@msp\.example".*Check the API user name/);
  });

  it('a wrong URL (nothing listening) fails the reach check with the host', async () => {
    const dead = await startContractServer('nothing', () => ({ status: 200 }));
    const url = dead.url;
    await dead.close();
    const report = await adapter({ url: `${url}/atservicesrest` }).testConnection();
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ name: 'Reach Autotask (zone discovery)', ok: false });
    expect(report.checks[0]?.detail).toMatch(/Can't reach Autotask at 127\.0\.0\.1:\d+: connection refused/);
  });

  it("a 401 while this computer's clock is an hour off reads as clock skew", async () => {
    const report = await adapter({ secret: 'wrong' }, { now: () => new Date(Date.now() + 3_600_000) }).testConnection();
    const check = report.checks.find((c) => c.name === 'Credentials accepted');
    expect(check?.detail).toMatch(/clock is 60 minutes ahead of the server's/);
  });

  it('missing permission to read contacts fails that check only', async () => {
    at.server.inject(
      { kind: 'status', status: 403, body: { errors: ['User does not have permission to query Contacts.'] } },
      { match: (r) => /\/Contacts\/query$/.test(r.path) },
    );
    const report = await adapter().testConnection();
    expect(report.ok).toBe(false);
    expect(report.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['Can read contact phone numbers']);
    expect(report.checks.find((c) => !c.ok)?.detail).toMatch(/lacks permission \(403\): User does not have permission to query Contacts\./);
  });

  it('a queue the tenant lacks and unknown working statuses are named', async () => {
    const report = await adapter({ queue: 'Nope Queue', workingStatuses: ['Working', 'In Progress'], unknownCallerCompany: '' }).testConnection();
    expect(report.checks.find((c) => c.name === 'Can create tickets')?.detail).toMatch(/the queue "Nope Queue" does not exist/);
    expect(report.warnings.join('\n')).toMatch(/no ticket status named "Working"/);
    expect(report.warnings.join('\n')).toMatch(/No catch-all company/);
  });
});

describe('Autotask: reading tickets', () => {
  it('activeTicket: the most recently active ticket assigned to the tech in a working status', async () => {
    const ticket = await adapter().activeTicket();
    expect(ticket).toEqual({
      id: '1001',
      summary: 'T20250304.1001 Email down',
      status: 'In Progress',
      company: 'Acme Dental',
      companyId: String(ACME),
      contactName: 'Omar Office',
      contactId: '501',
      contactNumbers: ['555.555.0102'],
      companyNumbers: ['(555) 555-0100'],
      url: `${at.webUrl}Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenTicketDetail&TicketID=1001`,
    });
    expect(filterOf(queries('Tickets')[0])).toEqual([
      { op: 'eq', field: 'assignedResourceID', value: TECH },
      { op: 'in', field: 'status', value: [8] },
    ]);
  });

  it('activeTicket: null when no working status matches a ticket', async () => {
    expect(await adapter({ workingStatuses: ['Waiting Vendor'] }).activeTicket()).toBeNull();
  });

  it('getTicket: a ticket with no contact; null for a missing or non-numeric id', async () => {
    const a = adapter();
    expect(await a.getTicket('1002')).toMatchObject({
      id: '1002',
      status: 'New',
      company: 'Globex',
      contactName: '',
      contactNumbers: [],
      companyNumbers: ['+1 555 555 0200'],
    });
    expect(await a.getTicket('999999')).toBeNull();
    expect(await a.getTicket('T20250304.0001')).toBeNull();
  });

  it("myOpenTickets: the tech's tickets that aren't Complete, most recently active first", async () => {
    const tickets = await adapter().myOpenTickets();
    expect(tickets.map((t) => t.id)).toEqual(['1001', '1000', '1002']);
    expect(filterOf(queries('Tickets')[0])).toEqual([
      { op: 'eq', field: 'assignedResourceID', value: TECH },
      { op: 'noteq', field: 'status', value: 5 },
    ]);
  });

  it('openTicketsForCompany: open tickets of the company, newest first', async () => {
    const tickets = await adapter().openTicketsForCompany(String(ACME));
    expect(tickets.map((t) => t.id)).toEqual(['1004', '1001', '1000']);
  });
});

describe('Autotask: findCaller', () => {
  it("finds the contact by a differently formatted number, with the company's open tickets", async () => {
    const match = await adapter().findCaller('15555550101');
    expect(match.person).toMatchObject({
      id: '500',
      kind: 'contact',
      name: 'Dana Dentist',
      company: 'Acme Dental',
      companyId: String(ACME),
      numbers: ['(555) 555-0101'],
    });
    expect(match.company).toEqual({ id: String(ACME), name: 'Acme Dental' });
    expect(match.openTickets.map((t) => t.id)).toEqual(['1004', '1001', '1000']);
    const [first] = filterOf(queries('Contacts')[0]) as unknown[];
    expect(first).toEqual({ op: 'eq', field: 'isActive', value: 1 });
  });

  it('matches alternatePhone', async () => {
    const match = await adapter().findCaller('5555550201');
    expect(match.person?.name).toBe('Gina Globex');
    expect(match.company?.name).toBe('Globex');
  });

  it('ignores inactive contacts', async () => {
    const match = await adapter().findCaller('15555550177');
    expect(match.person).toBeNull();
    expect(at.rows('Contacts').find((c) => c['id'] === 503)?.['phone']).toBe('555 555 0177');
  });

  it('falls back to the company main number when no contact has it', async () => {
    const match = await adapter().findCaller('+15555550200');
    expect(match.person).toBeNull();
    expect(match.company).toEqual({ id: String(GLOBEX), name: 'Globex' });
    expect(match.openTickets.map((t) => t.id)).toEqual(['1002']);
  });

  it('an unknown number matches nothing', async () => {
    expect(await adapter().findCaller('+14155550123')).toEqual({ person: null, company: null, openTickets: [] });
  });
});

describe('Autotask: createTicket', () => {
  const request = {
    ref: 'ref-0001-aaaa',
    summary: 'Call from Dana Dentist',
    description: 'Printer on fire.',
    contactId: '500',
    companyId: String(ACME),
    callerNumber: '+15555550101',
    callerName: 'Dana Dentist',
    occurredAt: T0,
  };

  it('creates the ticket with the resolved picklist values, as the tech', async () => {
    const result = await adapter().createTicket(request);
    const created = at.rows('Tickets').find((t) => String(t['id']) === result.ticketId);
    expect(created).toMatchObject({
      companyID: ACME,
      contactID: 500,
      title: 'Call from Dana Dentist',
      description: `Printer on fire.\n\n${refMarker('ref-0001-aaaa')}`,
      status: 1,
      priority: 2,
      source: 2,
      queueID: 29683481,
      externalID: 'ref-0001-aaaa',
      creatorResourceID: TECH,
    });
    expect(result.url).toBe(`${at.webUrl}Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenTicketDetail&TicketID=${result.ticketId}`);
    const post = at.server.requestsTo('POST', /\/V1\.0\/Tickets$/);
    expect(post).toHaveLength(1);
    expect(post[0]?.headers['impersonationresourceid']).toBe(String(TECH));
  });

  it('the same ref twice makes one ticket', async () => {
    const a = adapter();
    const first = await a.createTicket(request);
    const second = await adapter().createTicket(request);
    expect(second.ticketId).toBe(first.ticketId);
    expect(at.rows('Tickets').filter((t) => t['externalID'] === request.ref)).toHaveLength(1);
    expect(at.server.requestsTo('POST', /\/V1\.0\/Tickets$/)).toHaveLength(1);
  });

  it("on the outbox's first try, the ticket and its note skip the ExternalID / ref search (nothing can exist yet)", async () => {
    const ticket = await adapter().createTicket({ ...request, firstTry: true });
    await adapter().addNote({ ref: 'note-first', firstTry: true, ticketId: ticket.ticketId, text: 'First try', internal: true });
    expect(queries('Tickets')).toHaveLength(0);
    expect(queries('TicketNotes')).toHaveLength(0);
    expect(at.server.requestsTo('POST', /\/V1\.0\/Tickets$/)).toHaveLength(1);
    expect(at.server.requestsTo('POST', /\/V1\.0\/Tickets\/\d+\/Notes$/)).toHaveLength(1);
  });

  it('an unknown caller goes to the catch-all company', async () => {
    const { contactId: _c, companyId: _co, ...unknown } = request;
    const result = await adapter().createTicket({ ...unknown, ref: 'ref-unknown' });
    const created = at.rows('Tickets').find((t) => String(t['id']) === result.ticketId);
    expect(created?.['companyID']).toBe(CATCH_ALL);
    expect(created?.['contactID']).toBeUndefined();
  });

  it('an unknown caller without a catch-all company is refused, telling the manager what to set', async () => {
    const { contactId: _c, companyId: _co, ...unknown } = request;
    const error = await failure(adapter({ unknownCallerCompany: '' }).createTicket({ ...unknown, ref: 'ref-unknown' }));
    expect(error.kind).toBe('invalid-request');
    expect(error.message).toMatch(/catch-all company for unknown callers in policy/);
    expect(at.server.requestsTo('POST', /\/V1\.0\/Tickets$/)).toHaveLength(0);
  });

  it('impersonation refused by Autotask reads as a permission problem', async () => {
    at.impersonationAllowed = false;
    const error = await failure(adapter().createTicket(request));
    expect(error.kind).toBe('forbidden');
    expect(error.message).toMatch(/won't let the API user act as resource 29682886.*allow impersonation/);
  });
});

describe('Autotask: notes and call logs', () => {
  it('addNote: an internal ticket note with the ref marker, once per ref', async () => {
    const a = adapter();
    const first = await a.addNote({ ref: 'note-1', ticketId: '1000', text: 'Called back, fixed.\nDetails follow.', internal: true });
    await a.addNote({ ref: 'note-1', ticketId: '1000', text: 'Called back, fixed.\nDetails follow.', internal: true });
    expect(first.ticketId).toBe('1000');
    const notes = at.rows('TicketNotes');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      ticketID: 1000,
      title: 'Called back, fixed.',
      description: `Called back, fixed.\nDetails follow.\n\n${refMarker('note-1')}`,
      noteType: 3,
      publish: 1,
      creatorResourceID: TECH,
    });
    expect(filterOf(queries('TicketNotes')[0])).toEqual([
      { op: 'eq', field: 'ticketID', value: 1000 },
      { op: 'contains', field: 'description', value: refMarker('note-1') },
    ]);
  });

  it('addNote: a client-visible note is published to "All"', async () => {
    await adapter().addNote({ ref: 'note-2', ticketId: '1000', text: 'Visible', internal: false });
    expect(at.rows('TicketNotes')[0]?.['publish']).toBe(3);
  });

  it('logAttempt with a ticket: an internal ticket note titled with the outcome', async () => {
    await adapter().logAttempt({
      ref: 'log-1',
      ticketId: '1001',
      callerNumber: '+15555550102',
      callerName: 'Omar Office',
      occurredAt: T0,
      outcome: 'Held by Focus: sent to voicemail',
      text: 'Voicemail left.',
    });
    expect(at.rows('TicketNotes')[0]).toMatchObject({
      ticketID: 1001,
      title: 'Phone call from Omar Office (+15555550102): Held by Focus: sent to voicemail',
      publish: 1,
    });
    expect(at.rows('CompanyNotes')).toHaveLength(0);
  });

  it('logAttempt without a ticket: a "Phone Call" company note, once per ref', async () => {
    const a = adapter();
    const attempt = {
      ref: 'log-2',
      contactId: '500',
      companyId: String(ACME),
      callerNumber: '+15555550101',
      callerName: 'Dana Dentist',
      occurredAt: T0,
      outcome: 'Rang, answered',
      text: 'Talked about the printer.',
    };
    await a.logAttempt(attempt);
    await a.logAttempt(attempt);
    const notes = at.rows('CompanyNotes');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      companyID: ACME,
      contactID: 500,
      actionType: 1,
      assignedResourceID: TECH,
      name: 'Phone call from Dana Dentist (+15555550101): Rang, answered',
      note: `Talked about the printer.\n\n${refMarker('log-2')}`,
      startDateTime: T0,
      endDateTime: T0,
      completedDateTime: T0,
    });
    expect(at.server.requestsTo('POST', new RegExp(`/Companies/${ACME}/Notes$`))[0]?.headers['impersonationresourceid']).toBe(String(TECH));
  });

  it("logAttempt for an unknown caller: the catch-all company, assigned to the API user's resource when no tech is set", async () => {
    await adapter({ impersonationResourceId: '' }).logAttempt({
      ref: 'log-3',
      callerNumber: '+14155550123',
      callerName: '',
      occurredAt: T0,
      outcome: 'Missed',
      text: 'Nobody answered.',
    });
    expect(at.rows('CompanyNotes')[0]).toMatchObject({ companyID: CATCH_ALL, assignedResourceID: API_USER, name: 'Phone call from +14155550123: Missed' });
  });

  it('logAttempt for an unknown caller without a catch-all company is refused', async () => {
    const error = await failure(
      adapter({ unknownCallerCompany: '' }).logAttempt({
        ref: 'log-4',
        callerNumber: '+14155550123',
        callerName: '',
        occurredAt: T0,
        outcome: 'Missed',
        text: 'x',
      }),
    );
    expect(error.kind).toBe('invalid-request');
    expect(error.message).toMatch(/catch-all company/);
  });
});

describe('Autotask: listings page through nextPageUrl', () => {
  it('listContacts: every active contact with its company name, over several pages', async () => {
    const a = adapter({}, {}, 2);
    const { items, pages } = await drain((cursor) => a.listContacts(cursor));
    expect(pages).toBe(2);
    expect(items.map((p) => `${p.id} ${p.name} @ ${p.company}`)).toEqual([
      '500 Dana Dentist @ Acme Dental',
      '501 Omar Office @ Acme Dental',
      '502 Gina Globex @ Globex',
    ]);
    expect(items[2]?.numbers).toEqual(['+1-555-555-0201']);
    expect(at.server.requestsTo('GET', /\/Contacts\/query\/next$/)).toHaveLength(1);
    expect(queries('Contacts')[0]?.body).toMatchObject({ MaxRecords: 2 });
  });

  it('listMembers: active resources with office and mobile numbers (not home), over several pages', async () => {
    const a = adapter({}, {}, 2);
    const { items, pages } = await drain((cursor) => a.listMembers(cursor));
    expect(pages).toBe(2);
    expect(items.map((p) => p.name)).toEqual(['Focusline API', 'Jane Tech', 'Bob Helper']);
    expect(items[1]).toMatchObject({ id: String(TECH), kind: 'member', numbers: ['+1 555 010 2000', '(555) 010-2001'], email: 'jane@msp.example' });
  });

  it("refuses a cursor that points anywhere but the tenant's zone", async () => {
    const error = await failure(adapter().listContacts('https://evil.example/V1.0/Contacts/query/next?paging=x'));
    expect(error.kind).toBe('invalid-request');
    expect(at.server.requests.filter((r) => r.path.includes('evil'))).toEqual([]);
  });
});

describe('Autotask contract server: catches a wrong call', () => {
  async function raw(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = {
      ApiIntegrationCode: DEFAULT_CREDENTIALS.integrationCode,
      UserName: DEFAULT_CREDENTIALS.userName,
      Secret: DEFAULT_CREDENTIALS.secret,
      'content-type': 'application/json',
      ...init.headers,
    };
    return fetch(`${at.zoneUrl}V1.0${path}`, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  }

  const wrongCalls: [string, () => Promise<Response>, RegExp][] = [
    [
      'an unknown filter op',
      () => raw('/Tickets/query', { method: 'POST', body: { filter: [{ op: 'like', field: 'title', value: 'x' }] } }),
      /unknown filter op "like"/,
    ],
    [
      'a filter on a field Tickets lacks',
      () => raw('/Tickets/query', { method: 'POST', body: { filter: [{ op: 'eq', field: 'summary', value: 'x' }] } }),
      /unknown field "summary"/,
    ],
    ['a query without a filter', () => raw('/Contacts/query', { method: 'POST', body: { filter: [], MaxRecords: 10 } }), /requires a filter/],
    [
      'MaxRecords over 500',
      () => raw('/Contacts/query', { method: 'POST', body: { filter: [{ op: 'gt', field: 'id', value: 0 }], MaxRecords: 1000 } }),
      /MaxRecords/,
    ],
    [
      'a ticket field the swagger lacks',
      () => raw('/Tickets', { method: 'POST', body: { companyID: ACME, title: 'x', status: 1, priority: 2, summary: 'x' } }),
      /additional properties \(summary\)/,
    ],
    [
      'a wrongly typed ticket field',
      () => raw('/Tickets', { method: 'POST', body: { companyID: 'Acme', title: 'x', status: 1, priority: 2 } }),
      /companyid must be integer/,
    ],
    ['a ticket without a required field', () => raw('/Tickets', { method: 'POST', body: { companyID: ACME, status: 1, priority: 2 } }), /required field title/],
    [
      'a status the tenant lacks',
      () => raw('/Tickets', { method: 'POST', body: { companyID: ACME, title: 'x', status: 99, priority: 2 } }),
      /status 99 is not a value/,
    ],
    [
      'POST /V1.0/CompanyNotes (not in the swagger: company notes are created under Companies/{id}/Notes)',
      () => raw('/CompanyNotes', { method: 'POST', body: { companyID: ACME } }),
      /not an operation|not in the Autotask swagger/,
    ],
    [
      'a missing Secret header',
      () => fetch(`${at.zoneUrl}V1.0/Tickets/1000`, { headers: { ApiIntegrationCode: 'x', UserName: 'y' } }),
      /missing the Secret header/,
    ],
  ];

  for (const [name, call, message] of wrongCalls) {
    it(name, async () => {
      const response = await call();
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(at.server.violations).toHaveLength(1);
      expect(at.server.violations[0]).toMatch(message);
      at.server.violations.length = 0;
    });
  }

  it('answers a wrong secret with an empty 401 and an unknown user with 500 and an errors body, like Autotask', async () => {
    expect((await raw('/Tickets/1000', { headers: { Secret: 'nope' } })).status).toBe(401);
    const response = await raw('/Tickets/1000', { headers: { UserName: 'nobody@x' } });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ errors: [AUTOTASK_ERRORS.unknownUser] });
    expect(at.server.violations).toEqual([]);
  });
});

// The standard fault table, plus Autotask's own way of refusing credentials: HTTP 500 with an errors body.
let faultAdapter: PsaAdapter;
describeFaultBehaviour('Autotask', {
  server: () => at.server,
  prepare: async () => {
    faultAdapter = createAutotaskAdapter(config({ timeoutMs: 400 }));
    // Warm the zone and picklist caches so the fault hits the operation's own request.
    await faultAdapter.activeTicket();
    await faultAdapter.addNote({ ref: 'warm-up', ticketId: '1000', text: 'warm', internal: true });
    await faultAdapter.logAttempt({ ref: 'warm-up', companyId: String(ACME), callerNumber: '+1', callerName: '', occurredAt: T0, outcome: 'x', text: 'warm' });
  },
  operations: {
    activeTicket: () => faultAdapter.activeTicket(),
    getTicket: () => faultAdapter.getTicket('1000'),
    findCaller: () => faultAdapter.findCaller('15555550101'),
    createTicket: () =>
      faultAdapter.createTicket({
        ref: 'fault-ticket',
        summary: 's',
        description: 'd',
        companyId: String(ACME),
        callerNumber: '+1',
        callerName: '',
        occurredAt: T0,
      }),
    addNote: () => faultAdapter.addNote({ ref: 'fault-note', ticketId: '1000', text: 't', internal: true }),
    logAttempt: () =>
      faultAdapter.logAttempt({ ref: 'fault-log', companyId: String(ACME), callerNumber: '+1', callerName: '', occurredAt: T0, outcome: 'x', text: 't' }),
    listContacts: () => faultAdapter.listContacts(null),
    listMembers: () => faultAdapter.listMembers(null),
  },
  cases: [
    ...STANDARD_FAULTS,
    {
      name: "500 'IntegrationCode is invalid.' (wrong integration code)",
      fault: { kind: 'status', status: 500, body: { errors: [AUTOTASK_ERRORS.badIntegrationCode] } },
      kind: 'auth',
    },
    { name: '500 for an unknown API user', fault: { kind: 'status', status: 500, body: { errors: [AUTOTASK_ERRORS.unknownUser] } }, kind: 'auth' },
    {
      name: '500 with an unrelated error body',
      fault: { kind: 'status', status: 500, body: { errors: ['Object reference not set to an instance of an object.'] } },
      kind: 'unavailable',
    },
  ],
});
