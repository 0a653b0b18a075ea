// A local Autotask REST API for adapter tests, on PsaContractServer. It plays
// both the zone-discovery host and one tenant zone, keeps an in-memory tenant
// (resources, companies, contacts with free-text numbers, tickets, ticket
// notes, company notes, action types, picklists), and ENFORCES the contract:
// - every request and response body against Autotask's swagger
//   (autotask-swagger.ts explains how the swagger maps to the wire);
// - paths and methods that exist in the swagger (psa-apis.md §2 rows
//   "Base URL", "Query", "Create ticket", "Add note", "Log contact attempt");
// - the auth headers ApiIntegrationCode, UserName, Secret on every call
//   (swagger: required header parameters on every operation; psa-apis.md §2
//   "Auth"), with Autotask's own answers to bad ones: unknown user name or
//   integration code → 500 with {"errors":[…]}, wrong secret → empty 401
//   (apigrate/autotask-restapi#19, maintainer's comment; psa-apis.md §2 "Auth"
//   "bad credentials come back as HTTP 500, not 401");
// - optional ImpersonationResourceId: an active resource, and only when the
//   API user's security level allows impersonation (psa-apis.md §2 "Auth");
// - zone discovery ZoneInformation?user= (required query parameter in the
//   swagger; unknown user → 500 "Zone information could not be determined",
//   community-measured, psa-apis.md §2 "Zone lookup");
// - the query syntax (autotask-query.ts), a non-empty filter, MaxRecords 1–500,
//   IncludeFields naming real fields, and paging by pageDetails.nextPageUrl
//   (psa-apis.md §2 "Query", [U]);
// - creates: the fields entityInformation/fields marks required, picklist
//   values that exist, references that exist (contact belongs to the
//   company, notes' parent exists).
// - updates: PATCH /V1.0/Tickets with the ticket's id in the body (swagger
//   "patch"; the escalation's priority, status, queueID), picklist values that exist;
// - ticket attachments: POST /V1.0/Tickets/{parentId}/Attachments with a
//   TicketAttachmentModel: attachmentType FILE_ATTACHMENT, title, fullPath
//   (the file name), publish, and data as base64 (swagger format "byte").
//   The API's limit for one attachment is "6 to 7 MB" (Autotask's REST
//   attachments article); over 6,000,000 bytes decoded is refused the way
//   Autotask refuses business rules: 500 with {"errors":[…]}.
import { ContractViolation, startContractServer, type PsaContractServer, type RecordedRequest, type Reply } from '../psa-contract-server.js';
import { AUTOTASK_MAX_RECORDS, matches, parseFilter, type Condition, type Row } from './autotask-query.js';
import { AutotaskSwagger } from './autotask-swagger.js';

export type PicklistEntry = { value: string; label: string; isDefaultValue?: boolean; isActive?: boolean; isSystem?: boolean; sortOrder?: number };

export type AutotaskCredentials = { userName: string; secret: string; integrationCode: string };

export type AutotaskServerOptions = {
  credentials?: Partial<AutotaskCredentials>;
  /** The API user's security level allows ImpersonationResourceId (default true). */
  impersonationAllowed?: boolean;
};

/** Entity name (as in the URL) → the swagger model its rows follow. */
export const ENTITY_MODELS = {
  Tickets: 'TicketModel',
  TicketNotes: 'TicketNoteModel',
  CompanyNotes: 'CompanyNoteModel',
  Contacts: 'ContactModel',
  Companies: 'CompanyModel',
  Resources: 'ResourceModel',
  ActionTypes: 'ActionTypeModel',
  TicketAttachments: 'TicketAttachmentModel',
} as const;

/** One attachment's limit through the API (decoded bytes): "6 to 7 MB", so the lower bound. */
export const AUTOTASK_ATTACHMENT_MAX_BYTES = 6_000_000;
export type AutotaskEntity = keyof typeof ENTITY_MODELS;

