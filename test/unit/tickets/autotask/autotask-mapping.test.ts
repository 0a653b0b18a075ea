import { describe, expect, it } from 'vitest';
import {
  apiBase,
  atId,
  attemptTitle,
  bestCandidate,
  companyNoteBody,
  contactToPerson,
  credentialProblem,
  describeAutotaskError,
  discoveryBase,
  externalRef,
  mostRecentlyActive,
  newTicketBody,
  phoneFilter,
  phoneSearchFragments,
  picklistDefault,
  picklistOf,
  picklistValue,
  publishValue,
  queryBody,
  resourceToPerson,
  statusValues,
  ticketNoteBody,
  ticketWebUrl,
  toPsaTicket,
  type Picklist,
} from '../../../../src-main/tickets/autotask/autotask-mapping.js';
import type { AtCompany, AtContact, AtTicket } from '../../../../src-main/tickets/autotask/autotask-schemas.js';
import { refMarker } from '../../../../src-main/tickets/psa.js';

const statuses: Picklist = {
  field: 'status',
  values: [
    { value: '1', label: 'New', isDefaultValue: true },
    { value: '5', label: 'Complete' },
    { value: '8', label: 'In Progress' },
    { value: '13', label: 'Working ' },
  ],
};

describe('Autotask URLs and ids', () => {
  it('normalises the discovery URL and builds the zone API base', () => {
    expect(discoveryBase('https://webservices.autotask.net/atservicesrest/')).toBe('https://webservices.autotask.net/atservicesrest');
    expect(discoveryBase(' https://webservices.autotask.net/ATServicesRest/v1.0/ ')).toBe('https://webservices.autotask.net/ATServicesRest');
    expect(apiBase('https://webservices5.autotask.net/atservicesrest/')).toBe('https://webservices5.autotask.net/atservicesrest/V1.0');
  });

  it('links a ticket into the web UI, or nothing without a web URL', () => {
    expect(ticketWebUrl('https://ww5.autotask.net/', 42)).toBe(
      'https://ww5.autotask.net/Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenTicketDetail&TicketID=42',
    );
    expect(ticketWebUrl(null, 42)).toBeUndefined();
  });

  it('accepts only positive integer ids', () => {
    expect(atId('42')).toBe(42);
    expect(atId(' 7 ')).toBe(7);
    for (const bad of ['0', '-1', 'T20250304.0001', '1.5', '', undefined, null]) expect(atId(bad)).toBeUndefined();
  });
});

describe('Autotask queries', () => {
  it('clamps MaxRecords to 1–500 and includes fields only when asked', () => {
    expect(queryBody([], 1000)).toEqual({ filter: [], MaxRecords: 500 });
    expect(queryBody([], 0, ['id'])).toEqual({ filter: [], MaxRecords: 1, IncludeFields: ['id'] });
  });

  it('searches the last 7 digits in the usual spellings, on every phone field', () => {
    expect(phoneSearchFragments('+1 (555) 555-0101')).toEqual(['5550101', '555-0101', '555 0101', '555.0101']);
    expect(phoneSearchFragments('12345')).toBeUndefined();
    const filter = phoneFilter(['phone', 'mobilePhone'], ['5550101', '555-0101']);
    expect(filter).toEqual({
      op: 'or',
      items: [
        { op: 'contains', field: 'phone', value: '5550101' },
        { op: 'contains', field: 'phone', value: '555-0101' },
        { op: 'contains', field: 'mobilePhone', value: '5550101' },
        { op: 'contains', field: 'mobilePhone', value: '555-0101' },
      ],
    });
  });

  it('keeps the candidate whose number really is the caller, not one that merely contains the digits', () => {
    const candidates = [
      { id: 1, numbers: ['+1 212 555 0101 ext 9', '+44 20 5550 1019'] },
      { id: 2, numbers: ['(555) 555-0101'] },
    ];
    expect(bestCandidate('15555550101', candidates, (c) => c.numbers)?.id).toBe(2);
    expect(bestCandidate('15555550199', candidates, (c) => c.numbers)).toBeUndefined();
  });
});

