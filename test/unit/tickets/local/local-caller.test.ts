// Screen pop with the built-in ticket store: the contacts on Focusline's own
// tickets name the caller (issue #14, item 7), as the pure rule and through
// the services with no PSA connected.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Services } from '../../../../src-main/app/services.js';
import type { CommandName, CommandRequest } from '../../../../src-main/ipc/contract.js';
import { findLocalCaller } from '../../../../src-main/tickets/local/local-caller.js';
import { LocalTicketStore, type LocalTicket } from '../../../../src-main/tickets/local/local-ticket-store.js';
import { routeOrThrow, startWebServices, writeManagedPolicy } from '../../web-services.js';

const ticket = (id: string, fields: Partial<LocalTicket>): LocalTicket => ({
  id,
  summary: `Ticket ${id}`,
  company: '',
  contactName: '',
  contactNumbers: [],
  description: '',
  status: 'new',
  source: 'Phone',
  createdAt: 0,
  updatedAt: 0,
  escalatedAt: null,
  ...fields,
});

// Newest first, as the store lists them.
const MARIA_NEW = ticket('1003', { company: 'Contoso Dental', contactName: 'Maria Lopez', contactNumbers: ['(312) 555-0142'], status: 'in-progress' });
const CONTOSO_OTHER = ticket('1002', { company: 'contoso dental ', contactName: 'Dr. Chen', contactNumbers: ['+1 312 555 0199'] });
const MARIA_OLD = ticket('1001', { company: 'Contoso Dental', contactName: 'Maria Lopez', contactNumbers: ['+13125550142'], status: 'closed' });
const COMPANY_ONLY = ticket('1004', { company: 'Fabrikam', contactNumbers: ['+1 415 555 0100'] });
const NAMELESS = ticket('1005', { contactNumbers: ['+1 646 555 0100'] });
const EXTENSION = ticket('1006', { company: 'Northwind', contactName: 'Reception', contactNumbers: ['2002'] });
const OTHER_AREA = ticket('1007', { company: 'Tailspin', contactName: 'Pat Kim', contactNumbers: ['+1 212 555 0142'] });
const ALL = [COMPANY_ONLY, NAMELESS, EXTENSION, MARIA_NEW, CONTOSO_OTHER, MARIA_OLD, OTHER_AREA];

describe('findLocalCaller: who the built-in tickets say is calling', () => {
  it.each([
    ['an E.164 caller matches a national number on a ticket', '+13125550142', 'Maria Lopez', 'Contoso Dental', 'exact'],
    ['a caller without country code matches on 10 digits', '3125550142', 'Maria Lopez', 'Contoso Dental', 'exact'],
    ['7 digits match the newest ticket with that tail', '5550142', 'Maria Lopez', 'Contoso Dental', 'last-7-digits'],
    ['a company-only ticket names the company', '+14155550100', null, 'Fabrikam', 'exact'],
    ['a ticket with no name and no company names nobody', '+16465550100', undefined, undefined, undefined],
    ['a ticket’s short number is the customer’s extension, never ours', '2002', undefined, undefined, undefined],
    ['a stranger is nobody', '+13125550000', undefined, undefined, undefined],
    ['a withheld caller is nobody', 'anonymous', undefined, undefined, undefined],
  ] as const)('%s', (_what, number, name, company, via) => {
    const found = findLocalCaller(ALL, number, 'US');
    if (via === undefined) {
      expect(found).toBeNull();
      return;
    }
    expect(found?.person?.name ?? null).toBe(name);
    expect(found?.company?.name).toBe(company);
    expect(found?.via).toBe(via);
  });

  it('names the contact from the newest of their tickets and lists the company’s open tickets, not the closed one', () => {
    const found = findLocalCaller(ALL, '+1 (312) 555-0142', 'US');
    expect(found?.person).toMatchObject({ id: 'local:1003', kind: 'contact', name: 'Maria Lopez', company: 'Contoso Dental' });
    expect(found?.openTickets.map((t) => t.id)).toEqual(['1003', '1002']);
  });

  it('prefers the stronger match over the newer ticket', () => {
    const newer7 = ticket('2000', { company: 'Elsewhere', contactName: 'Someone Else', contactNumbers: ['555-0142'] });
    expect(findLocalCaller([newer7, MARIA_NEW], '+13125550142', 'US')?.person?.name).toBe('Maria Lopez');
  });
});

// Through the services, as the window asks: no PSA, a ticket made in Focusline, a call from its contact.
let dir: string;
let services: Services;

const call = <K extends CommandName>(name: K, request: CommandRequest<K>) => routeOrThrow(services, name, request);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fl-local-caller-'));
  await writeManagedPolicy(dir, { 'numbers.defaultRegion': 'US', 'focus.action': 'redirect', 'focus.redirectTarget': 'sip:manager@pbx.example' });
  services = await startWebServices(dir);
});

afterAll(async () => {
  await services?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the screen pop with no PSA connected', () => {
  it('names the caller by the contact on a Focusline ticket, with the company’s open tickets', async () => {
    expect((await call('psa.status', {})).state).toBe('local');
    const made = await call('tickets.create', {
      summary: 'X-ray PC slow',
      company: 'Contoso Dental',
      contactName: 'Maria Lopez',
      contactNumbers: ['(312) 555-0142'],
    });
    const pop = await call('calls.lookup', { number: '+13125550142' });
    expect(pop).toMatchObject({ via: 'local', person: { name: 'Maria Lopez', kind: 'contact' }, company: { name: 'Contoso Dental' } });
    expect(pop.openTickets.map((t) => t.id)).toEqual([made.id]);
    expect(await call('calls.lookup', { number: '+13125550000' })).toMatchObject({ via: 'local', person: null, company: null });
  });

  it('“Create ticket instead” carries the contact and company, not the phone’s display name', async () => {
    await call('focus.dnd', { minutes: 30 });
    const decision = services.screenCall({
      callId: 'c-maria',
      fromUri: 'sip:+13125550142@pbx.example',
      fromUser: '+13125550142',
      displayName: 'Front Desk',
      assertedIdentity: null,
      toUri: 'sip:tech@pbx.example',
    });
    expect(decision.action).toBe('redirect');
    const attempt = (await call('callLog.list', { limit: 10, unhandledOnly: true })).attempts.find((a) => a.callerName === 'Front Desk');
    const created = await call('callLog.createTicket', { attemptId: attempt?.id ?? 'missing' });
    expect(created.ticket).toMatchObject({ contactName: 'Maria Lopez', company: 'Contoso Dental' });
  });

  it('keeps the parsed numbers between calls and reads the tickets again only after one is written', async () => {
    const reads = vi.spyOn(LocalTicketStore.prototype, 'withContactNumbers');
    try {
      await call('calls.lookup', { number: '+13125550142' });
      const before = reads.mock.calls.length;
      for (let i = 0; i < 3; i++) await call('calls.lookup', { number: '+13125550142' });
      expect(reads.mock.calls.length).toBe(before);
      await call('tickets.create', { summary: 'Phones down', company: 'Fabrikam', contactName: 'Ann Lee', contactNumbers: ['+1 415 555 0100'] });
      expect(await call('calls.lookup', { number: '+14155550100' })).toMatchObject({ person: { name: 'Ann Lee' } });
      expect(reads.mock.calls.length).toBe(before + 1);
    } finally {
      reads.mockRestore();
    }
  });
});
