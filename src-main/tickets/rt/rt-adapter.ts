import type { PsaAdapterDeps, RtConfig } from '../psa-config.js';
import {
  PsaError,
  refMarker,
  withRef,
  type AttemptLogRequest,
  type CallerMatch,
  type CallOptions,
  type ConnectionReport,
  type EscalationRequest,
  type NewTicketRequest,
  type NoteRequest,
  type PsaAdapter,
  type PsaPage,
  type PsaPerson,
  type PsaTicket,
  type WriteRequest,
  type WriteResult,
  writeOnce,
} from '../psa.js';
import { RT_VENDOR, RtClient } from './rt-client.js';
import { testRtConnection } from './rt-connection.js';
import { rtCoworkers } from './rt-coworkers.js';
import {
  escalationMisses,
  escalationUpdate,
  activeTicketQuery,
  attemptBody,
  bestRequestorMatch,
  callerFromDigits,
  companyTicketsQuery,
  isSystemUser,
  MY_OPEN_TICKETS_QUERY,
  nextPageCursor,
  pageFromCursor,
  personFromUser,
  phoneRequesterName,
  phoneSearchQuery,
  refCandidatesQuery,
  REQUESTOR_FIELDS,
  requestorTicketsQuery,
  TICKET_FIELDS,
  ticketBody,
  ticketFromItem,
  ticketSubject,
  ticketUrl,
  tokenOwnerId,
} from './rt-mapping.js';
import {
  RtAttachmentPageSchema,
  RtCreatedSchema,
  RtEscalatedSchema,
  RtMessagesSchema,
  RtQueueSchema,
  RtTicketPageSchema,
  RtTicketRecordSchema,
  RtUserPageSchema,
  type RtTicketItem,
} from './rt-schemas.js';

/**
 * Request Tracker 5 over REST2 (token auth). RT has no company entity (the
 * requester's Organization stands in), no activity entity (a call is a
 * comment on a ticket) and no external-reference field, so writes find their
 * earlier selves by the ref marker in the bodies they wrote.
 */

export type RtAdapterDeps = PsaAdapterDeps & {
  /** numbers.defaultRegion: the country for numbers written without +country code. Default US. */
  defaultRegion?: string;
};

/** How far back a retried createTicket looks for the ticket its first try made. */
const REF_LOOKBACK_MS = 7 * 24 * 3600_000;
const MAX_OPEN_TICKETS = 200;
const SCREEN_POP_TICKETS = 10;
// "Newest first" sorts on id: RT's ids grow with creation, and Created has
// one-second resolution, so tickets made in the same second would tie.
const CONTACTS_PER_PAGE = 100;
const MEMBERS_PER_PAGE = 50;
/** Focusline's own recent text bodies on one ticket that a retried note is compared with. */
const NOTE_LOOKBACK = 50;

export function createRtAdapter(config: RtConfig, deps: RtAdapterDeps = {}): PsaAdapter {
  return new RtAdapter(config, deps);
}

class RtAdapter implements PsaAdapter {
  readonly kind = 'rt' as const;
  /** REST2's POST /ticket takes Attachments (FileName, FileType, base64 FileContent) with the first message. */
  readonly acceptsAttachments = true;
  readonly label: string;
  private readonly client: RtClient;
  private readonly region: string;
  private readonly now: () => Date;
  private readonly log: (message: string) => void;
  private memberNames: string[] | undefined;

  constructor(
    private readonly config: RtConfig,
    deps: RtAdapterDeps,
  ) {
    this.client = new RtClient(config, deps);
    this.region = deps.defaultRegion ?? 'US';
    this.now = deps.now ?? (() => new Date());
    this.log = deps.log ?? (() => undefined);
    this.label = `${RT_VENDOR} (${hostOf(this.client.baseUrl) ?? 'no URL set'})`;
  }

  testConnection(options?: CallOptions): Promise<ConnectionReport> {
    return testRtConnection(this.client, this.config.token, options?.signal);
  }

  async activeTicket(options?: CallOptions): Promise<PsaTicket | null> {
    const [first] = await this.searchTickets(activeTicketQuery(this.config.workingStatuses), { orderby: 'LastUpdated', order: 'DESC', perPage: 1 }, options);
    return first ?? null;
  }

  async getTicket(id: string, options?: CallOptions): Promise<PsaTicket | null> {
    if (!isTicketId(id)) return null;
    const [ticket] = await this.searchTickets(`id = ${id}`, { perPage: 1 }, options);
    return ticket ?? null;
  }

