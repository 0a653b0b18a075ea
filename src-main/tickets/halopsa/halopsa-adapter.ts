import { z } from 'zod';
import type { HaloConfig, PsaAdapterDeps } from '../psa-config.js';
import {
  PsaError,
  type AttemptLogRequest,
  type Attachment,
  type CallerMatch,
  type CallOptions,
  type EscalationRequest,
  type ConnectionReport,
  type NewTicketRequest,
  type NoteRequest,
  type PsaAdapter,
  type PsaPage,
  type PsaPerson,
  type PsaTicket,
  type WriteRequest,
  type WriteResult,
  writeOnce,
  uploadUnlessTooLarge,
} from '../psa.js';
import { HaloClient } from './halopsa-client.js';
import { runConnectionTest } from './halopsa-connection-test.js';
import { HALO_PHONE_SEARCH_PAGE, NobodyFound, searchCaller, type UserSearch } from './halopsa-phone-search.js';
import {
  agentNamed,
  agentToPerson,
  attachmentBody,
  attemptActionBody,
  attemptCrmNoteBody,
  escalationActionBody,
  HALO_ATTACHMENT_MAX_BYTES,
  callerFromDigits,
  carriesRef,
  HALO_MY_TICKETS_MAX_PAGES,
  HALO_MY_TICKETS_PAGE,
  HALO_PAGE_SIZE,
  HALO_SCREEN_POP_TICKETS,
  HALO_VENDOR,
  haloId,
  newTicketBody,
  nextCursor,
  noteActionBody,
  pageNumber,
  phoneSearchTerms,
  resolveNamed,
  siteBase,
  statusNameMap,
  ticketUiUrl,
  toPsaTicket,
  userToPerson,
  workingStatusIds,
} from './halopsa-mapping.js';
import {
  ActionListSchema,
  AgentListSchema,
  AttachmentListSchema,
  CrmNoteListSchema,
  PriorityListSchema,
  AgentSchema,
  ClientProbeSchema,
  CreatedActionSchema,
  CreatedTicketSchema,
  NamedListSchema,
  SiteSchema,
  TicketListSchema,
  TicketSchema,
  UserListSchema,
  UserSchema,
  type HaloAgent,
  type HaloNamed,
  type HaloSite,
  type HaloTicket,
  type HaloUser,
} from './halopsa-schemas.js';

/**
 * The HaloPSA adapter (psa-apis.md §3).
 *
 * Decisions worth knowing:
 * - Who the tech is: the agent the settings name (psa.halopsa.agent, id or
 *   email), else the API application's "post as" agent (GET /api/Agent/me),
 *   which is the tech only when the application is theirs (docs/psa.md).
 * - Active ticket: tickets assigned to that agent in one of the working
 *   statuses, open only; Halo has no documented running-timer endpoint.
 * - Requests follow Halo's own API definition (the swagger every tenant
 *   serves): field names (agents have `isdisabled`, `extensionnumber`, `sms`),
 *   nullable names, GET /Tickets' page_size ≤ 100, no paging on GET /Agent;
 *   the contract server checks each one against the vendored extract.
 * - Idempotency: Halo has no external-reference field we can rely on for
 *   tickets, so createTicket searches the details for the ref first
 *   (search_details=<ref>; `search` doesn't look there) and checks them for
 *   refMarker(ref); notes and attempts check the ticket's actions for it.
 * - Ticket source: not set. Halo's ticket source is a tenant lookup whose id
 *   for "Phone" we can't discover reliably [U]; the ticket type (config.queue)
 *   and the "Phone Call" outcome on logged attempts carry that meaning.
 * - logAttempt without a ticket: Halo actions need a ticket, so nothing is
 *   written, the result is {} and the log says so.
 * - Lists (myOpenTickets, openTicketsForCompany) carry no contact or company
 *   numbers (one extra request per ticket); activeTicket and getTicket do.
 */

export type HaloAdapterDeps = PsaAdapterDeps & {
  /** Region for numbers written without a country code (ISO 3166, e.g. "US"); empty: compare on the last 10/7 digits. */
  defaultRegion?: string;
};

/** Lookups (statuses, ticket types, who am I) change rarely; re-read them after this long. */
const LOOKUP_TTL_MS = 10 * 60_000;

