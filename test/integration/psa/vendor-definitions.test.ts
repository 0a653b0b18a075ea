// Issue #16: the ConnectWise and HaloPSA adapters against contract servers
// that check every request against the vendor's own API definition (the
// extracts in test/fixtures/psa-specs/). Each defect the independent check
// found has a test here that fails on the code before the fix; the contract
// servers' own refusals of wrong calls are shown per vendor.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConnectWiseAdapter } from '../../../src-main/tickets/connectwise/connectwise-adapter.js';
import { createHaloPsaAdapter } from '../../../src-main/tickets/halopsa/halopsa-adapter.js';
import type { ConnectWiseConfig, HaloConfig } from '../../../src-main/tickets/psa-config.js';
import type { NewTicketRequest, PsaAdapter, PsaPerson } from '../../../src-main/tickets/psa.js';
import { CW_ACCEPT, CW_PREFIX, DEFAULT_CREDENTIALS, startConnectWiseServer, type ConnectWiseServer } from '../../harness/psa-servers/connectwise-server.js';
import { HALO_CLIENT_ID, HALO_CLIENT_SECRET, startHaloServer, type HaloServer } from '../../harness/psa-servers/halo-server.js';

const secondsAgo = (s: number) => new Date(Date.now() - s * 1000).toISOString();

