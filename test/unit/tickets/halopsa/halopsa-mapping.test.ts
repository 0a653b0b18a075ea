import { describe, expect, it } from 'vitest';
import {
  agentNamed,
  agentToPerson,
  attemptActionBody,
  bestCallerMatch,
  callerFromDigits,
  carriesRef,
  describeHaloError,
  haloId,
  newTicketBody,
  nextCursor,
  noteActionBody,
  pageNumber,
  phoneFieldsHidden,
  phoneSearchTerms,
  resolveNamed,
  ticketUiUrl,
  tokenUrl,
  toPsaTicket,
  userToPerson,
  workingStatusIds,
  apiBase,
  defaultAuthUrl,
} from '../../../../src-main/tickets/halopsa/halopsa-mapping.js';
import { refMarker, type NewTicketRequest } from '../../../../src-main/tickets/psa.js';
import type { HaloUser } from '../../../../src-main/tickets/halopsa/halopsa-schemas.js';

const alice: HaloUser = {
  id: 50,
  name: 'Alice Acme',
  client_id: 10,
  client_name: 'Acme Corp',
  site_id: 100,
  emailaddress: 'alice@acme.example',
  phonenumber: '(555) 010-1234 x12',
  mobilenumber: '+1 555 010 9999',
  mobilenumber2: '',
  homenumber: null,
};

const statuses = [
  { id: 1, name: 'New' },
  { id: 2, name: 'In Progress' },
  { id: 3, name: 'Waiting' },
];

describe('HaloPSA addresses', () => {
  it('builds the API base and the fallback auth URL from the tenant URL, with or without a trailing /api', () => {
    expect(apiBase('https://acme.halopsa.com/')).toBe('https://acme.halopsa.com/api');
    expect(apiBase('https://acme.halopsa.com/api')).toBe('https://acme.halopsa.com/api');
    expect(defaultAuthUrl('https://acme.halopsa.com/api/')).toBe('https://acme.halopsa.com/auth');
  });

  it('adds ?tenant= to the token URL only for hosted Halo', () => {
    expect(tokenUrl('https://acme.halopsa.com/auth', 'acme')).toBe('https://acme.halopsa.com/auth/token?tenant=acme');
    expect(tokenUrl('https://halo.example.com/auth/', '  ')).toBe('https://halo.example.com/auth/token');
  });

  it('links tickets to the agent UI, not the API', () => {
    expect(ticketUiUrl('https://acme.halopsa.com/api', 1002)).toBe('https://acme.halopsa.com/ticket?id=1002');
  });
});

describe('HaloPSA ids and names', () => {
  it('accepts only positive integers as Halo ids', () => {
    expect(haloId('42')).toBe(42);
    expect(haloId(' 7 ')).toBe(7);
    expect(haloId('0')).toBeUndefined();
    expect(haloId('4x')).toBeUndefined();
    expect(haloId('-3')).toBeUndefined();
    expect(haloId(undefined)).toBeUndefined();
  });

  it('resolves names case-insensitively, and ids only when they exist', () => {
    expect(resolveNamed(statuses, 'in progress')).toBe(2);
    expect(resolveNamed(statuses, '3')).toBe(3);
    expect(resolveNamed(statuses, '99')).toBeUndefined();
    expect(resolveNamed(statuses, 'Doing')).toBeUndefined();
  });

  it('maps working statuses to ids and reports the unknown ones', () => {
    expect(workingStatusIds(statuses, ['IN PROGRESS', 'Working', 'in progress', 'waiting'])).toEqual({ ids: [2, 3], unknown: ['Working'] });
  });
});

