import type { ZodType } from 'zod';
import type { AutotaskConfig, PsaAdapterDeps } from '../psa-config.js';
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
import { AutotaskClient } from './autotask-client.js';
import { testAutotaskConnection } from './autotask-connection.js';
import {
  AT_ATTACHMENT_MAX_BYTES,
  AT_COMPLETE_STATUS,
  AT_MAX_RECORDS,
  attachmentTitle,
  escalationBody,
  ticketAttachmentBody,
  atId,
  attemptTitle,
  bestCandidate,
  byActivityDesc,
  byNewest,
  companyNoteBody,
  companyNumbers,
  contactNumbers,
  contactToPerson,
  discoveryBase,
  externalRef,
  f,
  firstLine,
  mostRecentlyActive,
  newTicketBody,
  phoneFilter,
  phoneSearchFragments,
  picklistDefault,
  picklistOf,
  picklistValue,
  publishValue,
  resourceToPerson,
  statusValues,
  ticketNoteBody,
  ticketWebUrl,
  toPsaTicket,
  type AtFilter,
} from './autotask-mapping.js';
import {
  atActionTypeSchema,
  atCompanyNoteSchema,
  atCompanySchema,
  atContactSchema,
  atResourceSchema,
  atTicketAttachmentSchema,
  atTicketNoteSchema,
  atTicketSchema,
  type AtCompany,
  type AtContact,
  type AtTicket,
} from './autotask-schemas.js';

/**
 * The Autotask (Datto/Kaseya) adapter: REST v1.0 on the tenant's zone,
 * found through ZoneInformation and cached; auth by the ApiIntegrationCode,
 * UserName and Secret headers (psa-apis.md §2).
 *
 * - Active ticket: Autotask has no API-visible stopwatch, so it is the
 *   ticket assigned to the tech (config.impersonationResourceId: the API
 *   user is an API-only resource, not the tech) in a working status, most
 *   recently active. Without the tech's resource id there is none.
 * - Names (statuses, "Phone", the queue, note types) are resolved to the
 *   tenant's picklist values through entityInformation/fields, once.
 * - Idempotency: tickets carry the ref in Ticket.externalID (a swagger
 *   field); notes end with refMarker(ref) and are searched for first.
 * - Writes go as the tech (ImpersonationResourceId) when the id is set.
 */

export type AutotaskTuning = {
  /** MaxRecords per page for listings; Autotask's maximum, 500, unless a test wants many pages. */
  pageSize?: number;
};

const TICKET_FIELDS = ['id', 'ticketNumber', 'title', 'status', 'companyID', 'contactID', 'assignedResourceID', 'createDate', 'lastActivityDate'];
const CONTACT_FIELDS = ['id', 'firstName', 'lastName', 'companyID', 'phone', 'mobilePhone', 'alternatePhone', 'emailAddress', 'isActive'];
const COMPANY_FIELDS = ['id', 'companyName', 'phone', 'alternatePhone1', 'alternatePhone2'];
const RESOURCE_FIELDS = ['id', 'firstName', 'lastName', 'userName', 'email', 'officePhone', 'mobilePhone', 'isActive'];
const CONTACT_PHONE_FIELDS = ['phone', 'mobilePhone', 'alternatePhone'];
const COMPANY_PHONE_FIELDS = ['phone', 'alternatePhone1', 'alternatePhone2'];
/** Candidates a live phone search reads; the caller check then throws out fragments found inside other numbers. */
const CANDIDATES = 25;
/** A tech has a handful of tickets in a working status; more are read but capped. */
const ACTIVE_CANDIDATES = 50;
const MY_TICKETS_MAX = 200;
const COMPANY_TICKETS_MAX = 10;
/** Pages scanned when looking for open tickets or an earlier note. */
const MAX_PAGES = 5;
const PHONE_CALL_ACTION = 'Phone Call';

