// Pure RT mapping, on REST2 answers captured from a live RT 5.0.3
// (test/harness/rt.ts data: tech1 with AdminUsers, limited1 without).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  activeTicketQuery,
  attemptBody,
  bestRequestorMatch,
  callerFromDigits,
  companyTicketsQuery,
  isSystemUser,
  nextPageCursor,
  pageFromCursor,
  personFromUser,
  phoneRequesterName,
  phoneSearchQuery,
  refCandidatesQuery,
  sqlString,
  ticketBody,
  ticketFromItem,
  ticketSubject,
  tokenOwnerId,
  tokenProblem,
} from '../../../../src-main/tickets/rt/rt-mapping.js';
import {
  RtAttachmentPageSchema,
  RtSystemSchema,
  RtTicketPageSchema,
  RtUserPageSchema,
  RtUserRecordSchema,
} from '../../../../src-main/tickets/rt/rt-schemas.js';

const BASE = 'http://127.0.0.1:18080';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as unknown;
}

const techTickets = RtTicketPageSchema.parse(fixture('tickets-search-tech.json'));
const restrictedTickets = RtTicketPageSchema.parse(fixture('tickets-search-restricted.json'));

function item(id: string) {
  const found = techTickets.items.find((i) => i.id === id);
  if (!found) throw new Error(`fixture has no ticket ${id}`);
  return found;
}

describe('ticketFromItem', () => {
  it('maps a ticket with its requester, phone numbers, organization and RT web link', () => {
    expect(ticketFromItem(item('1'), BASE)).toEqual({
      id: '1',
      summary: 'Printer down',
      status: 'open',
      company: 'Acme Corp',
      companyId: 'Acme Corp',
      contactName: 'Alice Caller',
      contactId: 'alice@example.com',
      contactNumbers: ['+1 (555) 010-0101', '555.010.0102'],
      companyNumbers: [],
      url: 'http://127.0.0.1:18080/Ticket/Display.html?id=1',
    });
  });

  it('takes every requester’s numbers, the first requester as the contact', () => {
    const t = ticketFromItem(item('3'), BASE);
    expect(t.contactName).toBe('Bob Brit');
    expect(t.company).toBe('Brit Ltd');
    expect(t.contactNumbers).toEqual(['+44 20 7946 0018', '+1 (555) 010-0101', '555.010.0102']);
  });

  it('maps a ticket without requesters to an empty contact', () => {
    const t = ticketFromItem(item('4'), BASE);
    expect(t).toMatchObject({ contactName: '', contactId: undefined, contactNumbers: [], company: '', companyId: undefined, status: 'new' });
  });

  it('gets no numbers when the token lacks AdminUsers (RT sends the phone fields empty)', () => {
    const [only] = restrictedTickets.items;
    expect(only).toBeDefined();
    const t = ticketFromItem(only!, BASE);
    expect(t.contactName).toBe('Alice Caller');
    expect(t.contactNumbers).toEqual([]);
  });
});

describe('REST2 schemas', () => {
  it('read the captured collections and records', () => {
    expect(RtSystemSchema.parse(fixture('rt.json')).Version).toMatch(/^5\./);
    expect(RtUserPageSchema.parse(fixture('users-page-1.json')).pages).toBe(2);
    expect(RtAttachmentPageSchema.parse(fixture('attachments.json')).items.map((a) => a.Content)).toEqual([
      'Rang\n\n[Focusline ref: n-1]',
      'Caller called\n\n[Focusline ref: abc-1]',
    ]);
    const summary = RtUserRecordSchema.parse(fixture('user-summary.json'));
    expect(summary.WorkPhone).toBe('');
    expect('Disabled' in (fixture('user-summary.json') as object)).toBe(false);
    expect('Disabled' in (fixture('user-full.json') as object)).toBe(true);
  });

  it('reject an answer that is not a ticket collection', () => {
    expect(RtTicketPageSchema.safeParse({ message: 'Not Found' }).success).toBe(false);
    expect(RtTicketPageSchema.safeParse({ count: 1, page: 1, per_page: 20, items: [{ Subject: 'no id' }] }).success).toBe(false);
  });
});

describe('personFromUser', () => {
  it('maps /users items and leaves RT’s own accounts out', () => {
    const page1 = RtUserPageSchema.parse(fixture('users-page-1.json'));
    const page2 = RtUserPageSchema.parse(fixture('users-page-2.json'));
    const people = [...page1.items, ...page2.items].filter((u) => !isSystemUser(u)).map((u) => personFromUser(u, 'contact'));
    expect(people.map((p) => p.id)).toEqual(['root', 'tech1', 'limited1', 'alice@example.com', 'bob@brit.example']);
    expect(people.find((p) => p.id === 'bob@brit.example')).toEqual({
      id: 'bob@brit.example',
      kind: 'contact',
      name: 'Bob Brit',
      company: 'Brit Ltd',
      companyId: 'Brit Ltd',
      numbers: ['+44 20 7946 0018'],
      email: 'bob@brit.example',
    });
  });
});

