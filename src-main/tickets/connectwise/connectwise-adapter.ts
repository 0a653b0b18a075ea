import type { ZodType } from 'zod';
import type { ConnectWiseConfig, PsaAdapterDeps } from '../psa-config.js';
import {
  PsaError,
  refMarker,
  writeOnce,
  type AttemptLogRequest,
  type CallerMatch,
  type Attachment,
  type CallOptions,
  type EscalationRequest,
  type NewTicketRequest,
  type NoteRequest,
  type PsaAdapter,
  type PsaPage,
  type PsaPerson,
  type PsaTicket,
  type WriteResult,
  uploadUnlessTooLarge,
} from '../psa.js';
import { ConnectWiseClient } from './connectwise-client.js';
import { testConnectWiseConnection } from './connectwise-connection.js';
import {
  activityBody,
  bestCandidate,
  CW_DOCUMENT_MAX_BYTES,
  documentForm,
  documentTitle,
  escalationPatch,
  contactPhoneNumbers,
  contactToPerson,
  cwId,
  cwString,
  judgeStopwatch,
  likeAnywhere,
  memberToPerson,
  newTicketBody,
  nextPageCursor,
  noteBody,
  pageFromCursor,
  searchTail,
  stopwatchIsRunning,
  ticketUrl,
  toPsaTicket,
  type CompanyRef,
  type CwSite,
} from './connectwise-mapping.js';
import {
  cwActivitySchema,
  cwCompanySchema,
  cwContactSchema,
  cwCountSchema,
  cwCreatedSchema,
  cwDocumentSchema,
  cwMemberSchema,
  cwNamedSchema,
  cwNoteSchema,
  cwStopwatchSchema,
  cwTicketSchema,
  type CwTicket,
} from './connectwise-schemas.js';

/**
 * The ConnectWise PSA (Manage) adapter: REST API 3.0 under
 * /v4_6_release/apis/3.0, Basic auth with companyId+publicKey:privateKey
 * and the integration's clientId header (psa-apis.md §1).
 *
 * - Who the tech is: the member whose identifier the settings name
 *   (ConnectWiseClient.whoAmI); "my" stopwatch, tickets and activities are theirs.
 * - Active ticket: the tech's running ticket stopwatch, guarded against
 *   autoStartStopwatch (see judgeStopwatch). A stopwatch's status and ticket id
 *   may be null (the definition says so): such a stopwatch isn't running on a ticket.
 * - Idempotency: tickets carry the ref in CW's `externalXRef`; notes and
 *   activities end with refMarker(ref) and are searched for before writing.
 */

export type ConnectWiseTuning = {
  /** Page size for listings (contacts, members, notes); CW's maximum, 1000, unless a test wants many pages. */
  pageSize?: number;
};

const CONTACT_FIELDS = 'id,firstName,lastName,company,defaultPhoneNbr,defaultPhoneExtension,communicationItems';
const MEMBER_FIELDS = 'id,identifier,firstName,lastName,officePhone,mobilePhone,homePhone,officeEmail,inactiveFlag';
/** Candidates the screen-pop `like` search returns; more means the last 7 digits are very common and we check them all anyway. */
const CANDIDATES = 25;
/** Running stopwatches looked at; a tech has one or two. */
const MAX_STOPWATCHES = 5;
/** Note pages scanned for an earlier write of the same ref (pageSize each). */
const MAX_NOTE_PAGES = 10;

export function createConnectWiseAdapter(config: ConnectWiseConfig, deps: PsaAdapterDeps = {}, tuning: ConnectWiseTuning = {}): PsaAdapter {
  return new ConnectWiseAdapter(new ConnectWiseClient(config, deps, tuning.pageSize), deps.defaultRegion ?? '');
}

function hostLabel(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url.trim() || 'no URL set';
  }
}

class ConnectWiseAdapter implements PsaAdapter {
  readonly kind = 'connectwise' as const;
  /** A voicemail's recording goes up as a document on the new ticket (POST /system/documents, multipart). */
  readonly acceptsAttachments = true;
  readonly label: string;
  private readonly site: CwSite;

