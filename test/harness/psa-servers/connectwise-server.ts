// A ConnectWise PSA (Manage) REST API 3.0 stand-in for adapter tests, built
// on PsaContractServer. It keeps a small in-memory data set and ENFORCES:
// - ConnectWise's own API definition, through the vendored extract
//   (connectwise-spec.ts explains how it is read): every request's method,
//   path, query parameter names and body fields must be defined there, else
//   400 (404/405 for an unknown path/method) naming what is wrong; every
//   answer this server gives is checked against the definition's model, so
//   the nulls it allows (a stopwatch's status and ticket.id) reach the adapter.
//   "Who am I" is GET /system/myAccount/{id}: the definition has no id-less
//   form. Which member ids it serves to which keys is not in the definition
//   [U]: here only the keys owner's own id (others 403).
// - Where the definition is silent, the contract in /work/shared/notes/psa-apis.md
//   §1 (rows named in the comments) and ConnectWise's developer docs:
// - "Base URL": everything under /v4_6_release/apis/3.0; other paths 404.
// - "Auth": Authorization: Basic base64("{companyId}+{publicKey}:{privateKey}")
//   and a clientId header on every call. A missing or malformed header is an
//   adapter bug (a violation); wrong values are a settings problem (plain 401).
//   Missing clientId: CW's exact answer is not documented; we answer 401 with
//   a message naming clientId (our choice, recorded here and in the report).
// - "Version pinning": Accept must be application/vnd.connectwise.com+json; version=2025.8.
// - Conditions syntax (see connectwise-conditions.ts), per-endpoint filterable
//   fields, orderBy, fields projection, page/pageSize (pageSize ≤ 1000).
// - "Create ticket": summary (≤ 100 chars) and company required.
// - "Add note": at least one of detailDescriptionFlag/internalAnalysisFlag/resolutionFlag.
// - "Log every contact attempt": name and assignTo required.
// - Escalation: PATCH /service/tickets/{id} is a JSON Patch array (op, path,
//   value); priority and status are references by id, and the status must be
//   one of the ticket's own board (/service/boards/{id}/statuses).
// - Documents: POST /system/documents is multipart/form-data with recordType,
//   recordId, title and one file part (the spec's DocumentInfo upload; the
//   adapter must not send JSON there). A record that doesn't exist is 400; a
//   file over the site's upload limit (10 MB here, [U]: a site setting) is 413.
// Listens on 127.0.0.1 only (via PsaContractServer).
import { ContractViolation, startContractServer, type PsaContractServer, type RecordedRequest, type Reply } from '../psa-contract-server.js';
import { fieldsOf, matches, parseConditions, type FieldTypes } from './connectwise-conditions.js';
import { ConnectWiseSpec, type CwOperation } from './connectwise-spec.js';

/** One reading of the extract for every server in a test file (compiling its schemas takes a moment). */
let sharedSpec: ConnectWiseSpec | undefined;
export function connectWiseSpec(): ConnectWiseSpec {
  sharedSpec ??= new ConnectWiseSpec();
  return sharedSpec;
}

export const CW_PREFIX = '/v4_6_release/apis/3.0';
export const CW_ACCEPT = 'application/vnd.connectwise.com+json; version=2025.8';

export type CwCredentials = { companyId: string; publicKey: string; privateKey: string; clientId: string };

export type MemberRow = {
  id: number;
  identifier: string;
  firstName: string;
  lastName: string;
  officePhone?: string;
  mobilePhone?: string;
  homePhone?: string;
  officeEmail?: string;
  inactiveFlag?: boolean;
};
export type CompanyRow = { id: number; identifier: string; name: string; phoneNumber?: string };
export type CommunicationRow = { value: string; communicationType: 'Phone' | 'Email' | 'Fax'; typeName?: string; defaultFlag?: boolean };
export type ContactRow = {
  id: number;
  firstName: string;
  lastName: string;
  companyId: number;
  communicationItems: CommunicationRow[];
  inactiveFlag?: boolean;
  defaultPhoneNbr?: string;
};
export type TicketRow = {
  id: number;
  summary: string;
  companyId: number;
  contactId?: number;
  board?: string;
  status: string;
  owner?: string;
  closedFlag: boolean;
  priority?: string;
  externalXRef?: string;
  initialDescription?: string;
  source?: string;
  contactPhoneNumber?: string;
};
export type NoteRow = {
  id: number;
  ticketId: number;
  text: string;
  detailDescriptionFlag: boolean;
  internalAnalysisFlag: boolean;
  resolutionFlag: boolean;
  processNotifications?: boolean;
};
export type ActivityRow = { id: number; body: Record<string, unknown> };
export type DocumentRow = {
  id: number;
  recordType: string;
  recordId: number;
  title: string;
  fileName: string;
  contentType: string;
  bytes: Buffer;
  privateFlag: boolean;
};
/** status and ticket.id are nullable in the definition (TicketStopwatch.status, TicketReference.id). */
export type StopwatchRow = {
  id: number;
  ticketId: number | null;
  member: string;
  status: string | null;
  startTime: string;
  totalPauseTime?: number;
  endTime?: string;
};

export type CwStore = {
  members: MemberRow[];
  companies: CompanyRow[];
  contacts: ContactRow[];
  tickets: TicketRow[];
  notes: NoteRow[];
  activities: ActivityRow[];
  stopwatches: StopwatchRow[];
  boards: string[];
  sources: string[];
  activityTypes: string[];
  priorities: string[];
  /** Per board name: its statuses (every board has the default ones unless set). */
  boardStatuses: Record<string, string[]>;
  documents: DocumentRow[];
};

