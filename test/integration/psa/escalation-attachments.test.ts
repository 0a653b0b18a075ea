// The 15-minute rule's escalation and voicemail recordings, against each
// vendor's contract server (ConnectWise, Autotask, HaloPSA): the fields policy
// names are set and the note goes; a recording is stored in the vendor's
// documented upload shape, once, even when the create is retried; and the
// servers refuse an upload that breaks the vendor's rules.
import { afterEach, describe, expect, it } from 'vitest';
import { createAutotaskAdapter } from '../../../src-main/tickets/autotask/autotask-adapter.js';
import { createConnectWiseAdapter } from '../../../src-main/tickets/connectwise/connectwise-adapter.js';
import { createHaloPsaAdapter } from '../../../src-main/tickets/halopsa/halopsa-adapter.js';
import type { AutotaskConfig, ConnectWiseConfig, EscalationFields, HaloConfig } from '../../../src-main/tickets/psa-config.js';
import { PsaError, refMarker, type Attachment, type NewTicketRequest } from '../../../src-main/tickets/psa.js';
import {
  AUTOTASK_ATTACHMENT_MAX_BYTES,
  DEFAULT_CREDENTIALS as AT_CREDENTIALS,
  startAutotaskServer,
  type AutotaskServer,
} from '../../harness/psa-servers/autotask-server.js';
import {
  CW_ACCEPT,
  CW_PREFIX,
  CW_UPLOAD_MAX_BYTES,
  DEFAULT_CREDENTIALS as CW_CREDENTIALS,
  startConnectWiseServer,
  type ConnectWiseServer,
} from '../../harness/psa-servers/connectwise-server.js';
import { HALO_CLIENT_ID, HALO_CLIENT_SECRET, HALO_UPLOAD_MAX_BYTES, startHaloServer, type HaloServer } from '../../harness/psa-servers/halo-server.js';

const COMMON = { workingStatuses: ['In Progress'], queue: '', stopwatchMinSeconds: 0, timeoutMs: 5_000 };
const RECORDING: Attachment = {
  fileName: 'voicemail-2025-03-04-0902.wav',
  mimeType: 'audio/wav',
  bytes: new Uint8Array([82, 73, 70, 70, 0, 1, 2, 255, 254, 0]),
};
const NEW_TICKET: Omit<NewTicketRequest, 'ref'> = {
  summary: 'Voicemail from Alice',
  description: 'Please call back about the printer.',
  callerNumber: '+15550101234',
  callerName: 'Alice Jones',
  occurredAt: '2025-03-04T09:02:00Z',
  attachments: [RECORDING],
};
const ESCALATION = { text: 'Printer still down after 15 minutes; needs a second pair of hands.', why: 'work-session' as const, minutes: 15 };

async function failure(run: Promise<unknown>): Promise<PsaError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PsaError)) throw new Error(`expected a PsaError, got ${String(error)}`);
  return error;
}

/** A raw request to a contract server, to show it refuses what breaks the vendor's rules. */
async function raw(url: string, init: RequestInit): Promise<Response> {
  return fetch(url, init);
}

