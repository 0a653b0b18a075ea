import { describe, expect, it } from 'vitest';
import {
  activityBody,
  basicAuthorization,
  bestCandidate,
  callerMatchStrength,
  contactPhoneNumbers,
  contactToPerson,
  cwDate,
  cwId,
  cwString,
  describeCwError,
  judgeStopwatch,
  likeAnywhere,
  memberToPerson,
  newTicketBody,
  nextPageCursor,
  noteBody,
  pageFromCursor,
  searchTail,
  ticketUrl,
  toPsaTicket,
  truncateSummary,
  whoLabel,
} from '../../../../src-main/tickets/connectwise/connectwise-mapping.js';
import type { CwContact, CwStopwatch } from '../../../../src-main/tickets/connectwise/connectwise-schemas.js';
import { refMarker, type NewTicketRequest } from '../../../../src-main/tickets/psa.js';

const site = { url: 'https://api-na.myconnectwise.net/', companyId: 'acme' };
const NOW = new Date('2025-03-01T10:00:00Z');
const rules = { workingStatuses: ['In Progress', ' Working '], stopwatchMinSeconds: 120 };

function stopwatch(overrides: Partial<CwStopwatch> = {}): CwStopwatch {
  return { ticket: { id: 30 }, status: 'Running', startTime: '2025-03-01T09:59:50Z', totalPauseTime: 0, ...overrides };
}

const alice: CwContact = {
  id: 20,
  firstName: 'Alice',
  lastName: 'Jones',
  company: { id: 10, name: 'Contoso Ltd', identifier: 'Contoso' },
  defaultPhoneNbr: '5550101234',
  communicationItems: [
    { value: '5550101234', communicationType: 'Phone' },
    { value: ' (555) 010-7777 ', communicationType: 'phone' },
    { value: 'alice@contoso.example', communicationType: 'Email' },
    { value: '5550108888', communicationType: 'Fax' },
  ],
};