/** The largest document the site accepts ([U]: a site setting; 10 MB assumed, see the header). */
export const CW_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
const DEFAULT_BOARD_STATUSES = ['New', 'In Progress', 'Waiting Customer', 'Escalated', 'Closed'];

/** Areas a security role can deny (answered 403; CW's exact status for a missing permission is [U], 403 chosen). */
export type CwArea = 'myAccount' | 'members' | 'tickets' | 'ticketCreate' | 'notes' | 'contacts' | 'companies' | 'stopwatches' | 'activities' | 'boards';

export const DEFAULT_CREDENTIALS: CwCredentials = {
  companyId: 'acme',
  publicKey: 'pubKEY123',
  privateKey: 'privSECRET456',
  clientId: '1f7d6a5e-0c3b-4c2a-9d8e-6b5a4c3d2e1f',
};

export class ConnectWiseServer {
  readonly store: CwStore = {
    members: [],
    companies: [],
    contacts: [],
    tickets: [],
    notes: [],
    activities: [],
    stopwatches: [],
    boards: ['Help Desk'],
    sources: ['Phone', 'Email', 'Portal'],
    activityTypes: ['Call', 'Email', 'Meeting'],
    priorities: ['Priority 1 - Emergency Response', 'Priority 2 - Quick Response', 'Priority 3 - Normal Response'],
    boardStatuses: {},
    documents: [],
  };
  /** Whose keys these are: the only member whose /system/myAccount/{id} they may read. */
  keysOwner = 'jdoe';
  /**
   * What /system/myAccount/{id} answers for an id that isn't the keys owner's. [U] Undocumented:
   * 'forbidden' (403) or 'keys-owner' (the owner's own account, whatever id was asked).
   */
  myAccountForOtherIds: 'forbidden' | 'keys-owner' = 'forbidden';
  /** Added to the Date header, to test clock-skew reporting. */
  dateOffsetMs = 0;
  /** CW's Link header on lists (psa-apis.md §1: "Link header optional"). */
  sendLinkHeader = true;
  /** Hide communicationItems from contacts (field-level security). */
  hideContactPhones = false;
  readonly denied = new Set<CwArea>();
  readonly spec = connectWiseSpec();
  private nextId = 1000;
  contract!: PsaContractServer;

  constructor(readonly credentials: CwCredentials = DEFAULT_CREDENTIALS) {}

  get url(): string {
    return this.contract.url;
  }
  get requests(): RecordedRequest[] {
    return this.contract.requests;
  }
  get violations(): string[] {
    return this.contract.violations;
  }

  id(): number {
    this.nextId += 1;
    return this.nextId;
  }

  addMember(row: Omit<MemberRow, 'id'> & { id?: number }): MemberRow {
    const member = { ...row, id: row.id ?? this.id() };
    this.store.members.push(member);
    return member;
  }
  addCompany(row: Omit<CompanyRow, 'id'> & { id?: number }): CompanyRow {
    const company = { ...row, id: row.id ?? this.id() };
    this.store.companies.push(company);
    return company;
  }
  addContact(row: Omit<ContactRow, 'id'> & { id?: number }): ContactRow {
    const contact = { ...row, id: row.id ?? this.id() };
    this.store.contacts.push(contact);
    return contact;
  }
  addTicket(row: Omit<TicketRow, 'id' | 'closedFlag' | 'status'> & { id?: number; closedFlag?: boolean; status?: string }): TicketRow {
    const ticket = { ...row, id: row.id ?? this.id(), closedFlag: row.closedFlag ?? false, status: row.status ?? 'New' };
    this.store.tickets.push(ticket);
    return ticket;
  }
  addStopwatch(row: Omit<StopwatchRow, 'id'>): StopwatchRow {
    const stopwatch = { ...row, id: this.id() };
    this.store.stopwatches.push(stopwatch);
    return stopwatch;
  }

  /** Requests under the API prefix whose path (after it) matches. */
  calls(method: string, pattern: RegExp): RecordedRequest[] {
    return this.contract.requests.filter((r) => r.method === method && r.path.startsWith(CW_PREFIX) && pattern.test(r.path.slice(CW_PREFIX.length)));
  }

  async close(): Promise<void> {
    await this.contract.close();
  }

  // ------------------------------------------------------------ dispatch

  handle(request: RecordedRequest): Reply {
    if (!request.path.startsWith(`${CW_PREFIX}/`)) {
      // A wrong site URL: IIS answers with its HTML 404 page.
      throw new ContractViolation(`not under ${CW_PREFIX}`, 404, '<html><body><h1>404 - File or directory not found.</h1></body></html>');
    }
    const auth = this.checkAuth(request);
    if (auth) return this.dated(auth);
    this.checkHeaders(request);
    const path = request.path.slice(CW_PREFIX.length);
    const operation = this.checkAgainstDefinition(request, path);
    const reply = this.route(request, path);
    this.checkAnswer(request, operation, reply);
    return this.dated(reply);
  }

  /** The request against ConnectWise's API definition (the extract): path, method, query names, body fields. */
  private checkAgainstDefinition(request: RecordedRequest, path: string): CwOperation {
    const matched = this.spec.match(request.method, path);
    if ('problem' in matched) throw new ContractViolation(matched.problem, matched.status, { code: 'NotFound', message: matched.problem });
    const problems = [
      ...this.spec.checkQuery(matched.operation, request.query),
      ...this.spec.checkBody(matched.operation, request.body, request.form ? [...new Set(request.form.keys())] : undefined),
    ];
    if (problems.length > 0) {
      const message = problems.join('; ');
      throw new ContractViolation(message, 400, { code: 'InvalidObject', message, errors: problems.map((p) => ({ code: 'InvalidField', message: p })) });
    }
    return matched.operation;
  }

