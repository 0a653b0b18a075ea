import { z } from 'zod';
import { ESCALATION_REASONS } from '../../src-shared/vocabulary.js';
import type { HandoffKind } from './outbox.js';

/**
 * What each kind of handoff carries on disk. Read back through these schemas
 * before sending, so a payload damaged on disk (or written by an older
 * version) fails as "a human must fix this", never as a crash in an adapter.
 * The shapes are the PSA port's requests (tickets/psa.ts) minus `ref`, which
 * is the handoff's idempotency key.
 */
const Text = (max: number) => z.string().max(max);
const OptionalId = z.string().min(1).max(100).optional();

export const CreateTicketPayload = z.object({
  summary: z.string().trim().min(1, 'A ticket needs a summary.').max(200),
  description: Text(20_000),
  contactId: OptionalId,
  companyId: OptionalId,
  callerNumber: Text(100),
  callerName: Text(200),
  occurredAt: z.iso.datetime(),
  /** The contact attempt it came from, so the call log can link to the ticket. */
  attemptId: z.string().optional(),
  /** A voicemail whose recording goes with the ticket where the PSA takes attachments (read from disk when sent). */
  voicemailId: z.string().max(100).optional(),
});

export const AddNotePayload = z.object({
  ticketId: z.string().min(1).max(100),
  text: z.string().trim().min(1, 'A note needs some text.').max(20_000),
  internal: z.boolean(),
  attemptId: z.string().optional(),
});

export const LogAttemptPayload = z.object({
  ticketId: OptionalId,
  contactId: OptionalId,
  companyId: OptionalId,
  callerNumber: Text(100),
  callerName: Text(200),
  occurredAt: z.iso.datetime(),
  outcome: Text(200),
  text: Text(20_000),
  attemptId: z.string().optional(),
});

/** The 15-minute rule's escalation: the fields policy names are set when it is sent (not when queued), the note always goes. */
export const EscalateTicketPayload = z.object({
  ticketId: z.string().min(1).max(100),
  text: z.string().trim().min(1, 'An escalation needs a note.').max(20_000),
  why: z.enum(ESCALATION_REASONS),
  minutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60),
  attemptId: z.string().optional(),
  callId: z.string().max(300).optional(),
});

export type CreateTicketPayload = z.infer<typeof CreateTicketPayload>;
export type EscalateTicketPayload = z.infer<typeof EscalateTicketPayload>;
export type AddNotePayload = z.infer<typeof AddNotePayload>;
export type LogAttemptPayload = z.infer<typeof LogAttemptPayload>;

export const PAYLOAD_SCHEMAS = {
  'create-ticket': CreateTicketPayload,
  'add-note': AddNotePayload,
  'log-attempt': LogAttemptPayload,
  'escalate-ticket': EscalateTicketPayload,
} as const satisfies Record<HandoffKind, z.ZodType>;
