// The RT adapter against a real Request Tracker 5 on 127.0.0.1 (test/harness/rt.ts):
// tech1 has the rights a technician gets in a real deployment (incl. AdminUsers,
// which is what shows requesters' phone fields), limited1 lacks AdminUsers.
// Every assertion about a write is checked in RT itself, as root.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RtConfig } from '../../src-main/tickets/psa-config.js';
import { PsaError, refMarker, type PsaAdapter, type PsaPerson } from '../../src-main/tickets/psa.js';
import { createRtAdapter } from '../../src-main/tickets/rt/rt-adapter.js';
import { isListening } from '../harness/ports.js';
import { delay, isPidOrGroupAlive } from '../harness/processes.js';
import { startRt, type RtServer } from '../harness/rt.js';

const BULK_CONTACTS = 120;

let rt: RtServer;
let tech: PsaAdapter;
const ids: Record<string, string> = {};

function config(overrides: Partial<RtConfig> = {}): RtConfig {
  return {
    kind: 'rt',
    url: rt.url,
    token: rt.techToken,
    workingStatuses: [],
    queue: '',
    unknownCallerCompany: '',
    stopwatchMinSeconds: 0,
    timeoutMs: 10_000,
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<PsaError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PsaError) return error;
    throw error;
  }
  throw new Error('expected a PsaError, but the call succeeded');
}

beforeAll(async () => {
  rt = await startRt({ bulkContacts: BULK_CONTACTS });
  tech = createRtAdapter(config());
  await rt.createUser({
    Name: 'alice@acme.example',
    EmailAddress: 'alice@acme.example',
    RealName: 'Alice Caller',
    WorkPhone: '+1 (555) 010-0101',
    MobilePhone: '555.010.0102',
    Organization: 'Acme Corp',
  });
  await rt.createUser({
    Name: 'carol@acme.example',
    EmailAddress: 'carol@acme.example',
    RealName: 'Carol Acme',
    WorkPhone: '+1 555 010 0199',
    Organization: 'Acme Corp',
  });
  await rt.createUser({
    Name: 'bob@brit.example',
    EmailAddress: 'bob@brit.example',
    RealName: 'Bob Brit',
    WorkPhone: '+44 20 7946 0018',
    Organization: 'Brit Ltd',
  });
  // Created in this order, so "newest first" is checkable by id.
  ids['aliceResolved'] = await rt.createTicket({ Subject: 'Old printer issue', Requestor: 'alice@acme.example', Content: 'fixed last year' });
  await rt.setOwnerStatus(ids['aliceResolved'], 'tech1', 'resolved');
  ids['aliceWorking'] = await rt.createTicket({ Subject: 'Printer down', Requestor: 'alice@acme.example', Owner: 'tech1', Content: 'Paper jam' });
  ids['aliceNew'] = await rt.createTicket({ Subject: 'VPN slow', Requestor: 'alice@acme.example', Content: 'since Monday' });
  ids['carolNew'] = await rt.createTicket({ Subject: 'New laptop', Requestor: 'carol@acme.example', Content: 'for Dave' });
  ids['bobStalled'] = await rt.createTicket({ Subject: 'Waiting on vendor', Requestor: 'bob@brit.example', Owner: 'tech1', Content: 'RMA' });
  await rt.setOwnerStatus(ids['bobStalled'], 'tech1', 'stalled');
  ids['unrelated'] = await rt.createTicket({ Subject: 'Someone else’s', Requestor: 'carol@acme.example', Owner: 'root', Content: 'not tech1s' });
  await rt.setOwnerStatus(ids['unrelated'], 'root', 'open');
}, 120_000);

afterAll(async () => {
  await rt?.dispose();
});

describe('RT test bed', () => {
  it('serves REST2 on 127.0.0.1 only, from its own SQLite file', async () => {
    console.log(`RT setup: ${rt.setupMs} ms`, rt.setupPhasesMs);
    expect(rt.url).toBe(`http://127.0.0.1:${rt.port}`);
    expect(await isListening('tcp', rt.port)).toBe(true);
    expect(existsSync(join(rt.workDir, 'rt5.db'))).toBe(true);
    expect(isPidOrGroupAlive(rt.pid)).toBe(true);
  });
});