describe('ConnectWise, checked against its API definition', () => {
  let server: ConnectWiseServer;

  function adapterFor(overrides: Partial<ConnectWiseConfig> = {}): PsaAdapter {
    return createConnectWiseAdapter({
      kind: 'connectwise',
      url: server.url,
      ...DEFAULT_CREDENTIALS,
      memberIdentifier: 'jdoe',
      workingStatuses: ['In Progress'],
      queue: 'Help Desk',
      unknownCallerCompany: 'Catchall',
      stopwatchMinSeconds: 120,
      timeoutMs: 2_000,
      ...overrides,
    });
  }

  beforeEach(async () => {
    server = await startConnectWiseServer();
    server.addMember({ id: 1, identifier: 'jdoe', firstName: 'Jane', lastName: 'Doe', officePhone: '(555) 010-2000' });
    server.addMember({ id: 2, identifier: 'asmith', firstName: 'Alan', lastName: 'Smith' });
    server.addCompany({ id: 10, identifier: 'Contoso', name: 'Contoso Ltd' });
    server.addCompany({ id: 11, identifier: 'Catchall', name: 'Unknown callers' });
    server.addTicket({ id: 30, summary: 'Printer on fire', companyId: 10, status: 'In Progress', owner: 'jdoe', board: 'Help Desk' });
    server.addTicket({ id: 31, summary: 'Password reset', companyId: 10, status: 'New', owner: 'jdoe', board: 'Help Desk' });
  });
  afterEach(() => server.close());

  it('refuses calls the definition does not define, naming what is wrong', async () => {
    const headers = {
      authorization: `Basic ${Buffer.from('acme+pubKEY123:privSECRET456').toString('base64')}`,
      clientId: DEFAULT_CREDENTIALS.clientId,
      accept: CW_ACCEPT,
      'content-type': 'application/json',
    };
    const api = `${server.url}${CW_PREFIX}`;
    const calls: [string, RequestInit, number, RegExp][] = [
      // The old "who am I": the definition has only /system/myAccount/{id}.
      [`${api}/system/myAccount`, { headers }, 404, /GET \/system\/myAccount: no such path in ConnectWise's API definition/],
      [`${api}/service/tickets?pagesize=5`, { headers }, 400, /query parameter "pagesize" is not defined for GET \/service\/tickets/],
      [
        `${api}/service/tickets`,
        { method: 'POST', headers, body: JSON.stringify({ summary: 'x', company: { id: 10 }, callerNumber: '+15550101234' }) },
        400,
        /"callerNumber" is not a field of the model/,
      ],
      [`${api}/service/tickets`, { method: 'POST', headers, body: JSON.stringify({ summary: 'no company' }) }, 400, /must have required property 'company'/],
      [
        `${api}/sales/activities`,
        {
          method: 'POST',
          headers,
          body: JSON.stringify({ name: 'Call', assignTo: { identifier: 'jdoe' }, phoneNumber: '+1 (555) 010-1234 extension 1234567' }),
        },
        400,
        /phoneNumber must NOT have more than 30 characters/,
      ],
      [
        `${api}/service/tickets`,
        { method: 'PUT', headers, body: '{}' },
        405,
        /PUT \/service\/tickets: not an operation of ConnectWise's API definition \(extract\); on this path: GET, POST/,
      ],
    ];
    for (const [url, init, status, reason] of calls) {
      const before = server.violations.length;
      const answer = await fetch(url, init);
      expect(answer.status, url).toBe(status);
      expect(server.violations.slice(before).join('\n'), url).toMatch(reason);
    }
    expect(server.store.tickets).toHaveLength(2);
    expect(server.store.activities).toHaveLength(0);
  });

  it('checks its own answers against the model under a fields= projection too: fields may be left out, but not be wrong or unknown', async () => {
    const headers = {
      authorization: `Basic ${Buffer.from('acme+pubKEY123:privSECRET456').toString('base64')}`,
      clientId: DEFAULT_CREDENTIALS.clientId,
      accept: CW_ACCEPT,
    };
    const api = `${server.url}${CW_PREFIX}`;
    const projected = await fetch(`${api}/system/members?fields=id,identifier`, { headers });
    expect(projected.status).toBe(200);
    expect(server.violations).toEqual([]);
    // A fixture bug the projection used to hide: a number where the model has text, and a field the model doesn't have.
    server.addMember({ id: 5, identifier: 'broken', firstName: 42 as unknown as string, lastName: 'Row' });
    (server.store.members.at(-1) as unknown as Record<string, unknown>)['pagerNumber'] = '555';
    for (const fields of ['id,firstName', 'id,pagerNumber']) {
      const before = server.violations.length;
      const answer = await fetch(`${api}/system/members?fields=${fields}&conditions=${encodeURIComponent('identifier="broken"')}`, { headers });
      expect(answer.status, fields).toBe(500);
      expect(server.violations.slice(before).join('\n'), fields).toMatch(/own Member isn't definition-shaped/);
    }
    server.violations.length = 0;
  });

  it('defect 1: the technician is the member the settings name, read through /system/members, never the id-less /system/myAccount', async () => {
    server.addStopwatch({ ticketId: 30, member: 'jdoe', status: 'Running', startTime: secondsAgo(600) });
    const adapter = adapterFor();
    expect((await adapter.activeTicket())?.id).toBe('30');
    expect((await adapter.myOpenTickets()).map((t) => t.id).sort()).toEqual(['30', '31']);
    await adapter.logAttempt({
      ref: 'att-1',
      ticketId: '30',
      outcome: 'Missed',
      text: 'Rang out',
      callerNumber: '+15550101234',
      callerName: 'Alice',
      occurredAt: '2025-03-01T10:02:03.000Z',
    });
    expect(server.store.activities[0]?.body['assignTo']).toEqual({ identifier: 'jdoe' });
    const lookups = server.calls('GET', /^\/system\/members$/);
    expect(lookups.map((r) => r.query.get('conditions'))).toEqual(['identifier="jdoe"']);
    expect(server.calls('GET', /^\/system\/myAccount$/)).toEqual([]);
    expect(server.violations).toEqual([]);
  });

  it('defect 5: a stopwatch with a null status or a null ticket does not hide the running one', async () => {
    server.addStopwatch({ ticketId: 31, member: 'jdoe', status: null, startTime: secondsAgo(60) });
    server.addStopwatch({ ticketId: null, member: 'jdoe', status: 'Running', startTime: secondsAgo(30) });
    server.addStopwatch({ ticketId: 30, member: 'jdoe', status: 'Running', startTime: secondsAgo(600) });
    const adapter = adapterFor();
    expect((await adapter.activeTicket())?.id).toBe('30');
    expect(server.violations).toEqual([]);
  });

  it('Test connection follows the member in the settings and says so', async () => {
    const report = await adapterFor().testConnection();
    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.name === 'Technician')).toMatchObject({ ok: true, detail: expect.stringMatching(/jdoe/) });
    expect(report.warnings).toEqual([]);
    expect(server.violations).toEqual([]);
  });

  it("Test connection: a member identifier the site doesn't know is a settings problem, not an unreachable site", async () => {
    const report = await adapterFor({ memberIdentifier: 'jdoe2' }).testConnection();
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ name: expect.stringMatching(/^Reach ConnectWise/), ok: true });
    expect(report.checks.find((c) => c.name === 'Technician')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/no member with the identifier "jdoe2".*Settings → PSA/),
    });
    expect(server.violations).toEqual([]);
  });

  it('Test connection without a member identifier says to set it, and still checks the rest', async () => {
    const report = await adapterFor({ memberIdentifier: '' }).testConnection();
    expect(report.checks.find((c) => c.name === 'Technician')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/Set your ConnectWise member identifier/),
    });
    expect(report.checks.find((c) => c.name === 'Can read tickets')).toMatchObject({ ok: true });
    expect(server.violations).toEqual([]);
  });

  it("Test connection warns when the keys are another member's: My Account names someone else", async () => {
    server.keysOwner = 'asmith';
    server.myAccountForOtherIds = 'keys-owner';
    const report = await adapterFor().testConnection();
    expect(report.checks.find((c) => c.name === 'Technician')).toMatchObject({ ok: true });
    expect(report.warnings.join('\n')).toMatch(/keys are asmith's, not jdoe's own.*still follows jdoe's stopwatch/);
    expect(server.calls('GET', /^\/system\/myAccount\/1$/)).toHaveLength(1);
    expect(server.violations).toEqual([]);
  });

  it('Test connection does not call the keys "not yours" when My Account is refused: it could not confirm, and names the access to give', async () => {
    server.keysOwner = 'asmith';
    const report = await adapterFor().testConnection();
    const warnings = report.warnings.join('\n');
    expect(warnings).toMatch(/Could not confirm whose API keys these are.*System → My Account/);
    expect(warnings).not.toMatch(/not jdoe's own/);
    expect(server.violations).toEqual([]);
  });

  it("Test connection with the technician's own keys has no key warning", async () => {
    server.myAccountForOtherIds = 'keys-owner';
    const report = await adapterFor().testConnection();
    expect(report.warnings.join('\n')).not.toMatch(/API keys/);
    expect(server.violations).toEqual([]);
  });
});