class Memo<T> {
  private value: { data: T; at: number } | undefined;
  constructor(
    private readonly load: (signal?: AbortSignal) => Promise<T>,
    private readonly now: () => Date,
  ) {}

  async get(signal?: AbortSignal): Promise<T> {
    const t = this.now().getTime();
    if (this.value && t - this.value.at < LOOKUP_TTL_MS) return this.value.data;
    const data = await this.load(signal);
    this.value = { data, at: t };
    return data;
  }
}

export function createHaloPsaAdapter(config: HaloConfig, deps: HaloAdapterDeps = {}): PsaAdapter {
  return new HaloPsaAdapter(config, deps);
}

/** Uploads and CRM notes answer the created rows; only success matters. */
const CreatedAnySchema = z.unknown();

class HaloPsaAdapter implements PsaAdapter {
  readonly kind = 'halopsa' as const;
  /** A voicemail's recording goes up as an attachment on the new ticket (POST /api/Attachment, base64). */
  readonly acceptsAttachments = true;
  readonly label: string;
  private readonly client: HaloClient;
  private readonly log: (message: string) => void;
  private readonly region: string;
  private readonly me: Memo<HaloAgent>;
  private readonly statuses: Memo<HaloNamed[]>;
  private readonly ticketTypes: Memo<HaloNamed[]>;
  /** Numbers Halo's phone search found nobody for, lately (halopsa-phone-search.ts). */
  private readonly nobody: NobodyFound;

  constructor(
    private readonly config: HaloConfig,
    deps: HaloAdapterDeps,
  ) {
    const now = deps.now ?? (() => new Date());
    this.log = deps.log ?? (() => undefined);
    this.region = deps.defaultRegion ?? '';
    this.client = new HaloClient(config, { fetch: deps.fetch ?? fetch, now, log: this.log });
    this.label = `${HALO_VENDOR} (${hostOf(config.url)})`;
    this.me = new Memo((signal) => this.technician(signal), now);
    this.statuses = new Memo((signal) => this.client.get('/status', { type: 'ticket' }, NamedListSchema, signal), now);
    this.ticketTypes = new Memo((signal) => this.client.get('/tickettype', {}, NamedListSchema, signal), now);
    this.nobody = new NobodyFound(now);
  }

  async testConnection(options: CallOptions = {}): Promise<ConnectionReport> {
    return runConnectionTest(
      {
        config: this.config,
        signIn: (signal) => this.client.signIn(signal),
        whoAmI: (signal) => this.me.get(signal),
        readTickets: (signal) => this.client.get('/tickets', { pageinate: true, page_size: 1, page_no: 1 }, TicketListSchema, signal),
        readUsers: (signal) => this.client.get('/users', { pageinate: true, page_size: 1, page_no: 1 }, UserListSchema, signal),
        statuses: (signal) => this.statuses.get(signal),
        ticketTypes: (signal) => this.ticketTypes.get(signal),
        client: (id, signal) => this.client.get(`/client/${id}`, {}, ClientProbeSchema, signal),
      },
      options.signal,
    );
  }

  async activeTicket(options: CallOptions = {}): Promise<PsaTicket | null> {
    const { signal } = options;
    const statuses = await this.statuses.get(signal);
    const { ids, unknown } = workingStatusIds(statuses, this.config.workingStatuses);
    if (unknown.length > 0)
      this.log(`${HALO_VENDOR}: no ticket status named ${unknown.map((n) => `"${n}"`).join(', ')}; check the working statuses in policy.`);
    if (ids.length === 0) return null;
    const me = await this.me.get(signal);
    // Newest first: when several tickets are in a working status, the one most recently logged wins.
    const { tickets } = await this.client.get(
      '/tickets',
      { agent_id: me.id, status: ids.join(','), open_only: true, order: 'id', orderdesc: true, pageinate: true, page_size: 1, page_no: 1 },
      TicketListSchema,
      signal,
    );
    const first = tickets[0];
    return first ? this.fullTicket(first, statuses, signal) : null;
  }

