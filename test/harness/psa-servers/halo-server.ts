// HaloPSA played locally for adapter tests, on PsaContractServer. It keeps an
// in-memory tenant (agents, clients, sites, users with free-text numbers,
// statuses, ticket types, tickets, actions) and ENFORCES:
// - Halo's own API definition, through the vendored extract (halo-spec.ts
//   explains how it is read): every /api request's path, method, query
//   parameters (names, types, "Maximum size" limits) and body fields must be
//   defined there, else 400 (404/405 for an unknown path/method) naming what is
//   wrong; every answer this server gives is checked against the schema the
//   extract names for it, so the nulls it allows (names, status_id…) reach the
//   adapter. GET /api/Agent has no paging parameters there: it answers every
//   agent as one array.
// - Where the definition is silent (list wrappers such as {record_count,
//   tickets}, sign-in, what a search matches), the contract the adapter relies
//   on, citing psa-apis.md §3 (rows in brackets) and the HaloAPI PowerShell
//   module it was taken from:
// - [Base URLs] GET /api/authinfo → {auth_url}; switched off, it is a 404 and
//   the token endpoint is {url}/auth/token.
// - [Auth] POST {auth_url}/token, form-encoded only, grant_type=client_credentials,
//   client_id, client_secret, scope=all; ?tenant= required for a hosted tenant and
//   refused for a self-hosted one. Wrong client → 400 {error:"invalid_client"}.
//   Tokens expire (tokenLifetimeSeconds) and can be revoked (expireTokens()).
// - [Auth] every other /api call needs "Authorization: Bearer <token>" (missing
//   or another scheme is a violation; an expired token is a plain 401).
// - [Phone → user, Ticket's contact, Create ticket, Add note] paths, methods and
//   each endpoint's query parameters: unknown parameters are violations, ids are
//   integers, booleans "true"/"false", and paging is pageinate=true + page_size +
//   page_no together ("pageinate" is Halo's spelling; Get-HaloTicket.ps1).
// - [Create ticket, Add note] POST bodies are JSON arrays (New-HaloTicket.ps1),
//   content type application/json, required fields checked, ids must exist.
// Search, per the definition's words, not verified against a tenant [U]:
// search_phonenumbers=true is "users with a phone number like your search": a
// SQL-style like over the phone fields as stored, so "(555) 010-1234" is not
// found by "5550101234". On tickets, `search` looks at the summary and id, and
// `search_details` ("tickets based on the details matching the search") at the
// details. Ticket list objects leave out `details` (GET /api/tickets/{id} has it).
import { HaloSpec, type HaloMatched } from './halo-spec.js';
import { startContractServer, ContractViolation, type PsaContractServer, type RecordedRequest, type Reply } from '../psa-contract-server.js';

/** An agent as Halo's definition has it (Uname): no phone fields, numbers in extensionnumber and sms; name nullable. */
export type HaloAgentRecord = { id: number; name: string | null; email?: string; extensionnumber?: string; sms?: string; isdisabled?: boolean };
export type HaloClientRecord = { id: number; name: string };
export type HaloSiteRecord = { id: number; client_id: number; name: string; phonenumber?: string };
export type HaloUserRecord = {
  id: number;
  name: string | null;
  client_id: number;
  site_id: number;
  emailaddress?: string;
  phonenumber?: string;
  mobilenumber?: string;
  mobilenumber2?: string;
  homenumber?: string;
};
export type HaloStatusRecord = { id: number; name: string | null; closed: boolean };
export type HaloTicketRecord = {
  id: number;
  summary: string;
  details: string;
  status_id: number;
  client_id: number;
  site_id?: number;
  user_id?: number;
  agent_id?: number;
  priority_id?: number;
  tickettype_id?: number;
  dateoccurred?: string;
};
export type HaloAttachmentRecord = { id: number; ticket_id: number; filename: string; content_type?: string; bytes: Buffer; note?: string };
export type HaloCrmNoteRecord = { id: number; client_id: number; user_id?: number; note: string; detail: string; datetime?: string };

/**
 * Attachments: POST /api/Attachment takes an array of Attachment (Halo API v2's
 * swagger: ticket_id, filename, data_base64 …). One file over the upload limit
 * is refused with 413. [U]: hosted Halo's limit isn't in the API definition;
 * 20 MB is assumed here and in the adapter.
 */
