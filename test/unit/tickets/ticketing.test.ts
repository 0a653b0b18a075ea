// The PSA behind the app's services, with an in-memory PSA (FakePsaAdapter):
// the watcher drives Focus, the PSA's members ring through as coworkers,
// held-back calls are logged into the PSA when policy asks, the screen pop
// names callers from the local index and keeps its time bound when the PSA
// hangs, and "create ticket instead" carries the matched contact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices, type Services } from '../../../src-main/app/services.js';
import type { CommandName, CommandRequest, CommandResponse, IncomingCall } from '../../../src-main/ipc/contract.js';
import { InMemorySecretStore } from '../in-memory-secret-store.js';
import { FakePsaAdapter, person, ticket } from './fake-psa-adapter.js';

const ALICE = person('alice', ['+1 (555) 010-0101'], { name: 'Alice Adams', company: 'Acme Corp', companyId: 'acme' });
const SAM = person('sam', ['+1 555 010 7777'], { kind: 'member', name: 'Sam Okafor', company: 'Our MSP', companyId: 'msp' });
const WORK = ticket('1042', {
  summary: 'Printer down',
  company: 'Acme Corp',
  contactName: 'Alice Adams',
  contactNumbers: ALICE.numbers,
  status: 'In Progress',
});
const OTHER = ticket('1043', { summary: 'VPN drops', company: 'Acme Corp' });

let dir: string;
let services: Services;
let psa: FakePsaAdapter;
const secrets = new InMemorySecretStore();

async function call<K extends CommandName>(name: K, request: CommandRequest<K>): Promise<CommandResponse<K>> {
  const result = await services.route(name, request);
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.value as CommandResponse<K>;
}

const incoming = (number: string, id: string): IncomingCall => ({
  callId: id,
  fromUri: `sip:${number}@pbx.example`,
  fromUser: number,
  displayName: '',
  assertedIdentity: null,
  toUri: 'sip:tech@pbx.example',
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fl-ticketing-'));
  await mkdir(join(dir, 'policy', 'managed'), { recursive: true });
  await writeFile(
    join(dir, 'policy', 'managed', 'focusline.json'),
    JSON.stringify({
      'psa.kind': 'rt',
      'psa.url': 'https://rt.example.com',
      'psa.pollSeconds': 5,
      'psa.coworkersFromPsa': true,
      'psa.logAttempts': 'not-rung',
      'focus.action': 'redirect',
      'focus.redirectTarget': 'sip:manager@pbx.example',
      // No account is set up here, so no own domain: the PBX's host is trusted by policy instead.
      'numbers.trustedHosts': ['pbx.example'],
    }),
  );
  await secrets.set('psa.rt.token', '1-2-secret');
  psa = new FakePsaAdapter({ kind: 'rt', label: 'Fake RT', contacts: [ALICE], members: [SAM], tickets: [WORK, OTHER], activeTicketId: '1042' });
  services = await createServices({
    mode: 'web',
    version: '1.0.0',
    dataDir: join(dir, 'data'),
    secrets,
    log: () => {},
    env: { FOCUSLINE_POLICY_DIR: join(dir, 'policy') },
    createPsaAdapter: (config) => {
      expect(config).toMatchObject({ kind: 'rt', url: 'https://rt.example.com', token: '1-2-secret' });
      return psa;
    },
  });
});