  async getTicket(id: string, options: CallOptions = {}): Promise<PsaTicket | null> {
    const { signal } = options;
    const ticketId = haloId(id);
    if (ticketId === undefined) return null;
    let ticket: HaloTicket;
    try {
      ticket = await this.client.get(`/tickets/${ticketId}`, {}, TicketSchema, signal);
    } catch (error) {
      if (error instanceof PsaError && error.kind === 'not-found') return null;
      throw error;
    }
    return this.fullTicket(ticket, await this.statuses.get(signal), signal);
  }

  async myOpenTickets(options: CallOptions = {}): Promise<PsaTicket[]> {
    const { signal } = options;
    const me = await this.me.get(signal);
    // Newest first, page by page; bounded, so a tech with thousands of open tickets costs at most HALO_MY_TICKETS_MAX_PAGES requests.
    const tickets: HaloTicket[] = [];
    let total = 0;
    for (let pageNo = 1; pageNo <= HALO_MY_TICKETS_MAX_PAGES; pageNo++) {
      const page = await this.client.get(
        '/tickets',
        { agent_id: me.id, open_only: true, order: 'id', orderdesc: true, pageinate: true, page_size: HALO_MY_TICKETS_PAGE, page_no: pageNo },
        TicketListSchema,
        signal,
      );
      tickets.push(...page.tickets);
      total = page.record_count;
      if (nextCursor(pageNo, HALO_MY_TICKETS_PAGE, page.tickets.length, total) === null) break;
    }
    if (total > tickets.length)
      this.log(
        `${HALO_VENDOR}: showing the newest ${tickets.length} of ${total} open tickets assigned to agent ${me.id} ("my tickets" reads at most ${HALO_MY_TICKETS_MAX_PAGES} pages).`,
      );
    return this.leanTickets(tickets, signal);
  }

  async findCaller(digits: string, options: CallOptions = {}): Promise<CallerMatch> {
    const { signal } = options;
    const none: CallerMatch = { person: null, company: null, openTickets: [] };
    const caller = callerFromDigits(digits, this.region);
    if (caller === null) return none;
    // Halo's phone search is a "like" over numbers as stored (free text): halopsa-phone-search.ts says how it is asked.
    const number = digits.replace(/\D/g, '');
    if (this.nobody.has(number)) return none;
    const search: UserSearch = (term, s) =>
      this.client.get('/users', { search: term, search_phonenumbers: true, pageinate: true, page_size: HALO_PHONE_SEARCH_PAGE, page_no: 1 }, UserListSchema, s);
    const match = await searchCaller(phoneSearchTerms(digits, this.region), caller, this.region, search, signal);
    if (!match) {
      this.nobody.add(number);
      return none;
    }
    const person = userToPerson(match.user);
    const companyId = person.companyId;
    return {
      person,
      company: companyId || person.company ? { id: companyId, name: person.company } : null,
      openTickets: companyId ? await this.openTicketsForCompany(companyId, options) : [],
    };
  }

  async openTicketsForCompany(companyId: string, options: CallOptions = {}): Promise<PsaTicket[]> {
    const { signal } = options;
    const clientId = haloId(companyId);
    if (clientId === undefined) throw new PsaError('invalid-request', `"${companyId}" isn't a HaloPSA client id (a number).`);
    const { tickets } = await this.client.get(
      '/tickets',
      { client_id: clientId, open_only: true, order: 'id', orderdesc: true, pageinate: true, page_size: HALO_SCREEN_POP_TICKETS, page_no: 1 },
      TicketListSchema,
      signal,
    );
    return this.leanTickets(tickets.slice(0, HALO_SCREEN_POP_TICKETS), signal);
  }

  /**
   * The ticket, then its attachments. Idempotent across a crash between the two: a retry
   * finds the ticket by its ref marker, then uploads only the recordings the ticket's
   * attachments don't already hold (matched by file name).
   */
  async createTicket(request: NewTicketRequest, options: CallOptions = {}): Promise<WriteResult & { ticketId: string }> {
    const { signal } = options;
    const clientId = this.clientFor(request.companyId);
    const ticketTypeId = await this.ticketTypeId(signal);
    let created = false;
    const result = await writeOnce(
      request,
      async () => {
        const earlier = await this.ticketWithRef(request.ref, signal);
        return earlier === undefined ? null : this.written(earlier);
      },
      async () => {
        const answer = await this.client.post('/tickets', newTicketBody(request, clientId, ticketTypeId), CreatedTicketSchema, signal);
        const ticket = Array.isArray(answer) ? answer[0] : answer;
        if (!ticket) throw new PsaError('malformed', `${HALO_VENDOR} answered the new ticket without it.`);
        created = true;
        return this.written(ticket.id);
      },
    );
    if (request.attachments && request.attachments.length > 0) {
      await this.attach(Number(result.ticketId), request.attachments, created && request.firstTry === true, signal);
    }
    return result;
  }