describe('HaloPSA, checked against its API definition', () => {
  let server: HaloServer;

  function adapterFor(overrides: Partial<HaloConfig> = {}, log: (message: string) => void = () => undefined): PsaAdapter {
    return createHaloPsaAdapter(
      {
        kind: 'halopsa',
        url: server.url,
        clientId: HALO_CLIENT_ID,
        clientSecret: HALO_CLIENT_SECRET,
        tenant: '',
        workingStatuses: ['in progress'],
        queue: 'phone call',
        unknownCallerCompany: '99',
        stopwatchMinSeconds: 0,
        timeoutMs: 2_000,
        ...overrides,
      },
      { log },
    );
  }

  beforeEach(async () => {
    server = await startHaloServer();
  });
  afterEach(() => server.http.close());

  it('defect 2: coworkers from Halo carry their extension and SMS number, and disabled agents are left out', async () => {
    server.store.agents.push({ id: 9, name: 'Gone Tech', email: 'gone@msp.example', extensionnumber: '2009', isdisabled: true });
    const { items } = await adapterFor().listMembers(null);
    const byId = new Map(items.map((p: PsaPerson) => [p.id, p]));
    expect(byId.get('7')?.numbers).toEqual(['2007', '555-020-1007']);
    expect(byId.get('8')?.numbers).toEqual(['2008']);
    expect(byId.has('9')).toBe(false);
    expect(server.http.violations).toEqual([]);
  });

  it('defect 3: finds a caller whose number is stored with punctuation, "(555) 010-4321"', async () => {
    server.store.users.push({ id: 70, name: 'Pat Punct', client_id: 10, site_id: 100, phonenumber: '(555) 010-4321' });
    const match = await adapterFor().findCaller('15550104321');
    expect(match.person).toMatchObject({ id: '70', name: 'Pat Punct' });
    expect(server.http.violations).toEqual([]);
  });

  it("defect 4: my open tickets page through 100 at a time, the definition's maximum page size", async () => {
    for (let i = 0; i < 120; i++) server.store.tickets.push({ id: 5000 + i, summary: `Mine ${i}`, details: '', status_id: 1, client_id: 10, agent_id: 7 });
    const tickets = await adapterFor().myOpenTickets();
    // 120 new ones and my two open fixture tickets: two pages of at most 100, none left out.
    expect(tickets).toHaveLength(122);
    expect(server.http.requestsTo('GET', /^\/api\/tickets$/).map((r) => [r.query.get('page_size'), r.query.get('page_no')])).toEqual([
      ['100', '1'],
      ['100', '2'],
    ]);
    expect(server.http.violations).toEqual([]);
  });

  it('my open tickets stop after 5 pages and the log says how many were left out', async () => {
    for (let i = 0; i < 600; i++) server.store.tickets.push({ id: 7000 + i, summary: `Mine ${i}`, details: '', status_id: 1, client_id: 10, agent_id: 7 });
    const logs: string[] = [];
    const tickets = await adapterFor({}, (m) => logs.push(m)).myOpenTickets();
    expect(tickets).toHaveLength(500);
    expect(tickets[0]?.id).toBe('7599');
    expect(server.http.requestsTo('GET', /^\/api\/tickets$/)).toHaveLength(5);
    expect(logs.join('\n')).toMatch(/newest 500 of 602 open tickets assigned to agent 7/);
    expect(server.http.violations).toEqual([]);
  });

  it("defect 6: a retried create finds the first ticket by its details (search_details) and doesn't make a second", async () => {
    const adapter = adapterFor();
    const request: NewTicketRequest = {
      ref: 'call-retry-1',
      summary: 'Call from Alice Acme',
      description: 'Printer is on fire',
      contactId: '50',
      companyId: '10',
      callerNumber: '+15550101234',
      callerName: 'Alice Acme',
      occurredAt: '2025-03-04T10:11:12.000Z',
    };
    const first = await adapter.createTicket({ ...request, firstTry: true });
    const retry = await adapter.createTicket({ ...request, firstTry: false });
    expect(retry.ticketId).toBe(first.ticketId);
    expect(server.store.tickets.filter((t) => t.details.includes('call-retry-1'))).toHaveLength(1);
    expect(server.http.violations).toEqual([]);
  });

  it('defect 7: names the definition allows to be null do not fail a list', async () => {
    server.store.statuses.push({ id: 12, name: null, closed: false });
    server.store.agents.push({ id: 10, name: null, email: 'nameless@msp.example', extensionnumber: '2010' });
    server.store.users.push({ id: 71, name: null, client_id: 10, site_id: 100, emailaddress: 'anon@acme.example', phonenumber: '555-010-7000' });
    server.store.tickets.push({ id: 6000, summary: 'Odd status', details: '', status_id: 12, client_id: 10, agent_id: 7 });
    const adapter = adapterFor();
    expect((await adapter.myOpenTickets()).find((t) => t.id === '6000')?.status).toBe('Status 12');
    expect((await adapter.listMembers(null)).items.find((p) => p.id === '10')?.name).toBe('nameless@msp.example');
    expect((await adapter.listContacts(null)).items.find((p) => p.id === '71')?.name).toBe('anon@acme.example');
    expect((await adapter.activeTicket())?.id).toBe('1002');
    expect(server.http.violations).toEqual([]);
  });

  it('the technician is the agent Agent/me names, unless the settings name another (by id or email)', async () => {
    const byMe = await adapterFor().testConnection();
    expect(byMe.who).toBe('Jane Tech (jane@msp.example)');
    const byId = adapterFor({ agent: '8' });
    expect((await byId.activeTicket())?.id).toBe('1004');
    const byEmail = await adapterFor({ agent: 'BOB@msp.example' }).testConnection();
    expect(byEmail.who).toBe('Bob Tech (bob@msp.example)');
    const unknown = await adapterFor({ agent: 'nobody@msp.example' }).testConnection();
    expect(unknown.checks.find((c) => c.name === 'Who am I')).toMatchObject({ ok: false, detail: expect.stringMatching(/no agent "nobody@msp.example"/) });
    expect(server.http.violations).toEqual([]);
  });

  it('an agent named in the settings by name is followed only when one agent has that name; two make it a settings problem', async () => {
    const byName = await adapterFor({ agent: 'bob tech' }).testConnection();
    expect(byName.who).toBe('Bob Tech (bob@msp.example)');
    server.store.agents.push({ id: 9, name: 'Bob Tech', email: 'bob2@msp.example' });
    const ambiguous = await adapterFor({ agent: 'Bob Tech' }).testConnection();
    expect(ambiguous.checks.find((c) => c.name === 'Who am I')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/2 HaloPSA agents are named "Bob Tech" \(ids 8, 9\).*your agent id or email/),
    });
    expect(ambiguous.who).toBeUndefined();
    expect((await adapterFor({ agent: 'bob2@msp.example' }).testConnection()).who).toBe('Bob Tech (bob2@msp.example)');
    expect(server.http.violations).toEqual([]);
  });
});