describe('conditions strings', () => {
  it('quotes strings with escaped quotes and backslashes', () => {
    expect(cwString('jdoe')).toBe('"jdoe"');
    expect(cwString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  it('turns SQL Server wildcards in a like fragment into single-character wildcards', () => {
    expect(likeAnywhere('5550101')).toBe('"%5550101%"');
    expect(likeAnywhere(refMarker('a_b%c'))).toBe('"%_Focusline ref: a_b_c_%"');
  });

  it('accepts only positive integer ids', () => {
    expect(cwId('42')).toBe(42);
    expect(cwId(' 7 ')).toBe(7);
    expect(cwId('0')).toBeUndefined();
    expect(cwId('-3')).toBeUndefined();
    expect(cwId('contact:42')).toBeUndefined();
    expect(cwId(undefined)).toBeUndefined();
  });
});

describe('auth and links', () => {
  it('builds Basic companyId+publicKey:privateKey', () => {
    expect(basicAuthorization('acme', 'pub', 'pr:iv')).toBe(`Basic ${Buffer.from('acme+pub:pr:iv').toString('base64')}`);
  });

  it('links tickets to the UI host, not the api- host', () => {
    expect(ticketUrl(site, 30)).toBe(
      'https://na.myconnectwise.net/v4_6_release/services/system_io/Service/fv_sr100_request.rsp?service_recid=30&companyName=acme',
    );
    expect(ticketUrl({ url: 'not a url', companyId: 'x' }, 1)).toBeUndefined();
  });
});

describe('mapping', () => {
  it('keeps only phone-type numbers, trimmed and without duplicates', () => {
    expect(contactPhoneNumbers(alice)).toEqual(['5550101234', '(555) 010-7777']);
    expect(contactPhoneNumbers({ id: 1 })).toEqual([]);
  });

  it('maps a ticket with its contact and company', () => {
    const ticket = toPsaTicket(
      {
        id: 30,
        summary: 'Printer',
        status: { name: 'In Progress' },
        company: { id: 10, name: 'Contoso Ltd' },
        contact: { id: 20, name: 'Alice Jones' },
        contactPhoneNumber: '555-010-9000',
      },
      site,
      { contact: alice, company: { id: 10, name: 'Contoso Ltd', phoneNumber: '5550109999' } },
    );
    expect(ticket).toEqual({
      id: '30',
      summary: 'Printer',
      status: 'In Progress',
      company: 'Contoso Ltd',
      companyId: '10',
      contactName: 'Alice Jones',
      contactId: '20',
      contactNumbers: ['555-010-9000', '5550101234', '(555) 010-7777'],
      companyNumbers: ['5550109999'],
      url: expect.stringContaining('service_recid=30') as unknown as string,
    });
  });

  it('maps a bare ticket without crashing on missing parts', () => {
    expect(toPsaTicket({ id: 5, summary: 'x' }, site)).toMatchObject({
      status: '',
      company: '',
      companyId: undefined,
      contactName: '',
      contactId: undefined,
      contactNumbers: [],
      companyNumbers: [],
    });
  });

  it('maps contacts and members to people', () => {
    expect(contactToPerson(alice)).toEqual({
      id: '20',
      kind: 'contact',
      name: 'Alice Jones',
      company: 'Contoso Ltd',
      companyId: '10',
      numbers: ['5550101234', '(555) 010-7777'],
    });
    const member = {
      id: 1,
      identifier: 'jdoe',
      firstName: 'Jane',
      lastName: 'Doe',
      officePhone: '2000',
      mobilePhone: '',
      homePhone: null,
      officeEmail: 'jane@msp.example',
    };
    expect(memberToPerson(member)).toEqual({ id: '1', kind: 'member', name: 'Jane Doe', company: '', numbers: ['2000'], email: 'jane@msp.example' });
    expect(memberToPerson({ id: 2, identifier: 'svc' }).name).toBe('svc');
    expect(whoLabel(member)).toBe('jdoe (Jane Doe)');
    expect(whoLabel({ id: 2, identifier: 'svc' })).toBe('svc');
  });
});

describe('stopwatch guard', () => {
  it('counts a running stopwatch on a ticket in a working status at once (case-insensitive)', () => {
    expect(judgeStopwatch(stopwatch(), 'in progress', rules, NOW).counts).toBe(true);
    expect(judgeStopwatch(stopwatch(), 'WORKING', rules, NOW).counts).toBe(true);
  });

  it('outside the working statuses, counts only after stopwatchMinSeconds of unpaused running', () => {
    expect(judgeStopwatch(stopwatch(), 'New', rules, NOW)).toEqual({ counts: false, why: expect.stringMatching(/autoStartStopwatch/) as unknown as string });
    expect(judgeStopwatch(stopwatch({ startTime: '2025-03-01T09:58:00Z' }), 'New', rules, NOW).counts).toBe(true);
    expect(judgeStopwatch(stopwatch({ startTime: '2025-03-01T09:58:00Z', totalPauseTime: 1 }), 'New', rules, NOW).counts).toBe(false);
  });

  it('never counts paused, stopped, ended or unknown states, nor an unreadable start', () => {
    for (const status of ['Paused', 'Stopped', 'Idle', '']) {
      expect(judgeStopwatch(stopwatch({ status }), 'In Progress', rules, NOW).counts, status).toBe(false);
    }
    expect(judgeStopwatch(stopwatch({ endTime: '2025-03-01T09:59:59Z' }), 'In Progress', rules, NOW).counts).toBe(false);
    expect(judgeStopwatch(stopwatch({ startTime: null }), 'New', rules, NOW).counts).toBe(false);
  });

  it('an empty status never matches an empty working-status entry', () => {
    expect(judgeStopwatch(stopwatch(), '', { workingStatuses: [''], stopwatchMinSeconds: 120 }, NOW).counts).toBe(false);
  });
});

describe('caller check', () => {
  it('searches on the last 7 digits; fewer is an extension', () => {
    expect(searchTail('+1 (555) 010-1234')).toBe('0101234');
    expect(searchTail('2002')).toBeUndefined();
  });

  it('matches on the whole number or its last 10/7 digits, never on digits in the middle', () => {
    expect(callerMatchStrength('15550101234', ['(555) 010-1234'])).toBe('last-10-digits');
    expect(callerMatchStrength('15550101234', ['+1 555 010 1234'])).toBe('last-10-digits');
    expect(callerMatchStrength('+15550101234', ['+1 555 010 1234'])).toBe('exact');
    expect(callerMatchStrength('15550101234', ['010-1234'])).toBe('last-7-digits');
    expect(callerMatchStrength('15550101234', ['44401012349'])).toBeUndefined();
    // Both have a whole national number: a different area code never matches on 7 digits.
    expect(callerMatchStrength('15550101234', ['(212) 010-1234'])).toBeUndefined();
    expect(callerMatchStrength('2002', ['2002'])).toBeUndefined();
  });

  it('picks the strongest candidate, the first on a tie', () => {
    const candidates = [
      { id: 'decoy', numbers: ['44401012349'] },
      { id: 'seven', numbers: ['010-1234'] },
      { id: 'ten', numbers: ['555.010.1234'] },
      { id: 'ten-again', numbers: ['5550101234'] },
    ];
    expect(bestCandidate('15550101234', candidates, (c) => c.numbers)?.id).toBe('ten');
    expect(bestCandidate('15550101234', candidates.slice(0, 1), (c) => c.numbers)).toBeUndefined();
  });
});

describe('write bodies', () => {
  const request: NewTicketRequest = {
    ref: 'r1',
    summary: '  ',
    description: 'Details',
    callerNumber: '+15550101234',
    callerName: '',
    occurredAt: '2025-03-01T10:02:03.456Z',
  };

  it('fits summaries into 100 characters, at a word boundary when one is near', () => {
    expect(truncateSummary('Short')).toBe('Short');
    const long = truncateSummary(`Call from Alice ${'about the printer '.repeat(10)}`);
    expect(long.length).toBeLessThanOrEqual(100);
    expect(long).toMatch(/printer…$|the…$|about…$/);
    const noSpaces = truncateSummary('x'.repeat(150));
    expect(noSpaces).toBe(`${'x'.repeat(99)}…`);
    expect(truncateSummary('a\n\nb   c')).toBe('a b c');
  });

  it('a ticket body without contact, board or summary still has what CW requires', () => {
    expect(newTicketBody(request, { identifier: 'Catchall' }, ' ', undefined)).toEqual({
      summary: 'Call from +15550101234',
      company: { identifier: 'Catchall' },
      source: { name: 'Phone' },
      initialDescription: `Details\n\n${refMarker('r1')}`,
      externalXRef: 'r1',
    });
  });

  it('notes always carry exactly one audience flag and never notify', () => {
    expect(noteBody({ ref: 'n', ticketId: '1', text: 'x', internal: true })).toMatchObject({
      internalAnalysisFlag: true,
      detailDescriptionFlag: false,
      processNotifications: false,
    });
    expect(noteBody({ ref: 'n', ticketId: '1', text: 'x', internal: false })).toMatchObject({
      internalAnalysisFlag: false,
      detailDescriptionFlag: true,
      processNotifications: false,
    });
  });

  it('activities are Calls assigned to me, dated without milliseconds, and omit unknown links', () => {
    const body = activityBody(
      { ref: 'a', callerNumber: '+15550101234', callerName: '', occurredAt: '2025-03-01T10:02:03.456Z', outcome: 'Rang, answered', text: 'ok' },
      'jdoe',
      {},
    );
    expect(body).toEqual({
      name: 'Call +15550101234: Rang, answered',
      type: { name: 'Call' },
      assignTo: { identifier: 'jdoe' },
      phoneNumber: '+15550101234',
      dateStart: '2025-03-01T10:02:03Z',
      notes: `ok\n\n${refMarker('a')}`,
    });
    expect(cwDate('not a date')).toBe('not a date');
  });
});

describe('errors and paging', () => {
  it('reads CW error bodies', () => {
    expect(
      describeCwError(400, {
        code: 'InvalidObject',
        message: 'ticket object is invalid',
        errors: [{ code: 'NullValue', message: 'The summary field is required.', field: 'summary' }],
      }),
    ).toBe('ticket object is invalid; The summary field is required.');
    expect(describeCwError(400, { message: 'bad', errors: [{ message: 'must be set', field: 'board' }] })).toBe('bad; board: must be set');
    expect(describeCwError(401, { code: 'Unauthorized' })).toBe('Unauthorized');
    expect(describeCwError(500, '<html>')).toBeUndefined();
    expect(describeCwError(500, {})).toBeUndefined();
  });

  it('follows the Link header when there is one, else a full page means "maybe more"', () => {
    expect(nextPageCursor(1, 2, 2, '<https://x?page=2>; rel="next", <https://x?page=3>; rel="last"')).toBe('2');
    expect(nextPageCursor(3, 2, 2, '<https://x?page=1>; rel="first", <https://x?page=2>; rel="prev"')).toBeNull();
    expect(nextPageCursor(1, 2, 2, null)).toBe('2');
    expect(nextPageCursor(1, 1, 2, null)).toBeNull();
    expect(pageFromCursor(null)).toBe(1);
    expect(pageFromCursor('3')).toBe(3);
    expect(pageFromCursor('0')).toBeUndefined();
    expect(pageFromCursor('abc')).toBeUndefined();
  });
});