export const HALO_UPLOAD_MAX_BYTES = 20 * 1024 * 1024;
export type HaloActionRecord = { id: number; ticket_id: number; note: string; outcome: string; hiddenfromuser: boolean; sendemail: boolean };

export type HaloStore = {
  agents: HaloAgentRecord[];
  /** The agent the API application "posts as": GET /api/agent/me. */
  meAgentId: number;
  clients: HaloClientRecord[];
  sites: HaloSiteRecord[];
  users: HaloUserRecord[];
  statuses: HaloStatusRecord[];
  ticketTypes: { id: number; name: string }[];
  tickets: HaloTicketRecord[];
  actions: HaloActionRecord[];
  /** GET /api/priority answers Policy rows: `priorityid` is the priority. */
  priorities?: { priorityid: number; name: string }[];
  attachments?: HaloAttachmentRecord[];
  crmNotes?: HaloCrmNoteRecord[];
};

export type HaloServerOptions = {
  clientId?: string;
  clientSecret?: string;
  /** Hosted tenant name: the token endpoint requires ?tenant=<it>. Empty: self-hosted, ?tenant= is refused. */
  tenant?: string;
  /** false: GET /api/authinfo is 404 (older/self-hosted builds); the token endpoint is {url}/auth/token. */
  authInfo?: boolean;
  tokenLifetimeSeconds?: number;
  store?: HaloStore;
  /** Every answer waits this long first, as hosted Halo's round trips do (200-400 ms). Default 0. */
  latencyMs?: number;
};

export const HALO_CLIENT_ID = 'focusline-client';
export const HALO_CLIENT_SECRET = 'focusline-secret';

/** A small tenant: two agents (one is "me"), two clients with sites, contacts with free-text numbers, one ticket in progress. */
export function haloFixture(): HaloStore {
  return {
    meAgentId: 7,
    agents: [
      { id: 7, name: 'Jane Tech', email: 'jane@msp.example', extensionnumber: '2007', sms: '555-020-1007' },
      { id: 8, name: 'Bob Tech', email: 'bob@msp.example', extensionnumber: '2008' },
    ],
    clients: [
      { id: 10, name: 'Acme Corp' },
      { id: 99, name: 'Unknown callers' },
    ],
    sites: [
      { id: 100, client_id: 10, name: 'Acme HQ', phonenumber: '(555) 010-0000' },
      { id: 990, client_id: 99, name: 'Main' },
    ],
    users: [
      {
        id: 50,
        name: 'Alice Acme',
        client_id: 10,
        site_id: 100,
        emailaddress: 'alice@acme.example',
        phonenumber: '(555) 010-1234 x12',
        mobilenumber: '+1 555 010 9999',
      },
      { id: 51, name: 'Al Lookalike', client_id: 10, site_id: 100, phonenumber: '555-099-1234' },
    ],
    statuses: [
      { id: 1, name: 'New', closed: false },
      { id: 2, name: 'In Progress', closed: false },
      { id: 3, name: 'Waiting on Customer', closed: false },
      { id: 9, name: 'Closed', closed: true },
    ],
    ticketTypes: [
      { id: 1, name: 'Incident' },
      { id: 4, name: 'Phone Call' },
    ],
    tickets: [
      { id: 1001, summary: 'Printer jam', details: 'Paper stuck', status_id: 1, client_id: 10, site_id: 100, user_id: 50, agent_id: 7, tickettype_id: 1 },
      { id: 1002, summary: 'Email down', details: 'Outlook offline', status_id: 2, client_id: 10, site_id: 100, user_id: 50, agent_id: 7, tickettype_id: 1 },
      { id: 1003, summary: 'Old issue', details: 'Done', status_id: 9, client_id: 10, site_id: 100, user_id: 50, agent_id: 7, tickettype_id: 1 },
      { id: 1004, summary: 'Bob works this', details: 'Server', status_id: 2, client_id: 10, site_id: 100, user_id: 51, agent_id: 8, tickettype_id: 1 },
    ],
    actions: [],
  };
}

type ParamKind = 'int' | 'bool' | 'text' | 'intlist';
type Params = Record<string, ParamKind>;

const PAGING: Params = { pageinate: 'bool', page_size: 'int', page_no: 'int' };

