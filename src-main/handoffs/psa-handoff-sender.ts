import type { Attachment, PsaAdapter } from '../tickets/psa.js';
import { PsaError } from '../tickets/psa.js';
import { AddNotePayload, CreateTicketPayload, EscalateTicketPayload, LogAttemptPayload } from './handoff-payloads.js';
import type { HandoffSender, OutgoingHandoff, SendResult } from './outbox.js';
import { messageOf } from '../../src-shared/errors.js';

/** When no PSA is connected, queued handoffs wait this long before looking again (a reconnect wakes them sooner). */
export const NOT_CONNECTED_RETRY_MS = 5 * 60_000;

/**
 * Delivers outbox handoffs through whichever PSA adapter is connected now.
 * The handoff's idempotency key is the adapter's `ref`, so a retry after a
 * crash finds the earlier write instead of making a second one.
 */
/** Reads a voicemail's recording for a ticket; empty when it is gone (the ticket still goes, its description says so). */
export type AttachmentSource = (voicemailId: string) => Promise<Attachment[]>;

export function psaHandoffSender(currentAdapter: () => PsaAdapter | null, attachmentsFor: AttachmentSource = async () => []): HandoffSender {
  return {
    async send(handoff: OutgoingHandoff, signal: AbortSignal): Promise<SendResult> {
      const adapter = currentAdapter();
      if (!adapter) {
        return {
          ok: false,
          retry: 'later',
          retryAfterMs: NOT_CONNECTED_RETRY_MS,
          message: 'No PSA is connected; this will be sent when one is (Settings → PSA).',
        };
      }
      try {
        return { ok: true, ...(await deliver(adapter, handoff, signal, attachmentsFor)) };
      } catch (error) {
        return toSendResult(error);
      }
    },
  };
}

async function deliver(
  adapter: PsaAdapter,
  handoff: OutgoingHandoff,
  signal: AbortSignal,
  attachmentsFor: AttachmentSource,
): Promise<{ ticketId?: string; url?: string }> {
  const ref = handoff.idempotencyKey;
  const firstTry = handoff.firstTry;
  switch (handoff.kind) {
    case 'create-ticket': {
      const { voicemailId, ...p } = parse(CreateTicketPayload, handoff.payload);
      const attachments = voicemailId && adapter.acceptsAttachments ? await attachmentsFor(voicemailId) : [];
      return clean(await adapter.createTicket({ ref, firstTry, ...p, ...(attachments.length > 0 ? { attachments } : {}) }, { signal }));
    }
    case 'add-note': {
      const p = parse(AddNotePayload, handoff.payload);
      const result = await adapter.addNote({ ref, firstTry, ticketId: p.ticketId, text: p.text, internal: p.internal }, { signal });
      return clean({ ticketId: p.ticketId, ...result });
    }
    case 'log-attempt': {
      const p = parse(LogAttemptPayload, handoff.payload);
      return clean(await adapter.logAttempt({ ref, firstTry, ...p }, { signal }));
    }
    case 'escalate-ticket': {
      const p = parse(EscalateTicketPayload, handoff.payload);
      return clean(await adapter.escalateTicket({ ref, firstTry, ticketId: p.ticketId, text: p.text, why: p.why, minutes: p.minutes }, { signal }));
    }
  }
}

function parse<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } },
  payload: unknown,
): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    throw new PsaError('invalid-request', `This handoff can't be sent as stored: ${parsed.error.issues.map((i) => i.message).join('; ')}. Edit it and resend.`);
  }
  return parsed.data;
}

function clean(result: { ticketId?: string | undefined; url?: string | undefined }): { ticketId?: string; url?: string } {
  return { ...(result.ticketId ? { ticketId: result.ticketId } : {}), ...(result.url ? { url: result.url } : {}) };
}

export function toSendResult(error: unknown): SendResult {
  if (error instanceof PsaError) {
    if (error.retryable)
      return { ok: false, retry: 'later', message: error.message, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) };
    return { ok: false, retry: 'never', message: error.message };
  }
  // An adapter bug is not the tech's to fix, and may be transient: keep it queued.
  return { ok: false, retry: 'later', message: `Sending failed unexpectedly: ${messageOf(error)}` };
}