  /** This server's own answers must be definition-shaped (a fixture bug shows up as a crash, not as a passing test). */
  private checkAnswer(request: RecordedRequest, operation: CwOperation, reply: Reply): void {
    if (reply.status >= 300 || operation.answers === null || reply.body === undefined) return;
    const schema = operation.answers as { $ref?: string; items?: { $ref?: string } };
    const model = (schema.$ref ?? schema.items?.$ref)?.replace('#/models/', '');
    if (model === undefined) return;
    const rows = Array.isArray(reply.body) ? (reply.body as unknown[]) : [reply.body];
    // A fields= projection leaves out required fields on purpose; what it keeps must still be the model's.
    const projected = request.query.has('fields');
    for (const row of rows) {
      const problems = projected ? this.spec.checkProjected(model, row) : this.spec.checkModel(model, row);
      if (problems.length > 0) throw new Error(`the ConnectWise test server's own ${model} isn't definition-shaped: ${problems.join('; ')}`);
    }
  }

  private dated(reply: Reply): Reply {
    return { ...reply, headers: { date: new Date(Date.now() + this.dateOffsetMs).toUTCString(), ...reply.headers } };
  }

  /** psa-apis.md §1 "Auth". */
  private checkAuth(request: RecordedRequest): Reply | undefined {
    const clientId = request.headers['clientid'];
    if (typeof clientId !== 'string' || clientId.trim() === '') {
      throw new ContractViolation('missing clientId header', 401, {
        code: 'Unauthorized',
        message: 'The clientId header is required. Register the integration at developer.connectwise.com.',
      });
    }
    const header = request.headers['authorization'];
    const match = typeof header === 'string' ? /^Basic ([A-Za-z0-9+/=]+)$/.exec(header) : null;
    if (!match?.[1]) throw new ContractViolation('Authorization is not Basic', 401, { code: 'Unauthorized', message: 'Basic authentication is required.' });
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const parsed = /^([^+:]+)\+([^:]+):(.+)$/s.exec(decoded);
    if (!parsed)
      throw new ContractViolation(`Basic credentials are not "companyId+publicKey:privateKey": ${decoded.replace(/:.*/s, ':***')}`, 401, {
        code: 'Unauthorized',
        message: 'Invalid credentials.',
      });
    const c = this.credentials;
    const [, companyId, publicKey, privateKey] = parsed;
    if (clientId !== c.clientId) return { status: 401, body: { code: 'Unauthorized', message: 'The clientId is not a registered integration.' } };
    // CW company ids compare case-insensitively; keys don't.
    if (companyId?.toLowerCase() !== c.companyId.toLowerCase() || publicKey !== c.publicKey || privateKey !== c.privateKey) {
      return { status: 401, body: { code: 'Unauthorized', message: 'Authentication failed: invalid company, public key or private key.' } };
    }
    return undefined;
  }

  /** psa-apis.md §1 "Version pinning"; JSON bodies on writes. */
  private checkHeaders(request: RecordedRequest): void {
    const accept = String(request.headers['accept'] ?? '')
      .replace(/\s+/g, ' ')
      .trim();
    if (accept !== CW_ACCEPT) throw new ContractViolation(`Accept must pin the version: "${CW_ACCEPT}", got "${accept}"`, 406);
    const type = String(request.headers['content-type'] ?? '');
    const upload = request.path === `${CW_PREFIX}/system/documents`;
    if (request.method === 'POST' && upload && !/^multipart\/form-data; *boundary=/.test(type)) {
      throw new ContractViolation(`POST /system/documents must be multipart/form-data, got "${type}"`, 415);
    }
    if ((request.method === 'POST' || request.method === 'PATCH') && !upload && !/^application\/json\b/.test(type)) {
      throw new ContractViolation(`${request.method} without Content-Type application/json`, 415);
    }
  }

  private deny(area: CwArea): void {
    if (this.denied.has(area)) {
      throw new ForbiddenReply();
    }
  }

  private route(r: RecordedRequest, path: string): Reply {
    try {
      return this.routeUnsafe(r, path);
    } catch (error) {
      if (error instanceof ForbiddenReply) return { status: 403, body: { code: 'Forbidden', message: 'You do not have permission to perform this action.' } };
      throw error;
    }
  }