  constructor(
    private readonly cw: ConnectWiseClient,
    private readonly region: string,
  ) {
    this.label = `ConnectWise PSA (${hostLabel(cw.config.url)})`;
    this.site = { url: cw.config.url, companyId: cw.config.companyId.trim() };
  }

  testConnection(options: CallOptions = {}) {
    return testConnectWiseConnection(this.cw, options);
  }

  async activeTicket(options: CallOptions = {}): Promise<PsaTicket | null> {
    const me = await this.cw.whoAmI(options);
    const { items } = await this.cw.list(
      '/time/ticketstopwatches',
      cwStopwatchSchema,
      { conditions: `member/identifier=${cwString(me.identifier)}`, pageSize: 25 },
      options,
    );
    const running = items
      .filter(stopwatchIsRunning)
      .sort((a, b) => Date.parse(b.startTime ?? '') - Date.parse(a.startTime ?? ''))
      .slice(0, MAX_STOPWATCHES);
    for (const stopwatch of running) {
      const ticketId = stopwatch.ticket.id;
      if (ticketId == null) continue;
      const ticket = await this.findTicket(ticketId, options);
      if (ticket === null) continue;
      const verdict = judgeStopwatch(stopwatch, ticket.status?.name ?? '', this.cw.config, this.cw.now());
      this.cw.log(`stopwatch on ticket #${ticket.id}: ${verdict.counts ? 'counts' : 'ignored'}, ${verdict.why}`);
      if (verdict.counts) return this.complete(ticket, options);
    }
    return null;
  }

  async getTicket(id: string, options: CallOptions = {}): Promise<PsaTicket | null> {
    const ticketId = cwId(id);
    if (ticketId === undefined) return null;
    const ticket = await this.findTicket(ticketId, options);
    return ticket === null ? null : this.complete(ticket, options);
  }

  /**
   * A ticket by id through the list endpoint: a missing ticket is an empty
   * list there, so a 404 can only mean a wrong URL and is reported as such
   * (GET /service/tickets/{id} answers 404 for both).
   */
  private async findTicket(id: number, options: CallOptions): Promise<CwTicket | null> {
    const { items } = await this.cw.list('/service/tickets', cwTicketSchema, { conditions: `id=${id}`, pageSize: 1 }, options);
    return items[0] ?? null;
  }

  async myOpenTickets(options: CallOptions = {}): Promise<PsaTicket[]> {
    const me = await this.cw.whoAmI(options);
    return this.ticketList(`owner/identifier=${cwString(me.identifier)} AND closedFlag=false`, 200, options);
  }

  async findCaller(digits: string, options: CallOptions = {}): Promise<CallerMatch> {
    const tail = searchTail(digits);
    if (tail === undefined) return { person: null, company: null, openTickets: [] };
    const contacts = await this.cw.list(
      '/company/contacts',
      cwContactSchema,
      {
        childConditions: `communicationItems/value like ${likeAnywhere(tail)} AND communicationItems/communicationType="Phone"`,
        fields: CONTACT_FIELDS,
        pageSize: CANDIDATES,
      },
      options,
    );
    const contact = bestCandidate(digits, contacts.items, contactPhoneNumbers, this.region);
    if (contact !== undefined) {
      const person = contactToPerson(contact);
      const company = contact.company?.name ? { id: person.companyId, name: contact.company.name } : null;
      const openTickets = person.companyId ? await this.openTicketsForCompany(person.companyId, options) : [];
      return { person, company, openTickets };
    }
    const companies = await this.cw.list(
      '/company/companies',
      cwCompanySchema,
      { conditions: `phoneNumber like ${likeAnywhere(tail)}`, pageSize: CANDIDATES },
      options,
    );
    const company = bestCandidate(digits, companies.items, (c) => (c.phoneNumber ? [c.phoneNumber] : []), this.region);
    if (company === undefined) return { person: null, company: null, openTickets: [] };
    return {
      person: null,
      company: { id: String(company.id), name: company.name },
      openTickets: await this.openTicketsForCompany(String(company.id), options),
    };
  }