export type AutotaskStore = Record<AutotaskEntity, Row[]> & {
  /** Per entity, per field (wire name): the tenant's picklist. */
  picklists: Partial<Record<AutotaskEntity, Record<string, PicklistEntry[]>>>;
  /** Per entity: fields entityInformation/fields marks isRequired (wire names). */
  required: Partial<Record<AutotaskEntity, string[]>>;
};

export const DEFAULT_CREDENTIALS: AutotaskCredentials = {
  userName: 'focusline-api@msp.example',
  secret: 'api-secret-1',
  integrationCode: 'FOCUSLINE-TRACKING-ID',
};

/** The error bodies Autotask sends for credential problems (see the header comment). */
export const AUTOTASK_ERRORS = {
  unknownZoneUser: 'Zone information could not be determined',
  // [U] exact wording unconfirmed; the status (500) and the {"errors":[…]} envelope are confirmed.
  unknownUser: 'Invalid user name or password. The user could not be authenticated.',
  badIntegrationCode: 'IntegrationCode is invalid.',
  impersonation: (id: string) => `Impersonation of resource ${id} is not allowed for this API user (check the impersonation settings of its security level).`,
};

const ZONE = 'zone5';
const API_ROOT = 'atservicesrest';

export class AutotaskServer {
  readonly swagger = new AutotaskSwagger();
  readonly store: AutotaskStore = emptyStore();
  credentials: AutotaskCredentials;
  impersonationAllowed: boolean;
  server!: PsaContractServer;
  private readonly nextIds = new Map<AutotaskEntity, number>([['ActionTypes', 3]]);

  constructor(options: AutotaskServerOptions = {}) {
    this.credentials = { ...DEFAULT_CREDENTIALS, ...options.credentials };
    this.impersonationAllowed = options.impersonationAllowed ?? true;
  }

  /** Where zone discovery starts (what AutotaskConfig.url is set to). */
  get discoveryUrl(): string {
    return `${this.server.url}/${API_ROOT}`;
  }

  /** The tenant zone's API base, as ZoneInformation reports it (trailing slash, like Autotask's). */
  get zoneUrl(): string {
    return `${this.server.url}/${ZONE}/${API_ROOT}/`;
  }

  get webUrl(): string {
    return `${this.server.url}/ww5/`;
  }

  /** Adds a row with the next id (or the given one) and answers it. */
  seed(entity: AutotaskEntity, row: Row): Row {
    const id = typeof row['id'] === 'number' ? row['id'] : this.allocateId(entity);
    this.nextIds.set(entity, Math.max(this.nextIds.get(entity) ?? 0, id));
    const stored = { ...row, id };
    const problems = this.swagger.check(ENTITY_MODELS[entity], stored);
    if (problems.length > 0) throw new Error(`seeded ${entity} row isn't swagger-shaped: ${problems.join('; ')}`);
    this.store[entity].push(stored);
    return stored;
  }

  rows(entity: AutotaskEntity): Row[] {
    return this.store[entity];
  }

  handle = (request: RecordedRequest): Reply => {
    const parts = request.path.split('/').filter(Boolean);
    const onZone = parts[0] === ZONE;
    const rest = onZone ? parts.slice(1) : parts;
    if (rest[0]?.toLowerCase() !== API_ROOT || rest[1]?.toLowerCase() !== 'v1.0') {
      throw new ContractViolation(`no Autotask API at ${request.path} (expected /${API_ROOT}/V1.0/… or the zone's /${ZONE}/${API_ROOT}/V1.0/…)`, 404);
    }
    const route = rest.slice(2);
    if (route.length === 1 && route[0]?.toLowerCase() === 'zoneinformation') return this.zoneInformation(request);
    if (!onZone) throw new ContractViolation(`${request.path}: entity calls go to the tenant's zone (ZoneInformation's url), not the discovery host`, 404);
    this.checkHeaders(request, `/V1.0/${route.join('/')}`);
    const credentialFailure = this.authenticate(request);
    if (credentialFailure) return credentialFailure;
    return this.entityRoute(request, route);
  };