  private routeUnsafe(r: RecordedRequest, path: string): Reply {
    const m = r.method;
    let g: RegExpExecArray | null;
    if (m === 'GET' && path === '/system/info')
      return { status: 200, body: { version: 'v2025.1.12345', isCloud: true, serverTimeZone: 'Eastern Standard Time' } };
    if (m === 'GET' && (g = /^\/system\/myAccount\/(\d+)$/.exec(path))) return this.myAccount(r, Number(g[1]));
    if (m === 'GET' && path === '/system/members') return (this.deny('members'), this.list(r, this.store.members.map(renderMember), MEMBER_FIELDS));
    if (m === 'GET' && path === '/system/members/count') return (this.deny('members'), this.count(r, this.store.members.map(renderMember), MEMBER_FIELDS));
    if (m === 'GET' && path === '/time/ticketstopwatches')
      return (this.deny('stopwatches'), this.list(r, this.store.stopwatches.map(renderStopwatch), STOPWATCH_FIELDS));
    if (m === 'GET' && path === '/service/tickets')
      return (
        this.deny('tickets'),
        this.list(
          r,
          this.store.tickets.map((t) => this.renderTicket(t)),
          TICKET_FIELDS,
        )
      );
    if (m === 'POST' && path === '/service/tickets') return (this.deny('ticketCreate'), this.createTicket(r));
    if (m === 'GET' && (g = /^\/service\/tickets\/(\d+)$/.exec(path)))
      return (
        this.deny('tickets'),
        this.one(
          r,
          this.store.tickets.find((t) => t.id === Number(g?.[1])),
          (t) => this.renderTicket(t),
          'ticket',
        )
      );
    if ((g = /^\/service\/tickets\/(\d+)\/notes$/.exec(path)) && (m === 'GET' || m === 'POST')) return (this.deny('notes'), this.notes(r, Number(g[1])));
    if (m === 'GET' && path === '/service/boards')
      return (
        this.deny('boards'),
        this.list(
          r,
          this.store.boards.map((name, i) => ({ id: i + 1, name, location: { id: 1, name: 'Main' }, department: { id: 1, name: 'Service' } })),
          { id: 'number', name: 'string' },
        )
      );
    if (m === 'GET' && path === '/company/contacts')
      return (
        this.deny('contacts'),
        this.list(
          r,
          this.store.contacts.map((c) => this.renderContact(c)),
          CONTACT_FIELDS,
          CONTACT_CHILD_FIELDS,
        )
      );
    if (m === 'GET' && path === '/company/contacts/count')
      return (
        this.deny('contacts'),
        this.count(
          r,
          this.store.contacts.map((c) => this.renderContact(c)),
          CONTACT_FIELDS,
        )
      );
    if (m === 'GET' && (g = /^\/company\/contacts\/(\d+)$/.exec(path)))
      return (
        this.deny('contacts'),
        this.one(
          r,
          this.store.contacts.find((c) => c.id === Number(g?.[1])),
          (c) => this.renderContact(c),
          'contact',
        )
      );
    if (m === 'GET' && path === '/company/companies') return (this.deny('companies'), this.list(r, this.store.companies.map(renderCompany), COMPANY_FIELDS));
    if (m === 'GET' && (g = /^\/company\/companies\/(\d+)$/.exec(path)))
      return (
        this.deny('companies'),
        this.one(
          r,
          this.store.companies.find((c) => c.id === Number(g?.[1])),
          renderCompany,
          'company',
        )
      );
    if (m === 'PATCH' && (g = /^\/service\/tickets\/(\d+)$/.exec(path))) return (this.deny('tickets'), this.patchTicket(r, Number(g[1])));
    if (m === 'GET' && path === '/service/priorities')
      return this.list(
        r,
        // Priority.color is required and nullable in the definition.
        this.store.priorities.map((name, i) => ({ id: i + 1, name, color: null })),
        { id: 'number', name: 'string' },
      );
    if (m === 'GET' && (g = /^\/service\/boards\/(\d+)\/statuses$/.exec(path))) {
      const board = this.store.boards[Number(g[1]) - 1];
      if (board === undefined) return { status: 404, body: { code: 'NotFound', message: 'board not found' } };
      return this.list(r, this.statusesOf(board), { id: 'number', name: 'string' });
    }
    if (m === 'GET' && path === '/system/documents') return this.documents(r);
    if (m === 'POST' && path === '/system/documents') return this.upload(r);
    if (m === 'GET' && path === '/sales/activities') return (this.deny('activities'), this.list(r, this.store.activities.map(renderActivity), ACTIVITY_FIELDS));
    if (m === 'POST' && path === '/sales/activities') return (this.deny('activities'), this.createActivity(r));
    throw new ContractViolation(`no such endpoint: ${m} ${path}`, 404, { code: 'NotFound', message: `No endpoint ${m} ${path}` });
  }

  // ------------------------------------------------------------ reads

  /** The keys owner's own account; for another member's id see myAccountForOtherIds ([U]: CW's exact answer isn't documented). */
  private myAccount(r: RecordedRequest, id: number): Reply {
    this.allowQuery(r, ['fields']);
    this.deny('myAccount');
    const me = this.store.members.find((x) => x.identifier === this.keysOwner);
    if (!me) return { status: 404, body: { code: 'NotFound', message: 'Member not found' } };
    if (me.id !== id && this.myAccountForOtherIds === 'forbidden')
      return { status: 403, body: { code: 'Forbidden', message: 'You may only read your own account.' } };
    return { status: 200, body: project(renderMember(me), r.query.get('fields')) };
  }

  private one<T>(r: RecordedRequest, row: T | undefined, render: (row: T) => Record<string, unknown>, what: string): Reply {
    this.allowQuery(r, ['fields']);
    if (row === undefined) return { status: 404, body: { code: 'NotFound', message: `${what} not found` } };
    return { status: 200, body: project(render(row), r.query.get('fields')) };
  }

  private allowQuery(r: RecordedRequest, allowed: string[]): void {
    for (const key of r.query.keys()) if (!allowed.includes(key)) throw new ContractViolation(`unknown query parameter ${key}`);
  }

