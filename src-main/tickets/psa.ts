/**
 * The one port between Focusline and a PSA (ConnectWise PSA, Autotask,
 * HaloPSA, Request Tracker, or the built-in local store). Focus, screening
 * and the UI only ever see these types; each adapter lives in its own folder
 * (src-main/tickets/<vendor>/) and turns the vendor's API into them.
 *
 * Rules every adapter keeps:
 * - Every HTTP call goes through psa-http.ts (timeout, cancel signal, zod
 *   validation of the response), so an unexpected answer is a PsaError, never a crash.
 * - Failures are thrown as PsaError with a `kind` the outbox and the UI act on.
 * - Writes are idempotent on `ref` (the outbox's idempotency key): before
 *   creating, the adapter looks for what an earlier, interrupted try may have
 *   created (an external reference field where the PSA has one, otherwise the
 *   ref marker that every body Focusline writes ends with, see refMarker()).
 */

import type { EscalationReason, PsaKind } from '../../src-shared/vocabulary.js';

export { PSA_KINDS, type PsaKind } from '../../src-shared/vocabulary.js';

/** A ticket as Focusline needs it, from any PSA. */
export type PsaTicket = {
  id: string;
  summary: string;
  status: string;
  company: string;
  companyId?: string | undefined;
  contactName: string;
  contactId?: string | undefined;
  /** Every phone number of the ticket's contact, as the PSA stores them (free text). */
  contactNumbers: string[];
  /** The company's main number(s): ring through only when policy says so. */
  companyNumbers: string[];
  /** Where the tech opens it in the PSA's own UI (not the API URL). */
  url?: string | undefined;
};

/** A person the PSA knows: a client contact, or one of the MSP's own members/resources/agents. */
export type PsaPerson = {
  /** Stable within the PSA and kind ("contact:42", or just "42"; the adapter decides). */
  id: string;
  kind: 'contact' | 'member';
  name: string;
  company: string;
  companyId?: string | undefined;
  /** Free text, exactly as stored; the index normalises them. */
  numbers: string[];
  email?: string | undefined;
};

/** One page of a full listing, for the background sync into the local caller index. */
export type PsaPage<T> = {
  items: T[];
  /** Opaque; pass back to get the next page. null: that was the last page. */
  next: string | null;
  /** When the PSA says how many there are in all (for the progress bar). */
  total?: number | undefined;
};

/** Who is calling, as far as the PSA knows. */
export type CallerMatch = {
  person: PsaPerson | null;
  /** The company, even when only its main number matched (no contact). */
  company: { id?: string | undefined; name: string } | null;
  /** That company's (or contact's) open tickets, newest first, at most 10. */
  openTickets: PsaTicket[];
};

/**
 * Every write carries `ref` (the idempotency key) and may carry `firstTry`:
 * true when no earlier send of this ref ever started, so nothing can exist
 * in the PSA yet and the adapter may skip its search-before-create (which
 * costs RT and Halo several requests). Absent: search, to be safe.
 */
export type WriteRequest = { ref: string; firstTry?: boolean | undefined };

/**
 * A write that must reach the PSA once per ref, whatever the retries: unless
 * this is the ref's first try, `search` looks for what an earlier try may
 * already have written and its answer is returned as the result; otherwise
 * (or when it finds nothing) `write` writes. Every adapter's writes go
 * through here, so the rule is written once.
 */
export async function writeOnce<T>(request: WriteRequest, search: () => Promise<T | null | undefined>, write: () => Promise<T>): Promise<T> {
  if (!request.firstTry) {
    const earlier = await search();
    if (earlier !== null && earlier !== undefined) return earlier;
  }
  return write();
}

/** A file that goes with a new ticket (a voicemail's recording). */
export type Attachment = { fileName: string; mimeType: string; bytes: Uint8Array };

/** "Create ticket instead": what the adapter puts into the PSA. */
export type NewTicketRequest = WriteRequest & {
  summary: string;
  description: string;
  /** The matched contact and company; absent when the caller is unknown (the adapter uses the catch-all company). */
  contactId?: string | undefined;
  companyId?: string | undefined;
  callerNumber: string;
  callerName: string;
  /** When the call came in (ISO 8601). */
  occurredAt: string;
  /** Only given to adapters that say `acceptsAttachments`; the others get the description alone (it says where to listen). */
  attachments?: Attachment[] | undefined;
};

export type NoteRequest = WriteRequest & {
  ticketId: string;
  text: string;
  /** Internal (not visible to the client); Focusline's notes are internal unless the tech says otherwise. */
  internal: boolean;
};

/** One contact attempt, logged where policy asks (CW activity/note, Autotask note, Halo action, RT comment). */
export type AttemptLogRequest = WriteRequest & {
  /** The ticket it belongs to, when there is one (the active ticket, or the caller's). */
  ticketId?: string | undefined;
  contactId?: string | undefined;
  companyId?: string | undefined;
  callerNumber: string;
  callerName: string;
  occurredAt: string;
  /** What happened: "Rang, answered", "Held by Focus: sent to voicemail", … */
  outcome: string;
  text: string;
};

export { ESCALATION_REASONS, type EscalationReason } from '../../src-shared/vocabulary.js';

/**
 * "Escalate the ticket" (the 15-minute rule): the fields policy names for
 * this PSA are set (priority, status, owner/agent or queue; an unset field is
 * left alone) and an internal note always goes. Idempotent on `ref` like
 * every write: the note carries refMarker(ref) and is written last, so once
 * it is found the escalation is complete and a retry changes nothing.
 */
export type EscalationRequest = WriteRequest & {
  ticketId: string;
  /** The internal note (the tech's words, or Focusline's account of the rule). */
  text: string;
  why: EscalationReason;
  /** How long the tech had been on it when the rule fired. */
  minutes: number;
};