export class HaloServer {
  readonly store: HaloStore;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tenant: string;
  authInfo: boolean;
  tokenLifetimeSeconds: number;
  /** See HaloServerOptions.latencyMs; may be changed between requests. */
  latencyMs: number;
  readonly spec = haloSpec();
  /** Every access token issued, in order; valid until its expiry or expireTokens(). */
  readonly issuedTokens: string[] = [];
  private readonly live = new Map<string, number>();
  http!: PsaContractServer;

  constructor(options: HaloServerOptions = {}) {
    this.store = options.store ?? haloFixture();
    this.clientId = options.clientId ?? HALO_CLIENT_ID;
    this.clientSecret = options.clientSecret ?? HALO_CLIENT_SECRET;
    this.tenant = options.tenant ?? '';
    this.authInfo = options.authInfo ?? true;
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
    this.latencyMs = options.latencyMs ?? 0;
  }

  get url(): string {
    return this.http.url;
  }

  /** Revokes every token issued so far, as a Halo restart or a secret rotation does. */
  expireTokens(): void {
    this.live.clear();
  }

  /** Requests to the API itself (not the sign-in steps). */
  apiRequests(): RecordedRequest[] {
    return this.http.requests.filter((r) => r.path.startsWith('/api/') && r.path !== '/api/authinfo');
  }

  handle(r: RecordedRequest): Reply {
    if (r.path === '/api/authinfo') return this.authInfoReply(r);
    if (r.path === '/auth/token') return this.token(r);
    if (!r.path.startsWith('/api/')) throw new ContractViolation(`no such Halo path ${r.path}`, 404);
    const unauthorized = this.checkBearer(r);
    if (unauthorized) return unauthorized;
    const matched = this.checkAgainstDefinition(r);
    try {
      const reply = this.api(r);
      this.checkAnswer(matched, reply);
      return reply;
    } catch (error) {
      if (error instanceof HaloRefusal) return { status: 400, body: { message: error.message } };
      throw error;
    }
  }

  /** The request against Halo's API definition (the extract): path, method, query parameters, body fields. */
  private checkAgainstDefinition(r: RecordedRequest): HaloMatched {
    const matched = this.spec.match(r.method, r.path.slice('/api'.length));
    if ('problem' in matched) throw new ContractViolation(matched.problem, matched.status, { message: matched.problem });
    const problems = [...this.spec.checkQuery(matched, r.query), ...(r.method === 'POST' ? this.spec.checkBody(matched, r.body) : [])];
    if (problems.length > 0) throw new ContractViolation(problems.join('; '), 400, { message: problems.join('; ') });
    return matched;
  }

  /** This server's own answers must follow the schema the extract names for them (the list wrapper is ours: see the header). */
  private checkAnswer(matched: HaloMatched, reply: Reply): void {
    const schema = this.spec.answerSchema(matched.method, matched.template);
    if (schema === undefined || reply.status >= 300 || typeof reply.body !== 'object' || reply.body === null) return;
    const body = reply.body as Record<string, unknown>;
    const wrapped = Object.values(body).find(Array.isArray);
    const rows = Array.isArray(reply.body) ? (reply.body as unknown[]) : 'record_count' in body && wrapped ? wrapped : [reply.body];
    for (const row of rows) {
      const problems = this.spec.checkSchema(schema, row);
      if (problems.length > 0) throw new Error(`the HaloPSA test server's own ${schema} isn't definition-shaped: ${problems.join('; ')}`);
    }
  }

  private authInfoReply(r: RecordedRequest): Reply {
    expectMethod(r, 'GET');
    if (!this.authInfo) return { status: 404, body: '' };
    return { status: 200, body: { auth_url: `${this.url}/auth`, tenant_id: this.tenant || null } };
  }