describe('Autotask picklists', () => {
  it('resolves names case-insensitively, and ids pasted as names', () => {
    expect(picklistValue(statuses, 'in progress')).toBe(8);
    expect(picklistValue(statuses, 'WORKING')).toBe(13);
    expect(picklistValue(statuses, '5')).toBe(5);
    expect(picklistValue(statuses, 'Waiting')).toBeUndefined();
    expect(picklistValue(statuses, '')).toBeUndefined();
  });

  it('maps working statuses to values and names the unknown ones', () => {
    expect(statusValues(statuses, ['In Progress', 'working', 'in progress', 'Dispatched'])).toEqual({ values: [8, 13], unknown: ['Dispatched'] });
  });

  it('picks the default value, else the first by sort order; inactive values never', () => {
    expect(picklistDefault(statuses)).toBe(1);
    expect(
      picklistDefault({
        field: 'x',
        values: [
          { value: '4', label: 'b', sortOrder: 2 },
          { value: '3', label: 'a', sortOrder: 1 },
        ],
      }),
    ).toBe(3);
    const fields = [
      {
        name: 'Priority',
        picklistValues: [
          { value: '9', label: 'Old', isActive: false, isDefaultValue: true },
          { value: '2', label: 'Medium' },
        ],
      },
    ];
    expect(picklistDefault(picklistOf(fields, 'priority'))).toBe(2);
  });

  it('chooses the publish value by what the tenant calls internal and client-visible', () => {
    const a: Picklist = {
      field: 'publish',
      values: [
        { value: '1', label: 'All Autotask Users' },
        { value: '2', label: 'Internal Project Team' },
        { value: '3', label: 'All' },
      ],
    };
    expect(publishValue(a, true)).toBe(1);
    expect(publishValue(a, false)).toBe(3);
    const b: Picklist = {
      field: 'publish',
      values: [
        { value: '1', label: 'All' },
        { value: '2', label: 'Internal Only', isDefaultValue: true },
      ],
    };
    expect(publishValue(b, true)).toBe(2);
    expect(publishValue(b, false)).toBe(1);
    expect(publishValue({ field: 'publish', values: [{ value: '7', label: 'Team', isDefaultValue: true }] }, false)).toBeUndefined();
  });
});

describe('Autotask rows → Focusline', () => {
  const company: AtCompany = {
    id: 100,
    companyName: 'Acme Dental',
    phone: '(555) 555-0100',
    alternatePhone1: ' ',
    alternatePhone2: '555-555-0109',
    isActive: true,
  };
  const contact: AtContact = {
    id: 500,
    firstName: 'Dana',
    lastName: null,
    companyID: 100,
    phone: '(555) 555-0101',
    mobilePhone: null,
    alternatePhone: '555 555 0102',
    emailAddress: 'dana@acme.example',
  };

  it('maps a ticket with its company, contact, status label and web link', () => {
    const ticket: AtTicket = { id: 1001, ticketNumber: 'T20250304.0001', title: ' Email down ', status: 8, companyID: 100, contactID: 500 };
    expect(
      toPsaTicket(ticket, { companies: new Map([[100, company]]), contacts: new Map([[500, contact]]), statuses, webUrl: 'https://ww5.autotask.net/' }),
    ).toEqual({
      id: '1001',
      summary: 'T20250304.0001 Email down',
      status: 'In Progress',
      company: 'Acme Dental',
      companyId: '100',
      contactName: 'Dana',
      contactId: '500',
      contactNumbers: ['(555) 555-0101', '555 555 0102'],
      companyNumbers: ['(555) 555-0100', '555-555-0109'],
      url: 'https://ww5.autotask.net/Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenTicketDetail&TicketID=1001',
    });
  });

  it('maps a bare ticket (nulls everywhere) without inventing data', () => {
    const ticket: AtTicket = { id: 7, title: null, status: 42, companyID: null, contactID: null };
    expect(toPsaTicket(ticket, { companies: new Map(), contacts: new Map(), statuses, webUrl: null })).toEqual({
      id: '7',
      summary: '(no title)',
      status: 'Status 42',
      company: '',
      companyId: undefined,
      contactName: '',
      contactId: undefined,
      contactNumbers: [],
      companyNumbers: [],
      url: undefined,
    });
  });

  it('maps contacts and resources to people', () => {
    expect(contactToPerson(contact, 'Acme Dental')).toEqual({
      id: '500',
      kind: 'contact',
      name: 'Dana',
      company: 'Acme Dental',
      companyId: '100',
      numbers: ['(555) 555-0101', '555 555 0102'],
      email: 'dana@acme.example',
    });
    expect(resourceToPerson({ id: 9, firstName: null, lastName: null, userName: 'jtech', officePhone: '555-0100', mobilePhone: '', email: null })).toEqual({
      id: '9',
      kind: 'member',
      name: 'jtech',
      company: '',
      numbers: ['555-0100'],
      email: undefined,
    });
  });

  it('the active ticket is the one touched last', () => {
    const tickets: AtTicket[] = [
      { id: 1, lastActivityDate: '2025-03-04T08:00:00Z' },
      { id: 2, lastActivityDate: '2025-03-04T09:00:00Z' },
      { id: 3, lastActivityDate: null, createDate: '2025-03-04T08:30:00Z' },
    ];
    expect(mostRecentlyActive(tickets)?.id).toBe(2);
    expect(mostRecentlyActive([])).toBeUndefined();
  });
});

