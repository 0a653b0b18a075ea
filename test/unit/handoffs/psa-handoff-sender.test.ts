import { describe, expect, it } from 'vitest';
import { NOT_CONNECTED_RETRY_MS, psaHandoffSender, toSendResult } from '../../../src-main/handoffs/psa-handoff-sender.js';
import { PsaError, type NewTicketRequest, type NoteRequest, type PsaAdapter } from '../../../src-main/tickets/psa.js';

const signal = new AbortController().signal;
const ticketPayload = {
  summary: 'Call from Alice at 10:02',
  description: 'Printer down',
  callerNumber: '+15550101',
  callerName: 'Alice',
  occurredAt: '2026-11-23T10:02:00.000Z',
  contactId: '42',
};

function recordingAdapter(fail?: PsaError) {
  const calls: { op: string; request: unknown }[] = [];
  const adapter = {
    createTicket: async (request: NewTicketRequest) => {
      calls.push({ op: 'createTicket', request });
      if (fail) throw fail;
      return { ticketId: '1042', url: 'https://psa.example/1042' };
    },
    addNote: async (request: NoteRequest) => {
      calls.push({ op: 'addNote', request });
      return {};
    },
  } as unknown as PsaAdapter;
  return { adapter, calls };
}

describe('psaHandoffSender', () => {
  it('passes the idempotency key to the adapter as its ref, and reports the ticket and link', async () => {
    const { adapter, calls } = recordingAdapter();
    const result = await psaHandoffSender(() => adapter).send(
      { id: 'h1', kind: 'create-ticket', idempotencyKey: 'create-ticket:att-1', payload: ticketPayload, firstTry: true },
      signal,
    );
    expect(result).toEqual({ ok: true, ticketId: '1042', url: 'https://psa.example/1042' });
    expect(calls).toEqual([{ op: 'createTicket', request: { ref: 'create-ticket:att-1', firstTry: true, ...ticketPayload } }]);
  });

  it('a note reports the ticket it went on', async () => {
    const { adapter, calls } = recordingAdapter();
    const result = await psaHandoffSender(() => adapter).send(
      { id: 'h2', kind: 'add-note', idempotencyKey: 'add-note:x', payload: { ticketId: '77', text: 'Called back', internal: true }, firstTry: false },
      signal,
    );
    expect(result).toEqual({ ok: true, ticketId: '77' });
    expect(calls[0]?.request).toEqual({ ref: 'add-note:x', firstTry: false, ticketId: '77', text: 'Called back', internal: true });
  });

  it('waits, without failing, while no PSA is connected', async () => {
    const result = await psaHandoffSender(() => null).send(
      { id: 'h3', kind: 'create-ticket', idempotencyKey: 'k', payload: ticketPayload, firstTry: false },
      signal,
    );
    expect(result).toMatchObject({ ok: false, retry: 'later', retryAfterMs: NOT_CONNECTED_RETRY_MS });
  });

  it('a payload damaged on disk is for a human to fix, never sent', async () => {
    const { adapter, calls } = recordingAdapter();
    const result = await psaHandoffSender(() => adapter).send(
      { id: 'h4', kind: 'create-ticket', idempotencyKey: 'k', payload: { ...ticketPayload, summary: '' }, firstTry: false },
      signal,
    );
    expect(result).toMatchObject({ ok: false, retry: 'never' });
    expect(result.ok ? '' : result.message).toMatch(/summary/);
    expect(calls).toEqual([]);
  });

  it('maps PsaError kinds: transient ones retry (with Retry-After), the rest stop with the message', async () => {
    const { adapter } = recordingAdapter(new PsaError('rate-limited', 'RT is limiting requests (429).', { retryAfterMs: 7000 }));
    expect(
      await psaHandoffSender(() => adapter).send({ id: 'h5', kind: 'create-ticket', idempotencyKey: 'k', payload: ticketPayload, firstTry: false }, signal),
    ).toEqual({
      ok: false,
      retry: 'later',
      retryAfterMs: 7000,
      message: 'RT is limiting requests (429).',
    });
    expect(toSendResult(new PsaError('unavailable', 'down'))).toMatchObject({ retry: 'later' });
    expect(toSendResult(new PsaError('timeout', 'slow'))).toMatchObject({ retry: 'later' });
    expect(toSendResult(new PsaError('invalid-request', 'A company is required.'))).toEqual({ ok: false, retry: 'never', message: 'A company is required.' });
    expect(toSendResult(new PsaError('auth', 'wrong key'))).toMatchObject({ retry: 'never' });
    expect(toSendResult(new PsaError('forbidden', 'no right'))).toMatchObject({ retry: 'never' });
    expect(toSendResult(new TypeError('x is undefined'))).toMatchObject({ retry: 'later' });
  });
});

describe('voicemail attachments', () => {
  const withVoicemail = { ...ticketPayload, voicemailId: 'vm-1' };
  const audio = { fileName: 'voicemail.webm', mimeType: 'audio/webm', bytes: new Uint8Array([1, 2, 3]) };

  it('reads the recording at send time and gives it to a PSA that keeps attachments', async () => {
    const { adapter, calls } = recordingAdapter();
    Object.assign(adapter, { acceptsAttachments: true });
    const asked: string[] = [];
    const sender = psaHandoffSender(
      () => adapter,
      async (id) => {
        asked.push(id);
        return [audio];
      },
    );
    await sender.send({ id: 'h', kind: 'create-ticket', idempotencyKey: 'k', payload: withVoicemail, firstTry: true }, signal);
    expect(asked).toEqual(['vm-1']);
    expect(calls[0]?.request).toMatchObject({ attachments: [audio] });
    expect(calls[0]?.request).not.toHaveProperty('voicemailId');
  });

  it('never reads it for a PSA that can’t keep it', async () => {
    const { adapter, calls } = recordingAdapter();
    const asked: string[] = [];
    await psaHandoffSender(
      () => adapter,
      async (id) => {
        asked.push(id);
        return [audio];
      },
    ).send({ id: 'h', kind: 'create-ticket', idempotencyKey: 'k', payload: withVoicemail, firstTry: true }, signal);
    expect(asked).toEqual([]);
    expect(calls[0]?.request).not.toHaveProperty('attachments');
  });
});