  openTicketsForCompany(companyId: string, options: CallOptions = {}): Promise<PsaTicket[]> {
    const id = requireId(companyId, 'company');
    return this.ticketList(`company/id=${id} AND closedFlag=false`, 10, options);
  }

  /**
   * The ticket, then its attachments. Idempotent across a crash between the two: a retry
   * finds the ticket by externalXRef, then uploads only the recordings the ticket's
   * documents don't already hold (matched by title, which carries the file name).
   */
  async createTicket(request: NewTicketRequest, options: CallOptions = {}): Promise<WriteResult & { ticketId: string }> {
    let created = false;
    const result = await writeOnce(
      request,
      async () => {
        const earlier = await this.cw.list(
          '/service/tickets',
          cwCreatedSchema,
          { conditions: `externalXRef=${cwString(request.ref)}`, fields: 'id', pageSize: 1 },
          options,
        );
        const found = earlier.items[0];
        if (found === undefined) return null;
        this.cw.log(`ticket #${found.id} already exists for ref ${request.ref}; not creating another`);
        return this.written(found.id);
      },
      async () => {
        const contactId = request.contactId ? requireId(request.contactId, 'contact') : undefined;
        const body = newTicketBody(request, this.companyFor(request.companyId), this.cw.config.queue, contactId);
        const created_ = await this.cw.post('/service/tickets', body, cwCreatedSchema, options);
        created = true;
        return this.written(created_.id);
      },
    );
    if (request.attachments && request.attachments.length > 0) {
      await this.attach(Number(result.ticketId), request.attachments, created && request.firstTry === true, options);
    }
    return result;
  }

  private async attach(ticketId: number, attachments: Attachment[], fresh: boolean, options: CallOptions): Promise<void> {
    const already = fresh
      ? new Set<string>()
      : new Set(
          (await this.cw.list('/system/documents', cwDocumentSchema, { recordType: 'Ticket', recordId: ticketId, pageSize: 100 }, options)).items.map(
            (d) => d.title ?? '',
          ),
        );
    for (const attachment of attachments) {
      if (already.has(documentTitle(attachment.fileName))) continue;
      if (attachment.bytes.byteLength > CW_DOCUMENT_MAX_BYTES) {
        this.cw.log(
          `${attachment.fileName} (${attachment.bytes.byteLength} bytes) is over ConnectWise's upload limit; ticket #${ticketId} says where to listen instead`,
        );
        continue;
      }
      await uploadUnlessTooLarge(
        () => this.cw.send('POST', '/system/documents', { ...options, body: documentForm(ticketId, attachment), schema: cwCreatedSchema }),
        (why) => this.cw.log(`${attachment.fileName} left off ticket #${ticketId}: ${why}; the ticket says where to listen instead`),
      );
    }
  }

  async addNote(request: NoteRequest, options: CallOptions = {}): Promise<WriteResult> {
    const ticketId = requireId(request.ticketId, 'ticket');
    return writeOnce(
      request,
      async () => ((await this.noteExists(ticketId, request.ref, options)) ? this.written(ticketId) : null),
      async () => {
        await this.cw.post(`/service/tickets/${ticketId}/notes`, noteBody(request), cwCreatedSchema, options).catch((error: unknown) => {
          throw ticketGone(error, ticketId);
        });
        return this.written(ticketId);
      },
    );
  }