export function createAutotaskAdapter(config: AutotaskConfig, deps: PsaAdapterDeps = {}, tuning: AutotaskTuning = {}): PsaAdapter {
  const pageSize = Math.max(1, Math.min(AT_MAX_RECORDS, Math.floor(tuning.pageSize ?? AT_MAX_RECORDS)));
  return new AutotaskAdapter(new AutotaskClient(config, deps, pageSize), deps.defaultRegion ?? '');
}

class AutotaskAdapter implements PsaAdapter {
  readonly kind = 'autotask' as const;
  /** A voicemail's recording goes up as a ticket attachment (POST Tickets/{id}/Attachments, base64). */
  readonly acceptsAttachments = true;
  readonly label: string;
  private actionTypePromise: Promise<number> | undefined;

  constructor(
    private readonly client: AutotaskClient,
    private readonly region: string,
  ) {
    this.label = `Autotask (${hostOf(discoveryBase(client.config.url))})`;
  }

  testConnection(options: CallOptions = {}) {
    return testAutotaskConnection(this.client, options);
  }

  // ------------------------------------------------------------ reads

  async activeTicket(options: CallOptions = {}): Promise<PsaTicket | null> {
    const tech = this.client.techResourceId;
    if (tech === undefined) return null;
    const statuses = await this.client.picklist('Tickets', 'status', options);
    const working = statusValues(statuses, this.client.config.workingStatuses);
    if (working.unknown.length > 0) this.client.log(`no ticket status named ${working.unknown.join(', ')}`);
    if (working.values.length === 0) return null;
    const page = await this.client.query('Tickets', [f.eq('assignedResourceID', tech), f.in('status', working.values)], atTicketSchema, {
      ...options,
      maxRecords: ACTIVE_CANDIDATES,
      includeFields: TICKET_FIELDS,
    });
    const ticket = mostRecentlyActive(page.items);
    return ticket ? ((await this.enrich([ticket], options))[0] ?? null) : null;
  }

  async getTicket(id: string, options: CallOptions = {}): Promise<PsaTicket | null> {
    const ticketId = atId(id);
    if (ticketId === undefined) return null;
    const ticket = await this.client.get('Tickets', ticketId, atTicketSchema, options);
    return ticket ? ((await this.enrich([ticket], options))[0] ?? null) : null;
  }

  async myOpenTickets(options: CallOptions = {}): Promise<PsaTicket[]> {
    const tech = this.client.techResourceId;
    if (tech === undefined) return [];
    const open = await this.openFilter(options);
    const tickets = await this.client.queryAll('Tickets', [f.eq('assignedResourceID', tech), open], atTicketSchema, {
      ...options,
      maxPages: MAX_PAGES,
      limit: MY_TICKETS_MAX,
      includeFields: TICKET_FIELDS,
    });
    return this.enrich([...tickets].sort(byActivityDesc), options);
  }

  async openTicketsForCompany(companyId: string, options: CallOptions = {}): Promise<PsaTicket[]> {
    const id = atId(companyId);
    if (id === undefined) return [];
    return this.openTicketsWhere(f.eq('companyID', id), options);
  }

  async findCaller(digits: string, options: CallOptions = {}): Promise<CallerMatch> {
    const fragments = phoneSearchFragments(digits);
    if (!fragments) return { person: null, company: null, openTickets: [] };
    const contacts = await this.client.query('Contacts', [f.eq('isActive', 1), phoneFilter(CONTACT_PHONE_FIELDS, fragments)], atContactSchema, {
      ...options,
      maxRecords: CANDIDATES,
      includeFields: CONTACT_FIELDS,
    });
    const contact = bestCandidate(digits, contacts.items, contactNumbers, this.region);
    if (contact) {
      const company = contact.companyID == null ? null : await this.client.get('Companies', contact.companyID, atCompanySchema, options);
      const companyName = company?.companyName?.trim() ?? '';
      return {
        person: contactToPerson(contact, companyName),
        company: company ? { id: String(company.id), name: companyName } : null,
        openTickets: company
          ? await this.openTicketsWhere(f.eq('companyID', company.id), options)
          : await this.openTicketsWhere(f.eq('contactID', contact.id), options),
      };
    }
    const companies = await this.client.query('Companies', [f.eq('isActive', true), phoneFilter(COMPANY_PHONE_FIELDS, fragments)], atCompanySchema, {
      ...options,
      maxRecords: CANDIDATES,
      includeFields: COMPANY_FIELDS,
    });
    const company = bestCandidate(digits, companies.items, companyNumbers, this.region);
    if (!company) return { person: null, company: null, openTickets: [] };
    return {
      person: null,
      company: { id: String(company.id), name: company.companyName?.trim() ?? '' },
      openTickets: await this.openTicketsWhere(f.eq('companyID', company.id), options),
    };
  }