  // ------------------------------------------------------------ auth

  private checkHeaders(request: RecordedRequest, path: string): void {
    for (const name of ['ApiIntegrationCode', 'UserName', 'Secret']) {
      const value = request.headers[name.toLowerCase()];
      if (typeof value !== 'string' || value === '')
        throw new ContractViolation(`${path}: missing the ${name} header (required on every operation in the swagger)`, 401, {
          errors: [`${name} header is required.`],
        });
    }
    if ((request.method === 'POST' || request.method === 'PATCH') && !String(request.headers['content-type'] ?? '').startsWith('application/json')) {
      throw new ContractViolation(`${path}: POST bodies must be application/json (swagger "consumes")`, 415);
    }
  }

  /** Autotask's answer to bad credentials, or undefined when they are good. */
  private authenticate(request: RecordedRequest): Reply | undefined {
    const header = (name: string) => String(request.headers[name.toLowerCase()] ?? '');
    if (header('UserName').toLowerCase() !== this.credentials.userName.toLowerCase()) return { status: 500, body: { errors: [AUTOTASK_ERRORS.unknownUser] } };
    if (header('ApiIntegrationCode') !== this.credentials.integrationCode) return { status: 500, body: { errors: [AUTOTASK_ERRORS.badIntegrationCode] } };
    if (header('Secret') !== this.credentials.secret) return { status: 401 };
    const impersonate = request.headers['impersonationresourceid'];
    if (impersonate !== undefined) {
      const id = String(impersonate);
      const resource = this.find('Resources', Number(id));
      if (!this.impersonationAllowed || !/^\d+$/.test(id) || !resource || resource['isActive'] !== true)
        return { status: 500, body: { errors: [AUTOTASK_ERRORS.impersonation(id)] } };
    }
    return undefined;
  }

  private zoneInformation(request: RecordedRequest): Reply {
    if (request.method !== 'GET') throw new ContractViolation('ZoneInformation is GET only', 405);
    this.checkHeaders(request, '/V1.0/ZoneInformation');
    const user = request.query.get('user');
    if (!user) throw new ContractViolation('ZoneInformation needs the "user" query parameter (required in the swagger)');
    if (user.toLowerCase() !== this.credentials.userName.toLowerCase()) return { status: 500, body: { errors: [AUTOTASK_ERRORS.unknownZoneUser] } };
    return this.respond('ZoneInformationResultModel', { zoneName: 'Zone 5 (Focusline test)', url: this.zoneUrl, webUrl: this.webUrl, ci: 5 });
  }

  // ------------------------------------------------------------ routing