  private async attach(ticketId: number, attachments: Attachment[], fresh: boolean, signal?: AbortSignal): Promise<void> {
    let already = new Set<string>();
    if (!fresh) {
      const answer = await this.client.get('/Attachment', { ticket_id: ticketId }, AttachmentListSchema, signal);
      already = new Set((Array.isArray(answer) ? answer : answer.attachments).map((a) => a.filename ?? ''));
    }
    for (const attachment of attachments) {
      if (already.has(attachment.fileName)) continue;
      if (attachment.bytes.byteLength > HALO_ATTACHMENT_MAX_BYTES) {
        this.log(
          `${HALO_VENDOR}: ${attachment.fileName} (${attachment.bytes.byteLength} bytes) is over the upload limit; ticket ${ticketId} says where to listen instead`,
        );
        continue;
      }
      await uploadUnlessTooLarge(
        () => this.client.post('/Attachment', attachmentBody(ticketId, attachment), CreatedAnySchema, signal),
        (why) => this.log(`${HALO_VENDOR}: ${attachment.fileName} left off ticket ${ticketId}: ${why}; the ticket says where to listen instead`),
      );
    }
  }

  async addNote(request: NoteRequest, options: CallOptions = {}): Promise<WriteResult> {
    const ticketId = this.ticketIdOf(request.ticketId);
    await this.addActionOnce(ticketId, request, noteActionBody(request, ticketId), options.signal);
    return this.written(ticketId);
  }

  /**
   * On its ticket, an action. Without one, a CRM note on the caller's client (else the
   * catch-all client for unknown callers); with neither, Halo has no place for it and the
   * attempt stays in Focusline's own call log.
   */
  async logAttempt(request: AttemptLogRequest, options: CallOptions = {}): Promise<WriteResult> {
    const { signal } = options;
    if (request.ticketId === undefined || request.ticketId.trim() === '') {
      const clientId = request.companyId?.trim() ? haloId(request.companyId) : haloId(this.config.unknownCallerCompany);
      if (clientId === undefined) {
        this.log(`${HALO_VENDOR}: call attempt ${request.ref} not logged: it has no ticket and no client (set the catch-all client in policy).`);
        return {};
      }
      const userId = request.contactId ? haloId(request.contactId) : undefined;
      await writeOnce(
        request,
        async () => {
          const answer = await this.client.get('/CRMNote', { client_id: clientId }, CrmNoteListSchema, signal);
          return (Array.isArray(answer) ? answer : answer.notes).some((n) => carriesRef(n.detail, request.ref)) ? true : null;
        },
        async () => {
          await this.client.post('/CRMNote', attemptCrmNoteBody(request, clientId, userId), CreatedAnySchema, signal);
          return true;
        },
      );
      return {};
    }
    const ticketId = this.ticketIdOf(request.ticketId);
    await this.addActionOnce(ticketId, request, attemptActionBody(request, ticketId), signal);
    return this.written(ticketId);
  }