describe('active ticket and ticket reads', () => {
  it('has no active ticket while none of tech1’s tickets is open', async () => {
    expect(await tech.activeTicket()).toBeNull();
  });

  it('detects the ticket tech1 owns in status open, with the requester’s phone numbers', async () => {
    await rt.setOwnerStatus(ids['aliceWorking']!, 'tech1', 'open');
    const active = await tech.activeTicket();
    expect(active).toEqual({
      id: ids['aliceWorking'],
      summary: 'Printer down',
      status: 'open',
      company: 'Acme Corp',
      companyId: 'Acme Corp',
      contactName: 'Alice Caller',
      contactId: 'alice@acme.example',
      contactNumbers: ['+1 (555) 010-0101', '555.010.0102'],
      companyNumbers: [],
      url: `${rt.url}/Ticket/Display.html?id=${ids['aliceWorking']}`,
    });
  });

  it('counts configured working statuses too, most recently updated first', async () => {
    const withStalled = createRtAdapter(config({ workingStatuses: ['stalled'] }));
    // RT keeps LastUpdated in whole seconds: step past the second the other tickets were touched in, or "most recent" is a tie.
    await delay(1_100);
    await rt.rest('PUT', `/ticket/${ids['bobStalled']}`, { Subject: 'Waiting on vendor (chased)' });
    expect((await withStalled.activeTicket())?.id).toBe(ids['bobStalled']);
    expect((await tech.activeTicket())?.id).toBe(ids['aliceWorking']);
  });

  it('reads one ticket, and null for one that does not exist', async () => {
    expect(await tech.getTicket(ids['carolNew']!)).toMatchObject({
      summary: 'New laptop',
      status: 'new',
      contactName: 'Carol Acme',
      contactNumbers: ['+1 555 010 0199'],
    });
    expect(await tech.getTicket('999999')).toBeNull();
    expect(await tech.getTicket('not-a-number')).toBeNull();
  });

  it('lists tech1’s unresolved tickets only', async () => {
    const mine = (await tech.myOpenTickets()).map((t) => t.id).sort();
    expect(mine).toEqual([ids['aliceWorking'], ids['bobStalled']].sort());
  });
});

describe('caller lookup', () => {
  it('finds the requester from an E.164 number, with company and open tickets newest first', async () => {
    const match = await tech.findCaller('15550100101');
    expect(match.person).toMatchObject({
      id: 'alice@acme.example',
      kind: 'contact',
      name: 'Alice Caller',
      company: 'Acme Corp',
      numbers: ['+1 (555) 010-0101', '555.010.0102'],
    });
    expect(match.company).toEqual({ id: 'Acme Corp', name: 'Acme Corp' });
    expect(match.openTickets.map((t) => t.id)).toEqual([ids['aliceNew'], ids['aliceWorking']]);
  });

  it('finds the requester from a "+1 (555) 010-0102"-style number as dialled, and a UK number', async () => {
    expect((await tech.findCaller('+1 (555) 010-0102'.replace(/\D/g, ''))).person?.id).toBe('alice@acme.example');
    expect((await tech.findCaller('5550100102')).person?.id).toBe('alice@acme.example');
    const bob = await tech.findCaller('442079460018');
    expect(bob.person?.id).toBe('bob@brit.example');
    expect(bob.openTickets.map((t) => t.id)).toEqual([ids['bobStalled']]);
  });

  it('does not take a number that only shares the last digits RT searched on', async () => {
    expect(await tech.findCaller('15550990101')).toEqual({ person: null, company: null, openTickets: [] });
  });

  it('lists a company’s open tickets by organization, newest first', async () => {
    const acme = (await tech.openTicketsForCompany('Acme Corp')).map((t) => t.id);
    expect(acme).toEqual([ids['unrelated'], ids['carolNew'], ids['aliceNew'], ids['aliceWorking']]);
    expect(await tech.openTicketsForCompany('Nobody Inc')).toEqual([]);
  });
});