  private entityRoute(request: RecordedRequest, route: string[]): Reply {
    const entity = entityNamed(route[0]);
    const { method } = request;
    const [, second, third, fourth] = route;
    const is = (template: string, m: string) => {
      if (!this.swagger.hasOperation(template, m)) throw new ContractViolation(`${m} ${template} is not in the Autotask swagger`, 405);
      return true;
    };
    if (route.length === 2 && second?.toLowerCase() === 'query') {
      if (method === 'POST' && is(`/V1.0/${entity}/query`, 'post')) return this.query(entity, request.body);
      if (method === 'GET' && is(`/V1.0/${entity}/query`, 'get')) return this.query(entity, parseJsonParam(request.query.get('search'), 'search'));
    }
    if (route.length === 3 && second?.toLowerCase() === 'query' && third?.toLowerCase() === 'next' && method === 'GET') {
      return this.nextPage(entity, request);
    }
    if (route.length === 3 && second?.toLowerCase() === 'entityinformation' && third?.toLowerCase() === 'fields' && method === 'GET') {
      is(`/V1.0/${entity}/entityInformation/fields`, 'get');
      return this.respond('FieldInformationResultModel', { fields: this.fieldInformation(entity) });
    }
    if (route.length === 2 && /^\d+$/.test(second ?? '') && method === 'GET' && is(`/V1.0/${entity}/{id}`, 'get')) {
      const row = this.find(entity, Number(second));
      return row ? this.respondItem(entity, row) : { status: 200, body: { item: null } };
    }
    if (route.length === 1 && entity === 'Tickets' && method === 'POST' && is('/V1.0/Tickets', 'post')) return this.createTicket(request);
    if (route.length === 1 && entity === 'Tickets' && method === 'PATCH' && is('/V1.0/Tickets', 'patch')) return this.updateTicket(request);
    if (route.length === 3 && /^\d+$/.test(second ?? '') && third?.toLowerCase() === 'attachments' && method === 'POST') {
      if (entity === 'Tickets' && is('/V1.0/Tickets/{parentId}/Attachments', 'post')) return this.createTicketAttachment(Number(second), request);
    }
    if (route.length === 3 && fourth === undefined && /^\d+$/.test(second ?? '') && third?.toLowerCase() === 'notes' && method === 'POST') {
      if (entity === 'Tickets' && is('/V1.0/Tickets/{parentId}/Notes', 'post')) return this.createTicketNote(Number(second), request);
      if (entity === 'Companies' && is('/V1.0/Companies/{parentId}/Notes', 'post')) return this.createCompanyNote(Number(second), request);
    }
    throw new ContractViolation(`${method} /V1.0/${route.join('/')} is not an operation this Autotask server knows (or not in the swagger)`, 404);
  }

  // ------------------------------------------------------------ queries

  private query(entity: AutotaskEntity, body: unknown): Reply {
    const problems = this.swagger.check('QueryModel', body);
    if (problems.length > 0) throw new ContractViolation(`${entity}/query body: ${problems.join('; ')}`);
    const q = lowerKeys(body as Row);
    const fields = this.swagger.fieldsOf(ENTITY_MODELS[entity]);
    const filter = parseFilter(q['filter'], fields);
    if (filter.length === 0) throw new ContractViolation(`${entity}/query: Autotask requires a filter (use {"op":"gt","field":"id","value":0} for all rows)`);
    const maxRecords = q['maxrecords'] ?? AUTOTASK_MAX_RECORDS;
    if (typeof maxRecords !== 'number' || !Number.isInteger(maxRecords) || maxRecords < 1 || maxRecords > AUTOTASK_MAX_RECORDS) {
      throw new ContractViolation(`${entity}/query: MaxRecords must be 1–${AUTOTASK_MAX_RECORDS}`);
    }
    const include = (q['includefields'] ?? []) as string[];
    for (const name of include)
      if (!fields.has(name.toLowerCase())) throw new ContractViolation(`${entity}/query: IncludeFields names unknown field "${name}"`);
    return this.page(entity, filter, { maxRecords, include, afterId: 0, search: body });
  }

  private nextPage(entity: AutotaskEntity, request: RecordedRequest): Reply {
    const paging = lowerKeys(parseJsonParam(request.query.get('paging'), 'paging') as Row);
    const search = parseJsonParam(request.query.get('search'), 'search');
    const q = lowerKeys(search as Row);
    const filter = parseFilter(q['filter'], this.swagger.fieldsOf(ENTITY_MODELS[entity]));
    const { pagesize, afterid } = paging;
    if (typeof pagesize !== 'number' || typeof afterid !== 'number') throw new ContractViolation('query/next: the paging parameter was altered');
    return this.page(entity, filter, { maxRecords: pagesize, include: (q['includefields'] ?? []) as string[], afterId: afterid, search });
  }