  /** CW's list semantics: conditions/childConditions filter, orderBy sorts, page/pageSize slice (psa-apis.md §1 "Pagination"). */
  private filtered(r: RecordedRequest, rows: Record<string, unknown>[], fields: FieldTypes, childFields?: FieldTypes): Record<string, unknown>[] {
    let result = rows;
    const conditions = r.query.get('conditions');
    if (conditions !== null) {
      const parsed = parseConditions(conditions, fields);
      result = result.filter((row) => matches(parsed, row));
    }
    const child = r.query.get('childConditions');
    if (child !== null) {
      if (!childFields) throw new ContractViolation('childConditions are not supported on this endpoint');
      const parsed = parseConditions(child, childFields);
      const arrays = new Set(fieldsOf(parsed).map((f) => f.split('/')[0]));
      if (arrays.size !== 1) throw new ContractViolation('childConditions must name one child collection');
      const [array] = [...arrays];
      result = result.filter((row) => {
        const items = row[array ?? ''];
        return Array.isArray(items) && items.some((item) => matches(parsed, { [array ?? '']: item }));
      });
    }
    const orderBy = r.query.get('orderBy');
    if (orderBy !== null) {
      const match = /^([A-Za-z/]+)(?: (asc|desc))?$/.exec(orderBy.trim());
      if (!match?.[1] || fields[match[1]] === undefined) throw new ContractViolation(`bad orderBy: ${orderBy}`);
      const key = match[1];
      const sign = match[2] === 'desc' ? -1 : 1;
      result = [...result].sort((a, b) => (String(a[key]).localeCompare(String(b[key]), 'en', { numeric: true }) || 0) * sign);
    }
    return result;
  }

  private list(r: RecordedRequest, rows: Record<string, unknown>[], fields: FieldTypes, childFields?: FieldTypes): Reply {
    this.allowQuery(r, ['conditions', 'childConditions', 'orderBy', 'fields', 'page', 'pageSize']);
    const page = intParam(r, 'page', 1, 1, 1_000_000);
    const pageSize = intParam(r, 'pageSize', 25, 1, 1000);
    const all = this.filtered(r, rows, fields, childFields);
    const items = all.slice((page - 1) * pageSize, page * pageSize).map((row) => project(row, r.query.get('fields')));
    const headers: Record<string, string> = { 'content-type': `${CW_ACCEPT}` };
    const last = Math.max(1, Math.ceil(all.length / pageSize));
    if (this.sendLinkHeader && (page > 1 || last > 1)) {
      const at = (p: number) => {
        const q = new URLSearchParams(r.query);
        q.set('page', String(p));
        return `<${this.url}${r.path}?${q.toString()}>`;
      };
      const links: string[] = [];
      if (page > 1) links.push(`${at(1)}; rel="first"`, `${at(page - 1)}; rel="prev"`);
      if (page < last) links.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
      headers['link'] = links.join(', ');
    }
    return { status: 200, body: items, headers };
  }

  private count(r: RecordedRequest, rows: Record<string, unknown>[], fields: FieldTypes): Reply {
    this.allowQuery(r, ['conditions', 'childConditions']);
    return { status: 200, body: { count: this.filtered(r, rows, fields).length } };
  }

  // ------------------------------------------------------------ writes

  private body(r: RecordedRequest, allowed: string[]): Record<string, unknown> {
    if (typeof r.body !== 'object' || r.body === null || Array.isArray(r.body)) throw new ContractViolation('body must be a JSON object');
    const body = r.body as Record<string, unknown>;
    for (const key of Object.keys(body)) if (!allowed.includes(key)) throw new ContractViolation(`unknown field ${key}`);
    return body;
  }

  /** psa-apis.md §1 "Create ticket": required summary and company; summary ≤ 100. */
  private createTicket(r: RecordedRequest): Reply {
    this.allowQuery(r, []);
    const body = this.body(r, [
      'summary',
      'board',
      'company',
      'contact',
      'source',
      'initialDescription',
      'initialInternalAnalysis',
      'externalXRef',
      'status',
      'priority',
    ]);
    const summary = body['summary'];
    if (typeof summary !== 'string' || summary.trim() === '') throw fieldError('ticket', 'summary', 'The summary field is required.');
    if (summary.length > 100) throw fieldError('ticket', 'summary', 'summary cannot be longer than 100 characters.');
    const company = this.companyRef(body['company']);
    if (company === undefined) return invalid('ticket', 'company', 'The company could not be found.');
    const board = refName(body['board'], 'board');
    if (board !== undefined && !this.store.boards.some((b) => b.toLowerCase() === board.toLowerCase()))
      return invalid('ticket', 'board', `Board "${board}" not found.`);
    const source = refName(body['source'], 'source');
    if (source !== undefined && !this.store.sources.includes(source)) return invalid('ticket', 'source', `Source "${source}" not found.`);
    const contactId = refId(body['contact'], 'contact');
    if (contactId !== undefined && !this.store.contacts.some((c) => c.id === contactId)) return invalid('ticket', 'contact', 'The contact could not be found.');
    const xref = body['externalXRef'];
    if (xref !== undefined && typeof xref !== 'string') throw fieldError('ticket', 'externalXRef', 'externalXRef must be a string.');
    const description = body['initialDescription'];
    if (description !== undefined && typeof description !== 'string') throw fieldError('ticket', 'initialDescription', 'initialDescription must be a string.');
    const ticket = this.addTicket({
      summary,
      companyId: company.id,
      contactId,
      board: board ?? 'Help Desk',
      externalXRef: xref,
      initialDescription: description,
      source,
    });
    return { status: 201, body: this.renderTicket(ticket) };
  }

  private companyRef(value: unknown): CompanyRow | undefined {
    if (typeof value !== 'object' || value === null) throw fieldError('ticket', 'company', 'The company field is required.');
    const ref = value as Record<string, unknown>;
    if (typeof ref['id'] === 'number') return this.store.companies.find((c) => c.id === ref['id']);
    if (typeof ref['identifier'] === 'string') return this.store.companies.find((c) => c.identifier.toLowerCase() === String(ref['identifier']).toLowerCase());
    throw fieldError('ticket', 'company', 'company needs an id (number) or an identifier (string).');
  }