  async listContacts(cursor: string | null, options: CallOptions = {}): Promise<PsaPage<PsaPerson>> {
    const page = cursor
      ? await this.client.nextPage(cursor, atContactSchema, options)
      : await this.client.query('Contacts', [f.eq('isActive', 1)], atContactSchema, { ...options, includeFields: CONTACT_FIELDS });
    const companies = await this.byId(
      'Companies',
      page.items.map((c) => c.companyID),
      atCompanySchema,
      COMPANY_FIELDS,
      options,
    );
    return {
      items: page.items.map((c) => contactToPerson(c, (c.companyID == null ? undefined : companies.get(c.companyID)?.companyName?.trim()) ?? '')),
      next: page.next,
    };
  }

  async listMembers(cursor: string | null, options: CallOptions = {}): Promise<PsaPage<PsaPerson>> {
    const page = cursor
      ? await this.client.nextPage(cursor, atResourceSchema, options)
      : await this.client.query('Resources', [f.eq('isActive', true)], atResourceSchema, { ...options, includeFields: RESOURCE_FIELDS });
    return { items: page.items.map(resourceToPerson), next: page.next };
  }

  // ------------------------------------------------------------ writes

  /**
   * The ticket, then its attachments. Idempotent across a crash between the two: a retry
   * finds the ticket by externalID, then uploads only the recordings the ticket's
   * attachments don't already hold (matched by title, which carries the file name).
   */
  async createTicket(request: NewTicketRequest, options: CallOptions = {}): Promise<WriteResult & { ticketId: string }> {
    let created = false;
    const result = await writeOnce(
      request,
      async () => {
        const earlier = await this.client.query('Tickets', [f.eq('externalID', externalRef(request.ref))], atTicketSchema, {
          ...options,
          maxRecords: 1,
          includeFields: ['id'],
        });
        const found = earlier.items[0];
        if (!found) return null;
        this.client.log(`ticket ${found.id} already carries ref ${request.ref}; not creating another`);
        return this.written(found.id, options);
      },
      async () => {
        const written = await this.createNewTicket(request, options);
        created = true;
        return written;
      },
    );
    if (request.attachments && request.attachments.length > 0) {
      await this.attach(Number(result.ticketId), request.attachments, created && request.firstTry === true, options);
    }
    return result;
  }

  private async attach(ticketId: number, attachments: Attachment[], fresh: boolean, options: CallOptions): Promise<void> {
    for (const attachment of attachments) {
      const title = attachmentTitle(attachment.fileName);
      if (attachment.bytes.byteLength > AT_ATTACHMENT_MAX_BYTES) {
        this.client.log(
          `${attachment.fileName} (${attachment.bytes.byteLength} bytes) is over the API's attachment limit; ticket ${ticketId} says where to listen instead`,
        );
        continue;
      }
      if (!fresh) {
        const earlier = await this.client.query('TicketAttachments', [f.eq('parentID', ticketId), f.eq('title', title)], atTicketAttachmentSchema, {
          ...options,
          maxRecords: 1,
          includeFields: ['id'],
        });
        if (earlier.items[0]) continue;
      }
      await uploadUnlessTooLarge(
        () => this.client.create(`/Tickets/${ticketId}/Attachments`, ticketAttachmentBody(ticketId, attachment), options),
        (why) => this.client.log(`${attachment.fileName} left off ticket ${ticketId}: ${why}; the ticket says where to listen instead`),
      );
    }
  }