  private page(entity: AutotaskEntity, filter: Condition[], p: { maxRecords: number; include: string[]; afterId: number; search: unknown }): Reply {
    const all = this.store[entity].filter((row) => matches(row, filter)).sort((a, b) => Number(a['id']) - Number(b['id']));
    const remaining = all.filter((row) => Number(row['id']) > p.afterId);
    const items = remaining.slice(0, p.maxRecords);
    const last = items.at(-1);
    const nextPageUrl =
      remaining.length > items.length && last
        ? `${this.zoneUrl}V1.0/${entity}/query/next?paging=${encodeURIComponent(JSON.stringify({ pageSize: p.maxRecords, afterId: last['id'] }))}&search=${encodeURIComponent(JSON.stringify(p.search))}`
        : null;
    const shaped = items.map((row) => project(row, p.include));
    for (const row of shaped) this.checkOwn(ENTITY_MODELS[entity], row);
    return { status: 200, body: { items: shaped, pageDetails: { count: items.length, requestCount: p.maxRecords, prevPageUrl: null, nextPageUrl } } };
  }

  // ------------------------------------------------------------ creates

  private createTicket(request: RecordedRequest): Reply {
    const body = this.createBody('Tickets', request.body);
    const company = this.find('Companies', Number(body['companyid']));
    if (!company) return invalid(`Company ${String(body['companyid'])} does not exist.`);
    if (body['contactid'] !== undefined) {
      const contact = this.find('Contacts', Number(body['contactid']));
      if (!contact || contact['companyID'] !== company['id'])
        return invalid(`Contact ${String(body['contactid'])} does not belong to company ${String(company['id'])}.`);
    }
    if (body['assignedresourceid'] !== undefined && body['assignedresourceroleid'] === undefined) {
      return invalid('When assigning a Resource, you must assign both a assignedResourceID and assignedResourceRoleID.');
    }
    const now = new Date().toISOString();
    const id = this.allocateId('Tickets');
    this.store.Tickets.push({
      ...wireNames('TicketModel', body, this.swagger),
      id,
      ticketNumber: `T${now.slice(0, 10).replace(/-/g, '')}.${String(id).padStart(4, '0')}`,
      createDate: now,
      lastActivityDate: now,
      creatorResourceID: this.actingResource(request),
    });
    return this.respond('OperationResultModel', { itemId: id });
  }

  /** PATCH /V1.0/Tickets: the id names the ticket; only the fields sent change (picklists checked as for a create). */
  private updateTicket(request: RecordedRequest): Reply {
    const raw = request.body;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ContractViolation('Tickets PATCH: the body must be a JSON object');
    const problems = this.swagger.check('TicketModel', raw);
    if (problems.length > 0) throw new ContractViolation(`Tickets PATCH body: ${problems.join('; ')}`);
    const body = lowerKeys(raw as Row);
    if (typeof body['id'] !== 'number') throw new ContractViolation('Tickets PATCH: the body must carry the ticket id');
    const ticket = this.find('Tickets', body['id']);
    if (!ticket) return invalid(`Ticket ${String(body['id'])} does not exist.`);
    for (const [field, entries] of Object.entries(this.store.picklists.Tickets ?? {})) {
      const value = body[field.toLowerCase()];
      if (value !== undefined && !entries.some((e) => e.value === String(value) && e.isActive !== false)) {
        throw new ContractViolation(`Tickets: ${field} ${String(value)} is not a value of the tenant's picklist`);
      }
    }
    Object.assign(ticket, wireNames('TicketModel', body, this.swagger), { lastActivityDate: new Date().toISOString() });
    return this.respond('OperationResultModel', { itemId: body['id'] });
  }