describe('ConnectWise', () => {
  let cw: ConnectWiseServer;
  afterEach(() => cw.close());

  async function start(escalation?: EscalationFields) {
    cw = await startConnectWiseServer();
    cw.addMember({ id: 1, identifier: 'jdoe', firstName: 'Jane', lastName: 'Doe' });
    cw.addCompany({ id: 10, identifier: 'Contoso', name: 'Contoso Ltd' });
    const config: ConnectWiseConfig = {
      kind: 'connectwise',
      url: cw.url,
      ...CW_CREDENTIALS,
      ...COMMON,
      memberIdentifier: 'jdoe',
      unknownCallerCompany: 'Contoso',
      escalation,
    };
    return createConnectWiseAdapter(config);
  }

  it('escalates: the priority and the board status by one JSON Patch, then an internal note; a retry writes nothing', async () => {
    const adapter = await start({ priority: 'Priority 1 - Emergency Response', status: 'Escalated' });
    const ticket = cw.addTicket({ summary: 'Printer down', companyId: 10, board: 'Help Desk', status: 'In Progress' });
    const result = await adapter.escalateTicket({ ref: 'esc-1', firstTry: true, ticketId: String(ticket.id), ...ESCALATION });
    expect(result.ticketId).toBe(String(ticket.id));
    expect(ticket).toMatchObject({ priority: 'Priority 1 - Emergency Response', status: 'Escalated' });
    const notes = cw.store.notes.filter((n) => n.ticketId === ticket.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ internalAnalysisFlag: true, detailDescriptionFlag: false });
    expect(notes[0]?.text).toContain(refMarker('esc-1'));
    await adapter.escalateTicket({ ref: 'esc-1', ticketId: String(ticket.id), ...ESCALATION });
    expect(cw.calls('PATCH', /^\/service\/tickets\/\d+$/)).toHaveLength(1);
    expect(cw.store.notes.filter((n) => n.ticketId === ticket.id)).toHaveLength(1);
    expect(cw.violations).toEqual([]);
  });

  it('leaves unset fields alone (note only), and names a status the board lacks as a setting to fix', async () => {
    const adapter = await start();
    const ticket = cw.addTicket({ summary: 'VPN', companyId: 10, board: 'Help Desk', status: 'New' });
    await adapter.escalateTicket({ ref: 'esc-2', firstTry: true, ticketId: String(ticket.id), ...ESCALATION });
    expect(ticket.status).toBe('New');
    expect(cw.calls('PATCH', /./)).toHaveLength(0);
    const wrong = await start({ status: 'Escalated to Tier 3' });
    const other = cw.addTicket({ summary: 'VPN', companyId: 10, board: 'Help Desk' });
    const error = await failure(wrong.escalateTicket({ ref: 'esc-3', firstTry: true, ticketId: String(other.id), ...ESCALATION }));
    expect(error.kind).toBe('config');
    expect(error.message).toMatch(/Escalated to Tier 3.*escalation settings/);
    expect(cw.store.notes).toHaveLength(0);
  });

  it('uploads the recording as a multipart document on the new ticket, once, even when the create is retried', async () => {
    const adapter = await start();
    const first = await adapter.createTicket({ ref: 'vm-1', firstTry: true, ...NEW_TICKET });
    expect(cw.store.documents).toHaveLength(1);
    expect(cw.store.documents[0]).toMatchObject({
      recordType: 'Ticket',
      recordId: Number(first.ticketId),
      fileName: RECORDING.fileName,
      contentType: 'audio/wav',
    });
    expect([...cw.store.documents[0]!.bytes]).toEqual([...RECORDING.bytes]);
    // A crash after the upload: the retry finds the ticket and its document, and writes neither again.
    const again = await adapter.createTicket({ ref: 'vm-1', ...NEW_TICKET });
    expect(again.ticketId).toBe(first.ticketId);
    expect(cw.store.tickets).toHaveLength(1);
    expect(cw.store.documents).toHaveLength(1);
    expect(cw.violations).toEqual([]);
  });

  it('a crash between create and upload: the retry uploads the missing recording only', async () => {
    const adapter = await start();
    cw.contract.inject({ kind: 'status', status: 503 }, { match: (r) => r.method === 'POST' && r.path.endsWith('/system/documents') });
    const error = await failure(adapter.createTicket({ ref: 'vm-2', firstTry: true, ...NEW_TICKET }));
    expect(error.retryable).toBe(true);
    expect(cw.store.tickets).toHaveLength(1);
    await adapter.createTicket({ ref: 'vm-2', ...NEW_TICKET });
    expect(cw.store.tickets).toHaveLength(1);
    expect(cw.store.documents).toHaveLength(1);
  });

  it('an upload refused as too large (413, e.g. by a proxy in front of the site) leaves the recording off; the ticket stands and the handoff is done', async () => {
    const adapter = await start();
    cw.contract.inject({ kind: 'status', status: 413 }, { match: (r) => r.method === 'POST' && r.path.endsWith('/system/documents') });
    const created = await adapter.createTicket({ ref: 'vm-413', firstTry: true, ...NEW_TICKET });
    expect(cw.store.tickets.map((t) => String(t.id))).toEqual([created.ticketId]);
    expect(cw.store.documents).toHaveLength(0);
  });

  it('refuses an upload that breaks the documented shape (JSON, no file part) or the size limit (413)', async () => {
    await start();
    const ticket = cw.addTicket({ summary: 'x', companyId: 10 });
    const auth = `Basic ${Buffer.from(`${CW_CREDENTIALS.companyId}+${CW_CREDENTIALS.publicKey}:${CW_CREDENTIALS.privateKey}`).toString('base64')}`;
    const headers = { authorization: auth, clientId: CW_CREDENTIALS.clientId, accept: CW_ACCEPT };
    const url = `${cw.url}${CW_PREFIX}/system/documents`;
    const json = await raw(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ recordId: ticket.id }) });
    expect(json.status).toBe(415);
    const noFile = new FormData();
    noFile.append('recordType', 'Ticket');
    noFile.append('recordId', String(ticket.id));
    noFile.append('title', 'Voicemail');
    expect((await raw(url, { method: 'POST', headers, body: noFile })).status).toBe(400);
    const big = new FormData();
    big.append('recordType', 'Ticket');
    big.append('recordId', String(ticket.id));
    big.append('title', 'Voicemail big.wav');
    big.append('file', new Blob([new Uint8Array(CW_UPLOAD_MAX_BYTES + 1)], { type: 'audio/wav' }), 'big.wav');
    expect((await raw(url, { method: 'POST', headers, body: big })).status).toBe(413);
    expect(cw.store.documents).toHaveLength(0);
  });
});