  async myOpenTickets(options?: CallOptions): Promise<PsaTicket[]> {
    const tickets: PsaTicket[] = [];
    for (let page = 1; tickets.length < MAX_OPEN_TICKETS; page++) {
      const batch = await this.searchTickets(MY_OPEN_TICKETS_QUERY, { orderby: 'LastUpdated', order: 'DESC', perPage: 100, page }, options);
      tickets.push(...batch);
      if (batch.length < 100) break;
    }
    return tickets.slice(0, MAX_OPEN_TICKETS);
  }

  async findCaller(digits: string, options?: CallOptions): Promise<CallerMatch> {
    const caller = callerFromDigits(digits, this.region);
    const clean = digits.replace(/\D/g, '');
    if (caller === null) return { person: null, company: null, openTickets: [] };
    const items = await this.searchItems(phoneSearchQuery(clean), { orderby: 'LastUpdated', order: 'DESC', perPage: 100 }, options);
    const match = bestRequestorMatch(items, caller, this.region);
    if (match === null) return { person: null, company: null, openTickets: [] };
    const person = personFromUser(match.user, 'contact');
    const openTickets = await this.searchTickets(requestorTicketsQuery(person.id), { orderby: 'id', order: 'DESC', perPage: SCREEN_POP_TICKETS }, options);
    return { person, company: person.company ? { id: person.company, name: person.company } : null, openTickets };
  }

  async openTicketsForCompany(companyId: string, options?: CallOptions): Promise<PsaTicket[]> {
    if (companyId.trim() === '') return [];
    return this.searchTickets(companyTicketsQuery(companyId.trim()), { orderby: 'id', order: 'DESC', perPage: SCREEN_POP_TICKETS }, options);
  }

  async createTicket(request: NewTicketRequest, options?: CallOptions): Promise<WriteResult & { ticketId: string }> {
    const subject = ticketSubject(request);
    return writeOnce(
      request,
      async () => {
        const existing = await this.findTicketByRef(request.ref, subject, options);
        if (existing === null) return null;
        this.log(`RT: ticket #${existing} already carries ref ${request.ref}; not creating another`);
        return { ticketId: existing, url: ticketUrl(this.client.baseUrl, existing) };
      },
      () => this.createNewTicket(request, subject, options),
    );
  }

  private async createNewTicket(request: NewTicketRequest, subject: string, options: CallOptions | undefined): Promise<WriteResult & { ticketId: string }> {
    const requestor = request.contactId?.trim() || (await this.phoneRequester(request, options));
    const created = await this.client.post(
      '/ticket',
      {},
      {
        Queue: this.config.queue.trim() || 'General',
        Subject: subject,
        ...(requestor ? { Requestor: requestor } : {}),
        Content: withRef(ticketBody(request), request.ref),
        ContentType: 'text/plain',
        ...(request.attachments && request.attachments.length > 0
          ? {
              Attachments: request.attachments.map((a) => ({
                FileName: a.fileName,
                FileType: a.mimeType,
                FileContent: Buffer.from(a.bytes).toString('base64'),
              })),
            }
          : {}),
      },
      RtCreatedSchema,
      options?.signal,
    );
    return { ticketId: created.id, url: ticketUrl(this.client.baseUrl, created.id) };
  }

  addNote(request: NoteRequest, options?: CallOptions): Promise<WriteResult> {
    return this.writeMessageOnce(
      request.ticketId,
      request,
      request.internal ? 'comment' : 'correspond',
      { Content: withRef(request.text, request.ref) },
      options,
    );
  }

  /**
   * RT has no activity entity: an attempt is a comment on its ticket. Without
   * a ticket there is nowhere to put it, so nothing is written and the result
   * has no ticketId (the outbox treats that as done; the call stays in
   * Focusline's own call log).
   */
  async logAttempt(request: AttemptLogRequest, options?: CallOptions): Promise<WriteResult> {
    if (!request.ticketId) {
      this.log(`RT: call attempt ${request.ref} has no ticket; RT has no place for it, not logged in RT`);
      return {};
    }
    return this.writeMessageOnce(
      request.ticketId,
      request,
      'comment',
      { Subject: 'Call log', TimeTaken: '0', Content: withRef(attemptBody(request), request.ref) },
      options,
    );
  }

