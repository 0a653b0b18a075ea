import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createConnectWiseAdapter } from '../../../src-main/tickets/connectwise/connectwise-adapter.js';
import type { ConnectWiseConfig } from '../../../src-main/tickets/psa-config.js';
import { PsaError, refMarker, type NewTicketRequest, type PsaAdapter } from '../../../src-main/tickets/psa.js';
import { CW_ACCEPT, CW_PREFIX, DEFAULT_CREDENTIALS, startConnectWiseServer, type ConnectWiseServer } from '../../harness/psa-servers/connectwise-server.js';
import { describeFaultBehaviour } from './fault-behaviour.js';

function configFor(server: ConnectWiseServer, overrides: Partial<ConnectWiseConfig> = {}): ConnectWiseConfig {
  return {
    kind: 'connectwise',
    url: server.url,
    ...DEFAULT_CREDENTIALS,
    memberIdentifier: 'jdoe',
    workingStatuses: ['In Progress'],
    queue: 'Help Desk',
    unknownCallerCompany: 'Catchall',
    stopwatchMinSeconds: 120,
    timeoutMs: 400,
    ...overrides,
  };
}

/** A small MSP: Jane (the tech), two coworkers, a client with two contacts (one a decoy for the 7-digit search), a catch-all company. */
function seed(server: ConnectWiseServer): void {
  server.addMember({ id: 1, identifier: 'jdoe', firstName: 'Jane', lastName: 'Doe', officePhone: '(555) 010-2000', officeEmail: 'jane@msp.example' });
  server.addMember({ id: 2, identifier: 'asmith', firstName: 'Alan', lastName: 'Smith', mobilePhone: '555.010.2001' });
  server.addMember({ id: 3, identifier: 'gone', firstName: 'Former', lastName: 'Tech', officePhone: '5550102002', inactiveFlag: true });
  server.addMember({ id: 4, identifier: 'kim', firstName: 'Kim', lastName: 'Lee', homePhone: '5550102003' });
  server.addCompany({ id: 10, identifier: 'Contoso', name: 'Contoso Ltd', phoneNumber: '5550109999' });
  server.addCompany({ id: 11, identifier: 'Catchall', name: 'Unknown callers' });
  server.addCompany({ id: 12, identifier: 'Fabrikam', name: 'Fabrikam Inc', phoneNumber: '2125550147' });
  server.addContact({
    id: 20,
    firstName: 'Alice',
    lastName: 'Jones',
    companyId: 10,
    communicationItems: [
      { value: '5550101234', communicationType: 'Phone', typeName: 'Direct', defaultFlag: true },
      { value: '(555) 010-7777 x12', communicationType: 'Phone', typeName: 'Mobile' },
      { value: 'alice@contoso.example', communicationType: 'Email' },
    ],
  });
  // Holds the same 7 digits in the middle of another number: the like search finds it, the number check must not.
  server.addContact({ id: 21, firstName: 'Dee', lastName: 'Coy', companyId: 12, communicationItems: [{ value: '44401012349', communicationType: 'Phone' }] });
  server.addContact({
    id: 22,
    firstName: 'Carl',
    lastName: 'Old',
    companyId: 10,
    inactiveFlag: true,
    communicationItems: [{ value: '5550100000', communicationType: 'Phone' }],
  });
  server.addContact({
    id: 23,
    firstName: 'Dana',
    lastName: 'Ross',
    companyId: 10,
    communicationItems: [{ value: '+1 555 010 5555', communicationType: 'Phone' }],
  });
  server.addContact({ id: 24, firstName: 'Eve', lastName: 'Park', companyId: 12, communicationItems: [] });
  server.addTicket({ id: 30, summary: 'Printer on fire', companyId: 10, contactId: 20, status: 'In Progress', owner: 'jdoe', board: 'Help Desk' });
  server.addTicket({ id: 31, summary: 'Password reset', companyId: 10, contactId: 23, status: 'New', owner: 'jdoe', board: 'Help Desk' });
  server.addTicket({ id: 32, summary: 'Old closed one', companyId: 10, status: 'Closed', owner: 'jdoe', closedFlag: true });
  server.addTicket({ id: 33, summary: 'Someone else’s', companyId: 12, status: 'New', owner: 'asmith' });
}