  private async createNewTicket(request: NewTicketRequest, options: CallOptions): Promise<WriteResult & { ticketId: string }> {
    const companyId = this.companyFor(request.companyId, 'create a ticket');
    const fields = await this.client.fields('Tickets', options);
    const pick = (field: string) => picklistOf(fields, field);
    const status = picklistValue(pick('status'), 'New') ?? picklistDefault(pick('status'));
    const priority = picklistDefault(pick('priority'));
    if (status === undefined || priority === undefined) {
      throw new PsaError(
        'config',
        "Autotask: the tenant's ticket status or priority list is empty, so Focusline can't create a ticket. Ask your Autotask administrator.",
      );
    }
    const queue = this.client.config.queue.trim();
    const queueId = queue ? picklistValue(pick('queueID'), queue) : undefined;
    if (queue && queueId === undefined) throw new PsaError('config', `Autotask has no queue "${queue}". Set the queue (its name or id) in Settings → PSA.`);
    const body = newTicketBody(request, {
      companyId,
      contactId: atId(request.contactId),
      status,
      priority,
      source: picklistValue(pick('source'), 'Phone'),
      queueId,
    });
    const id = await this.client.create('/Tickets', body, options);
    return this.written(id, options);
  }

  async addNote(request: NoteRequest, options: CallOptions = {}): Promise<WriteResult> {
    const ticketId = this.ticketIdOf(request.ticketId);
    return this.writeTicketNote(
      ticketId,
      { title: firstLine(request.text), text: request.text, ref: request.ref, firstTry: request.firstTry, internal: request.internal },
      options,
    );
  }

  async logAttempt(request: AttemptLogRequest, options: CallOptions = {}): Promise<WriteResult> {
    if (request.ticketId) {
      // A contact attempt is the MSP's own record: always internal.
      return this.writeTicketNote(
        this.ticketIdOf(request.ticketId),
        { title: attemptTitle(request), text: request.text, ref: request.ref, firstTry: request.firstTry, internal: true },
        options,
      );
    }
    const companyId = this.companyFor(request.companyId, 'log the call');
    return writeOnce(
      request,
      async () => {
        const earlier = await this.client.query(
          'CompanyNotes',
          [f.eq('companyID', companyId), f.contains('note', refMarker(request.ref))],
          atCompanyNoteSchema,
          {
            ...options,
            maxRecords: 1,
            includeFields: ['id'],
          },
        );
        return earlier.items[0] ? {} : null;
      },
      async () => {
        const [actionType, resourceId] = await Promise.all([this.phoneCallActionType(options), this.actingResourceId(options)]);
        await this.client.create(
          `/Companies/${companyId}/Notes`,
          companyNoteBody(request, { companyId, contactId: atId(request.contactId), actionType, resourceId }),
          options,
        );
        return {};
      },
    );
  }

  /**
   * The 15-minute rule: the priority, status and queue policy names (picklist labels or
   * values) by one PATCH, then an internal ticket note. The note carries the ref and goes
   * last: once it is there the escalation is complete and a retry changes nothing.
   */
  async escalateTicket(request: EscalationRequest, options: CallOptions = {}): Promise<WriteResult & { ticketId: string }> {
    const ticketId = this.ticketIdOf(request.ticketId);
    const note = { title: 'Escalated (15-minute rule)', text: request.text, ref: request.ref, internal: true };
    return writeOnce(
      request,
      async () => ((await this.noteCarries(ticketId, request.ref, options)) ? this.written(ticketId, options) : null),
      async () => {
        const wanted = this.client.config.escalation ?? {};
        const named = { priority: wanted.priority?.trim() ?? '', status: wanted.status?.trim() ?? '', queueID: wanted.queue?.trim() ?? '' };
        if (named.priority || named.status || named.queueID) {
          const fields = await this.client.fields('Tickets', options);
          const pick = (field: 'priority' | 'status' | 'queueID', what: string) => {
            if (!named[field]) return undefined;
            const value = picklistValue(picklistOf(fields, field), named[field]);
            if (value === undefined)
              throw new PsaError(
                'config',
                `Autotask has no ticket ${what} "${named[field]}" for the escalation. Fix the escalation settings in the PSA policy.`,
              );
            return value;
          };
          const body = escalationBody(ticketId, {
            priority: pick('priority', 'priority'),
            status: pick('status', 'status'),
            queueId: pick('queueID', 'queue'),
          });
          await this.client.entity('PATCH', '/Tickets', { ...options, body, impersonate: true });
        }
        await this.writeTicketNote(ticketId, { ...note, firstTry: true }, options);
        return this.written(ticketId, options);
      },
    );
  }