  private createTicketAttachment(ticketId: number, request: RecordedRequest): Reply {
    if (!this.find('Tickets', ticketId)) return invalid(`Ticket ${ticketId} does not exist.`);
    const body = this.createBody('TicketAttachments', request.body);
    if (body['parentid'] !== undefined && body['parentid'] !== ticketId)
      throw new ContractViolation(`TicketAttachments: parentID ${String(body['parentid'])} differs from the parent id ${ticketId} in the URL`);
    if (body['attachmenttype'] !== 'FILE_ATTACHMENT')
      throw new ContractViolation(`TicketAttachments: attachmentType must be FILE_ATTACHMENT for an uploaded file`);
    const data = body['data'];
    if (typeof data !== 'string' || data === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0)
      throw new ContractViolation('TicketAttachments: data must be the file as base64');
    const size = Buffer.from(data, 'base64').byteLength;
    if (size > AUTOTASK_ATTACHMENT_MAX_BYTES) return invalid(`The attachment (${size} bytes) exceeds the API's size limit for one attachment.`);
    const id = this.allocateId('TicketAttachments');
    this.store.TicketAttachments.push({
      ...wireNames('TicketAttachmentModel', body, this.swagger),
      id,
      parentID: ticketId,
      fileSize: size,
      attachDate: new Date().toISOString(),
    });
    return this.respond('OperationResultModel', { itemId: id });
  }

  private createTicketNote(ticketId: number, request: RecordedRequest): Reply {
    if (!this.find('Tickets', ticketId)) return invalid(`Ticket ${ticketId} does not exist.`);
    const body = this.createBody('TicketNotes', request.body);
    if (body['ticketid'] !== undefined && body['ticketid'] !== ticketId)
      throw new ContractViolation(`TicketNotes: ticketID ${String(body['ticketid'])} differs from the parent id ${ticketId} in the URL`);
    const id = this.allocateId('TicketNotes');
    this.store.TicketNotes.push({
      ...wireNames('TicketNoteModel', body, this.swagger),
      id,
      ticketID: ticketId,
      createDateTime: new Date().toISOString(),
      creatorResourceID: this.actingResource(request),
    });
    return this.respond('OperationResultModel', { itemId: id });
  }

  private createCompanyNote(companyId: number, request: RecordedRequest): Reply {
    if (!this.find('Companies', companyId)) return invalid(`Company ${companyId} does not exist.`);
    const body = this.createBody('CompanyNotes', request.body);
    if (body['companyid'] !== undefined && body['companyid'] !== companyId)
      throw new ContractViolation(`CompanyNotes: companyID ${String(body['companyid'])} differs from the parent id ${companyId} in the URL`);
    const actionType = this.find('ActionTypes', Number(body['actiontype']));
    if (!actionType || actionType['isActive'] !== true) return invalid(`Action type ${String(body['actiontype'])} does not exist or is inactive.`);
    if (!this.find('Resources', Number(body['assignedresourceid']))) return invalid(`Resource ${String(body['assignedresourceid'])} does not exist.`);
    const id = this.allocateId('CompanyNotes');
    this.store.CompanyNotes.push({ ...wireNames('CompanyNoteModel', body, this.swagger), id, companyID: companyId, createDateTime: new Date().toISOString() });
    return this.respond('OperationResultModel', { itemId: id });
  }

  /** Swagger shape, no id, required fields, picklist values: a create's common checks. Answers the body with lower-cased keys. */
  private createBody(entity: AutotaskEntity, raw: unknown): Row {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ContractViolation(`${entity}: the body must be a JSON object`);
    const problems = this.swagger.check(ENTITY_MODELS[entity], raw);
    if (problems.length > 0) throw new ContractViolation(`${entity} body: ${problems.join('; ')}`);
    const body = Object.fromEntries(Object.entries(lowerKeys(raw as Row)).filter(([, v]) => v !== null));
    if (body['id'] !== undefined && body['id'] !== 0) throw new ContractViolation(`${entity}: a create must not carry an id`);
    for (const field of this.store.required[entity] ?? []) {
      const value = body[field.toLowerCase()];
      if (value === undefined || value === '')
        throw new ContractViolation(`${entity}: required field ${field} is missing (entityInformation/fields says isRequired)`);
    }
    for (const [field, entries] of Object.entries(this.store.picklists[entity] ?? {})) {
      const value = body[field.toLowerCase()];
      if (value !== undefined && !entries.some((e) => e.value === String(value) && e.isActive !== false)) {
        throw new ContractViolation(`${entity}: ${field} ${String(value)} is not a value of the tenant's picklist`);
      }
    }
    return body;
  }