  async logAttempt(request: AttemptLogRequest, options: CallOptions = {}): Promise<WriteResult> {
    const ticketId = request.ticketId ? requireId(request.ticketId, 'ticket') : undefined;
    const ids = {
      ticketId,
      companyId: request.companyId ? requireId(request.companyId, 'company') : undefined,
      contactId: request.contactId ? requireId(request.contactId, 'contact') : undefined,
    };
    const result = ticketId === undefined ? {} : this.written(ticketId);
    const marker = refMarker(request.ref);
    return writeOnce(
      request,
      async () => {
        const earlier = await this.cw.list(
          '/sales/activities',
          cwActivitySchema,
          { conditions: `notes like ${likeAnywhere(marker)}`, fields: 'id,notes,ticket', pageSize: CANDIDATES },
          options,
        );
        return earlier.items.some((activity) => activity.notes?.includes(marker)) ? result : null;
      },
      async () => {
        const me = await this.cw.whoAmI(options);
        await this.cw.post('/sales/activities', activityBody(request, me.identifier, ids), cwCreatedSchema, options);
        return result;
      },
    );
  }

  /**
   * The 15-minute rule: the priority and status policy names (a status of the ticket's own
   * board), by one JSON Patch, then an internal note (Internal Analysis). The note carries
   * the ref and goes last: once it is there the escalation is complete.
   */
  async escalateTicket(request: EscalationRequest, options: CallOptions = {}): Promise<WriteResult & { ticketId: string }> {
    const ticketId = requireId(request.ticketId, 'ticket');
    return writeOnce(
      request,
      async () => ((await this.noteExists(ticketId, request.ref, options)) ? this.written(ticketId) : null),
      async () => {
        const wanted = this.cw.config.escalation ?? {};
        const priorityName = wanted.priority?.trim() ?? '';
        const statusName = wanted.status?.trim() ?? '';
        if (priorityName || statusName) {
          const ticket = await this.findTicket(ticketId, options);
          if (ticket === null) throw new PsaError('not-found', `ConnectWise has no ticket #${ticketId}: it may have been deleted or merged.`);
          const priorityId = priorityName ? await this.namedId('/service/priorities', priorityName, 'priority', options) : undefined;
          const boardId = ticket.board?.id ?? undefined;
          if (statusName && boardId == null)
            throw new PsaError('invalid-request', `ConnectWise ticket #${ticketId} has no board, so it has no status "${statusName}".`);
          const statusId = statusName
            ? await this.namedId(`/service/boards/${boardId}/statuses`, statusName, `status on the "${ticket.board?.name ?? boardId}" board`, options)
            : undefined;
          await this.cw.send('PATCH', `/service/tickets/${ticketId}`, { ...options, body: escalationPatch({ priorityId, statusId }), schema: cwCreatedSchema });
        }
        await this.cw
          .post(
            `/service/tickets/${ticketId}/notes`,
            noteBody({ ref: request.ref, ticketId: request.ticketId, text: request.text, internal: true }),
            cwCreatedSchema,
            options,
          )
          .catch((error: unknown) => {
            throw ticketGone(error, ticketId);
          });
        return this.written(ticketId);
      },
    );
  }

  /** A priority's or a board status's id by its name, or a config error naming what to fix. */
  private async namedId(path: string, name: string, what: string, options: CallOptions): Promise<number> {
    const { items } = await this.cw.list(path, cwNamedSchema, { conditions: `name=${cwString(name)}`, fields: 'id,name', pageSize: 1 }, options);
    const hit = items[0];
    if (hit === undefined)
      throw new PsaError('config', `ConnectWise has no ${what} named "${name}" for the escalation. Fix the escalation settings in the PSA policy.`);
    return hit.id;
  }

  listContacts(cursor: string | null, options: CallOptions = {}): Promise<PsaPage<PsaPerson>> {
    return this.listPeople('/company/contacts', cwContactSchema, CONTACT_FIELDS, cursor, contactToPerson, options);
  }

  listMembers(cursor: string | null, options: CallOptions = {}): Promise<PsaPage<PsaPerson>> {
    return this.listPeople('/system/members', cwMemberSchema, MEMBER_FIELDS, cursor, memberToPerson, options);
  }

  // ------------------------------------------------------------ helpers