describe('Autotask', () => {
  let at: AutotaskServer;
  afterEach(() => at.server.close());

  async function start(escalation?: EscalationFields) {
    at = await startAutotaskServer();
    at.seed('Resources', { id: 7, userName: AT_CREDENTIALS.userName, firstName: 'Focusline', lastName: 'API', isActive: true });
    at.seed('Resources', { id: 8, userName: 'jtech', firstName: 'Jane', lastName: 'Tech', isActive: true });
    at.seed('Companies', { id: 100, companyName: 'Acme Dental', isActive: true });
    const config: AutotaskConfig = {
      kind: 'autotask',
      url: at.discoveryUrl,
      username: AT_CREDENTIALS.userName,
      secret: AT_CREDENTIALS.secret,
      integrationCode: AT_CREDENTIALS.integrationCode,
      impersonationResourceId: '8',
      ...COMMON,
      unknownCallerCompany: '100',
      escalation,
    };
    return createAutotaskAdapter(config);
  }

  it('escalates: priority, status and queue by label in one PATCH, then an internal ticket note; a retry writes nothing', async () => {
    const adapter = await start({ priority: 'Critical', status: 'In Progress', queue: 'Level II Support' });
    const { ticketId } = await adapter.createTicket({ ref: 'new-1', firstTry: true, ...NEW_TICKET, attachments: undefined });
    await adapter.escalateTicket({ ref: 'esc-1', firstTry: true, ticketId, ...ESCALATION });
    expect(at.find('Tickets', Number(ticketId))).toMatchObject({ priority: 4, status: 8, queueID: 29683482 });
    const notes = at.rows('TicketNotes').filter((n) => n['ticketID'] === Number(ticketId));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ title: 'Escalated (15-minute rule)' });
    expect(String(notes[0]?.['description'])).toContain(refMarker('esc-1'));
    await adapter.escalateTicket({ ref: 'esc-1', ticketId, ...ESCALATION });
    expect(at.server.requestsTo('PATCH', /\/Tickets$/)).toHaveLength(1);
    expect(at.rows('TicketNotes')).toHaveLength(1);
    expect(at.server.violations).toEqual([]);
  });

  it('names a priority the tenant lacks as a setting to fix, and writes nothing', async () => {
    const adapter = await start({ priority: 'Blazing' });
    const { ticketId } = await adapter.createTicket({ ref: 'new-2', firstTry: true, ...NEW_TICKET, attachments: undefined });
    const error = await failure(adapter.escalateTicket({ ref: 'esc-2', firstTry: true, ticketId, ...ESCALATION }));
    expect(error.kind).toBe('config');
    expect(error.message).toMatch(/Blazing/);
    expect(at.rows('TicketNotes')).toHaveLength(0);
  });

  it('stores the recording as a base64 ticket attachment, once, even when the create is retried', async () => {
    const adapter = await start();
    const first = await adapter.createTicket({ ref: 'vm-1', firstTry: true, ...NEW_TICKET });
    await adapter.createTicket({ ref: 'vm-1', ...NEW_TICKET });
    const rows = at.rows('TicketAttachments');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      parentID: Number(first.ticketId),
      attachmentType: 'FILE_ATTACHMENT',
      fullPath: RECORDING.fileName,
      fileSize: RECORDING.bytes.length,
    });
    expect([...Buffer.from(String(rows[0]?.['data']), 'base64')]).toEqual([...RECORDING.bytes]);
    expect(at.rows('Tickets')).toHaveLength(1);
    expect(at.server.violations).toEqual([]);
  });

  it('refuses an attachment without its required fields, or over the API limit', async () => {
    const adapter = await start();
    const { ticketId } = await adapter.createTicket({ ref: 'new-3', firstTry: true, ...NEW_TICKET, attachments: undefined });
    const url = `${at.zoneUrl}V1.0/Tickets/${ticketId}/Attachments`;
    const headers = {
      'content-type': 'application/json',
      ApiIntegrationCode: AT_CREDENTIALS.integrationCode,
      UserName: AT_CREDENTIALS.userName,
      Secret: AT_CREDENTIALS.secret,
    };
    const noData = await raw(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ id: 0, attachmentType: 'FILE_ATTACHMENT', title: 'x', fullPath: 'x.wav', publish: 1 }),
    });
    expect(noData.status).toBe(400);
    const big = Buffer.alloc(AUTOTASK_ATTACHMENT_MAX_BYTES + 1).toString('base64');
    const tooBig = await raw(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ id: 0, attachmentType: 'FILE_ATTACHMENT', title: 'x', fullPath: 'x.wav', publish: 1, data: big }),
    });
    expect(tooBig.status).toBe(500);
    expect(JSON.stringify(await tooBig.json())).toMatch(/size limit/);
    expect(at.rows('TicketAttachments')).toHaveLength(0);
  });
});