  private actingResource(request: RecordedRequest): number | undefined {
    const impersonated = request.headers['impersonationresourceid'];
    if (impersonated !== undefined) return Number(impersonated);
    const api = this.store.Resources.find((r) => String(r['userName']).toLowerCase() === this.credentials.userName.toLowerCase());
    return typeof api?.['id'] === 'number' ? api['id'] : undefined;
  }

  // ------------------------------------------------------------ entity information

  private fieldInformation(entity: AutotaskEntity): Row[] {
    const definition = this.swagger.spec.definitions[ENTITY_MODELS[entity]];
    const properties = Object.entries((definition?.['properties'] ?? {}) as Record<string, { type?: string; format?: string; $ref?: string }>);
    const required = new Set((this.store.required[entity] ?? []).map((f) => f.toLowerCase()));
    const picklists = this.store.picklists[entity] ?? {};
    return properties
      .filter(([, schema]) => schema.type !== undefined && schema.type !== 'array')
      .map(([name, schema]) => {
        const wire = wireName(name);
        const picklist = Object.entries(picklists).find(([field]) => field.toLowerCase() === name.toLowerCase())?.[1];
        return {
          name: wire,
          dataType: dataType(schema),
          length: 0,
          isRequired: required.has(name.toLowerCase()),
          isReadOnly: name === 'Id',
          isQueryable: true,
          isReference: /ID$/.test(name) && name !== 'Id',
          referenceEntityType: '',
          isPickList: picklist !== undefined,
          picklistValues: (picklist ?? []).map((e, i) => ({
            value: e.value,
            label: e.label,
            isDefaultValue: e.isDefaultValue ?? false,
            sortOrder: e.sortOrder ?? i,
            parentValue: '',
            isActive: e.isActive ?? true,
            isSystem: e.isSystem ?? false,
          })),
          picklistParentValueField: '',
        };
      });
  }

  // ------------------------------------------------------------ helpers

  find(entity: AutotaskEntity, id: number): Row | undefined {
    return this.store[entity].find((row) => row['id'] === id);
  }

  private allocateId(entity: AutotaskEntity): number {
    const next = (this.nextIds.get(entity) ?? 0) + 1;
    this.nextIds.set(entity, next);
    return next;
  }

  private respondItem(entity: AutotaskEntity, row: Row): Reply {
    this.checkOwn(ENTITY_MODELS[entity], row);
    return { status: 200, body: { item: row } };
  }

  private respond(model: string, body: Row): Reply {
    this.checkOwn(model, body);
    return { status: 200, body };
  }

  /** The server's own answers must be swagger-shaped too: a fixture bug shows up as a violation. */
  private checkOwn(model: string, body: unknown): void {
    const problems = this.swagger.check(model, body);
    if (problems.length > 0) throw new Error(`the test server's own ${model} isn't swagger-shaped: ${problems.join('; ')}`);
  }
}

export async function startAutotaskServer(options: AutotaskServerOptions = {}): Promise<AutotaskServer> {
  const autotask = new AutotaskServer(options);
  autotask.server = await startContractServer('Autotask', autotask.handle);
  return autotask;
}

// ------------------------------------------------------------ pure helpers

/**
 * A stock tenant: Autotask's system statuses and priorities, a few queues, the
 * note picklists and action types. Picklist values are per tenant (psa-apis.md
 * §2 "Self-description"), so the queue ids are deliberately large and odd.
 */