  /** psa-apis.md §1 "Add note": text, and at least one flag set. */
  private notes(r: RecordedRequest, ticketId: number): Reply {
    const ticket = this.store.tickets.find((t) => t.id === ticketId);
    if (r.method === 'GET') {
      if (!ticket) {
        this.allowQuery(r, ['conditions', 'orderBy', 'fields', 'page', 'pageSize']);
        return { status: 404, body: { code: 'NotFound', message: 'ticket not found' } };
      }
      return this.list(r, this.store.notes.filter((n) => n.ticketId === ticketId).map(renderNote), { id: 'number', text: 'string' });
    }
    this.allowQuery(r, []);
    const body = this.body(r, [
      'text',
      'detailDescriptionFlag',
      'internalAnalysisFlag',
      'resolutionFlag',
      'issueFlag',
      'processNotifications',
      'internalFlag',
      'externalFlag',
      'member',
      'contact',
    ]);
    if (typeof body['text'] !== 'string' || body['text'].trim() === '') throw fieldError('serviceNote', 'text', 'The text field is required.');
    const flags = ['detailDescriptionFlag', 'internalAnalysisFlag', 'resolutionFlag'] as const;
    for (const f of flags) if (body[f] !== undefined && typeof body[f] !== 'boolean') throw fieldError('serviceNote', f, `${f} must be true or false.`);
    if (!flags.some((f) => body[f] === true))
      throw fieldError('serviceNote', 'detailDescriptionFlag', 'At least one of detailDescriptionFlag, internalAnalysisFlag or resolutionFlag must be true.');
    if (!ticket) return { status: 404, body: { code: 'NotFound', message: 'ticket not found' } };
    const note: NoteRow = {
      id: this.id(),
      ticketId,
      text: body['text'],
      detailDescriptionFlag: body['detailDescriptionFlag'] === true,
      internalAnalysisFlag: body['internalAnalysisFlag'] === true,
      resolutionFlag: body['resolutionFlag'] === true,
      processNotifications: typeof body['processNotifications'] === 'boolean' ? body['processNotifications'] : undefined,
    };
    this.store.notes.push(note);
    return { status: 201, body: renderNote(note) };
  }