function request(overrides: Partial<NewTicketRequest> = {}): NewTicketRequest {
  return {
    ref: 'call-42',
    summary: 'Call from Alice Jones',
    description: 'Alice called about the printer.',
    contactId: '20',
    companyId: '10',
    callerNumber: '+15550101234',
    callerName: 'Alice Jones',
    occurredAt: '2025-03-01T10:02:03.456Z',
    ...overrides,
  };
}

const secondsAgo = (s: number) => new Date(Date.now() - s * 1000).toISOString();

let server: ConnectWiseServer;
let adapter: PsaAdapter;

beforeEach(async () => {
  server = await startConnectWiseServer();
  seed(server);
  adapter = createConnectWiseAdapter(configFor(server));
});

afterEach(async () => {
  await server.close();
});

describe('ConnectWise contract server', () => {
  it('answers correct calls and records every one with the contract headers', async () => {
    await adapter.testConnection();
    expect(server.violations).toEqual([]);
    expect(server.requests.length).toBeGreaterThan(3);
    const basic = `Basic ${Buffer.from('acme+pubKEY123:privSECRET456').toString('base64')}`;
    for (const r of server.requests) {
      expect(r.path.startsWith(`${CW_PREFIX}/`)).toBe(true);
      expect(r.headers['authorization']).toBe(basic);
      expect(r.headers['clientid']).toBe(DEFAULT_CREDENTIALS.clientId);
      expect(r.headers['accept']).toBe(CW_ACCEPT);
    }
  });

  it('catches calls that break the contract', async () => {
    const headers = {
      authorization: `Basic ${Buffer.from('acme+pubKEY123:privSECRET456').toString('base64')}`,
      clientId: DEFAULT_CREDENTIALS.clientId,
      accept: CW_ACCEPT,
    };
    const api = `${server.url}${CW_PREFIX}`;
    const calls: [string, RequestInit][] = [
      [`${api}/company/companies?conditions=${encodeURIComponent("identifier='Contoso'")}`, { headers }],
      [`${api}/service/tickets?conditions=${encodeURIComponent('company/id="10"')}`, { headers }],
      [`${api}/service/tickets?conditions=${encodeURIComponent('nosuchfield=1')}`, { headers }],
      [`${api}/company/contacts?pageSize=5000`, { headers }],
      [`${api}/system/info`, { headers: { ...headers, clientId: '' } }],
      [`${api}/system/info`, { headers: { ...headers, accept: 'application/json' } }],
      [
        `${api}/service/tickets/30/notes`,
        { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'x', processNotifications: false }) },
      ],
      [
        `${api}/service/tickets`,
        {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ summary: 'x'.repeat(101), company: { id: 10 } }),
        },
      ],
      [
        `${api}/service/tickets`,
        { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ summary: 'no company' }) },
      ],
      [`${api}/sales/activities`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Call' }) }],
    ];
    for (const [url, init] of calls) {
      const response = await fetch(url, init);
      expect(response.status, url).toBeGreaterThanOrEqual(400);
    }
    expect(server.violations).toHaveLength(calls.length);
    expect(server.violations.join('\n')).toMatch(/double quotes/);
    expect(server.violations.join('\n')).toMatch(/At least one of detailDescriptionFlag/);
    expect(server.violations.join('\n')).toMatch(/assignTo/);
    expect(server.store.notes).toHaveLength(0);
    expect(server.store.tickets).toHaveLength(4);
  });
});