function emptyStore(): AutotaskStore {
  return {
    Tickets: [],
    TicketNotes: [],
    CompanyNotes: [],
    Contacts: [],
    Companies: [],
    Resources: [],
    TicketAttachments: [],
    ActionTypes: [
      { id: 1, name: 'Phone Call', isActive: true, isSystemActionType: true, view: 1 },
      { id: 2, name: 'Meeting', isActive: true, isSystemActionType: true, view: 1 },
      { id: 3, name: 'General', isActive: true, isSystemActionType: true, view: 1 },
    ],
    picklists: {
      Tickets: {
        status: [
          { value: '1', label: 'New', isDefaultValue: true, isSystem: true },
          { value: '5', label: 'Complete', isSystem: true },
          { value: '7', label: 'Waiting Customer' },
          { value: '8', label: 'In Progress' },
          { value: '12', label: 'Waiting Vendor' },
        ],
        priority: [
          { value: '1', label: 'High' },
          { value: '2', label: 'Medium', isDefaultValue: true },
          { value: '3', label: 'Low' },
          { value: '4', label: 'Critical' },
        ],
        source: [
          { value: '4', label: 'Email' },
          { value: '2', label: 'Phone' },
          { value: '-2', label: 'Client Portal', isSystem: true },
        ],
        queueID: [
          { value: '29682833', label: 'Triage', isDefaultValue: true },
          { value: '29683481', label: 'Level I Support' },
          { value: '29683482', label: 'Level II Support' },
        ],
      },
      TicketNotes: {
        noteType: [
          { value: '1', label: 'Task Summary' },
          { value: '2', label: 'Task Detail' },
          { value: '3', label: 'Task Notes', isDefaultValue: true },
        ],
        publish: [
          { value: '1', label: 'All Autotask Users', isDefaultValue: true },
          { value: '2', label: 'Internal Project Team' },
          { value: '3', label: 'All' },
        ],
      },
    },
    required: {
      Tickets: ['companyID', 'title', 'status', 'priority'],
      TicketNotes: ['title', 'description', 'noteType', 'publish'],
      CompanyNotes: ['companyID', 'actionType', 'assignedResourceID', 'startDateTime', 'endDateTime'],
      TicketAttachments: ['attachmentType', 'title', 'fullPath', 'publish', 'data'],
    },
  };
}

function entityNamed(name: string | undefined): AutotaskEntity {
  const entity = (Object.keys(ENTITY_MODELS) as AutotaskEntity[]).find((e) => e.toLowerCase() === name?.toLowerCase());
  if (!entity) throw new ContractViolation(`entity "${name ?? ''}" is not one this Autotask server plays`, 404);
  return entity;
}

function parseJsonParam(value: string | null, name: string): unknown {
  if (value === null) throw new ContractViolation(`the "${name}" query parameter is required`);
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new ContractViolation(`the "${name}" query parameter isn't JSON`);
  }
}

function lowerKeys(row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v]));
}

/** PascalCase swagger name → camelCase wire name ("CompanyID" → "companyID", "Id" → "id"). */
export function wireName(swaggerName: string): string {
  return swaggerName.charAt(0).toLowerCase() + swaggerName.slice(1);
}

/** A lower-cased body back to the wire names the swagger model uses. */
function wireNames(model: string, body: Row, swagger: AutotaskSwagger): Row {
  const names = Object.keys((swagger.spec.definitions[model]?.['properties'] ?? {}) as Record<string, unknown>);
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [wireName(names.find((n) => n.toLowerCase() === k) ?? k), v]));
}

function project(row: Row, include: string[]): Row {
  if (include.length === 0) return row;
  const wanted = new Set(['id', ...include.map((f) => f.toLowerCase())]);
  return Object.fromEntries(Object.entries(row).filter(([k]) => wanted.has(k.toLowerCase())));
}

function dataType(schema: { type?: string; format?: string }): string {
  if (schema.format === 'date-time') return 'datetime';
  if (schema.type === 'integer') return schema.format === 'int64' ? 'long' : 'integer';
  if (schema.type === 'number') return 'double';
  return schema.type ?? 'string';
}

function invalid(message: string): Reply {
  // Autotask answers business-rule failures with 500 and {"errors":[…]} (WYRE-AI/msp-claude-plugins#32).
  return { status: 500, body: { errors: [message] } };
}