  /**
   * The 15-minute rule: PUT the fields policy names (Priority, Status, Owner, Queue), check
   * that RT took them (REST2 reports a refused field as a message in a 200), then the
   * comment. The comment carries the ref and is written last, so once it is there the
   * escalation is complete and a retry writes nothing.
   */
  async escalateTicket(request: EscalationRequest, options?: CallOptions): Promise<WriteResult & { ticketId: string }> {
    const ticketId = request.ticketId;
    if (!isTicketId(ticketId)) throw new PsaError('invalid-request', `Request Tracker ticket ids are numbers; "${ticketId}" is not one.`);
    await this.requireTicket(ticketId, options);
    const url = ticketUrl(this.client.baseUrl, ticketId);
    const wanted = escalationUpdate(this.config.escalation);
    return writeOnce(
      request,
      async () => ((await this.carriesMarker(ticketId, request.ref, 'DESC', NOTE_LOOKBACK, options)) ? { ticketId, url } : null),
      async () => {
        if (Object.keys(wanted).length > 0) {
          const messages = await this.client.put(`/ticket/${ticketId}`, wanted, RtMessagesSchema, options?.signal);
          const [now, queue] = await Promise.all([
            this.client.get(`/ticket/${ticketId}`, {}, RtEscalatedSchema, options?.signal),
            wanted['Queue'] === undefined
              ? undefined
              : this.client.get(`/queue/${encodeURIComponent(wanted['Queue'])}`, {}, RtQueueSchema, options?.signal).catch((error: unknown) => {
                  // Only "no such queue" is a settings problem; RT being busy or down is retried like any write.
                  if (error instanceof PsaError && error.kind === 'not-found') return undefined;
                  throw error;
                }),
          ]);
          const misses = escalationMisses(wanted, now, queue?.id);
          if (misses.length > 0) {
            throw new PsaError(
              'config',
              `Request Tracker didn't take the escalation's ${misses.join(', ')} on ticket #${ticketId}${messages.length > 0 ? ` (RT said: ${messages.join('; ')})` : ''}. Check the escalation settings in the PSA policy, and that this token may make that change.`,
            );
          }
        }
        await this.client.post(
          `/ticket/${ticketId}/comment`,
          {},
          { ContentType: 'text/plain', Subject: 'Escalated', Content: withRef(request.text, request.ref) },
          RtMessagesSchema,
          options?.signal,
        );
        return { ticketId, url };
      },
    );
  }

  async listContacts(cursor: string | null, options?: CallOptions): Promise<PsaPage<PsaPerson>> {
    const page = pageFromCursor(cursor);
    if (page === null) throw new PsaError('invalid-request', `Request Tracker: "${cursor}" is not a contact page cursor.`);
    const body = await this.client.get(
      '/users',
      { fields: REQUESTOR_FIELDS, per_page: CONTACTS_PER_PAGE, page, orderby: 'id' },
      RtUserPageSchema,
      options?.signal,
    );
    return {
      items: body.items.filter((u) => !isSystemUser(u)).map((u) => personFromUser(u, 'contact')),
      next: nextPageCursor(body.page, body.pages, body.items.length, body.per_page),
      total: body.total ?? undefined,
    };
  }

  /**
   * RT's own people (see rt-coworkers.ts for where they come from), fetched
   * by name a page at a time. The name list is read once per listing, at its
   * first page, and kept for the pages after it.
   */
  async listMembers(cursor: string | null, options?: CallOptions): Promise<PsaPage<PsaPerson>> {
    const offset = cursor === null ? 0 : /^\d{1,6}$/.test(cursor) ? Number(cursor) : null;
    if (offset === null) throw new PsaError('invalid-request', `Request Tracker: "${cursor}" is not a member page cursor.`);
    if (offset === 0 || this.memberNames === undefined) this.memberNames = (await rtCoworkers(this.client, this.config.token, options?.signal, this.log)).names;
    const names = this.memberNames;
    const slice = names.slice(offset, offset + MEMBERS_PER_PAGE);
    const next = offset + MEMBERS_PER_PAGE < names.length ? String(offset + MEMBERS_PER_PAGE) : null;
    if (slice.length === 0) return { items: [], next: null, total: names.length };
    const users = await this.client.post(
      '/users',
      { fields: REQUESTOR_FIELDS, per_page: 100, orderby: 'id' },
      slice.map((name) => ({ field: 'Name', value: name, entry_aggregator: 'OR' })),
      RtUserPageSchema,
      options?.signal,
    );
    return { items: users.items.filter((u) => !isSystemUser(u)).map((u) => personFromUser(u, 'member')), next, total: names.length };
  }

  private async searchItems(
    query: string,
    page: { orderby?: string; order?: 'ASC' | 'DESC'; perPage: number; page?: number },
    options: CallOptions | undefined,
  ): Promise<RtTicketItem[]> {
    const body = await this.client.get(
      '/tickets',
      {
        query,
        fields: TICKET_FIELDS,
        'fields[Requestor]': REQUESTOR_FIELDS,
        orderby: page.orderby,
        order: page.order,
        per_page: page.perPage,
        page: page.page,
      },
      RtTicketPageSchema,
      options?.signal,
    );
    return body.items;
  }

  private async searchTickets(query: string, page: Parameters<RtAdapter['searchItems']>[1], options: CallOptions | undefined): Promise<PsaTicket[]> {
    const items = await this.searchItems(query, page, options);
    return items.map((item) => ticketFromItem(item, this.client.baseUrl));
  }