  /** A ticket with its contact's and company's numbers (two more reads; a deleted contact or company is skipped). */
  private async complete(ticket: CwTicket, options: CallOptions): Promise<PsaTicket> {
    const contactId = ticket.contact?.id;
    const companyId = ticket.company?.id;
    const [contact, company] = await Promise.all([
      contactId == null ? null : this.cw.getOptional(`/company/contacts/${contactId}`, cwContactSchema, options),
      companyId == null ? null : this.cw.getOptional(`/company/companies/${companyId}`, cwCompanySchema, options),
    ]);
    return toPsaTicket(ticket, this.site, { contact, company });
  }

  /** Lists carry the ticket's own contact number only: reading every contact would cost a call per ticket. */
  private async ticketList(conditions: string, limit: number, options: CallOptions): Promise<PsaTicket[]> {
    const { items } = await this.cw.list('/service/tickets', cwTicketSchema, { conditions, orderBy: 'id desc', pageSize: limit }, options);
    return items.slice(0, limit).map((ticket) => toPsaTicket(ticket, this.site));
  }

  private companyFor(companyId: string | undefined): CompanyRef {
    if (companyId) return { id: requireId(companyId, 'company') };
    const catchAll = this.cw.config.unknownCallerCompany.trim();
    if (catchAll) return { identifier: catchAll };
    throw new PsaError(
      'invalid-request',
      'ConnectWise needs a company on every ticket, and this caller matched none. Ask your manager to set the catch-all company for unknown callers (a ConnectWise company identifier) in the PSA policy.',
    );
  }

  private async noteExists(ticketId: number, ref: string, options: CallOptions): Promise<boolean> {
    const marker = refMarker(ref);
    for (let page = 1; page <= MAX_NOTE_PAGES; page += 1) {
      const { items, link } = await this.cw
        .list(`/service/tickets/${ticketId}/notes`, cwNoteSchema, { fields: 'id,text', orderBy: 'id asc', page, pageSize: this.cw.pageSize }, options)
        .catch((error: unknown) => {
          throw ticketGone(error, ticketId);
        });
      if (items.some((note) => note.text?.includes(marker))) return true;
      if (nextPageCursor(page, items.length, this.cw.pageSize, link) === null) return false;
    }
    this.cw.log(`ticket #${ticketId} has more than ${MAX_NOTE_PAGES} pages of notes; checked the first ones only for ref ${ref}`);
    return false;
  }

  private async listPeople<T>(
    path: string,
    schema: ZodType<T>,
    fields: string,
    cursor: string | null,
    toPerson: (item: T) => PsaPerson,
    options: CallOptions,
  ): Promise<PsaPage<PsaPerson>> {
    const page = pageFromCursor(cursor);
    if (page === undefined)
      throw new PsaError('invalid-request', `ConnectWise: "${cursor ?? ''}" is not a page cursor this adapter handed out; start the listing again.`);
    const conditions = 'inactiveFlag=false';
    const { items, link } = await this.cw.list(path, schema, { conditions, fields, orderBy: 'id asc', page, pageSize: this.cw.pageSize }, options);
    // The total feeds the progress bar only, so it is asked for once, with the first page.
    const total = page === 1 ? (await this.cw.get(`${path}/count`, cwCountSchema, { ...options, query: { conditions } })).count : undefined;
    return { items: items.map(toPerson), next: nextPageCursor(page, items.length, this.cw.pageSize, link), total };
  }

  private written(ticketId: number): WriteResult & { ticketId: string } {
    return { ticketId: String(ticketId), url: ticketUrl(this.site, ticketId) };
  }
}

function requireId(value: string, what: string): number {
  const id = cwId(value);
  if (id === undefined) throw new PsaError('invalid-request', `ConnectWise ${what} ids are numbers; "${value}" isn't one. This is a Focusline bug: report it.`);
  return id;
}

/** A 404 on a ticket's notes means the ticket is gone (deleted or merged), which the tech understands better than a path. */
function ticketGone(error: unknown, ticketId: number): unknown {
  if (error instanceof PsaError && error.kind === 'not-found' && error.status === 404) {
    return new PsaError('not-found', `ConnectWise has no ticket #${ticketId} (404): it may have been deleted or merged.`, { status: 404, cause: error });
  }
  return error;
}
