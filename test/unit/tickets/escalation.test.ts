// The 15-minute rule's escalation: its durable payload, how the sender hands it
// to the adapter, the per-PSA request mappings, and the built-in store's own.
import { describe, expect, it } from 'vitest';
import { EscalateTicketPayload } from '../../../src-main/handoffs/handoff-payloads.js';
import { psaHandoffSender } from '../../../src-main/handoffs/psa-handoff-sender.js';
import { escalationBody, ticketAttachmentBody } from '../../../src-main/tickets/autotask/autotask-mapping.js';
import { documentForm, escalationPatch } from '../../../src-main/tickets/connectwise/connectwise-mapping.js';
import { attemptCrmNoteBody, escalationActionBody } from '../../../src-main/tickets/halopsa/halopsa-mapping.js';
import { LocalTicketStore } from '../../../src-main/tickets/local/local-ticket-store.js';
import { escalationMisses, escalationUpdate } from '../../../src-main/tickets/rt/rt-mapping.js';
import { escalationText } from '../../../src-main/tickets/ticket-desk.js';
import { refMarker, type EscalationRequest, type PsaAdapter } from '../../../src-main/tickets/psa.js';
import { openDatabase } from '../../../src-main/storage/database.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const payload = { ticketId: '1042', text: 'Still down.', why: 'work-session', minutes: 15 } as const;

describe('the escalate-ticket payload', () => {
  it('takes a ticket, a note, why and how long; refuses an empty note or an unknown reason', () => {
    expect(EscalateTicketPayload.parse(payload)).toEqual(payload);
    expect(EscalateTicketPayload.safeParse({ ...payload, text: '  ' }).success).toBe(false);
    expect(EscalateTicketPayload.safeParse({ ...payload, why: 'boredom' }).success).toBe(false);
  });

  it('is sent to adapter.escalateTicket with the handoff key as its ref', async () => {
    const seen: EscalationRequest[] = [];
    const adapter = {
      escalateTicket: async (request: EscalationRequest) => (seen.push(request), { ticketId: request.ticketId, url: 'https://psa.example/1042' }),
    } as unknown as PsaAdapter;
    const result = await psaHandoffSender(() => adapter).send(
      { id: 'h1', kind: 'escalate-ticket', idempotencyKey: 'escalate-ticket:1042', payload: { ...payload, callId: 'c1' }, firstTry: true },
      new AbortController().signal,
    );
    expect(result).toEqual({ ok: true, ticketId: '1042', url: 'https://psa.example/1042' });
    expect(seen).toEqual([{ ref: 'escalate-ticket:1042', firstTry: true, ...payload }]);
  });

  it('says which rule fired in the note', () => {
    expect(escalationText({ note: 'Need help', why: 'call', minutes: 16 })).toMatch(/^Need help\n\n.*call .* ran 16 min/);
    expect(escalationText({ note: 'Need help', why: 'work-session', minutes: 15 })).toMatch(/15 min of work/);
  });
});

describe('what each PSA is sent', () => {
  it('ConnectWise: a JSON Patch of only the resolved references, and a multipart document', () => {
    expect(escalationPatch({})).toEqual([]);
    expect(escalationPatch({ priorityId: 1, statusId: 104 })).toEqual([
      { op: 'replace', path: 'priority', value: { id: 1 } },
      { op: 'replace', path: 'status', value: { id: 104 } },
    ]);
    const form = documentForm(7, { fileName: 'vm.wav', mimeType: 'audio/wav', bytes: new Uint8Array([1, 2]) });
    expect([form.get('recordType'), form.get('recordId'), form.get('title')]).toEqual(['Ticket', '7', 'Voicemail vm.wav']);
    expect((form.get('file') as File).name).toBe('vm.wav');
  });

  it('Autotask: the id and the set fields only; an attachment as base64 FILE_ATTACHMENT', () => {
    expect(escalationBody(5, { priority: 4 })).toEqual({ id: 5, priority: 4 });
    expect(ticketAttachmentBody(5, { fileName: 'vm.wav', mimeType: 'audio/wav', bytes: new Uint8Array([1, 2, 3]) })).toMatchObject({
      parentID: 5,
      attachmentType: 'FILE_ATTACHMENT',
      fullPath: 'vm.wav',
      data: 'AQID',
    });
  });

  it('HaloPSA: one private action with new_* fields; a CRM note for an attempt without a ticket', () => {
    expect(escalationActionBody({ text: 'x', ref: 'r' }, 9, { status: 2 })).toEqual([
      { ticket_id: 9, note: `x\n\n${refMarker('r')}`, outcome: 'Escalated', hiddenfromuser: true, sendemail: false, new_status: 2 },
    ]);
    const [note] = attemptCrmNoteBody(
      { ref: 'r', callerNumber: '+1555', callerName: 'Al', occurredAt: '2026-01-01T00:00:00.000Z', outcome: 'Missed', text: '' },
      10,
      undefined,
    );
    expect(note).toMatchObject({ client_id: 10, note: 'Missed: Al (+1555)' });
    expect(String(note?.['detail'])).toContain(refMarker('r'));
  });

  it('RT: only the named fields, and what RT did not take', () => {
    expect(escalationUpdate({ priority: ' 90 ', status: '', owner: 'boss' })).toEqual({ Priority: '90', Owner: 'boss' });
    expect(escalationMisses({ Priority: '90', Owner: 'boss' }, { id: '1', Priority: 90, Owner: { id: 'Nobody' } }, undefined)).toEqual([
      'Owner (wanted boss, is Nobody)',
    ]);
  });
});

describe('the built-in store', () => {
  it('records the escalation and adds the note; a closed ticket reopens', () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), 'fl-escalate-')));
    const store = new LocalTicketStore(db);
    const ticket = store.create({ summary: 'Printer' }, 1000);
    store.setStatus(ticket.id, 'closed', 1500);
    const escalated = store.escalate(ticket.id, 'Escalated', 2000);
    expect(escalated).toMatchObject({ escalatedAt: 2000, status: 'in-progress' });
    expect(store.notes(ticket.id).map((n) => n.text)).toEqual(['Escalated']);
    expect(() => store.escalate('999', 'x', 1)).toThrow(/999/);
    db.close();
  });
});