  /** The ticket an earlier try of this createTicket made: same subject, by me, recent, its first text body carries the marker. */
  private async findTicketByRef(ref: string, subject: string, options: CallOptions | undefined): Promise<string | null> {
    const since = new Date(this.now().getTime() - REF_LOOKBACK_MS);
    const body = await this.client.get(
      '/tickets',
      { query: refCandidatesQuery(subject, since), fields: 'Subject', orderby: 'Created', order: 'DESC', per_page: 10 },
      RtTicketPageSchema,
      options?.signal,
    );
    for (const candidate of body.items) {
      if (await this.carriesMarker(candidate.id, ref, 'ASC', 3, options)) return candidate.id;
    }
    return null;
  }

  /**
   * Whether one of my text/plain bodies on the ticket ends with the ref
   * marker. Read back and compared here rather than searched with LIKE in
   * the database, because RT may store a body quoted-printable (PostgreSQL,
   * non-ASCII text), which a LIKE would not see through.
   */
  private async carriesMarker(ticketId: string, ref: string, order: 'ASC' | 'DESC', count: number, options: CallOptions | undefined): Promise<boolean> {
    const me = tokenOwnerId(this.config.token);
    const filter = [{ field: 'ContentType', value: 'text/plain' }, ...(me === null ? [] : [{ field: 'Creator', value: me }])];
    const body = await this.client.post(
      `/ticket/${ticketId}/attachments`,
      { fields: 'TransactionId,ContentType,Content', orderby: 'id', order, per_page: count },
      filter,
      RtAttachmentPageSchema,
      options?.signal,
    );
    const marker = refMarker(ref);
    return body.items.some((a) => a.Content.includes(marker));
  }

  /** A comment or reply, written once per ref. */
  private async writeMessageOnce(
    ticketId: string,
    request: WriteRequest,
    kind: 'comment' | 'correspond',
    fields: Record<string, string>,
    options: CallOptions | undefined,
  ): Promise<WriteResult> {
    if (!isTicketId(ticketId)) throw new PsaError('invalid-request', `Request Tracker ticket ids are numbers; "${ticketId}" is not one.`);
    await this.requireTicket(ticketId, options);
    const url = ticketUrl(this.client.baseUrl, ticketId);
    return writeOnce(
      request,
      async () => {
        if (!(await this.carriesMarker(ticketId, request.ref, 'DESC', NOTE_LOOKBACK, options))) return null;
        this.log(`RT: ticket #${ticketId} already has the ${kind} for ref ${request.ref}; not writing it again`);
        return { ticketId, url };
      },
      async () => {
        await this.client.post(`/ticket/${ticketId}/${kind}`, {}, { ContentType: 'text/plain', ...fields }, RtMessagesSchema, options?.signal);
        return { ticketId, url };
      },
    );
  }

  /** RT answers a comment on a missing ticket with 400 "Permission Denied"; say what is really wrong. */
  private async requireTicket(ticketId: string, options: CallOptions | undefined): Promise<void> {
    try {
      await this.client.get(`/ticket/${ticketId}`, {}, RtTicketRecordSchema, options?.signal);
    } catch (error) {
      if (error instanceof PsaError && error.kind === 'not-found') {
        throw new PsaError('not-found', `Request Tracker has no ticket #${ticketId} (deleted or merged?), or this token may not see it.`, {
          status: error.status,
          cause: error,
        });
      }
      throw error;
    }
  }

  /**
   * The requester for a caller nobody matched: an RT user named by the
   * number (psa-config: for RT the caller's number becomes the requester),
   * made once and reused, so the next call from it finds this ticket. When
   * the token may not create users the ticket goes without a requester; the
   * number is in its body either way.
   */
  private async phoneRequester(request: NewTicketRequest, options: CallOptions | undefined): Promise<string | undefined> {
    const name = phoneRequesterName(request.callerNumber, this.region);
    if (name === null) return undefined;
    const found = await this.client.post('/users', { fields: 'Name', per_page: 1 }, [{ field: 'Name', value: name }], RtUserPageSchema, options?.signal);
    if (found.items.length > 0) return name;
    try {
      await this.client.post(
        '/user',
        {},
        { Name: name, RealName: request.callerName.trim() || name, WorkPhone: request.callerNumber },
        RtCreatedSchema,
        options?.signal,
      );
      return name;
    } catch (error) {
      if (error instanceof PsaError && (error.kind === 'forbidden' || error.kind === 'invalid-request')) {
        this.log(`RT: could not create requester ${name} (${error.message}); the ticket will have no requester`);
        return undefined;
      }
      throw error;
    }
  }
}

function isTicketId(id: string): boolean {
  return /^\d{1,10}$/.test(id);
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