  /** psa-apis.md §1 "Log every contact attempt": name and assignTo required. */
  private createActivity(r: RecordedRequest): Reply {
    this.allowQuery(r, []);
    const body = this.body(r, ['name', 'type', 'company', 'contact', 'phoneNumber', 'ticket', 'assignTo', 'dateStart', 'dateEnd', 'notes', 'status']);
    if (typeof body['name'] !== 'string' || body['name'].trim() === '') throw fieldError('activity', 'name', 'The name field is required.');
    if (body['name'].length > 100) throw fieldError('activity', 'name', 'name cannot be longer than 100 characters.');
    const assignTo = refIdentifier(body['assignTo']);
    if (assignTo === undefined) throw fieldError('activity', 'assignTo', 'The assignTo field is required.');
    if (!this.store.members.some((x) => x.identifier === assignTo)) return invalid('activity', 'assignTo', `Member ${assignTo} not found.`);
    const type = refName(body['type'], 'type');
    if (type !== undefined && !this.store.activityTypes.includes(type)) return invalid('activity', 'type', `Activity type "${type}" not found.`);
    const ticketId = refId(body['ticket'], 'ticket');
    if (ticketId !== undefined && !this.store.tickets.some((t) => t.id === ticketId)) return invalid('activity', 'ticket', 'The ticket could not be found.');
    const companyId = refId(body['company'], 'company');
    if (companyId !== undefined && !this.store.companies.some((c) => c.id === companyId))
      return invalid('activity', 'company', 'The company could not be found.');
    const contactId = refId(body['contact'], 'contact');
    if (contactId !== undefined && !this.store.contacts.some((c) => c.id === contactId))
      return invalid('activity', 'contact', 'The contact could not be found.');
    for (const key of ['dateStart', 'dateEnd']) {
      const value = body[key];
      if (value !== undefined && (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)))
        throw fieldError('activity', key, `${key} must be like 2025-03-01T10:02:00Z.`);
    }
    const activity: ActivityRow = { id: this.id(), body };
    this.store.activities.push(activity);
    return { status: 201, body: renderActivity(activity) };
  }

  /** A board's statuses with ids unique across boards (board n: n*100 + i). */
  statusesOf(board: string): { id: number; name: string }[] {
    const index = this.store.boards.indexOf(board) + 1;
    return (this.store.boardStatuses[board] ?? DEFAULT_BOARD_STATUSES).map((name, i) => ({ id: index * 100 + i + 1, name }));
  }

  /** JSON Patch on a ticket: the escalation's priority and status, by id; the status must be on the ticket's board. */
  private patchTicket(r: RecordedRequest, ticketId: number): Reply {
    this.allowQuery(r, []);
    if (!Array.isArray(r.body) || r.body.length === 0) throw new ContractViolation('PATCH takes a non-empty JSON Patch array [{op, path, value}]');
    const ticket = this.store.tickets.find((t) => t.id === ticketId);
    if (!ticket) return { status: 404, body: { code: 'NotFound', message: 'ticket not found' } };
    const changes: Partial<TicketRow> = {};
    for (const raw of r.body as unknown[]) {
      if (typeof raw !== 'object' || raw === null) throw new ContractViolation('each patch operation must be an object');
      const op = raw as { op?: unknown; path?: unknown; value?: unknown };
      if (op.op !== 'replace' && op.op !== 'add') throw new ContractViolation(`patch op must be replace or add, got ${String(op.op)}`);
      if (op.path === 'priority') {
        const id = refId(op.value, 'priority');
        const name = id === undefined ? undefined : this.store.priorities[id - 1];
        if (name === undefined) return invalid('ticket', 'priority', 'The priority could not be found.');
        changes.priority = name;
      } else if (op.path === 'status') {
        const id = refId(op.value, 'status');
        const status = this.statusesOf(ticket.board ?? 'Help Desk').find((x) => x.id === id);
        if (status === undefined) return invalid('ticket', 'status', "The status is not a status of the ticket's board.");
        changes.status = status.name;
      } else throw new ContractViolation(`this contract patches only priority and status, got path ${String(op.path)}`);
    }
    Object.assign(ticket, changes);
    return { status: 200, body: this.renderTicket(ticket) };
  }

  private documents(r: RecordedRequest): Reply {
    const recordType = r.query.get('recordType');
    const recordId = r.query.get('recordId');
    if (recordType === null || recordId === null) throw new ContractViolation('GET /system/documents needs recordType and recordId');
    const rows = this.store.documents
      .filter((d) => d.recordType === recordType && d.recordId === Number(recordId))
      .map((d) => ({ id: d.id, title: d.title, fileName: d.fileName, publicFlag: !d.privateFlag }));
    const query = new URLSearchParams(r.query);
    query.delete('recordType');
    query.delete('recordId');
    return this.list({ ...r, query }, rows, { id: 'number', title: 'string', fileName: 'string' });
  }

  /** The documented upload: multipart recordType, recordId, title, file. */
  private upload(r: RecordedRequest): Reply {
    this.allowQuery(r, []);
    const form = r.form;
    if (form === undefined) throw new ContractViolation('the multipart body does not parse');
    const allowed = new Set(['recordType', 'recordId', 'title', 'file', 'privateFlag', 'readOnlyFlag', 'isAvatar', 'url']);
    for (const key of form.keys()) if (!allowed.has(key)) throw new ContractViolation(`unknown document field ${key}`);
    const recordType = form.get('recordType');
    const recordId = form.get('recordId');
    const title = form.get('title');
    const file = form.get('file');
    if (typeof recordType !== 'string' || recordType === '') throw fieldError('document', 'recordType', 'recordType is required.');
    if (typeof recordId !== 'string' || !/^\d+$/.test(recordId)) throw fieldError('document', 'recordId', 'recordId must be a number.');
    if (typeof title !== 'string' || title.trim() === '') throw fieldError('document', 'title', 'title is required.');
    if (title.length > 100) throw fieldError('document', 'title', 'title cannot be longer than 100 characters.');
    if (typeof file === 'string' || file === null || file.name === '') throw fieldError('document', 'file', 'A file part with a file name is required.');
    if (recordType !== 'Ticket') throw fieldError('document', 'recordType', 'this contract takes Ticket documents only.');
    if (!this.store.tickets.some((t) => t.id === Number(recordId))) return invalid('document', 'recordId', 'The ticket could not be found.');
    if (file.size > CW_UPLOAD_MAX_BYTES)
      return { status: 413, body: { code: 'RequestEntityTooLarge', message: `The file is larger than ${CW_UPLOAD_MAX_BYTES} bytes.` } };
    const row: DocumentRow = {
      id: this.id(),
      recordType,
      recordId: Number(recordId),
      title,
      fileName: file.name,
      contentType: file.type,
      bytes: r.files.get('file')?.bytes ?? Buffer.alloc(0),
      privateFlag: form.get('privateFlag') === 'true',
    };
    this.store.documents.push(row);
    return { status: 200, body: { id: row.id, title: row.title, fileName: row.fileName, publicFlag: !row.privateFlag } };
  }

  // ------------------------------------------------------------ rendering (CW's JSON shapes, psa-apis.md §1 "Ticket's contact + numbers")

  private renderTicket(t: TicketRow): Record<string, unknown> {
    const company = this.store.companies.find((c) => c.id === t.companyId);
    const contact = this.store.contacts.find((c) => c.id === t.contactId);
    const phone =
      contact?.communicationItems.find((i) => i.communicationType === 'Phone' && i.defaultFlag) ??
      contact?.communicationItems.find((i) => i.communicationType === 'Phone');
    return omitUndefined({
      id: t.id,
      summary: t.summary,
      board: t.board ? { id: this.store.boards.indexOf(t.board) + 1 || 1, name: t.board } : undefined,
      status: { id: this.statusesOf(t.board ?? 'Help Desk').find((x) => x.name === t.status)?.id ?? 1, name: t.status },
      priority: t.priority ? { id: this.store.priorities.indexOf(t.priority) + 1, name: t.priority } : undefined,
      company: company ? { id: company.id, identifier: company.identifier, name: company.name } : undefined,
      contact: contact ? { id: contact.id, name: `${contact.firstName} ${contact.lastName}` } : undefined,
      contactName: contact ? `${contact.firstName} ${contact.lastName}` : undefined,
      contactPhoneNumber: t.contactPhoneNumber ?? phone?.value,
      owner: t.owner ? { identifier: t.owner } : undefined,
      closedFlag: t.closedFlag,
      externalXRef: t.externalXRef,
      source: t.source ? { name: t.source } : undefined,
      _info: { lastUpdated: '2025-03-01T10:00:00Z' },
    });
  }

  private renderContact(c: ContactRow): Record<string, unknown> {
    const company = this.store.companies.find((x) => x.id === c.companyId);
    return omitUndefined({
      id: c.id,
      firstName: c.firstName,
      lastName: c.lastName,
      company: company ? { id: company.id, identifier: company.identifier, name: company.name } : undefined,
      inactiveFlag: c.inactiveFlag ?? false,
      defaultPhoneNbr: this.hideContactPhones ? undefined : c.defaultPhoneNbr,
      communicationItems: this.hideContactPhones
        ? undefined
        : c.communicationItems.map((i, n) => ({
            id: n + 1,
            type: { id: n + 1, name: i.typeName ?? i.communicationType },
            value: i.value,
            defaultFlag: i.defaultFlag ?? false,
            communicationType: i.communicationType,
          })),
    });
  }
}