describe('ConnectWise: testConnection', () => {
  it('passes every check with good settings and says who is signed in', async () => {
    const report = await adapter.testConnection();
    expect(report.ok).toBe(true);
    expect(report.who).toBe('jdoe (Jane Doe)');
    expect(report.checks.map((c) => c.name)).toEqual([
      `Reach ConnectWise at ${new URL(server.url).host}`,
      'Credentials accepted',
      'Technician',
      'Can read tickets',
      'Can read stopwatches (active ticket)',
      'Can read contact phone numbers',
      'Catch-all company for unknown callers',
      'Board for new tickets',
    ]);
    expect(report.checks.every((c) => c.ok)).toBe(true);
    expect(report.warnings).toEqual([]);
    expect(server.violations).toEqual([]);
  });

  it('a wrong private key fails "Credentials accepted" and says which settings to check', async () => {
    const report = await createConnectWiseAdapter(configFor(server, { privateKey: 'wrong' })).testConnection();
    expect(report.ok).toBe(false);
    const creds = report.checks.find((c) => c.name === 'Credentials accepted');
    expect(creds?.ok).toBe(false);
    expect(creds?.detail).toMatch(/refused the credentials \(401\)/);
    expect(creds?.detail).toMatch(/private key/);
    expect(report.checks.find((c) => c.name.startsWith('Reach'))?.ok).toBe(true);
  });

  it('an unregistered clientId reads as such', async () => {
    const report = await createConnectWiseAdapter(configFor(server, { clientId: '00000000-0000-0000-0000-000000000000' })).testConnection();
    expect(report.checks.find((c) => c.name === 'Credentials accepted')?.detail).toMatch(/clientId is not a registered integration/);
  });

  it('missing settings fail before any request', async () => {
    const report = await createConnectWiseAdapter(configFor(server, { clientId: ' ' })).testConnection();
    expect(report.ok).toBe(false);
    expect(report.checks).toEqual([{ name: 'Settings complete', ok: false, detail: expect.stringMatching(/clientId/) as unknown as string }]);
    expect(server.requests).toHaveLength(0);
  });

  it('a wrong site URL fails "Reach" and shows what the URL should look like', async () => {
    const report = await createConnectWiseAdapter(configFor(server, { url: `${server.url}/login` })).testConnection();
    const reach = report.checks[0];
    expect(report.ok).toBe(false);
    expect(reach?.ok).toBe(false);
    expect(reach?.detail).toMatch(/404/);
    expect(reach?.detail).toMatch(/https:\/\/na\.myconnectwise\.net/);
    expect(report.checks).toHaveLength(1);
  });

  it('an unreachable server fails "Reach" with the network reason', async () => {
    const url = server.url;
    await server.close();
    const report = await createConnectWiseAdapter(configFor(server, { url })).testConnection();
    expect(report.checks[0]?.ok).toBe(false);
    expect(report.checks[0]?.detail).toMatch(/connection refused/);
    server = await startConnectWiseServer(); // afterEach closes it
  });

  it('a refusal while the clocks disagree says "clock"', async () => {
    server.dateOffsetMs = -20 * 60_000;
    const report = await createConnectWiseAdapter(configFor(server, { publicKey: 'rotated' })).testConnection();
    const creds = report.checks.find((c) => c.name === 'Credentials accepted');
    expect(creds?.ok).toBe(false);
    expect(creds?.detail).toMatch(/clock is 20 minutes ahead of the server's/);
  });

  it('a missing permission names the check and the security-role setting', async () => {
    server.denied.add('contacts');
    const report = await adapter.testConnection();
    expect(report.ok).toBe(false);
    const contacts = report.checks.find((c) => c.name === 'Can read contact phone numbers');
    expect(contacts?.ok).toBe(false);
    expect(contacts?.detail).toMatch(/lacks permission \(403\)/);
    expect(contacts?.detail).toMatch(/Companies → Contacts/);
    expect(report.checks.find((c) => c.name === 'Can read tickets')?.ok).toBe(true);
  });

  it('warns when contacts come back without phone numbers', async () => {
    server.hideContactPhones = true;
    const report = await adapter.testConnection();
    expect(report.warnings.join(' ')).toMatch(/without phone numbers/);
  });

  it('a catch-all company or board that does not exist fails its check', async () => {
    const report = await createConnectWiseAdapter(configFor(server, { unknownCallerCompany: 'Nope', queue: 'Helpdesk Typo' })).testConnection();
    expect(report.checks.find((c) => c.name === 'Catch-all company for unknown callers')?.detail).toMatch(/no company with the identifier "Nope"/);
    expect(report.checks.find((c) => c.name === 'Board for new tickets')?.detail).toMatch(/no service board named "Helpdesk Typo"/);
    expect(server.violations).toEqual([]);
  });

  it('without a catch-all company it warns', async () => {
    const report = await createConnectWiseAdapter(configFor(server, { unknownCallerCompany: '' })).testConnection();
    expect(report.ok).toBe(true);
    expect(report.warnings.join(' ')).toMatch(/No catch-all company/);
  });
});

describe('ConnectWise: active ticket', () => {
  it('a running stopwatch on a ticket in a working status is the active ticket, with every number', async () => {
    server.addStopwatch({ ticketId: 30, member: 'jdoe', status: 'Running', startTime: secondsAgo(5) });
    server.addStopwatch({ ticketId: 33, member: 'asmith', status: 'Running', startTime: secondsAgo(900) });
    const ticket = await adapter.activeTicket();
    expect(ticket).toMatchObject({
      id: '30',
      summary: 'Printer on fire',
      status: 'In Progress',
      company: 'Contoso Ltd',
      companyId: '10',
      contactName: 'Alice Jones',
      contactId: '20',
    });
    expect(ticket?.contactNumbers).toEqual(['5550101234', '(555) 010-7777 x12']);
    expect(ticket?.companyNumbers).toEqual(['5550109999']);
    expect(ticket?.url).toContain('service_recid=30');
    expect(server.calls('GET', /^\/time\/ticketstopwatches$/)[0]?.query.get('conditions')).toBe('member/identifier="jdoe"');
    expect(server.violations).toEqual([]);
  });

  it('a fresh stopwatch outside the working statuses is ignored (autoStartStopwatch), an old one counts', async () => {
    const stopwatch = server.addStopwatch({ ticketId: 31, member: 'jdoe', status: 'Running', startTime: secondsAgo(10) });
    expect(await adapter.activeTicket()).toBeNull();
    stopwatch.startTime = secondsAgo(300);
    expect((await adapter.activeTicket())?.id).toBe('31');
    // Paused time doesn't count as work.
    stopwatch.totalPauseTime = 250;
    expect(await adapter.activeTicket()).toBeNull();
  });

  it('paused, stopped and unknown stopwatch states never count', async () => {
    const stopwatch = server.addStopwatch({ ticketId: 30, member: 'jdoe', status: 'Paused', startTime: secondsAgo(900) });
    expect(await adapter.activeTicket()).toBeNull();
    stopwatch.status = 'Stopped';
    expect(await adapter.activeTicket()).toBeNull();
    stopwatch.status = 'Sleeping';
    expect(await adapter.activeTicket()).toBeNull();
    stopwatch.status = 'running';
    expect((await adapter.activeTicket())?.id).toBe('30');
  });

  it('no stopwatch: no active ticket; "who am I" is asked once', async () => {
    expect(await adapter.activeTicket()).toBeNull();
    expect(await adapter.activeTicket()).toBeNull();
    // Who the tech is: read once, by the identifier in the settings.
    const lookups = server.calls('GET', /^\/system\/members$/);
    expect(lookups).toHaveLength(1);
    expect(lookups[0]?.query.get('conditions')).toBe('identifier="jdoe"');
  });
});

describe('ConnectWise: tickets', () => {
  it('getTicket reads the ticket, its contact and its company; unknown ids are null', async () => {
    const ticket = await adapter.getTicket('31');
    expect(ticket).toMatchObject({ id: '31', contactName: 'Dana Ross', contactNumbers: ['+1 555 010 5555'], companyNumbers: ['5550109999'] });
    expect(server.calls('GET', /^\/company\/contacts\/23$/)).toHaveLength(1);
    expect(server.calls('GET', /^\/company\/companies\/10$/)).toHaveLength(1);
    expect(await adapter.getTicket('999')).toBeNull();
    expect(await adapter.getTicket('abc')).toBeNull();
    expect(server.violations).toEqual([]);
  });

  it('myOpenTickets: open tickets owned by me, newest first', async () => {
    const tickets = await adapter.myOpenTickets();
    expect(tickets.map((t) => t.id)).toEqual(['31', '30']);
    const sent = server.calls('GET', /^\/service\/tickets$/)[0];
    expect(sent?.query.get('conditions')).toBe('owner/identifier="jdoe" AND closedFlag=false');
    expect(sent?.query.get('orderBy')).toBe('id desc');
  });

  it('openTicketsForCompany sends company/id=N AND closedFlag=false, newest first, at most 10', async () => {
    const tickets = await adapter.openTicketsForCompany('10');
    expect(tickets.map((t) => t.id)).toEqual(['31', '30']);
    const sent = server.calls('GET', /^\/service\/tickets$/)[0];
    expect(sent?.query.get('conditions')).toBe('company/id=10 AND closedFlag=false');
    expect(sent?.query.get('pageSize')).toBe('10');
    expect(server.violations).toEqual([]);
  });
});

describe('ConnectWise: findCaller', () => {
  it('finds the contact by the last 7 digits and keeps only real matches', async () => {
    const match = await adapter.findCaller('15550101234');
    expect(match.person).toMatchObject({ id: '20', kind: 'contact', name: 'Alice Jones', company: 'Contoso Ltd', companyId: '10' });
    expect(match.company).toEqual({ id: '10', name: 'Contoso Ltd' });
    expect(match.openTickets.map((t) => t.id)).toEqual(['31', '30']);
    const search = server.calls('GET', /^\/company\/contacts$/)[0];
    expect(search?.query.get('childConditions')).toBe('communicationItems/value like "%0101234%" AND communicationItems/communicationType="Phone"');
    expect(server.violations).toEqual([]);
  });

  it('the decoy whose number merely contains the digits is not taken', async () => {
    server.store.contacts = server.store.contacts.filter((c) => c.id !== 20);
    const match = await adapter.findCaller('15550101234');
    expect(match.person).toBeNull();
    expect(match.company).toBeNull();
    // The decoy was a candidate: the check, not the search, rejected it.
    expect(server.calls('GET', /^\/company\/contacts$/)).toHaveLength(1);
  });

  it('falls back to the company main number', async () => {
    const match = await adapter.findCaller('12125550147');
    expect(match.person).toBeNull();
    expect(match.company).toEqual({ id: '12', name: 'Fabrikam Inc' });
    expect(match.openTickets.map((t) => t.id)).toEqual(['33']);
    expect(server.calls('GET', /^\/company\/companies$/)[0]?.query.get('conditions')).toBe('phoneNumber like "%5550147%"');
  });

  it('an extension or an unknown number finds nobody', async () => {
    expect(await adapter.findCaller('2002')).toEqual({ person: null, company: null, openTickets: [] });
    expect(server.requests).toHaveLength(0);
    expect(await adapter.findCaller('19998887777')).toEqual({ person: null, company: null, openTickets: [] });
  });
});

describe('ConnectWise: writes', () => {
  it('createTicket sends the contract body and stores the ref in externalXRef', async () => {
    const result = await adapter.createTicket(request());
    const created = server.store.tickets.find((t) => t.externalXRef === 'call-42');
    expect(created).toBeDefined();
    expect(result.ticketId).toBe(String(created?.id));
    expect(result.url).toContain(`service_recid=${created?.id}`);
    const body = server.calls('POST', /^\/service\/tickets$/)[0]?.body;
    expect(body).toEqual({
      summary: 'Call from Alice Jones',
      company: { id: 10 },
      board: { name: 'Help Desk' },
      contact: { id: 20 },
      source: { name: 'Phone' },
      initialDescription: `Alice called about the printer.\n\n${refMarker('call-42')}`,
      externalXRef: 'call-42',
    });
    expect(server.calls('GET', /^\/service\/tickets$/)[0]?.query.get('conditions')).toBe('externalXRef="call-42"');
    expect(server.violations).toEqual([]);
  });

  it('createTicket twice with the same ref makes one ticket', async () => {
    const first = await adapter.createTicket(request());
    const again = await createConnectWiseAdapter(configFor(server)).createTicket(request());
    expect(again.ticketId).toBe(first.ticketId);
    expect(server.store.tickets.filter((t) => t.externalXRef === 'call-42')).toHaveLength(1);
    expect(server.calls('POST', /^\/service\/tickets$/)).toHaveLength(1);
  });

  it("on the outbox's first try, createTicket and addNote skip the externalXRef / note search (nothing can exist yet)", async () => {
    const created = await adapter.createTicket({ ...request(), firstTry: true });
    await adapter.addNote({ ref: 'note-first', firstTry: true, ticketId: created.ticketId, text: 'First try', internal: true });
    expect(server.calls('GET', /^\/service\/tickets$/)).toHaveLength(0);
    expect(server.calls('GET', /^\/service\/tickets\/\d+\/notes$/)).toHaveLength(0);
    expect(server.calls('POST', /^\/service\/tickets$/)).toHaveLength(1);
    expect(server.calls('POST', /^\/service\/tickets\/\d+\/notes$/)).toHaveLength(1);
  });

  it('an unknown caller goes to the catch-all company; a long summary is cut to 100', async () => {
    await adapter.createTicket(request({ contactId: undefined, companyId: undefined, summary: `Call from +15559990000: ${'word '.repeat(40)}` }));
    const created = server.store.tickets.find((t) => t.externalXRef === 'call-42');
    expect(created?.companyId).toBe(11);
    expect(created?.contactId).toBeUndefined();
    expect(created?.summary.length).toBeLessThanOrEqual(100);
    expect(created?.summary.endsWith('…')).toBe(true);
    expect((server.calls('POST', /^\/service\/tickets$/)[0]?.body as { company: unknown }).company).toEqual({ identifier: 'Catchall' });
    expect(server.violations).toEqual([]);
  });

  it('an unknown caller without a catch-all company is refused with a clear message, nothing is sent', async () => {
    const error = await createConnectWiseAdapter(configFor(server, { unknownCallerCompany: '' }))
      .createTicket(request({ contactId: undefined, companyId: undefined }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PsaError);
    expect((error as PsaError).kind).toBe('invalid-request');
    expect((error as PsaError).message).toMatch(/catch-all company/);
    expect(server.calls('POST', /^\/service\/tickets$/)).toHaveLength(0);
  });

  it('a rejected create reads with CW’s own error text', async () => {
    const error = await createConnectWiseAdapter(configFor(server, { queue: 'No Such Board' }))
      .createTicket(request())
      .catch((e: unknown) => e);
    expect((error as PsaError).kind).toBe('invalid-request');
    expect((error as PsaError).message).toMatch(/ConnectWise rejected the request \(400\): ticket object is invalid; .*Board "No Such Board" not found/);
  });

  it('addNote writes an internal note once per ref, with no notifications', async () => {
    await adapter.addNote({ ref: 'note-1', ticketId: '30', text: 'Called back, no answer.', internal: true });
    await adapter.addNote({ ref: 'note-1', ticketId: '30', text: 'Called back, no answer.', internal: true });
    expect(server.store.notes).toHaveLength(1);
    expect(server.store.notes[0]).toMatchObject({
      ticketId: 30,
      text: `Called back, no answer.\n\n${refMarker('note-1')}`,
      internalAnalysisFlag: true,
      detailDescriptionFlag: false,
      processNotifications: false,
    });
    await adapter.addNote({ ref: 'note-2', ticketId: '30', text: 'Told the client.', internal: false });
    expect(server.store.notes[1]).toMatchObject({ detailDescriptionFlag: true, internalAnalysisFlag: false });
    expect(server.violations).toEqual([]);
  });

  it('addNote finds an earlier write on a later page of notes', async () => {
    const paged = createConnectWiseAdapter(configFor(server), {}, { pageSize: 2 });
    for (const ref of ['a', 'b', 'c', 'd']) await paged.addNote({ ref, ticketId: '30', text: `note ${ref}`, internal: true });
    await paged.addNote({ ref: 'a', ticketId: '30', text: 'note a', internal: true });
    await paged.addNote({ ref: 'd', ticketId: '30', text: 'note d', internal: true });
    expect(server.store.notes).toHaveLength(4);
    expect(server.violations).toEqual([]);
  });

  it('a note on a deleted ticket says the ticket is gone', async () => {
    const error = await adapter.addNote({ ref: 'n', ticketId: '404', text: 'x', internal: true }).catch((e: unknown) => e);
    expect((error as PsaError).kind).toBe('not-found');
    expect((error as PsaError).message).toMatch(/no ticket #404/);
  });

  it('logAttempt creates one Call activity per ref, assigned to me, linked to the ticket', async () => {
    const attempt = {
      ref: 'att-7',
      ticketId: '30',
      contactId: '20',
      companyId: '10',
      callerNumber: '+15550101234',
      callerName: 'Alice Jones',
      occurredAt: '2025-03-01T10:02:03.456Z',
      outcome: 'Held by Focus: sent to voicemail',
      text: 'Alice called while Jane was on #30.',
    };
    const result = await adapter.logAttempt(attempt);
    await adapter.logAttempt(attempt);
    expect(result.ticketId).toBe('30');
    expect(server.store.activities).toHaveLength(1);
    expect(server.store.activities[0]?.body).toEqual({
      name: 'Call Alice Jones (+15550101234): Held by Focus: sent to voicemail',
      type: { name: 'Call' },
      assignTo: { identifier: 'jdoe' },
      company: { id: 10 },
      contact: { id: 20 },
      ticket: { id: 30 },
      phoneNumber: '+15550101234',
      dateStart: '2025-03-01T10:02:03Z',
      notes: `Alice called while Jane was on #30.\n\n${refMarker('att-7')}`,
    });
    expect(server.calls('GET', /^\/sales\/activities$/)[0]?.query.get('conditions')).toBe('notes like "%_Focusline ref: att-7_%"');
    expect(server.violations).toEqual([]);
  });
});

describe('ConnectWise: listings', () => {
  it('listContacts pages through active contacts with their phone numbers', async () => {
    const paged = createConnectWiseAdapter(configFor(server), {}, { pageSize: 2 });
    const first = await paged.listContacts(null);
    expect(first.total).toBe(4);
    expect(first.items.map((p) => p.id)).toEqual(['20', '21']);
    expect(first.items[0]).toMatchObject({
      kind: 'contact',
      name: 'Alice Jones',
      company: 'Contoso Ltd',
      companyId: '10',
      numbers: ['5550101234', '(555) 010-7777 x12'],
    });
    const second = await paged.listContacts(first.next);
    expect(second.items.map((p) => p.id)).toEqual(['23', '24']);
    expect(second.next).toBeNull();
    const sent = server.calls('GET', /^\/company\/contacts$/).map((r) => [r.query.get('page'), r.query.get('pageSize'), r.query.get('conditions')]);
    expect(sent).toEqual([
      ['1', '2', 'inactiveFlag=false'],
      ['2', '2', 'inactiveFlag=false'],
    ]);
    expect(server.violations).toEqual([]);
  });

  it('listMembers pages without a Link header too (a full page means "ask for more")', async () => {
    server.sendLinkHeader = false;
    const paged = createConnectWiseAdapter(configFor(server), {}, { pageSize: 1 });
    const people = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i += 1) {
      const page = await paged.listMembers(cursor);
      people.push(...page.items);
      cursor = page.next;
      if (cursor === null) break;
    }
    expect(cursor).toBeNull();
    expect(people.map((p) => p.name)).toEqual(['Jane Doe', 'Alan Smith', 'Kim Lee']);
    expect(people[0]).toMatchObject({ kind: 'member', numbers: ['(555) 010-2000'], email: 'jane@msp.example' });
    expect(server.calls('GET', /^\/system\/members$/)[0]?.query.get('fields')).toContain('officePhone');
    expect(server.violations).toEqual([]);
  });

  it('a cursor it never handed out is refused', async () => {
    await expect(adapter.listContacts('bogus')).rejects.toMatchObject({ kind: 'invalid-request' });
  });
});

describe('ConnectWise: cancellation', () => {
  it('passes the caller’s signal through', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(adapter.getTicket('30', { signal: controller.signal })).rejects.toMatchObject({ kind: 'cancelled' });
  });
});

// The standard fault table, against one shared server and adapter (timeout 400 ms, well below SLOW_REPLY_MS).
describe('ConnectWise: fault table', () => {
  let faultServer: ConnectWiseServer;
  let faultAdapter: PsaAdapter;
  beforeAll(async () => {
    faultServer = await startConnectWiseServer();
    seed(faultServer);
    faultAdapter = createConnectWiseAdapter(configFor(faultServer));
  });
  afterAll(async () => {
    await faultServer.close();
  });

  describeFaultBehaviour('ConnectWise', {
    server: () => faultServer.contract,
    // Warms the "who am I" cache so the fault hits the operation's own first request.
    prepare: async () => {
      faultServer.contract.clearFaults();
      await faultAdapter.myOpenTickets();
    },
    operations: {
      activeTicket: () => faultAdapter.activeTicket(),
      getTicket: () => faultAdapter.getTicket('30'),
      findCaller: () => faultAdapter.findCaller('15550101234'),
      createTicket: () => faultAdapter.createTicket(request({ ref: `fault-${Math.random()}` })),
      addNote: () => faultAdapter.addNote({ ref: `fault-${Math.random()}`, ticketId: '30', text: 'x', internal: true }),
      logAttempt: () =>
        faultAdapter.logAttempt({
          ref: `fault-${Math.random()}`,
          callerNumber: '+15550101234',
          callerName: '',
          occurredAt: '2025-03-01T10:00:00Z',
          outcome: 'Rang',
          text: 'x',
        }),
      listContacts: () => faultAdapter.listContacts(null),
      listMembers: () => faultAdapter.listMembers(null),
    },
  });
});