  private token(r: RecordedRequest): Reply {
    expectMethod(r, 'POST');
    const type = String(r.headers['content-type'] ?? '');
    if (!type.startsWith('application/x-www-form-urlencoded')) throw new ContractViolation(`token endpoint needs a form post, got content type "${type}"`);
    const tenant = r.query.get('tenant');
    if (this.tenant && tenant !== this.tenant) throw new ContractViolation(`hosted Halo needs ?tenant=${this.tenant}, got ${tenant ?? 'none'}`);
    if (!this.tenant && tenant !== null) throw new ContractViolation('self-hosted Halo: ?tenant= must not be sent');
    for (const key of r.query.keys()) if (key !== 'tenant') throw new ContractViolation(`unknown token query parameter ${key}`);
    const form = new URLSearchParams(r.rawBody);
    if (form.get('grant_type') !== 'client_credentials') throw new ContractViolation(`grant_type must be client_credentials, got ${form.get('grant_type')}`);
    if (form.get('scope') !== 'all') throw new ContractViolation(`scope must be "all", got ${form.get('scope')}`);
    if (!form.get('client_id') || !form.get('client_secret')) throw new ContractViolation('client_id and client_secret are required');
    if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
      return { status: 400, body: { error: 'invalid_client' } };
    }
    const token = `halo-token-${this.issuedTokens.length + 1}`;
    this.issuedTokens.push(token);
    this.live.set(token, Date.now() + this.tokenLifetimeSeconds * 1000);
    return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: this.tokenLifetimeSeconds } };
  }

  private checkBearer(r: RecordedRequest): Reply | undefined {
    const header = r.headers['authorization'];
    if (typeof header !== 'string' || !/^Bearer \S+$/.test(header))
      throw new ContractViolation(`needs "Authorization: Bearer <token>", got ${String(header)}`, 401);
    const expires = this.live.get(header.slice('Bearer '.length));
    if (expires === undefined || expires <= Date.now()) return { status: 401, body: '' };
    return undefined;
  }

  private api(r: RecordedRequest): Reply {
    const p = r.path;
    if (r.method === 'POST') {
      const type = String(r.headers['content-type'] ?? '');
      if (!type.startsWith('application/json')) throw new ContractViolation(`POST ${p} needs application/json, got "${type}"`);
      if (p === '/api/tickets') return this.createTickets(r.body);
      if (p === '/api/actions') return this.createActions(r.body);
      if (p === '/api/Attachment') return this.createAttachments(r.body);
      if (p === '/api/CRMNote') return this.createCrmNotes(r.body);
      throw new ContractViolation(`no POST ${p} in this contract`, 404);
    }
    expectMethod(r, 'GET');
    let m: RegExpMatchArray | null;
    if (p === '/api/agent/me') return ok(r, {}, this.agentOut(this.byId(this.store.agents, this.store.meAgentId)));
    if (p === '/api/agent') return this.agents(r);
    if ((m = /^\/api\/agent\/(\d+)$/.exec(p))) return this.one(r, this.store.agents, m[1], (a) => this.agentOut(a));
    if (p === '/api/status') {
      checkQuery(r, { type: 'text' });
      if (r.query.get('type') !== 'ticket') throw new ContractViolation('GET /api/status needs type=ticket for ticket statuses');
      return { status: 200, body: this.store.statuses.map(({ id, name }) => ({ id, name })) };
    }
    if (p === '/api/tickettype') return ok(r, {}, this.store.ticketTypes);
    if (p === '/api/users') return this.users(r);
    if (p === '/api/tickets') return this.tickets(r);
    if (p === '/api/actions') return this.actions(r);
    if (p === '/api/priority') return ok(r, {}, this.priorities());
    if (p === '/api/Attachment') {
      checkQuery(r, { ticket_id: 'int' });
      const ticketId = Number(r.query.get('ticket_id'));
      if (!r.query.has('ticket_id')) throw new ContractViolation('GET /api/Attachment needs ticket_id here');
      const rows = (this.store.attachments ?? [])
        .filter((a) => a.ticket_id === ticketId)
        .map(({ bytes, ...rest }) => ({ ...rest, filesize: bytes.byteLength }));
      return { status: 200, body: { record_count: rows.length, attachments: rows } };
    }
    if (p === '/api/CRMNote') {
      checkQuery(r, { client_id: 'int' });
      if (!r.query.has('client_id')) throw new ContractViolation('GET /api/CRMNote needs client_id here');
      const rows = (this.store.crmNotes ?? []).filter((n) => n.client_id === Number(r.query.get('client_id')));
      return { status: 200, body: { record_count: rows.length, notes: rows } };
    }
    if ((m = /^\/api\/users\/(\d+)$/.exec(p))) return this.one(r, this.store.users, m[1], (u) => this.userOut(u));
    if ((m = /^\/api\/site\/(\d+)$/.exec(p))) return this.one(r, this.store.sites, m[1], (s) => s);
    if ((m = /^\/api\/client\/(\d+)$/.exec(p))) return this.one(r, this.store.clients, m[1], (c) => c);
    if ((m = /^\/api\/tickets\/(\d+)$/.exec(p))) return this.one(r, this.store.tickets, m[1], (t) => this.ticketOut(t, true));
    throw new ContractViolation(`no GET ${p} in this contract`, 404);
  }

  /** Every agent at once: GET /Agent has no paging parameters in the definition. */
  private agents(r: RecordedRequest): Reply {
    checkQuery(r, {});
    return { status: 200, body: this.store.agents.map((a) => this.agentOut(a)) };
  }

  private users(r: RecordedRequest): Reply {
    const paging = checkQuery(r, { ...PAGING, search: 'text', search_phonenumbers: 'bool', client_id: 'int' });
    const search = r.query.get('search');
    const byPhone = r.query.get('search_phonenumbers') === 'true';
    if (r.query.has('search_phonenumbers') && search === null) throw new ContractViolation('search_phonenumbers without search');
    const clientId = intParam(r, 'client_id');
    const found = this.store.users.filter((u) => (clientId === undefined || u.client_id === clientId) && (search === null || userMatches(u, search, byPhone)));
    const users = found.map((u) => this.userOut(u));
    return { status: 200, body: { record_count: users.length, users: paging ? page(users, paging) : users } };
  }

  private tickets(r: RecordedRequest): Reply {
    const paging = checkQuery(r, {
      ...PAGING,
      agent_id: 'int',
      client_id: 'int',
      status: 'intlist',
      status_id: 'int',
      open_only: 'bool',
      order: 'text',
      orderdesc: 'bool',
      search: 'text',
      search_details: 'text',
    });
    const order = r.query.get('order');
    if (order !== null && !['id', 'dateoccurred', 'summary'].includes(order)) throw new ContractViolation(`order=${order} isn't a ticket field`);
    if (r.query.has('orderdesc') && order === null) throw new ContractViolation('orderdesc without order');
    const agentId = intParam(r, 'agent_id');
    const clientId = intParam(r, 'client_id');
    const statusIds = r.query.get('status')?.split(',').map(Number) ?? (r.query.has('status_id') ? [Number(r.query.get('status_id'))] : undefined);
    const openOnly = r.query.get('open_only') === 'true';
    const search = r.query.get('search')?.toLowerCase();
    const searchDetails = r.query.get('search_details')?.toLowerCase();
    const closed = new Set(this.store.statuses.filter((s) => s.closed).map((s) => s.id));
    let found = this.store.tickets.filter(
      (t) =>
        (agentId === undefined || t.agent_id === agentId) &&
        (clientId === undefined || t.client_id === clientId) &&
        (statusIds === undefined || statusIds.includes(t.status_id)) &&
        (!openOnly || !closed.has(t.status_id)) &&
        (search === undefined || `${t.id}\n${t.summary}`.toLowerCase().includes(search)) &&
        (searchDetails === undefined || t.details.toLowerCase().includes(searchDetails)),
    );
    if (order === 'id') found = [...found].sort((a, b) => (r.query.get('orderdesc') === 'true' ? b.id - a.id : a.id - b.id));
    const tickets = found.map((t) => this.ticketOut(t, false));
    return { status: 200, body: { record_count: tickets.length, tickets: paging ? page(tickets, paging) : tickets } };
  }

  private actions(r: RecordedRequest): Reply {
    checkQuery(r, { ticket_id: 'int' });
    const ticketId = intParam(r, 'ticket_id');
    if (ticketId === undefined) throw new ContractViolation('GET /api/actions needs ticket_id (Get-HaloAction.ps1: mandatory)');
    const actions = this.store.actions.filter((a) => a.ticket_id === ticketId);
    return { status: 200, body: { record_count: actions.length, actions } };
  }

  private createTickets(body: unknown): Reply {
    const items = arrayBody(body, '/api/tickets');
    const created = items.map((item) => this.createTicket(item));
    return { status: 201, body: created[0] };
  }

  private createTicket(item: Record<string, unknown>): unknown {
    const summary = item['summary'];
    if (typeof summary !== 'string' || summary.trim() === '') throw new ContractViolation('ticket summary is required');
    if (typeof item['details'] !== 'string') throw new ContractViolation('ticket details must be text');
    const clientId = requireInt(item, 'client_id');
    const client = this.store.clients.find((c) => c.id === clientId);
    if (!client) return invalid(`client ${clientId} does not exist`);
    const userId = optionalInt(item, 'user_id');
    const user = userId === undefined ? undefined : this.store.users.find((u) => u.id === userId);
    if (userId !== undefined && !user) return invalid(`user ${userId} does not exist`);
    const typeId = optionalInt(item, 'tickettype_id');
    if (typeId !== undefined && !this.store.ticketTypes.some((t) => t.id === typeId)) return invalid(`ticket type ${typeId} does not exist`);
    const occurred = item['dateoccurred'];
    if (occurred !== undefined && (typeof occurred !== 'string' || Number.isNaN(Date.parse(occurred))))
      throw new ContractViolation(`dateoccurred must be an ISO date, got ${String(occurred)}`);
    const known = new Set(['summary', 'details', 'client_id', 'site_id', 'user_id', 'tickettype_id', 'dateoccurred', 'status_id', 'agent_id']);
    for (const key of Object.keys(item)) if (!known.has(key)) throw new ContractViolation(`unexpected ticket field ${key}`);
    const ticket: HaloTicketRecord = {
      id: Math.max(2000, ...this.store.tickets.map((t) => t.id)) + 1,
      summary,
      details: item['details'] as string,
      status_id: 1,
      client_id: clientId,
      site_id: user?.site_id,
      user_id: userId,
      tickettype_id: typeId,
      dateoccurred: occurred as string | undefined,
    };
    this.store.tickets.push(ticket);
    return this.ticketOut(ticket, true);
  }

  private createActions(body: unknown): Reply {
    const items = arrayBody(body, '/api/actions');
    const created: HaloActionRecord[] = [];
    for (const item of items) {
      const ticketId = requireInt(item, 'ticket_id');
      if (!this.store.tickets.some((t) => t.id === ticketId)) return invalid(`ticket ${ticketId} does not exist`);
      const { note, outcome, hiddenfromuser, sendemail } = item;
      if (typeof note !== 'string' || note.trim() === '') throw new ContractViolation('action note is required');
      if (typeof outcome !== 'string' || outcome === '') throw new ContractViolation('action outcome is required');
      if (typeof hiddenfromuser !== 'boolean') throw new ContractViolation('hiddenfromuser must be a boolean');
      if (sendemail !== false) throw new ContractViolation('sendemail must be false: Focusline never emails the client');
      const ticket = this.store.tickets.find((t) => t.id === ticketId);
      const newStatus = optionalInt(item, 'new_status');
      const newPriority = optionalInt(item, 'new_priority');
      const newAgent = optionalInt(item, 'new_agent');
      if (newStatus !== undefined && !this.store.statuses.some((x) => x.id === newStatus)) return invalid(`status ${newStatus} does not exist`);
      if (newPriority !== undefined && !this.priorities().some((x) => x.priorityid === newPriority)) return invalid(`priority ${newPriority} does not exist`);
      if (newAgent !== undefined && !this.store.agents.some((x) => x.id === newAgent)) return invalid(`agent ${newAgent} does not exist`);
      const allowed = new Set(['ticket_id', 'note', 'outcome', 'hiddenfromuser', 'sendemail', 'new_status', 'new_priority', 'new_agent']);
      for (const key of Object.keys(item)) if (!allowed.has(key)) throw new ContractViolation(`unexpected action field ${key}`);
      if (ticket)
        Object.assign(ticket, {
          ...(newStatus !== undefined ? { status_id: newStatus } : {}),
          ...(newPriority !== undefined ? { priority_id: newPriority } : {}),
          ...(newAgent !== undefined ? { agent_id: newAgent } : {}),
        });
      const action = { id: this.store.actions.length + 1, ticket_id: ticketId, note, outcome, hiddenfromuser, sendemail };
      this.store.actions.push(action);
      created.push(action);
    }
    return { status: 201, body: created[0] };
  }

  priorities(): { priorityid: number; name: string }[] {
    return (
      this.store.priorities ?? [
        { priorityid: 1, name: 'Critical' },
        { priorityid: 2, name: 'High' },
        { priorityid: 3, name: 'Medium' },
        { priorityid: 4, name: 'Low' },
      ]
    );
  }

  private createAttachments(body: unknown): Reply {
    const items = arrayBody(body, '/api/Attachment');
    const created: unknown[] = [];
    for (const item of items) {
      const ticketId = requireInt(item, 'ticket_id');
      const { filename, data_base64: data } = item;
      if (typeof filename !== 'string' || filename.trim() === '') throw new ContractViolation('attachment filename is required');
      if (typeof data !== 'string' || data === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0)
        throw new ContractViolation('attachment data_base64 must be the file as base64');
      const allowed = new Set(['ticket_id', 'filename', 'data_base64', 'content_type', 'note', 'desc', 'isimage']);
      for (const key of Object.keys(item)) if (!allowed.has(key)) throw new ContractViolation(`unexpected attachment field ${key}`);
      if (!this.store.tickets.some((t) => t.id === ticketId)) return invalid(`ticket ${ticketId} does not exist`);
      const bytes = Buffer.from(data, 'base64');
      if (bytes.byteLength > HALO_UPLOAD_MAX_BYTES) return { status: 413, body: { message: 'The file is too large to upload.' } };
      const row: HaloAttachmentRecord = {
        id: (this.store.attachments?.length ?? 0) + 1,
        ticket_id: ticketId,
        filename,
        bytes,
        ...(typeof item['content_type'] === 'string' ? { content_type: item['content_type'] } : {}),
        ...(typeof item['note'] === 'string' ? { note: item['note'] } : {}),
      };
      (this.store.attachments ??= []).push(row);
      created.push({ id: row.id, ticket_id: ticketId, filename, filesize: bytes.byteLength });
    }
    return { status: 201, body: created[0] };
  }

  private createCrmNotes(body: unknown): Reply {
    const items = arrayBody(body, '/api/CRMNote');
    const created: unknown[] = [];
    for (const item of items) {
      const clientId = requireInt(item, 'client_id');
      const userId = optionalInt(item, 'user_id');
      const { note, detail } = item;
      if (typeof note !== 'string' || note.trim() === '') throw new ContractViolation('CRM note: note (the subject) is required');
      if (typeof detail !== 'string') throw new ContractViolation('CRM note: detail must be text');
      const allowed = new Set(['client_id', 'user_id', 'note', 'detail', 'datetime', 'timetaken']);
      for (const key of Object.keys(item)) if (!allowed.has(key)) throw new ContractViolation(`unexpected CRM note field ${key}`);
      if (!this.store.clients.some((c) => c.id === clientId)) return invalid(`client ${clientId} does not exist`);
      const row: HaloCrmNoteRecord = {
        id: (this.store.crmNotes?.length ?? 0) + 1,
        client_id: clientId,
        note,
        detail,
        ...(userId !== undefined ? { user_id: userId } : {}),
      };
      (this.store.crmNotes ??= []).push(row);
      created.push(row);
    }
    return { status: 201, body: created[0] };
  }

  private one<T extends { id: number }>(r: RecordedRequest, list: T[], id: string | undefined, out: (item: T) => unknown): Reply {
    checkQuery(r, {});
    const item = list.find((x) => x.id === Number(id));
    return item ? { status: 200, body: out(item) } : { status: 404, body: { message: 'Not found' } };
  }

  private byId<T extends { id: number }>(list: T[], id: number): T {
    const item = list.find((x) => x.id === id);
    if (!item) throw new Error(`fixture has no id ${id}`);
    return item;
  }

  private agentOut(a: HaloAgentRecord): unknown {
    return { ...a };
  }

  private userOut(u: HaloUserRecord): unknown {
    const client = this.store.clients.find((c) => c.id === u.client_id);
    const site = this.store.sites.find((s) => s.id === u.site_id);
    return { ...u, client_name: client?.name ?? null, site_name: site?.name ?? null };
  }

  private ticketOut(t: HaloTicketRecord, withDetails: boolean): unknown {
    const client = this.store.clients.find((c) => c.id === t.client_id);
    const user = this.store.users.find((u) => u.id === t.user_id);
    const { details, ...rest } = t;
    return { ...rest, ...(withDetails ? { details } : {}), client_name: client?.name ?? null, user_name: user?.name ?? null };
  }
}