  /**
   * The 15-minute rule: one private action with the note that also sets the status, priority
   * and agent policy names (Halo's new_status, new_priority, new_agent). The action carries
   * the ref, so a retry finds it and writes nothing.
   */
  async escalateTicket(request: EscalationRequest, options: CallOptions = {}): Promise<WriteResult & { ticketId: string }> {
    const { signal } = options;
    const ticketId = this.ticketIdOf(request.ticketId);
    const wanted = this.config.escalation ?? {};
    const resolve = async (name: string | undefined, what: string, list: () => Promise<HaloNamed[]>): Promise<number | undefined> => {
      if (!name?.trim()) return undefined;
      const id = resolveNamed(await list(), name);
      if (id === undefined)
        throw new PsaError('config', `${HALO_VENDOR} has no ${what} "${name.trim()}" for the escalation. Fix the escalation settings in the PSA policy.`);
      return id;
    };
    await writeOnce(
      request,
      async () => {
        const { actions } = await this.client.get('/actions', { ticket_id: ticketId }, ActionListSchema, signal);
        return actions.some((a) => carriesRef(a.note, request.ref)) ? true : null;
      },
      async () => {
        const ids = {
          status: await resolve(wanted.status, 'ticket status', () => this.statuses.get(signal)),
          priority: await resolve(wanted.priority, 'priority', async () =>
            (await this.client.get('/priority', {}, PriorityListSchema, signal)).flatMap((p) =>
              p.priorityid == null ? [] : [{ id: p.priorityid, name: p.name }],
            ),
          ),
          agent: await resolve(wanted.owner, 'agent', async () => (await this.agents(signal)).filter(active).map((a) => ({ id: a.id, name: a.name }))),
        };
        await this.client.post('/actions', escalationActionBody(request, ticketId, ids), CreatedActionSchema, signal);
        return true;
      },
    );
    return this.written(ticketId);
  }

  async listContacts(cursor: string | null, options: CallOptions = {}): Promise<PsaPage<PsaPerson>> {
    const pageNo = this.pageOf(cursor);
    const { record_count, users } = await this.client.get(
      '/users',
      { pageinate: true, page_size: HALO_PAGE_SIZE, page_no: pageNo },
      UserListSchema,
      options.signal,
    );
    return { items: users.map(userToPerson), next: nextCursor(pageNo, HALO_PAGE_SIZE, users.length, record_count), total: record_count };
  }

  /** GET /api/Agent has no paging parameters in Halo's definition: every agent comes at once, so there is one page. */
  async listMembers(cursor: string | null, options: CallOptions = {}): Promise<PsaPage<PsaPerson>> {
    this.pageOf(cursor);
    const items = (await this.agents(options.signal)).filter(active).map(agentToPerson);
    return { items, next: null, total: items.length };
  }

  private async agents(signal?: AbortSignal): Promise<HaloAgent[]> {
    const answer = await this.client.get('/agent', {}, AgentListSchema, signal);
    return Array.isArray(answer) ? answer : answer.agents;
  }

  /**
   * The technician as an agent: the override setting (an agent id, or an email or name matched
   * against the agent list; a name only when one agent has it), else GET /api/Agent/me, the agent this API application acts as.
   */
  private async technician(signal?: AbortSignal): Promise<HaloAgent> {
    const wanted = this.config.agent?.trim() ?? '';
    if (wanted === '') return this.client.get('/agent/me', {}, AgentSchema, signal);
    const id = haloId(wanted);
    if (id !== undefined) {
      try {
        return await this.client.get(`/agent/${id}`, {}, AgentSchema, signal);
      } catch (error) {
        if (error instanceof PsaError && error.kind === 'not-found')
          throw new PsaError('config', `${HALO_VENDOR} has no agent with id ${id}. Fix "You as a Halo agent" in Settings → PSA.`, { cause: error });
        throw error;
      }
    }
    const found = agentNamed(await this.agents(signal), wanted);
    if (found.kind === 'ambiguous')
      throw new PsaError(
        'config',
        `${found.ids.length} ${HALO_VENDOR} agents are named "${wanted}" (ids ${found.ids.join(', ')}). Set "You as a Halo agent" in Settings → PSA to your agent id or email instead.`,
      );
    if (found.kind === 'none')
      throw new PsaError('config', `${HALO_VENDOR} has no agent "${wanted}". Fix "You as a Halo agent" in Settings → PSA (an agent id or email).`);
    return found.agent;
  }

  private clientFor(companyId: string | undefined): number {
    if (companyId !== undefined && companyId.trim() !== '') {
      const id = haloId(companyId);
      if (id === undefined) throw new PsaError('invalid-request', `"${companyId}" isn't a HaloPSA client id (a number).`);
      return id;
    }
    const catchAll = this.config.unknownCallerCompany.trim();
    if (catchAll === '') {
      throw new PsaError(
        'invalid-request',
        `${HALO_VENDOR} needs a client for every ticket, and this caller matched none. Ask your manager to set the catch-all client for unknown callers (a HaloPSA client id) in policy.`,
      );
    }
    const id = haloId(catchAll);
    if (id === undefined)
      throw new PsaError('config', `The catch-all client for unknown callers is "${catchAll}", but HaloPSA needs a client id (a number). Fix it in policy.`);
    return id;
  }