describe('HaloPSA', () => {
  let halo: HaloServer;
  afterEach(() => halo.http.close());

  async function start(escalation?: EscalationFields) {
    halo = await startHaloServer();
    const config: HaloConfig = {
      kind: 'halopsa',
      url: halo.url,
      clientId: HALO_CLIENT_ID,
      clientSecret: HALO_CLIENT_SECRET,
      tenant: '',
      ...COMMON,
      unknownCallerCompany: '10',
      escalation,
    };
    return createHaloPsaAdapter(config);
  }

  it('escalates with one private action that sets status, priority and agent by name; a retry writes nothing', async () => {
    const adapter = await start({ status: 'In Progress', priority: 'Critical', owner: 'Bob Tech' });
    await adapter.escalateTicket({ ref: 'esc-1', firstTry: true, ticketId: '1001', ...ESCALATION });
    const ticket = halo.store.tickets.find((t) => t.id === 1001);
    const inProgress = halo.store.statuses.find((s) => s.name?.toLowerCase() === 'in progress')?.id;
    expect(ticket).toMatchObject({ status_id: inProgress, priority_id: 1, agent_id: 8 });
    const actions = halo.store.actions.filter((a) => a.ticket_id === 1001);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ hiddenfromuser: true, outcome: 'Escalated' });
    await adapter.escalateTicket({ ref: 'esc-1', ticketId: '1001', ...ESCALATION });
    expect(halo.store.actions.filter((a) => a.ticket_id === 1001)).toHaveLength(1);
    expect(halo.http.violations).toEqual([]);
  });

  it('stores the recording as an attachment on the new ticket, once, even when the create is retried', async () => {
    const adapter = await start();
    const first = await adapter.createTicket({ ref: 'vm-1', firstTry: true, ...NEW_TICKET });
    await adapter.createTicket({ ref: 'vm-1', ...NEW_TICKET });
    const rows = halo.store.attachments ?? [];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ticket_id: Number(first.ticketId), filename: RECORDING.fileName });
    expect([...rows[0]!.bytes]).toEqual([...RECORDING.bytes]);
    expect(halo.http.violations).toEqual([]);
  });

  it('refuses an attachment that is not base64, or too large (413)', async () => {
    await start();
    const token = (
      (await await fetch(`${halo.url}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: HALO_CLIENT_ID, client_secret: HALO_CLIENT_SECRET, scope: 'all' }),
      }).then((r) => r.json())) as { access_token: string }
    ).access_token;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const bad = await raw(`${halo.url}/api/Attachment`, {
      method: 'POST',
      headers,
      body: JSON.stringify([{ ticket_id: 1001, filename: 'x.wav', data_base64: 'not base64!' }]),
    });
    expect(bad.status).toBe(400);
    const big = Buffer.alloc(HALO_UPLOAD_MAX_BYTES + 1).toString('base64');
    const tooBig = await raw(`${halo.url}/api/Attachment`, {
      method: 'POST',
      headers,
      body: JSON.stringify([{ ticket_id: 1001, filename: 'x.wav', data_base64: big }]),
    });
    expect(tooBig.status).toBe(413);
    expect(halo.store.attachments ?? []).toHaveLength(0);
  });

  it('logs an attempt without a ticket as a CRM note on the caller’s client, once', async () => {
    const adapter = await start();
    const attempt = {
      ref: 'att-1',
      companyId: '10',
      callerNumber: '+15550101234',
      callerName: 'Alice Jones',
      occurredAt: '2025-03-04T09:02:00Z',
      outcome: 'Held by Focus: voicemail',
      text: 'Held by Focus.',
    };
    expect(await adapter.logAttempt({ ...attempt, firstTry: true })).toEqual({});
    await adapter.logAttempt(attempt);
    expect(halo.store.crmNotes).toHaveLength(1);
    expect(halo.store.crmNotes?.[0]).toMatchObject({ client_id: 10, note: 'Held by Focus: voicemail: Alice Jones (+15550101234)' });
    expect(halo.store.crmNotes?.[0]?.detail).toContain(refMarker('att-1'));
    expect(halo.http.violations).toEqual([]);
  });
});