describe('caller matching', () => {
  const match = (digits: string) => {
    const caller = callerFromDigits(digits, 'US');
    return caller === null ? 'not a number' : (bestRequestorMatch(techTickets.items, caller, 'US')?.user.Name ?? null);
  };

  it('finds the requester from E.164 digits and from a number as dialled', () => {
    expect(match('15550100101')).toBe('alice@example.com');
    expect(match('5550100102')).toBe('alice@example.com');
    expect(match('442079460018')).toBe('bob@brit.example');
  });

  it('reports how strongly it matched, and on which stored number', () => {
    const caller = callerFromDigits('15550100102', 'US');
    expect(bestRequestorMatch(techTickets.items, caller!, 'US')).toMatchObject({ via: 'exact', number: '555.010.0102' });
  });

  it('rejects a number that only shares the searched digits', () => {
    expect(match('15550990101')).toBeNull();
    expect(match('442079460101')).toBeNull();
  });

  it('does not search for extensions', () => {
    expect(match('0101')).toBe('not a number');
  });

  it('finds nobody when RT hid the phone fields', () => {
    expect(bestRequestorMatch(restrictedTickets.items, callerFromDigits('15550100101', 'US')!, 'US')).toBeNull();
  });
});

describe('TicketSQL', () => {
  it('quotes values with backslash escapes', () => {
    expect(sqlString("O'Brien \\ Co")).toBe("'O\\'Brien \\\\ Co'");
    expect(companyTicketsQuery("O'Brien Ltd")).toBe("Requestor.Organization = 'O\\'Brien Ltd' AND Status = '__Active__'");
  });

  it('adds the working statuses to open, once each', () => {
    expect(activeTicketQuery([])).toBe("Owner = '__CurrentUser__' AND (Status = 'open')");
    expect(activeTicketQuery(['In Progress', 'OPEN', ' in progress '])).toBe("Owner = '__CurrentUser__' AND (Status = 'OPEN' OR Status = 'in progress')");
  });

  it('searches the three phone fields on the last four digits', () => {
    expect(phoneSearchQuery('15550100101')).toBe("(Requestor.WorkPhone LIKE '0101' OR Requestor.MobilePhone LIKE '0101' OR Requestor.HomePhone LIKE '0101')");
  });

  it('looks for an earlier createTicket by subject, creator and date', () => {
    expect(refCandidatesQuery("It's down", new Date('2026-11-16T10:00:00.000Z'))).toBe(
      "Creator = '__CurrentUser__' AND Subject = 'It\\'s down' AND Created > '2026-11-16 10:00:00'",
    );
  });
});

describe('bodies and names', () => {
  const request = {
    ref: 'r1',
    summary: '  Printer\n  down  ',
    description: 'Paper jam on floor 2.\n',
    callerNumber: '+1 (555) 010-0101',
    callerName: 'Alice',
    occurredAt: '2026-11-23T10:00:00.000Z',
  };

  it('makes a one-line subject of at most 200 characters, or one from the caller', () => {
    expect(ticketSubject(request)).toBe('Printer down');
    expect(ticketSubject({ ...request, summary: ' ' })).toBe('Call from Alice');
    expect(ticketSubject({ ...request, summary: 'x'.repeat(300) })).toHaveLength(200);
  });

  it('keeps the caller’s number in the ticket body', () => {
    expect(ticketBody(request)).toBe('Paper jam on floor 2.\n\nCaller: Alice (+1 (555) 010-0101)\nCall time: 2026-11-23T10:00:00.000Z');
  });

  it('writes the outcome first in a call log', () => {
    expect(
      attemptBody({
        ref: 'a',
        callerNumber: '+15550100101',
        callerName: '',
        occurredAt: '2026-11-23T10:00:00Z',
        outcome: 'Rang, answered',
        text: 'Talked 3 min',
      }),
    ).toBe('Rang, answered\nCaller: +15550100101\nCall time: 2026-11-23T10:00:00Z\n\nTalked 3 min');
  });

  it('names a phone-only requester by E.164, never by bare digits (RT would read those as a user id)', () => {
    expect(phoneRequesterName('(555) 012-3456', 'US')).toBe('+15550123456');
    expect(phoneRequesterName('0123456789012', 'US')).toBe('tel:0123456789012');
    expect(phoneRequesterName('Withheld', 'US')).toBeNull();
  });
});

describe('tokens and cursors', () => {
  it('reads the owner id out of an RT 5 token', () => {
    expect(tokenOwnerId('1-27-6128747512d09df857a6a344fcedcae8')).toBe('27');
    expect(tokenOwnerId('not-a-token')).toBeNull();
  });

  it('refuses tokens that cannot go into a header', () => {
    expect(tokenProblem('')).toMatch(/No RT auth token/);
    expect(tokenProblem('1-27-abc\ndef')).toMatch(/spaces or line breaks/);
    expect(tokenProblem('1-27-6128747512d09df857a6a344fcedcae8')).toBeNull();
  });

  it('pages from 1 and stops on the last page', () => {
    expect(pageFromCursor(null)).toBe(1);
    expect(pageFromCursor('3')).toBe(3);
    expect(pageFromCursor('0')).toBeNull();
    expect(pageFromCursor('abc')).toBeNull();
    expect(nextPageCursor(1, 2, 100, 100)).toBe('2');
    expect(nextPageCursor(2, 2, 21, 100)).toBeNull();
    expect(nextPageCursor(1, null, 100, 100)).toBe('2');
    expect(nextPageCursor(1, null, 99, 100)).toBeNull();
  });
});