describe('HaloPSA objects → Focusline types', () => {
  it('maps a ticket with its contact and site: every non-empty number, once, the extension kept as written', () => {
    const ticket = toPsaTicket(
      { id: 1002, summary: 'Email down', status_id: 2, client_id: 10, client_name: 'Acme Corp', site_id: 100, user_id: 50, user_name: 'Alice Acme' },
      'https://acme.halopsa.com',
      new Map([[2, 'In Progress']]),
      { user: { ...alice, homenumber: '(555) 010-1234 x12' }, site: { id: 100, phonenumber: '(555) 010-0000' } },
    );
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
      url: 'https://acme.halopsa.com/ticket?id=1002',
    });
  });

  it('names an unknown status by its id and leaves missing parts empty', () => {
    const ticket = toPsaTicket({ id: 5, summary: null, status_id: 77 }, 'https://h.example', new Map());
    expect(ticket).toMatchObject({ summary: '', status: 'Status 77', company: '', contactName: '', contactNumbers: [], companyNumbers: [] });
    expect(ticket.companyId).toBeUndefined();
    expect(ticket.contactId).toBeUndefined();
  });

  it('maps users to contacts and agents to members', () => {
    expect(userToPerson(alice)).toEqual({
      id: '50',
      kind: 'contact',
      name: 'Alice Acme',
      company: 'Acme Corp',
      companyId: '10',
      numbers: ['(555) 010-1234 x12', '+1 555 010 9999'],
      email: 'alice@acme.example',
    });
    // Halo's agent model (Uname) has no phone fields: an agent's numbers are its extension and its SMS number.
    expect(agentToPerson({ id: 8, name: 'Bob Tech', email: null, extensionnumber: '2008', sms: ' ' })).toEqual({
      id: '8',
      kind: 'member',
      name: 'Bob Tech',
      company: '',
      numbers: ['2008'],
      email: undefined,
    });
    // A name the definition allows to be null still names the person.
    expect(agentToPerson({ id: 9, name: null, email: 'nina@msp.example', extensionnumber: '2009', sms: '555-020-1009' })).toMatchObject({
      name: 'nina@msp.example',
      numbers: ['2009', '555-020-1009'],
    });
  });

  it('tells phone fields missing from the answer apart from empty ones', () => {
    expect(phoneFieldsHidden({ id: 1, name: 'X' })).toBe(true);
    expect(phoneFieldsHidden({ id: 1, name: 'X', phonenumber: '' })).toBe(false);
  });
});

describe('HaloPSA request bodies', () => {
  const request: NewTicketRequest = {
    ref: 'call-123',
    summary: 'Call from Alice',
    description: 'Printer on fire  ',
    contactId: '50',
    companyId: '10',
    callerNumber: '+15550101234',
    callerName: 'Alice',
    occurredAt: '2025-01-02T03:04:05.000Z',
  };

  it('creates a ticket as a one-element array whose details end with the ref marker', () => {
    const body = newTicketBody(request, 10, 4);
    expect(body).toEqual([
      {
        summary: 'Call from Alice',
        details: `Printer on fire\n\n${refMarker('call-123')}`,
        client_id: 10,
        user_id: 50,
        tickettype_id: 4,
        dateoccurred: '2025-01-02T03:04:05.000Z',
      },
    ]);
  });

  it('leaves out the contact and ticket type when there are none, and never sends an empty summary', () => {
    const [body] = newTicketBody({ ...request, contactId: undefined, summary: ' ' }, 99, undefined);
    expect(body).not.toHaveProperty('user_id');
    expect(body).not.toHaveProperty('tickettype_id');
    expect(body?.summary).toBe('Call from Alice');
    expect(body?.client_id).toBe(99);
  });

  it('writes notes with the internal flag as hiddenfromuser and never emails', () => {
    expect(noteActionBody({ ref: 'n1', ticketId: '1002', text: 'Called back', internal: false }, 1002)).toEqual([
      { ticket_id: 1002, note: `Called back\n\n${refMarker('n1')}`, outcome: 'Note', hiddenfromuser: false, sendemail: false },
    ]);
  });

  it('logs attempts as hidden "Phone Call" actions naming the caller and the time', () => {
    const [action] = attemptActionBody(
      {
        ref: 'a1',
        ticketId: '1002',
        callerNumber: '+15550101234',
        callerName: 'Alice',
        occurredAt: '2025-01-02T03:04:05Z',
        outcome: 'Held by Focus: sent to voicemail',
        text: '',
      },
      1002,
    );
    expect(action).toMatchObject({ ticket_id: 1002, outcome: 'Phone Call', hiddenfromuser: true, sendemail: false });
    expect(action?.note).toBe(`Held by Focus: sent to voicemail: Alice (+15550101234) at 2025-01-02T03:04:05Z\n\n${refMarker('a1')}`);
  });

  it('finds the ref marker only for the same ref', () => {
    expect(carriesRef(`x\n\n${refMarker('r-1')}`, 'r-1')).toBe(true);
    expect(carriesRef(`x\n\n${refMarker('r-10')}`, 'r-1')).toBe(false);
    expect(carriesRef(null, 'r-1')).toBe(false);
  });
});

describe('HaloPSA paging', () => {
  it('reads cursors as page numbers and stops at the last page', () => {
    expect(pageNumber(null)).toBe(1);
    expect(pageNumber('3')).toBe(3);
    expect(pageNumber('abc')).toBeUndefined();
    expect(nextCursor(1, 100, 100, 230)).toBe('2');
    expect(nextCursor(3, 100, 30, 230)).toBeNull();
    expect(nextCursor(2, 100, 100, 200)).toBeNull();
    // An empty page ends the listing even if record_count disagrees: no endless loop.
    expect(nextCursor(4, 100, 0, 999)).toBeNull();
  });
});