describe('writes, idempotent on ref', () => {
  const request = {
    summary: 'Call: scanner offline',
    description: 'Scanner on floor 3 shows offline.',
    callerNumber: '+1 (555) 010-0101',
    callerName: 'Alice Caller',
    occurredAt: '2026-11-23T10:00:00.000Z',
  };

  it('creates a ticket visible in RT with the ref marker, and a retry returns the same ticket', async () => {
    const first = await tech.createTicket({ ...request, ref: 'create-1', contactId: 'alice@acme.example', companyId: 'Acme Corp' });
    expect(first.url).toBe(`${rt.url}/Ticket/Display.html?id=${first.ticketId}`);
    const history = await rt.ticketHistory(first.ticketId);
    const create = history.find((t) => t.type === 'Create');
    expect(create?.creator).toBe('tech1');
    expect(create?.content).toContain('Scanner on floor 3 shows offline.');
    expect(create?.content).toContain('+1 (555) 010-0101');
    expect(create?.content.trimEnd().endsWith(refMarker('create-1'))).toBe(true);
    const requestors = (await rt.rest('GET', `/ticket/${first.ticketId}`)).body as { Requestor: { id: string }[] };
    expect(requestors.Requestor.map((r) => r.id)).toEqual(['alice@acme.example']);

    const again = await tech.createTicket({ ...request, ref: 'create-1', contactId: 'alice@acme.example', companyId: 'Acme Corp' });
    expect(again.ticketId).toBe(first.ticketId);
    expect(await rt.searchTickets(`Subject = '${request.summary}'`)).toEqual([first.ticketId]);
  });

  it("skips the search on the outbox's first try: the flag is trusted, so it must only be set when nothing can exist", async () => {
    const summary = 'First try: no search';
    const first = await tech.createTicket({ ...request, summary, ref: 'first-try-1' });
    const trusted = await tech.createTicket({ ...request, summary, ref: 'first-try-1', firstTry: true });
    expect(trusted.ticketId).not.toBe(first.ticketId);
    const retried = await tech.createTicket({ ...request, summary, ref: 'first-try-1' });
    expect([first.ticketId, trusted.ticketId]).toContain(retried.ticketId);
    expect(await rt.searchTickets(`Subject = '${summary}'`)).toHaveLength(2);
  });

  it("stores a voicemail's recording with the new ticket as an attachment", async () => {
    const bytes = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3, 4, 5]);
    const created = await tech.createTicket({
      ...request,
      summary: 'Voicemail ticket',
      ref: 'vm-attach-1',
      attachments: [{ fileName: 'voicemail-2026-11-23-1042.webm', mimeType: 'audio/webm', bytes }],
    });
    const attachments = (await rt.rest('GET', `/ticket/${created.ticketId}/attachments?fields=Filename,ContentType,ContentLength`)).body as {
      items: { Filename: string; ContentType: string }[];
    };
    expect(attachments.items).toContainEqual(expect.objectContaining({ Filename: 'voicemail-2026-11-23-1042.webm', ContentType: 'audio/webm' }));
  });

  it('makes a second ticket for a different ref with the same summary', async () => {
    const other = await tech.createTicket({ ...request, ref: 'create-2', contactId: 'alice@acme.example' });
    const all = await rt.searchTickets(`Subject = '${request.summary}'`);
    expect(all).toHaveLength(2);
    expect(all).toContain(other.ticketId);
  });

  it('makes an unknown caller’s number the requester, so their next call finds the ticket', async () => {
    const created = await tech.createTicket({
      ...request,
      ref: 'create-unknown',
      summary: 'Call from unknown',
      callerNumber: '(555) 012-3456',
      callerName: 'Dave',
    });
    const ticket = (await rt.rest('GET', `/ticket/${created.ticketId}`)).body as { Requestor: { id: string }[] };
    expect(ticket.Requestor.map((r) => r.id)).toEqual(['+15550123456']);
    const match = await tech.findCaller('15550123456');
    expect(match.person).toMatchObject({ id: '+15550123456', name: 'Dave', numbers: ['(555) 012-3456'] });
    expect(match.openTickets.map((t) => t.id)).toEqual([created.ticketId]);
    // A retry reuses both the requester and the ticket.
    expect(
      (await tech.createTicket({ ...request, ref: 'create-unknown', summary: 'Call from unknown', callerNumber: '(555) 012-3456', callerName: 'Dave' }))
        .ticketId,
    ).toBe(created.ticketId);
  });

  it('adds an internal note as a Comment once per ref, a public one as Correspond', async () => {
    const ticketId = ids['aliceWorking']!;
    const note = { ref: 'note-1', ticketId, text: 'Caller says the jam is cleared.', internal: true };
    expect(await tech.addNote(note)).toEqual({ ticketId, url: `${rt.url}/Ticket/Display.html?id=${ticketId}` });
    await tech.addNote(note);
    await tech.addNote({ ref: 'note-2', ticketId, text: 'We will call you back.', internal: false });
    const history = await rt.ticketHistory(ticketId);
    const withNote1 = history.filter((t) => t.content.includes(refMarker('note-1')));
    expect(withNote1.map((t) => [t.type, t.creator])).toEqual([['Comment', 'tech1']]);
    expect(withNote1[0]?.content).toContain('Caller says the jam is cleared.');
    expect(history.filter((t) => t.type === 'Correspond' && t.content.includes(refMarker('note-2')))).toHaveLength(1);
  });

  it('logs a call attempt on its ticket as a Comment once per ref', async () => {
    const ticketId = ids['carolNew']!;
    const attempt = {
      ref: 'attempt-1',
      ticketId,
      callerNumber: '+15550100199',
      callerName: 'Carol Acme',
      occurredAt: '2026-11-23T11:00:00.000Z',
      outcome: 'Held by Focus: sent to voicemail',
      text: 'Voicemail 0:42',
    };
    await tech.logAttempt(attempt);
    await tech.logAttempt(attempt);
    const logged = (await rt.ticketHistory(ticketId)).filter((t) => t.content.includes(refMarker('attempt-1')));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ type: 'Comment', creator: 'tech1', timeTaken: '0' });
    expect(logged[0]?.content).toContain('Held by Focus: sent to voicemail');
    expect(logged[0]?.content).toContain('+15550100199');
  });

  it('writes nothing for an attempt without a ticket (RT has no place for it)', async () => {
    const requests: string[] = [];
    const counting = createRtAdapter(config(), {
      fetch: (input, init) => {
        requests.push(`${init?.method ?? 'GET'} ${String(input)}`);
        return fetch(input, init);
      },
    });
    const result = await counting.logAttempt({
      ref: 'attempt-2',
      callerNumber: '+15550100199',
      callerName: '',
      occurredAt: '2026-11-23T11:00:00.000Z',
      outcome: 'Missed',
      text: '',
    });
    expect(result).toEqual({});
    expect(requests).toEqual([]);
  });

  it('escalates: sets the Priority, Status and Owner policy names, then one Comment; a retry changes nothing', async () => {
    const ticketId = await rt.createTicket({ Subject: 'Escalate me', Requestor: 'alice@acme.example', Owner: 'tech1', Content: 'Printer still down' });
    const escalating = createRtAdapter(config({ escalation: { priority: '90', status: 'open', owner: 'limited1' } }));
    const request = { ref: 'esc-rt-1', ticketId, text: 'Still down after 15 minutes.', why: 'work-session' as const, minutes: 15 };
    expect(await escalating.escalateTicket({ ...request, firstTry: true })).toEqual({ ticketId, url: `${rt.url}/Ticket/Display.html?id=${ticketId}` });
    const after = (await rt.rest('GET', `/ticket/${ticketId}`)).body as { Priority: unknown; Status: string; Owner: { id: string } };
    expect({ priority: String(after.Priority), status: after.Status, owner: after.Owner.id }).toEqual({ priority: '90', status: 'open', owner: 'limited1' });
    await escalating.escalateTicket(request);
    const history = await rt.ticketHistory(ticketId);
    const comments = history.filter((t) => t.content.includes(refMarker('esc-rt-1')));
    expect(comments.map((t) => [t.type, t.creator])).toEqual([['Comment', 'tech1']]);
    expect(comments[0]?.content).toContain('Still down after 15 minutes.');
    expect(history.filter((t) => t.field === 'Priority')).toHaveLength(1);
  });

  it('escalation: a field RT refuses (an owner that does not exist) stops the escalation with what to fix, and no comment is written', async () => {
    const ticketId = await rt.createTicket({ Subject: 'Escalate to nobody', Requestor: 'alice@acme.example', Content: 'x' });
    const escalating = createRtAdapter(config({ escalation: { owner: 'no-such-user' } }));
    const error = await rejection(escalating.escalateTicket({ ref: 'esc-rt-2', firstTry: true, ticketId, text: 'x', why: 'call', minutes: 16 }));
    expect(error.kind).toBe('config');
    expect(error.message).toMatch(/Owner \(wanted no-such-user/);
    expect((await rt.ticketHistory(ticketId)).filter((t) => t.content.includes(refMarker('esc-rt-2')))).toHaveLength(0);
  });

  it('says which ticket is missing when a note targets one that does not exist', async () => {
    const error = await rejection(tech.addNote({ ref: 'note-x', ticketId: '999999', text: 'x', internal: true }));
    expect(error.kind).toBe('not-found');
    expect(error.message).toContain('#999999');
  });
});