  // ------------------------------------------------------------ helpers

  private async noteCarries(ticketId: number, ref: string, options: CallOptions): Promise<boolean> {
    const earlier = await this.client.query('TicketNotes', [f.eq('ticketID', ticketId), f.contains('description', refMarker(ref))], atTicketNoteSchema, {
      ...options,
      maxRecords: 1,
      includeFields: ['id'],
    });
    return earlier.items[0] !== undefined;
  }

  private async writeTicketNote(
    ticketId: number,
    note: { title: string; text: string; ref: string; firstTry?: boolean | undefined; internal: boolean },
    options: CallOptions,
  ): Promise<WriteResult> {
    await writeOnce(
      note,
      async () => {
        const earlier = await this.client.query(
          'TicketNotes',
          [f.eq('ticketID', ticketId), f.contains('description', refMarker(note.ref))],
          atTicketNoteSchema,
          {
            ...options,
            maxRecords: 1,
            includeFields: ['id'],
          },
        );
        return earlier.items[0] ? true : null;
      },
      async () => {
        const [noteTypes, publishes] = await Promise.all([
          this.client.picklist('TicketNotes', 'noteType', options),
          this.client.picklist('TicketNotes', 'publish', options),
        ]);
        const noteType = picklistDefault(noteTypes);
        const publish = publishValue(publishes, note.internal);
        if (noteType === undefined || publish === undefined) {
          throw new PsaError(
            'config',
            `Autotask: can't tell which note type or ${note.internal ? 'internal' : 'client-visible'} publish setting to use (the tenant's TicketNotes picklists). Ask your Autotask administrator.`,
          );
        }
        await this.client.create(`/Tickets/${ticketId}/Notes`, ticketNoteBody(ticketId, { ...note, noteType, publish }), options);
        return true;
      },
    );
    const zone = await this.client.zone(options);
    return { ticketId: String(ticketId), url: ticketWebUrl(zone.webUrl, ticketId) };
  }

  private async written(ticketId: number, options: CallOptions): Promise<WriteResult & { ticketId: string }> {
    const zone = await this.client.zone(options);
    return { ticketId: String(ticketId), url: ticketWebUrl(zone.webUrl, ticketId) };
  }

  private ticketIdOf(ticketId: string): number {
    const id = atId(ticketId);
    if (id === undefined) throw new PsaError('invalid-request', `Autotask ticket ids are numbers; "${ticketId}" isn't one.`);
    return id;
  }

  /** The caller's company, else the catch-all for unknown callers. */
  private companyFor(companyId: string | undefined, what: string): number {
    if (companyId) {
      const id = atId(companyId);
      if (id === undefined) throw new PsaError('invalid-request', `Autotask company ids are numbers; "${companyId}" isn't one.`);
      return id;
    }
    const fallback = this.client.config.unknownCallerCompany.trim();
    if (!fallback) {
      throw new PsaError(
        'invalid-request',
        `Autotask needs a company to ${what}, and the caller matches none. Ask your service manager to set the catch-all company for unknown callers in policy.`,
      );
    }
    const id = atId(fallback);
    if (id === undefined)
      throw new PsaError('config', `The catch-all company for unknown callers must be an Autotask company id (a number), not "${fallback}". Fix it in policy.`);
    return id;
  }