describe('HaloPSA caller matching', () => {
  it('searches broadest first: the national digits, then the local seven joined the usual ways; the punctuated national forms only as narrower terms', () => {
    // Halo's phone search matches anywhere in the number as stored: "5550101234" is inside "+15550101234",
    // "010-1234" inside "(555) 010-1234" and "555-010-1234", "010 1234" inside "+1 555 010 1234".
    const nanp = { broad: ['5550101234', '010-1234', '010 1234', '010.1234'], narrower: ['(555) 010-1234', '555-010-1234', '555.010.1234', '555 010 1234'] };
    expect(phoneSearchTerms('15550101234')).toEqual(nanp);
    expect(phoneSearchTerms('+15550101234'.replace('+', ''), 'US')).toEqual(nanp);
    expect(phoneSearchTerms('5550101234')).toEqual(nanp);
    // Elsewhere: the national groups without the trunk prefix, inside "020 7123 4567" and "+44 20 7123 4567".
    expect(phoneSearchTerms('02071234567', 'GB')).toEqual({ broad: ['2071234567', '20-7123-4567', '20 7123 4567', '20.7123.4567'], narrower: [] });
    expect(phoneSearchTerms('5550101')).toEqual({ broad: ['5550101', '555-0101', '555 0101', '555.0101'], narrower: [] });
    expect(phoneSearchTerms('2002')).toEqual({ broad: [], narrower: [] });
  });

  it('asks at most four broad terms (one round of searches in flight) and four narrower ones', () => {
    for (const [digits, region] of [
      ['15550101234', ''],
      ['02071234567', 'GB'],
      ['4930901820', 'DE'],
      ['61291234567', ''],
      ['5550101', ''],
    ] as const) {
      const plan = phoneSearchTerms(digits, region);
      expect(plan.broad.length, digits).toBeLessThanOrEqual(4);
      expect(plan.narrower.length, digits).toBeLessThanOrEqual(4);
    }
  });

  it('keeps only candidates whose numbers really match, strongest first', () => {
    const caller = callerFromDigits('15550101234', '');
    expect(caller).not.toBeNull();
    const lookalike: HaloUser = { id: 52, name: 'Fax', emailaddress: '15550101234@fax.example', phonenumber: '555-099-1234' };
    const sameLastSeven: HaloUser = { id: 53, name: 'Seven', phonenumber: '010-1234' };
    const match = bestCallerMatch([lookalike, sameLastSeven, alice], caller!, '');
    expect(match?.user.id).toBe(50);
    expect(match?.via).toBe('last-10-digits');
    expect(bestCallerMatch([lookalike], caller!, '')).toBeNull();
  });

  it('matches on E.164 when the region is known', () => {
    const caller = callerFromDigits('5550109999', 'US');
    expect(bestCallerMatch([alice], caller!, 'US')?.via).toBe('exact');
  });

  it('has no caller for an extension or no digits', () => {
    expect(callerFromDigits('2002', '')).toBeNull();
    expect(callerFromDigits('', '')).toBeNull();
  });
});

describe('HaloPSA error bodies', () => {
  it('reads OAuth errors, bare strings and message objects, and ignores HTML', () => {
    expect(describeHaloError(400, { error: 'invalid_client', error_description: 'Bad secret' })).toBe('Bad secret (invalid_client)');
    expect(describeHaloError(400, { error: 'invalid_client' })).toBe('invalid_client');
    expect(describeHaloError(400, '"Ticket type not found"'.slice(1, -1))).toBe('Ticket type not found');
    expect(describeHaloError(403, { ClassName: 'HaloException', Message: 'No access to Tickets' })).toBe('No access to Tickets');
    expect(describeHaloError(500, '<html>oops</html>')).toBeUndefined();
    expect(describeHaloError(500, 42)).toBeUndefined();
  });
});

describe('the agent "You as a Halo agent" names', () => {
  const agents = [
    { id: 7, name: 'Jane Tech', email: 'jane@msp.example' },
    { id: 8, name: 'Sam Lee', email: 'sam@msp.example' },
    { id: 9, name: 'sam lee ', email: 'sam.lee@msp.example' },
    { id: 10, name: null, email: 'nameless@msp.example' },
  ];
  it.each([
    ['an email, in any case', 'JANE@msp.example', { kind: 'found', agent: agents[0] }],
    ['a name only one agent has', 'jane tech', { kind: 'found', agent: agents[0] }],
    ['a name two agents have', 'Sam Lee', { kind: 'ambiguous', ids: [8, 9] }],
    ['an email of one of them', 'sam.lee@msp.example', { kind: 'found', agent: agents[2] }],
    ['nobody', 'Nobody', { kind: 'none' }],
  ])('%s', (_, wanted, expected) => {
    expect(agentNamed(agents, wanted)).toEqual(expected);
  });
});