describe('Autotask write bodies', () => {
  const request = {
    ref: 'ref-1',
    summary: '  Call   from\nDana ',
    description: 'Printer on fire.',
    callerNumber: '+15555550101',
    callerName: 'Dana',
    occurredAt: '2025-03-04T09:00:00Z',
  };

  it('a ticket body ends with the ref marker and carries the ref as externalID', () => {
    expect(newTicketBody(request, { companyId: 100, contactId: 500, status: 1, priority: 2, source: 2, queueId: 29683481 })).toEqual({
      companyID: 100,
      contactID: 500,
      title: 'Call from Dana',
      description: `Printer on fire.\n\n${refMarker('ref-1')}`,
      status: 1,
      priority: 2,
      source: 2,
      queueID: 29683481,
      externalID: 'ref-1',
    });
  });

  it('leaves out what is unknown and keeps the marker when the description is cut', () => {
    const body = newTicketBody({ ...request, description: 'x'.repeat(20_000) }, { companyId: 174, status: 1, priority: 2 });
    expect(Object.keys(body).sort()).toEqual(['companyID', 'description', 'externalID', 'priority', 'status', 'title']);
    expect(String(body['description']).length).toBeLessThanOrEqual(8000);
    expect(String(body['description']).endsWith(refMarker('ref-1'))).toBe(true);
  });

  it('hashes refs longer than externalID allows, distinctly', () => {
    const long = 'r'.repeat(60);
    expect(externalRef(long)).toHaveLength(50);
    expect(externalRef(long)).not.toBe(externalRef(`${long}x`));
    expect(externalRef('0b9c3f1e-7a1d-4c55-9f43-0e3b8d2b6a10')).toBe('0b9c3f1e-7a1d-4c55-9f43-0e3b8d2b6a10');
  });

  it('note and company-note bodies', () => {
    expect(ticketNoteBody(1000, { title: '', text: 'Hi', ref: 'n', noteType: 3, publish: 1 })).toEqual({
      ticketID: 1000,
      title: 'Focusline note',
      description: `Hi\n\n${refMarker('n')}`,
      noteType: 3,
      publish: 1,
    });
    const attempt = {
      ref: 'a',
      callerNumber: '+15555550101',
      callerName: '+15555550101',
      occurredAt: '2025-03-04T09:00:00Z',
      outcome: 'Missed',
      text: 'No answer',
    };
    expect(attemptTitle(attempt)).toBe('Phone call from +15555550101: Missed');
    expect(companyNoteBody(attempt, { companyId: 174, actionType: 1, resourceId: 9 })).toEqual({
      companyID: 174,
      actionType: 1,
      assignedResourceID: 9,
      name: 'Phone call from +15555550101: Missed',
      note: `No answer\n\n${refMarker('a')}`,
      startDateTime: attempt.occurredAt,
      endDateTime: attempt.occurredAt,
      completedDateTime: attempt.occurredAt,
    });
  });
});

describe("Autotask's errors", () => {
  const who = { username: 'api@msp.example', impersonationResourceId: '29682886' };

  it("reads Autotask's errors envelope and .NET's Message", () => {
    expect(describeAutotaskError(500, { errors: ['A', 'B'] })).toBe('A; B');
    expect(describeAutotaskError(500, { Message: 'An error has occurred.' })).toBe('An error has occurred.');
    expect(describeAutotaskError(500, '<html>')).toBeUndefined();
  });

  it('turns the credential 500s into auth or permission problems, and nothing else', () => {
    expect(credentialProblem(500, { errors: ['Zone information could not be determined'] }, who)).toMatchObject({
      kind: 'auth',
      message: expect.stringMatching(/doesn't know the API user "api@msp\.example"/),
    });
    expect(credentialProblem(500, { errors: ['IntegrationCode is invalid.'] }, who)).toMatchObject({
      kind: 'auth',
      message: expect.stringMatching(/integration code/),
    });
    expect(credentialProblem(500, { errors: ['Invalid user name or password.'] }, who)).toMatchObject({
      kind: 'auth',
      message: expect.stringMatching(/API user name and secret/),
    });
    expect(credentialProblem(500, { errors: ['Impersonation of resource 29682886 is not allowed'] }, who)).toMatchObject({
      kind: 'forbidden',
      message: expect.stringMatching(/act as resource 29682886/),
    });
    expect(credentialProblem(500, { errors: ['Object reference not set to an instance of an object.'] }, who)).toBeUndefined();
    expect(credentialProblem(500, { message: 'injected 500' }, who)).toBeUndefined();
    expect(credentialProblem(400, { errors: ['IntegrationCode is invalid.'] }, who)).toBeUndefined();
  });
});