afterAll(async () => {
  await services?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the PSA behind the services', () => {
  it('connects with the keychain secret, and the PSA’s active ticket engages Focus', async () => {
    expect((await call('psa.status', {})).state).toBe('connected');
    await expect.poll(async () => (await call('focus.get', {})).label, { timeout: 5_000 }).toBe('Focused: #1042 Acme Corp: Printer down');
    expect((await call('tickets.list', {})).tickets.map((t) => t.id)).toEqual(expect.arrayContaining(['1042', '1043']));
  });

  it('syncs contacts and members into the caller index, with progress', async () => {
    await expect
      .poll(async () => (await call('psa.status', {})).sync.map((s) => `${s.kind}:${s.state}:${s.itemsDone}`).sort(), { timeout: 5_000 })
      .toEqual(['contacts:done:1', 'members:done:1']);
  });

  it('the ticket’s contact and a coworker from the PSA ring; a stranger is held back', async () => {
    expect(services.screenCall(incoming('+15550100101', 'c-alice')).action).toBe('ring');
    await expect.poll(() => services.screenCall(incoming('+15550107777', `c-sam-${Date.now()}`)).rule, { timeout: 5_000 }).toBe('coworker');
    expect(services.screenCall(incoming('+15550109999', 'c-stranger')).action).toBe('redirect');
  });

  it('logs the held-back call into the PSA, because policy says not-rung', async () => {
    await expect.poll(() => psa.attempts.map((a) => a.callerNumber), { timeout: 5_000 }).toContain('+15550109999');
    const logged = psa.attempts.find((a) => a.callerNumber === '+15550109999');
    expect(logged?.ref).toMatch(/^log-attempt:/);
    expect(logged?.ticketId).toBeUndefined(); // a stranger's call never lands on the tech's active ticket
    expect(logged?.outcome).toMatch(/Held by Focus/);
    expect(psa.attempts.some((a) => a.callerNumber === '+15550100101')).toBe(false); // rang: not logged under not-rung
  });

  it('the screen pop names a caller from the local index, with the company’s open tickets', async () => {
    const liveSearches = psa.callsTo('findCaller').length;
    const pop = await call('calls.lookup', { number: '+1 555 010 0101' });
    expect(pop).toMatchObject({ via: 'index', person: { id: 'alice', name: 'Alice Adams' }, company: { name: 'Acme Corp' }, timedOut: false });
    expect(pop.openTickets.map((t) => t.id)).toEqual(expect.arrayContaining(['1042', '1043']));
    expect(psa.callsTo('findCaller')).toHaveLength(liveSearches);
  });

  it('the screen pop keeps its time bound when the PSA hangs, and the decision never waits for it', async () => {
    psa.hangNext('findCaller');
    const pop = call('calls.lookup', { number: '+15550104444' });
    expect(services.screenCall(incoming('+15550104444', 'c-hang')).action).toBe('redirect');
    expect(await pop).toMatchObject({ person: null, timedOut: true });
  });

  it('"create ticket instead" carries the matched contact and company, and goes out once', async () => {
    await call('focus.stop', {});
    await call('focus.dnd', { minutes: 30 });
    services.screenCall(incoming('+15550100101', 'c-alice-2'));
    const attempt = (await call('callLog.list', { limit: 50, unhandledOnly: true })).attempts.find((a) => a.callerNumber === '+15550100101');
    if (!attempt) throw new Error('no attempt');
    const first = await call('callLog.createTicket', { attemptId: attempt.id });
    expect(first.ticket).toBeNull();
    expect(first.handoff?.title).toMatch(/^New ticket: Call from Alice Adams at /);
    await expect.poll(async () => (await call('handoffs.list', {})).handoffs.find((h) => h.id === first.handoff?.id)?.state, { timeout: 5_000 }).toBe('sent');
    const key = `create-ticket:${attempt.id}`;
    expect(psa.createdByRef.has(key)).toBe(true);
    const request = psa.callsTo('createTicket').map((c) => c.args[0] as { ref: string; contactId?: string; companyId?: string; firstTry?: boolean });
    expect(request).toEqual([expect.objectContaining({ ref: key, contactId: 'alice', companyId: 'acme', firstTry: true })]);
    await expect(call('callLog.createTicket', { attemptId: attempt.id })).resolves.toMatchObject({ handoff: { id: first.handoff?.id } });
    expect(psa.callsTo('createTicket')).toHaveLength(1);
  });

  it('two different notes about the same call are two notes; the same note twice is one', async () => {
    const attempt = (await call('callLog.list', { limit: 50 })).attempts.find((a) => a.callerNumber === '+15550109999');
    if (!attempt) throw new Error('no attempt');
    const a = await call('tickets.addNote', { ticketId: '1043', text: 'Asked about the VPN.', attemptId: attempt.id });
    const again = await call('tickets.addNote', { ticketId: '1043', text: 'Asked about the VPN.', attemptId: attempt.id });
    const b = await call('tickets.addNote', { ticketId: '1043', text: 'Also: printer on floor 2.', attemptId: attempt.id });
    expect(again.handoff?.id).toBe(a.handoff?.id);
    expect(b.handoff?.id).not.toBe(a.handoff?.id);
    await expect.poll(() => psa.notes.filter((n) => n.ticketId === '1043').length, { timeout: 5_000 }).toBe(2);
  });

  it('saving the PSA form is all or nothing: a bad address leaves the PSA and its secrets as they were', async () => {
    // The manager locked psa.kind (rt); a form for another PSA is refused before anything is written.
    await expect(call('psa.save', { kind: 'halopsa', values: {}, secrets: { clientSecret: 'halo-secret' } })).rejects.toThrow(
      /managed by your organization|locked|organization/i,
    );
    expect(secrets.values.has('psa.halopsa.clientSecret')).toBe(false);
    // psa.queue is the tech's; with it a bad value (a queue name over 200 characters) refuses the lot, token included.
    await expect(call('psa.save', { kind: 'rt', values: { 'psa.queue': 'x'.repeat(300) }, secrets: { token: 'new-token' } })).rejects.toThrow(/psa\.queue/);
    expect(secrets.values.get('psa.rt.token')).toBe('1-2-secret');
  });

  it('when work stops in the PSA, Focus on that ticket is released', async () => {
    await call('focus.dnd', { minutes: 1 }); // still in DND from the last test; end it and go back to the ticket
    await call('focus.stop', {});
    await call('focus.startTicket', { ticketId: '1042' });
    psa.activeTicketId = '1043';
    await expect.poll(async () => (await call('focus.get', {})).ticket?.id, { timeout: 10_000 }).toBe('1043');
    psa.activeTicketId = null;
    await expect.poll(async () => (await call('focus.get', {})).mode, { timeout: 10_000 }).toBe('off');
  }, 30_000);
});