  private async ticketTypeId(signal?: AbortSignal): Promise<number | undefined> {
    const queue = this.config.queue.trim();
    if (queue === '') return undefined;
    const types = await this.ticketTypes.get(signal);
    const id = resolveNamed(types, queue);
    if (id === undefined) {
      const known = types
        .map((t) => t.name)
        .slice(0, 10)
        .join(', ');
      throw new PsaError(
        'config',
        `${HALO_VENDOR} has no ticket type "${queue}" (the queue in policy). Known ticket types: ${known || 'none visible to this API application'}.`,
      );
    }
    return id;
  }

  /** The ticket an earlier, interrupted createTicket with this ref made, if any. */
  private async ticketWithRef(ref: string, signal?: AbortSignal): Promise<number | undefined> {
    // search_details: the definition's search over the ticket's details, where the ref marker is; `search` looks elsewhere.
    const { tickets } = await this.client.get('/tickets', { search_details: ref, pageinate: true, page_size: 10, page_no: 1 }, TicketListSchema, signal);
    for (const candidate of tickets.slice(0, 10)) {
      // List objects may leave out details; read the whole ticket before trusting (or dismissing) a hit.
      const details = candidate.details ?? (await this.client.get(`/tickets/${candidate.id}`, {}, TicketSchema, signal)).details;
      if (carriesRef(details, ref)) return candidate.id;
    }
    return undefined;
  }

  private async addActionOnce(ticketId: number, request: WriteRequest, body: unknown, signal?: AbortSignal): Promise<void> {
    await writeOnce(
      request,
      async () => {
        const { actions } = await this.client.get('/actions', { ticket_id: ticketId }, ActionListSchema, signal);
        return actions.some((a) => carriesRef(a.note, request.ref)) ? true : null;
      },
      async () => {
        await this.client.post('/actions', body, CreatedActionSchema, signal);
        return true;
      },
    );
  }

  private ticketIdOf(id: string): number {
    const ticketId = haloId(id);
    if (ticketId === undefined) throw new PsaError('invalid-request', `"${id}" isn't a HaloPSA ticket number.`);
    return ticketId;
  }

  private pageOf(cursor: string | null): number {
    const pageNo = pageNumber(cursor);
    if (pageNo === undefined) throw new PsaError('invalid-request', `"${String(cursor)}" isn't a HaloPSA page cursor.`);
    return pageNo;
  }

  private written(ticketId: number): WriteResult & { ticketId: string } {
    return { ticketId: String(ticketId), url: ticketUiUrl(this.config.url, ticketId) };
  }

  private async leanTickets(tickets: HaloTicket[], signal?: AbortSignal): Promise<PsaTicket[]> {
    if (tickets.length === 0) return [];
    const names = statusNameMap(await this.statuses.get(signal));
    return tickets.map((t) => toPsaTicket(t, this.config.url, names));
  }

  /** A ticket with its contact's numbers and its site's main number, for matching callers against it. */
  private async fullTicket(ticket: HaloTicket, statuses: HaloNamed[], signal?: AbortSignal): Promise<PsaTicket> {
    const [user, site] = await Promise.all([
      ticket.user_id ? this.optional(() => this.client.get(`/users/${ticket.user_id}`, {}, UserSchema, signal)) : Promise.resolve(null),
      ticket.site_id ? this.optional(() => this.client.get(`/site/${ticket.site_id}`, {}, SiteSchema, signal)) : Promise.resolve(null),
    ]);
    return toPsaTicket(ticket, this.config.url, statusNameMap(statuses), { user, site });
  }

  /** A linked record that is gone (404) leaves its part empty; every other failure is the caller's to see. */
  private async optional<T extends HaloUser | HaloSite>(load: () => Promise<T>): Promise<T | null> {
    try {
      return await load();
    } catch (error) {
      if (error instanceof PsaError && error.kind === 'not-found') return null;
      throw error;
    }
  }
}

function active(agent: HaloAgent): boolean {
  return agent.isdisabled !== true;
}

function hostOf(url: string): string {
  try {
    return new URL(siteBase(url)).host;
  } catch {
    return url;
  }
}