/** One reading of the extract for every server in a test file (compiling its schemas takes a moment). */
let sharedSpec: HaloSpec | undefined;
export function haloSpec(): HaloSpec {
  sharedSpec ??= new HaloSpec();
  return sharedSpec;
}

export async function startHaloServer(options: HaloServerOptions = {}): Promise<HaloServer> {
  const halo = new HaloServer(options);
  halo.http = await startContractServer('HaloPSA', async (r) => {
    if (halo.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, halo.latencyMs));
    return halo.handle(r);
  });
  return halo;
}

function expectMethod(r: RecordedRequest, method: string): void {
  if (r.method !== method) throw new ContractViolation(`${r.path} takes ${method}, not ${r.method}`, 405);
}

function ok(r: RecordedRequest, params: Params, body: unknown): Reply {
  checkQuery(r, params);
  return { status: 200, body };
}

/** Validates the query against the endpoint's parameters; returns the paging when pageinate=true. */
function checkQuery(r: RecordedRequest, params: Params): { size: number; no: number } | undefined {
  for (const [key, value] of r.query) {
    const kind = params[key];
    if (kind === undefined) throw new ContractViolation(`unknown query parameter ${key} for ${r.path}`);
    if (r.query.getAll(key).length > 1) throw new ContractViolation(`${key} given more than once`);
    if (kind === 'int' && !/^\d+$/.test(value)) throw new ContractViolation(`${key} must be an integer, got "${value}"`);
    if (kind === 'bool' && value !== 'true' && value !== 'false') throw new ContractViolation(`${key} must be true or false, got "${value}"`);
    if (kind === 'intlist' && !/^\d+(,\d+)*$/.test(value)) throw new ContractViolation(`${key} must be comma-separated ids, got "${value}"`);
    if (kind === 'text' && value === '') throw new ContractViolation(`${key} is empty`);
  }
  const paged = r.query.get('pageinate') === 'true';
  const size = r.query.get('page_size');
  const no = r.query.get('page_no');
  if (!paged && (size !== null || no !== null)) throw new ContractViolation('page_size/page_no only work with pageinate=true');
  if (!paged) return undefined;
  if (size === null || no === null) throw new ContractViolation('pageinate=true needs page_size and page_no');
  if (Number(size) < 1 || Number(no) < 1) throw new ContractViolation('page_size and page_no start at 1');
  return { size: Number(size), no: Number(no) };
}