/** The result of a write: where the ticket is, for the "sent" link. */
export type WriteResult = { ticketId?: string | undefined; url?: string | undefined };

/** What "Test connection" shows. */
export type ConnectionReport = {
  ok: boolean;
  /** Who the credentials belong to, e.g. "jdoe (Jane Doe)". */
  who?: string | undefined;
  /** One line per check: "Signed in as jdoe", "Can read contact phone numbers", … */
  checks: { name: string; ok: boolean; detail: string }[];
  /** Things that work but will surprise (e.g. phone fields unreadable with this token). */
  warnings: string[];
};

/** Cancellation for every call: the caller's signal (screen pop deadline, outbox timeout, shutdown). */
export type CallOptions = { signal?: AbortSignal | undefined };

export interface PsaAdapter {
  readonly kind: PsaKind;
  /** What the tech sees, e.g. "ConnectWise PSA (na.myconnectwise.net)". */
  readonly label: string;
  /**
   * createTicket stores `attachments` with the ticket (RT in the create itself; ConnectWise,
   * Autotask and HaloPSA by an upload right after it, each skipped when an earlier try already
   * stored it). Absent: it can't, so none are fetched or sent.
   */
  readonly acceptsAttachments?: boolean;

  testConnection(options?: CallOptions): Promise<ConnectionReport>;
  /**
   * The ticket the tech is working on right now according to the PSA, or null.
   * Each adapter applies its own guard (CW: stopwatch running for N seconds or
   * ticket in a working status; others: assigned to me in a working status).
   */
  activeTicket(options?: CallOptions): Promise<PsaTicket | null>;
  getTicket(id: string, options?: CallOptions): Promise<PsaTicket | null>;
  /** Open tickets assigned to the tech (the "Start work on…" list), at most 200. */
  myOpenTickets(options?: CallOptions): Promise<PsaTicket[]>;
  /** Live search by phone number: the fallback when the local index has no answer. `digits` is the caller's number, digits only (E.164 without '+', or as dialled). */
  findCaller(digits: string, options?: CallOptions): Promise<CallerMatch>;
  /** Open tickets of a company (screen pop), newest first, at most 10. */
  openTicketsForCompany(companyId: string, options?: CallOptions): Promise<PsaTicket[]>;
  createTicket(request: NewTicketRequest, options?: CallOptions): Promise<WriteResult & { ticketId: string }>;
  addNote(request: NoteRequest, options?: CallOptions): Promise<WriteResult>;
  /**
   * Logs one contact attempt: on its ticket when it has one; without one, where the PSA has
   * a place for it (CW activity, Autotask company note, Halo CRM note); RT has none, so it
   * answers without a ticketId and the attempt stays in Focusline's own call log.
   */
  logAttempt(request: AttemptLogRequest, options?: CallOptions): Promise<WriteResult>;
  /** The 15-minute rule's escalation (see EscalationRequest); what is set comes from policy, per PSA. */
  escalateTicket(request: EscalationRequest, options?: CallOptions): Promise<WriteResult & { ticketId: string }>;
  /** Paged listing of client contacts (with phone numbers) for the local index. */
  listContacts(cursor: string | null, options?: CallOptions): Promise<PsaPage<PsaPerson>>;
  /** Paged listing of the MSP's own people (members/resources/agents/users) for the coworker directory. */
  listMembers(cursor: string | null, options?: CallOptions): Promise<PsaPage<PsaPerson>>;
}

/**
 * What went wrong, in terms the outbox and the UI act on:
 * - retryable: 'rate-limited' (retryAfterMs), 'unavailable' (5xx, network), 'timeout'
 * - a human must fix: 'auth' (wrong key), 'forbidden' (missing permission),
 *   'not-found' (wrong URL, or the ticket is gone), 'invalid-request' (a required
 *   field), 'clock-skew', 'config' (settings incomplete)
 * - 'malformed': the PSA answered something we can't read (retryable: often a proxy's error page)
 */
export const PSA_ERROR_KINDS = [
  'auth',
  'forbidden',
  'not-found',
  'invalid-request',
  'rate-limited',
  'unavailable',
  'timeout',
  'malformed',
  'clock-skew',
  'config',
  'cancelled',
] as const;
export type PsaErrorKind = (typeof PSA_ERROR_KINDS)[number];

export class PsaError extends Error {
  readonly kind: PsaErrorKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(kind: PsaErrorKind, message: string, details: { status?: number | undefined; retryAfterMs?: number | undefined; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PsaError';
    this.kind = kind;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** Worth trying again later without anyone changing anything. */
  get retryable(): boolean {
    return this.kind === 'rate-limited' || this.kind === 'unavailable' || this.kind === 'timeout' || this.kind === 'malformed' || this.kind === 'cancelled';
  }
}

/**
 * An upload the PSA (or a proxy in front of it) refused as too large (413):
 * the ticket is made already, so the recording stays out and the handoff
 * goes on (its description says where to listen), never failing for good
 * over a file the tech can't shrink.
 */
export async function uploadUnlessTooLarge(upload: () => Promise<unknown>, skipped: (why: string) => void): Promise<void> {
  try {
    await upload();
  } catch (error) {
    if (!(error instanceof PsaError) || error.status !== 413) throw error;
    skipped(error.message);
  }
}

/**
 * The marker every ticket description and note Focusline writes ends with.
 * An adapter without an external-reference field finds its own earlier
 * write by searching for it, so a retry after a crash is a no-op.
 */
export function refMarker(ref: string): string {
  return `[Focusline ref: ${ref}]`;
}

export function withRef(text: string, ref: string): string {
  return `${text.trimEnd()}\n\n${refMarker(ref)}`;
}