describe('directory sync', () => {
  it('pages through every user with phone numbers, 100 at a time', async () => {
    const people: PsaPerson[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await tech.listContacts(cursor);
      people.push(...page.items);
      cursor = page.next;
      pages += 1;
      expect(page.total).toBeGreaterThan(BULK_CONTACTS);
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(2);
    const byId = new Map(people.map((p) => [p.id, p]));
    expect(byId.size).toBe(people.length);
    expect(people.filter((p) => p.id.startsWith('bulk-'))).toHaveLength(BULK_CONTACTS);
    expect(byId.get('bulk-001@bulk.example')).toMatchObject({ kind: 'contact', name: 'Bulk Contact 001', company: 'Bulk Co', numbers: ['+1 (555) 020-0001'] });
    expect(byId.get('alice@acme.example')?.numbers).toEqual(['+1 (555) 010-0101', '555.010.0102']);
    expect(byId.has('RT_System') || byId.has('Nobody')).toBe(false);
  });

  it('lists the technician’s coworkers as members: everyone in their RT groups (RT with the CVE-2026-108353 fix hides the Privileged group from REST2)', async () => {
    const page = await tech.listMembers(null);
    expect(page.next).toBeNull();
    expect(page.items.map((p) => p.id).sort()).toEqual(['limited1', 'root', 'tech1']);
    expect(page.items.find((p) => p.id === 'tech1')).toMatchObject({ kind: 'member', name: 'Tech One', email: 'tech1@msp.example' });
  });

  it('refuses to list members without SeeGroup, saying which right is missing', async () => {
    const limited = createRtAdapter(config({ token: rt.restrictedToken }));
    const error = await rejection(limited.listMembers(null));
    expect(error.kind).toBe('forbidden');
    expect(error.message).toContain('SeeGroup');
  });
});

describe('test connection', () => {
  it('is ok for the technician’s token, with no warnings', async () => {
    const report = await tech.testConnection();
    expect(report.ok).toBe(true);
    expect(report.who).toBe('tech1 (Tech One)');
    expect(report.warnings).toEqual([]);
    expect(report.checks.every((c) => c.ok)).toBe(true);
    expect(report.checks.map((c) => c.name)).toContain('Read requester phone numbers');
  });

  it('warns when the token cannot read requesters’ phone fields (no AdminUsers), and caller lookup then finds nobody', async () => {
    const limited = createRtAdapter(config({ token: rt.restrictedToken }));
    const report = await limited.testConnection();
    expect(report.ok).toBe(true);
    expect(report.who).toBe('limited1 (Limited Tech)');
    expect(report.checks.find((c) => c.name === 'Read requester phone numbers')?.ok).toBe(false);
    expect(report.warnings.some((w) => w.includes('phone numbers') && w.includes('AdminUsers'))).toBe(true);
    expect((await limited.findCaller('15550100101')).person).toBeNull();
    expect((await limited.getTicket(ids['carolNew']!))?.contactNumbers).toEqual([]);
  });

  it('throws auth for a wrong token', async () => {
    const wrong = createRtAdapter(config({ token: '1-27-00000000000000000000000000000000' }));
    const error = await rejection(wrong.testConnection());
    expect(error.kind).toBe('auth');
    expect(error.message).toContain('Auth Tokens');
    expect((await rejection(wrong.activeTicket())).kind).toBe('auth');
  });

  it('throws not-found with a path hint for a URL without RT’s REST API', async () => {
    const error = await rejection(createRtAdapter(config({ url: `${rt.url}/rt` })).testConnection());
    expect(error.kind).toBe('not-found');
    expect(error.message).toContain(`${rt.url}/rt/REST/2.0`);
    expect(error.message).toContain('/rt');
  });

  it('throws unavailable while RT is down, and works again after a restart on the same database', async () => {
    const before = rt.pid;
    await rt.stop();
    expect(rt.isRunning()).toBe(false);
    expect(isPidOrGroupAlive(before)).toBe(false);
    const error = await rejection(tech.testConnection());
    expect(error.kind).toBe('unavailable');
    expect(error.retryable).toBe(true);
    await rt.restart();
    expect(rt.pid).not.toBe(before);
    expect((await tech.activeTicket())?.id).toBe(ids['aliceWorking']);
  });
});