function page<T>(items: T[], paging: { size: number; no: number }): T[] {
  return items.slice((paging.no - 1) * paging.size, paging.no * paging.size);
}

function intParam(r: RecordedRequest, key: string): number | undefined {
  const value = r.query.get(key);
  return value === null ? undefined : Number(value);
}

/** A like '%search%' over the name and email, and with search_phonenumbers over the phone fields as stored (see the header). */
function userMatches(u: HaloUserRecord, search: string, byPhone: boolean): boolean {
  const term = search.toLowerCase();
  if ((u.name ?? '').toLowerCase().includes(term) || (u.emailaddress ?? '').toLowerCase().includes(term)) return true;
  if (!byPhone) return false;
  return [u.phonenumber, u.mobilenumber, u.mobilenumber2, u.homenumber].some((n) => n !== undefined && n.toLowerCase().includes(term));
}

function arrayBody(body: unknown, path: string): Record<string, unknown>[] {
  if (!Array.isArray(body)) throw new ContractViolation(`POST ${path} takes a JSON array of objects`);
  if (body.length === 0) throw new ContractViolation(`POST ${path} with an empty array`);
  return body.map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new ContractViolation(`POST ${path}: every element must be an object`);
    return item as Record<string, unknown>;
  });
}

function requireInt(item: Record<string, unknown>, key: string): number {
  const value = item[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ContractViolation(`${key} must be an integer id, got ${JSON.stringify(value)}`);
  return value;
}

function optionalInt(item: Record<string, unknown>, key: string): number | undefined {
  return item[key] === undefined ? undefined : requireInt(item, key);
}

/** Halo refusing a well-formed request (a record that doesn't exist): 400 with a message, not a contract violation. [U] */
class HaloRefusal extends Error {}

function invalid(message: string): never {
  throw new HaloRefusal(message);
}