  /** Open = not Complete; the label is looked up in case the tenant renamed it. */
  private async openFilter(options: CallOptions): Promise<AtFilter> {
    const statuses = await this.client.picklist('Tickets', 'status', options);
    return f.noteq('status', picklistValue(statuses, 'Complete') ?? AT_COMPLETE_STATUS);
  }

  /** Autotask can't sort a query: read the open tickets (bounded) and keep the newest. */
  private async openTicketsWhere(where: AtFilter, options: CallOptions): Promise<PsaTicket[]> {
    const open = await this.openFilter(options);
    const tickets = await this.client.queryAll('Tickets', [where, open], atTicketSchema, { ...options, maxPages: MAX_PAGES, includeFields: TICKET_FIELDS });
    return this.enrich([...tickets].sort(byNewest).slice(0, COMPANY_TICKETS_MAX), options);
  }

  /** Tickets with their company, contact and status names (two batched queries). */
  private async enrich(tickets: readonly AtTicket[], options: CallOptions): Promise<PsaTicket[]> {
    if (tickets.length === 0) return [];
    const [companies, contacts, statuses, zone] = await Promise.all([
      this.byId<AtCompany>(
        'Companies',
        tickets.map((t) => t.companyID),
        atCompanySchema,
        COMPANY_FIELDS,
        options,
      ),
      this.byId<AtContact>(
        'Contacts',
        tickets.map((t) => t.contactID),
        atContactSchema,
        CONTACT_FIELDS,
        options,
      ),
      this.client.picklist('Tickets', 'status', options),
      this.client.zone(options),
    ]);
    return tickets.map((t) => toPsaTicket(t, { companies, contacts, statuses, webUrl: zone.webUrl }));
  }

  private async byId<T extends { id: number }>(
    entity: string,
    ids: readonly (number | null | undefined)[],
    schema: ZodType<T>,
    includeFields: readonly string[],
    options: CallOptions,
  ): Promise<Map<number, T>> {
    const wanted = [...new Set(ids.filter((id): id is number => typeof id === 'number'))].slice(0, AT_MAX_RECORDS);
    if (wanted.length === 0) return new Map();
    const page = await this.client.query(entity, [f.in('id', wanted)], schema, { ...options, maxRecords: wanted.length, includeFields });
    return new Map(page.items.map((row) => [row.id, row]));
  }

  /** The tenant's "Phone Call" action type for company notes, once. */
  private phoneCallActionType(options: CallOptions): Promise<number> {
    if (!this.actionTypePromise) {
      const pending = (async () => {
        const types = await this.client.queryAll('ActionTypes', [f.eq('isActive', true)], atActionTypeSchema, { ...options, maxPages: 2 });
        const name = (t: { name?: string | null }) => (t.name ?? '').trim().toLowerCase();
        const hit = types.find((t) => name(t) === PHONE_CALL_ACTION.toLowerCase()) ?? types.find((t) => name(t).includes('phone'));
        if (!hit)
          throw new PsaError(
            'config',
            `Autotask has no active action type "${PHONE_CALL_ACTION}", which Focusline uses to log calls as company notes. Ask your Autotask administrator to add or reactivate it.`,
          );
        return hit.id;
      })();
      this.actionTypePromise = pending;
      pending.catch(() => {
        if (this.actionTypePromise === pending) this.actionTypePromise = undefined;
      });
    }
    return this.actionTypePromise;
  }

  /** Who a company note is assigned to: the tech, else the API user's own resource. */
  private async actingResourceId(options: CallOptions): Promise<number> {
    const tech = this.client.techResourceId;
    if (tech !== undefined) return tech;
    const apiUser = await this.client.apiUser(options);
    if (!apiUser)
      throw new PsaError(
        'config',
        `Autotask has no resource for the API user ${this.client.config.username}, and no technician resource id is set. Set your resource id in Settings → PSA.`,
      );
    return apiUser.id;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