class ForbiddenReply extends Error {}

// Filterable fields per endpoint (what the adapter may put into conditions).
const MEMBER_FIELDS: FieldTypes = { id: 'number', identifier: 'string', inactiveFlag: 'boolean', firstName: 'string', lastName: 'string' };
const STOPWATCH_FIELDS: FieldTypes = { id: 'number', 'member/identifier': 'string', 'ticket/id': 'number', status: 'string', startTime: 'date' };
const TICKET_FIELDS: FieldTypes = {
  id: 'number',
  summary: 'string',
  'company/id': 'number',
  closedFlag: 'boolean',
  externalXRef: 'string',
  'owner/identifier': 'string',
  'status/name': 'string',
  'board/name': 'string',
};
const CONTACT_FIELDS: FieldTypes = { id: 'number', inactiveFlag: 'boolean', 'company/id': 'number', firstName: 'string', lastName: 'string' };
const CONTACT_CHILD_FIELDS: FieldTypes = { 'communicationItems/value': 'string', 'communicationItems/communicationType': 'string' };
const COMPANY_FIELDS: FieldTypes = { id: 'number', identifier: 'string', name: 'string', phoneNumber: 'string' };
const ACTIVITY_FIELDS: FieldTypes = { id: 'number', notes: 'string', 'ticket/id': 'number', 'assignTo/identifier': 'string' };

/** Member's required fields in the definition (hireDate, securityRole, licenseClass, defaultEmail, defaultPhone) are on every answer. */
function renderMember(x: MemberRow): Record<string, unknown> {
  return omitUndefined({
    ...x,
    inactiveFlag: x.inactiveFlag ?? false,
    hireDate: '2020-01-06T00:00:00Z',
    securityRole: { id: 3, name: 'Technician' },
    licenseClass: 'F',
    defaultEmail: 'Office',
    defaultPhone: 'Office',
  });
}
function renderCompany(c: CompanyRow): Record<string, unknown> {
  return omitUndefined({ ...c });
}
function renderStopwatch(s: StopwatchRow): Record<string, unknown> {
  return omitUndefined({
    id: s.id,
    ticket: { id: s.ticketId },
    member: { identifier: s.member },
    status: s.status,
    startTime: s.startTime,
    endTime: s.endTime,
    totalPauseTime: s.totalPauseTime ?? 0,
  });
}
function renderNote(n: NoteRow): Record<string, unknown> {
  return { ...n };
}
function renderActivity(a: ActivityRow): Record<string, unknown> {
  return { ...a.body, id: a.id };
}

function omitUndefined(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));
}

/** `fields=a,b,c`: only those top-level fields (CW's projection). */
function project(row: Record<string, unknown>, fields: string | null): Record<string, unknown> {
  if (fields === null) return row;
  const names = fields.split(',').map((f) => f.trim());
  if (names.some((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n))) throw new ContractViolation(`bad fields list: ${fields}`);
  return Object.fromEntries(names.filter((n) => row[n] !== undefined).map((n) => [n, row[n]]));
}

function intParam(r: RecordedRequest, name: string, fallback: number, min: number, max: number): number {
  const raw = r.query.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new ContractViolation(`${name} must be an integer from ${min} to ${max}, got ${raw}`);
  return Number(raw);
}

function fieldError(resource: string, field: string, message: string): ContractViolation {
  return new ContractViolation(`${resource}.${field}: ${message}`, 400, {
    code: 'InvalidObject',
    message: `${resource} object is invalid`,
    errors: [{ code: 'InvalidField', message, resource, field }],
  });
}

/** A reference to something that doesn't exist: the data's fault, not the adapter's, so not a violation. */
function invalid(resource: string, field: string, message: string): Reply {
  return {
    status: 400,
    body: { code: 'InvalidObject', message: `${resource} object is invalid`, errors: [{ code: 'InvalidField', message, resource, field }] },
  };
}

function refName(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || typeof (value as { name?: unknown }).name !== 'string')
    throw fieldError('ref', field, `${field} must be {"name": "..."}`);
  return (value as { name: string }).name;
}
function refId(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || typeof (value as { id?: unknown }).id !== 'number')
    throw fieldError('ref', field, `${field} must be {"id": 123}`);
  return (value as { id: number }).id;
}
function refIdentifier(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const identifier = (value as { identifier?: unknown }).identifier;
  return typeof identifier === 'string' && identifier.trim() ? identifier : undefined;
}

/** Starts the server on 127.0.0.1; the caller closes it. */
export async function startConnectWiseServer(credentials: CwCredentials = DEFAULT_CREDENTIALS): Promise<ConnectWiseServer> {
  const cw = new ConnectWiseServer(credentials);
  cw.contract = await startContractServer('ConnectWise', (request) => cw.handle(request));
  return cw;
}
